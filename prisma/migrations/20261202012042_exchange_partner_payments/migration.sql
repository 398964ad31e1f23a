-- CreateTable
CREATE TABLE "charity_aid" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "client_id" UUID NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "paid_on" DATE NOT NULL,
    "reference" VARCHAR(64) NOT NULL,
    "claim_id" VARCHAR(64),
    "note" VARCHAR(500),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "charity_aid_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "commercial_claim" (
    "id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "client_id" UUID NOT NULL,
    "claim_reference" VARCHAR(64) NOT NULL,
    "paid_on" DATE NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "related_claim_id" VARCHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "commercial_claim_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "charity_aid_person_id_paid_on_idx" ON "charity_aid"("person_id", "paid_on");

-- CreateIndex
CREATE UNIQUE INDEX "charity_aid_client_id_reference_key" ON "charity_aid"("client_id", "reference");

-- CreateIndex
CREATE INDEX "commercial_claim_person_id_paid_on_idx" ON "commercial_claim"("person_id", "paid_on");

-- CreateIndex
CREATE UNIQUE INDEX "commercial_claim_client_id_claim_reference_key" ON "commercial_claim"("client_id", "claim_reference");

-- AddForeignKey
ALTER TABLE "charity_aid" ADD CONSTRAINT "charity_aid_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "commercial_claim" ADD CONSTRAINT "commercial_claim_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
