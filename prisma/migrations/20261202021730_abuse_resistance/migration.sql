-- AlterTable
ALTER TABLE "client" ADD COLUMN     "limits" JSONB;

-- CreateTable
CREATE TABLE "rate_counter" (
    "key" VARCHAR(120) NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "hits" INTEGER NOT NULL,

    CONSTRAINT "rate_counter_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "trusted_document" (
    "client_id" UUID NOT NULL,
    "id" VARCHAR(71) NOT NULL,
    "body" TEXT NOT NULL,
    "operation_name" VARCHAR(200),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trusted_document_pkey" PRIMARY KEY ("client_id","id")
);

-- AddForeignKey
ALTER TABLE "trusted_document" ADD CONSTRAINT "trusted_document_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "client"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
