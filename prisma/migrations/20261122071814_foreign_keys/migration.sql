-- AddForeignKey
ALTER TABLE "benefit_record" ADD CONSTRAINT "benefit_record_reverses_id_fkey" FOREIGN KEY ("reverses_id") REFERENCES "benefit_record"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_delivery" ADD CONSTRAINT "webhook_delivery_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alert"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
