-- CreateEnum
CREATE TYPE "ApplicationStatus" AS ENUM ('SUBMITTED', 'APPROVED', 'REJECTED');

-- CreateTable
CREATE TABLE "assistance_application" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "category" "AssistanceCategory" NOT NULL,
    "period_from" DATE NOT NULL,
    "period_to" DATE,
    "reason" VARCHAR(500),
    "status" "ApplicationStatus" NOT NULL DEFAULT 'SUBMITTED',
    "submitted_by" "Agency" NOT NULL,
    "submitted_by_client_id" UUID NOT NULL,
    "deciding_agency" "Agency" NOT NULL,
    "decided_by_client_id" UUID,
    "decision_note" VARCHAR(1000),
    "decided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assistance_application_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "assistance_application_person_id_category_status_idx" ON "assistance_application"("person_id", "category", "status");

-- CreateIndex
CREATE INDEX "assistance_application_deciding_agency_status_idx" ON "assistance_application"("deciding_agency", "status");

-- AddForeignKey
ALTER TABLE "assistance_application" ADD CONSTRAINT "assistance_application_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
