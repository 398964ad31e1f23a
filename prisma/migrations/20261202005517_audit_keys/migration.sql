-- AlterTable
ALTER TABLE "audit_entry" ADD COLUMN     "address" VARCHAR(64),
ADD COLUMN     "event" VARCHAR(40),
ADD COLUMN     "jurisdiction" VARCHAR(6),
ADD COLUMN     "key_id" VARCHAR(64);
