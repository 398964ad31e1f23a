-- DropForeignKey
ALTER TABLE "webhook_delivery" DROP CONSTRAINT "webhook_delivery_alert_id_fkey";

-- AlterTable
ALTER TABLE "webhook_delivery" ADD COLUMN     "event_id" UUID,
ALTER COLUMN "alert_id" DROP NOT NULL;

-- CreateTable
CREATE TABLE "hub_event" (
    "id" UUID NOT NULL,
    "kind" VARCHAR(40) NOT NULL,
    "person_id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "targets" "Agency"[],
    "target_client_id" UUID,
    "purpose" "Purpose" NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "hub_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "hub_event_person_id_idx" ON "hub_event"("person_id");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_delivery_webhook_id_event_id_key" ON "webhook_delivery"("webhook_id", "event_id");

-- AddForeignKey
ALTER TABLE "webhook_delivery" ADD CONSTRAINT "webhook_delivery_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alert"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_delivery" ADD CONSTRAINT "webhook_delivery_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "hub_event"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hub_event" ADD CONSTRAINT "hub_event_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A delivery carries an alert or an event, never both, never neither.
ALTER TABLE "webhook_delivery" ADD CONSTRAINT "webhook_delivery_one_subject" CHECK (num_nonnulls("alert_id", "event_id") = 1);
