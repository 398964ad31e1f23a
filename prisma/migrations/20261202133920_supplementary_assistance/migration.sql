-- AlterEnum
ALTER TYPE "BenefitKind" ADD VALUE 'SUPPLEMENT';

-- AlterTable
ALTER TABLE "benefit_record" ADD COLUMN     "certification_id" UUID,
ADD COLUMN     "supplements_id" UUID;

-- CreateIndex
CREATE UNIQUE INDEX "benefit_record_supplements_id_certification_id_key" ON "benefit_record"("supplements_id", "certification_id");

-- AddForeignKey
ALTER TABLE "benefit_record" ADD CONSTRAINT "benefit_record_supplements_id_fkey" FOREIGN KEY ("supplements_id") REFERENCES "benefit_record"("id") ON DELETE SET NULL ON UPDATE CASCADE;
