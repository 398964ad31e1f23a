-- CreateTable
CREATE TABLE "subsidy_decision" (
    "id" UUID NOT NULL,
    "enrollment_id" UUID NOT NULL,
    "status_id" UUID NOT NULL,
    "decided_on" DATE NOT NULL,
    "previous_amount" DECIMAL(14,2) NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "difference" DECIMAL(14,2) NOT NULL,
    "category" "AssistanceCategory" NOT NULL,
    "rule_set" VARCHAR(32) NOT NULL,
    "explanation" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subsidy_decision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "subsidy_decision_status_id_idx" ON "subsidy_decision"("status_id");

-- CreateIndex
CREATE UNIQUE INDEX "subsidy_decision_enrollment_id_status_id_key" ON "subsidy_decision"("enrollment_id", "status_id");

-- AddForeignKey
ALTER TABLE "subsidy_decision" ADD CONSTRAINT "subsidy_decision_enrollment_id_fkey" FOREIGN KEY ("enrollment_id") REFERENCES "enrollment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subsidy_decision" ADD CONSTRAINT "subsidy_decision_status_id_fkey" FOREIGN KEY ("status_id") REFERENCES "household_status"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
