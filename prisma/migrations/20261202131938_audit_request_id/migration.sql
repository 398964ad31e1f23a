-- AlterTable
ALTER TABLE "audit_entry" ADD COLUMN     "request_id" VARCHAR(128);
