-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Gender" AS ENUM ('MALE', 'FEMALE');

-- CreateEnum
CREATE TYPE "Residence" AS ENUM ('RURAL', 'URBAN');

-- CreateEnum
CREATE TYPE "AssistanceCategory" AS ENUM ('EXTREME_POVERTY', 'ORPHAN', 'MINIMUM_LIVING', 'LOW_INCOME_MARGINAL', 'ILLNESS_POVERTY', 'RETURNED_TO_POVERTY', 'AT_RISK_MONITORED', 'LIFTED_OUT_OF_POVERTY', 'DISTRESSED_CHILD', 'OTHER_SPECIAL');

-- CreateEnum
CREATE TYPE "Agency" AS ENUM ('MEDICAL_INSURANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION', 'FINANCE', 'HEALTH', 'CHARITY', 'INSURER', 'ANALYST', 'AUDITOR', 'HUB_ADMIN');

-- CreateEnum
CREATE TYPE "Scheme" AS ENUM ('RESIDENT', 'EMPLOYEE');

-- CreateEnum
CREATE TYPE "EnrollmentStatus" AS ENUM ('ENROLLED', 'SUSPENDED', 'TERMINATED');

-- CreateEnum
CREATE TYPE "VisitType" AS ENUM ('INPATIENT', 'OUTPATIENT_CHRONIC', 'OUTPATIENT_SPECIAL_DRUG');

-- CreateEnum
CREATE TYPE "Referral" AS ENUM ('LOCAL', 'REFERRED', 'UNREFERRED');

-- CreateTable
CREATE TABLE "household" (
    "id" UUID NOT NULL,
    "region_code" VARCHAR(6) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "household_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "person" (
    "id" UUID NOT NULL,
    "id_number" CHAR(18) NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "gender" "Gender" NOT NULL,
    "birth_date" DATE NOT NULL,
    "residence" "Residence" NOT NULL,
    "region_code" VARCHAR(6) NOT NULL,
    "phone" VARCHAR(20),
    "household_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "household_status" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "category" "AssistanceCategory" NOT NULL,
    "class" SMALLINT,
    "certified_by" "Agency" NOT NULL,
    "document_no" VARCHAR(64),
    "valid_from" DATE NOT NULL,
    "valid_to" DATE,
    "transition_until" DATE,
    "retroactive" BOOLEAN NOT NULL DEFAULT false,
    "revoked_at" TIMESTAMPTZ(3),
    "revoke_reason" VARCHAR(200),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "household_status_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "enrollment" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "year" SMALLINT NOT NULL,
    "scheme" "Scheme" NOT NULL,
    "status" "EnrollmentStatus" NOT NULL,
    "personal_contribution" DECIMAL(14,2),
    "subsidy_amount" DECIMAL(14,2),
    "subsidy_category" "AssistanceCategory",
    "rule_set" VARCHAR(32),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "enrollment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "benefit_record" (
    "id" UUID NOT NULL,
    "claim_id" VARCHAR(64) NOT NULL,
    "person_id" UUID NOT NULL,
    "service_date" DATE NOT NULL,
    "year" SMALLINT NOT NULL,
    "visit_type" "VisitType" NOT NULL,
    "referral" "Referral" NOT NULL,
    "in_province" BOOLEAN NOT NULL,
    "provider_code" VARCHAR(32),
    "diagnosis" VARCHAR(16),
    "total_cost" DECIMAL(14,2) NOT NULL,
    "in_policy_cost" DECIMAL(14,2) NOT NULL,
    "basic_paid" DECIMAL(14,2) NOT NULL,
    "critical_paid" DECIMAL(14,2) NOT NULL,
    "other_paid" DECIMAL(14,2) NOT NULL,
    "assistance_paid" DECIMAL(14,2) NOT NULL,
    "tilt_paid" DECIMAL(14,2) NOT NULL,
    "out_of_pocket" DECIMAL(14,2) NOT NULL,
    "rule_set" VARCHAR(32),
    "category" "AssistanceCategory",
    "explanation" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "benefit_record_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "household_region_code_idx" ON "household"("region_code");

-- CreateIndex
CREATE UNIQUE INDEX "person_id_number_key" ON "person"("id_number");

-- CreateIndex
CREATE INDEX "person_household_id_idx" ON "person"("household_id");

-- CreateIndex
CREATE INDEX "person_region_code_id_idx" ON "person"("region_code", "id");

-- CreateIndex
CREATE INDEX "household_status_person_id_valid_from_idx" ON "household_status"("person_id", "valid_from");

-- CreateIndex
CREATE INDEX "household_status_category_valid_from_valid_to_idx" ON "household_status"("category", "valid_from", "valid_to");

-- CreateIndex
CREATE UNIQUE INDEX "enrollment_person_id_year_scheme_key" ON "enrollment"("person_id", "year", "scheme");

-- CreateIndex
CREATE UNIQUE INDEX "benefit_record_claim_id_key" ON "benefit_record"("claim_id");

-- CreateIndex
CREATE INDEX "benefit_record_person_id_year_service_date_idx" ON "benefit_record"("person_id", "year", "service_date");

-- AddForeignKey
ALTER TABLE "person" ADD CONSTRAINT "person_household_id_fkey" FOREIGN KEY ("household_id") REFERENCES "household"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "household_status" ADD CONSTRAINT "household_status_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrollment" ADD CONSTRAINT "enrollment_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "benefit_record" ADD CONSTRAINT "benefit_record_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
