-- DropIndex
DROP INDEX "benefit_record_claim_id_kind_key";

-- AlterTable
ALTER TABLE "benefit_record" ADD COLUMN     "claim_jurisdiction" VARCHAR(6) NOT NULL DEFAULT '';

-- Claims the hub settled move to the namespace of the client that settled them (issue #10: claim ids are each
-- settlement system's own); loaded claims (the seeder's) to their person's city, the pooling region whose system
-- numbered them, as the seeder now stores them. The records stay append-only for the hub's role: only this owner's
-- migration, in its own transaction, lifts the trigger for the one backfill of a column that did not exist.
ALTER TABLE "benefit_record" DISABLE TRIGGER "benefit_record_append_only";
UPDATE "benefit_record" b SET "claim_jurisdiction" = c."jurisdiction"
  FROM "client" c WHERE c."id" = b."settled_by_client_id" AND c."jurisdiction" <> '';
UPDATE "benefit_record" b SET "claim_jurisdiction" = left(p."region_code", 4)
  FROM "person" p WHERE p."id" = b."person_id" AND b."settled_by_client_id" IS NULL;
ALTER TABLE "benefit_record" ENABLE TRIGGER "benefit_record_append_only";

-- CreateIndex
CREATE UNIQUE INDEX "benefit_record_claim_jurisdiction_claim_id_kind_key" ON "benefit_record"("claim_jurisdiction", "claim_id", "kind");
