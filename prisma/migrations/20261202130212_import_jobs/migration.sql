-- CreateTable
CREATE TABLE "import_job" (
    "id" UUID NOT NULL,
    "client_id" UUID NOT NULL,
    "jti" VARCHAR(64),
    "kind" VARCHAR(32) NOT NULL,
    "format" VARCHAR(8) NOT NULL,
    "status" VARCHAR(8) NOT NULL,
    "content" BYTEA,
    "read" INTEGER NOT NULL DEFAULT 0,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "rejects" JSONB,
    "error" VARCHAR(500),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "import_job_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "import_job_client_id_created_at_idx" ON "import_job"("client_id", "created_at");

-- AddForeignKey
ALTER TABLE "import_job" ADD CONSTRAINT "import_job_client_id_fkey" FOREIGN KEY ("client_id") REFERENCES "client"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
