-- CreateEnum
CREATE TYPE "FundLevel" AS ENUM ('CENTRAL', 'PROVINCIAL', 'CITY', 'COUNTY');

-- CreateTable
CREATE TABLE "statistics_release" (
    "id" UUID NOT NULL,
    "client_id" UUID NOT NULL,
    "agency" "Agency" NOT NULL,
    "request" JSONB NOT NULL,
    "method" TEXT NOT NULL,
    "cells" JSONB NOT NULL,
    "digest" CHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "statistics_release_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fund_inflow" (
    "id" UUID NOT NULL,
    "region_code" VARCHAR(6) NOT NULL,
    "year" SMALLINT NOT NULL,
    "month" SMALLINT NOT NULL,
    "level" "FundLevel" NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "document_no" VARCHAR(64),
    "reference" VARCHAR(100) NOT NULL,
    "recorded_by_client_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fund_inflow_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "statistics_release_client_id_created_at_idx" ON "statistics_release"("client_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "fund_inflow_reference_key" ON "fund_inflow"("reference");

-- CreateIndex
CREATE INDEX "fund_inflow_region_code_year_month_idx" ON "fund_inflow"("region_code", "year", "month");

-- Allocations are positive amounts of a calendar month.
ALTER TABLE "fund_inflow" ADD CONSTRAINT "fund_inflow_month_check" CHECK ("month" BETWEEN 1 AND 12);
ALTER TABLE "fund_inflow" ADD CONSTRAINT "fund_inflow_amount_check" CHECK ("amount" > 0);
