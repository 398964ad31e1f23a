-- AddForeignKey
ALTER TABLE "webhook" ADD CONSTRAINT "webhook_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "client"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
