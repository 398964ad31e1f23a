-- AlterTable
ALTER TABLE "hub_event" ADD COLUMN     "batch_id" UUID;

-- CreateIndex
CREATE INDEX "hub_event_batch_id_idx" ON "hub_event"("batch_id");
