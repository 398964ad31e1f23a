-- CreateEnum
CREATE TYPE "Purpose" AS ENUM ('SETTLEMENT', 'ASSISTANCE_ELIGIBILITY', 'MONITORING_FOLLOW_UP', 'CHARITY_AID', 'CLAIM_COORDINATION', 'FUND_SUPERVISION', 'POLICY_EVALUATION', 'AUDIT');

-- CreateEnum
CREATE TYPE "ClientStatus" AS ENUM ('ACTIVE', 'DISABLED');

-- CreateTable
CREATE TABLE "client" (
    "id" UUID NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "agency" "Agency" NOT NULL,
    "jurisdiction" VARCHAR(6) NOT NULL,
    "purposes" "Purpose"[],
    "status" "ClientStatus" NOT NULL DEFAULT 'ACTIVE',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMPTZ(3),

    CONSTRAINT "client_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "client_secret" (
    "id" UUID NOT NULL,
    "client_id" UUID NOT NULL,
    "hash" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "client_secret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "revoked_token" (
    "jti" VARCHAR(64) NOT NULL,
    "client_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "revoked_token_pkey" PRIMARY KEY ("jti")
);

-- CreateTable
CREATE TABLE "charity_referral" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "client_id" UUID NOT NULL,
    "purpose" "Purpose" NOT NULL,
    "valid_from" DATE NOT NULL,
    "valid_to" DATE,
    "revoked_at" TIMESTAMPTZ(3),
    "created_by_client_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "charity_referral_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consent" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "client_id" UUID NOT NULL,
    "purpose" "Purpose" NOT NULL,
    "valid_from" DATE NOT NULL,
    "valid_to" DATE,
    "revoked_at" TIMESTAMPTZ(3),
    "created_by_client_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_entry" (
    "seq" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "client_id" UUID,
    "agency" "Agency",
    "jti" VARCHAR(64),
    "purpose" "Purpose",
    "operation_name" VARCHAR(200),
    "document_hash" CHAR(64),
    "person_ids" UUID[],
    "fields" TEXT[],
    "outcome" VARCHAR(20) NOT NULL,
    "error" VARCHAR(500),
    "prev_hash" CHAR(64) NOT NULL,
    "hash" CHAR(64) NOT NULL,

    CONSTRAINT "audit_entry_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "client_secret_client_id_idx" ON "client_secret"("client_id");

-- CreateIndex
CREATE INDEX "charity_referral_client_id_person_id_idx" ON "charity_referral"("client_id", "person_id");

-- CreateIndex
CREATE INDEX "consent_client_id_person_id_idx" ON "consent"("client_id", "person_id");

-- CreateIndex
CREATE INDEX "audit_entry_at_idx" ON "audit_entry"("at");

-- AddForeignKey
ALTER TABLE "client_secret" ADD CONSTRAINT "client_secret_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "client"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "charity_referral" ADD CONSTRAINT "charity_referral_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "charity_referral" ADD CONSTRAINT "charity_referral_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "client"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "consent" ADD CONSTRAINT "consent_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "consent" ADD CONSTRAINT "consent_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "client"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
