-- CreateEnum
CREATE TYPE "BenefitKind" AS ENUM ('SETTLEMENT', 'REVERSAL');

-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('RAISED', 'DELIVERED', 'UNDER_REVIEW', 'CLOSED');

-- CreateEnum
CREATE TYPE "AlertOutcome" AS ENUM ('INCLUDED_IN_ASSISTANCE', 'REFERRED_TO_CHARITY', 'NO_ACTION');

-- DropIndex
DROP INDEX "benefit_record_claim_id_key";

-- AlterTable
ALTER TABLE "benefit_record" ADD COLUMN     "class" SMALLINT,
ADD COLUMN     "input_hash" CHAR(64),
ADD COLUMN     "kind" "BenefitKind" NOT NULL DEFAULT 'SETTLEMENT',
ADD COLUMN     "provider_borne" DECIMAL(14,2) NOT NULL DEFAULT 0,
ADD COLUMN     "reason" VARCHAR(200),
ADD COLUMN     "region_config_id" UUID,
ADD COLUMN     "reverses_id" UUID,
ADD COLUMN     "rule_set_version" SMALLINT,
ADD COLUMN     "settled_by_client_id" UUID,
ADD COLUMN     "threshold_applied" DECIMAL(14,2) NOT NULL DEFAULT 0,
ADD COLUMN     "tilt_base" DECIMAL(14,2) NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "region_config" (
    "id" UUID NOT NULL,
    "region_code" VARCHAR(6) NOT NULL,
    "year" SMALLINT NOT NULL,
    "effective_from" DATE NOT NULL,
    "parameters" JSONB NOT NULL,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "note" VARCHAR(500),
    "set_by_client_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "region_config_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "rule" VARCHAR(64) NOT NULL,
    "rule_set" VARCHAR(32) NOT NULL,
    "citation" VARCHAR(300) NOT NULL,
    "measure" VARCHAR(40) NOT NULL,
    "threshold" DECIMAL(14,2) NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "targets" "Agency"[],
    "year" SMALLINT NOT NULL,
    "month" CHAR(7) NOT NULL,
    "benefit_id" UUID,
    "dedupe_key" VARCHAR(200) NOT NULL,
    "status" "AlertStatus" NOT NULL DEFAULT 'RAISED',
    "outcome" "AlertOutcome",
    "note" VARCHAR(1000),
    "handled_by_client_id" UUID,
    "handled_at" TIMESTAMPTZ(3),
    "raised_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "region_config_region_code_year_effective_from_idx" ON "region_config"("region_code", "year", "effective_from");

-- CreateIndex
CREATE UNIQUE INDEX "alert_dedupe_key_key" ON "alert"("dedupe_key");

-- CreateIndex
CREATE INDEX "alert_person_id_idx" ON "alert"("person_id");

-- CreateIndex
CREATE INDEX "alert_month_status_idx" ON "alert"("month", "status");

-- CreateIndex
CREATE UNIQUE INDEX "benefit_record_reverses_id_key" ON "benefit_record"("reverses_id");

-- CreateIndex
CREATE UNIQUE INDEX "benefit_record_claim_id_kind_key" ON "benefit_record"("claim_id", "kind");

-- AddForeignKey
ALTER TABLE "alert" ADD CONSTRAINT "alert_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert" ADD CONSTRAINT "alert_benefit_id_fkey" FOREIGN KEY ("benefit_id") REFERENCES "benefit_record"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Settled records are never edited: a correction is a reversal record (hand-written, not generated).
CREATE OR REPLACE FUNCTION benefit_record_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'benefit_record is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'correct a settlement with reverseClaim, never by editing it';
END;
$$;

CREATE OR REPLACE TRIGGER benefit_record_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON benefit_record
  FOR EACH STATEMENT EXECUTE FUNCTION benefit_record_append_only();
