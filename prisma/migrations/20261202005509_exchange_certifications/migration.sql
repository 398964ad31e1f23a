-- AlterTable
ALTER TABLE "household_status" ADD COLUMN     "certified_by_client_id" UUID,
ADD COLUMN     "revoked_by_client_id" UUID,
ADD COLUMN     "supersedes_id" UUID;

-- CreateTable
CREATE TABLE "person_change" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "field" VARCHAR(20) NOT NULL,
    "before" VARCHAR(64),
    "after" VARCHAR(64),
    "client_id" UUID,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "person_change_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "person_change_person_id_at_idx" ON "person_change"("person_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "household_status_supersedes_id_key" ON "household_status"("supersedes_id");

-- CreateIndex
CREATE INDEX "household_status_certified_by_document_no_idx" ON "household_status"("certified_by", "document_no");

-- AddForeignKey
ALTER TABLE "household_status" ADD CONSTRAINT "household_status_supersedes_id_fkey" FOREIGN KEY ("supersedes_id") REFERENCES "household_status"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "person_change" ADD CONSTRAINT "person_change_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
