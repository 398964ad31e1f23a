-- A per-visit alert is one per claim, and a claim id is unique only within its jurisdiction (claim_ids_per_jurisdiction):
-- its dedupe key becomes rule:jurisdiction:claim id, so that the same id settled in two jurisdictions raises two alerts.
-- Data only (no schema change): the keys of alerts already raised follow, so that a re-run of monitoring does not raise
-- them again under the new form.
UPDATE "alert" a SET "dedupe_key" = a."rule" || ':' || b."claim_jurisdiction" || ':' || b."claim_id"
  FROM "benefit_record" b
  WHERE b."id" = a."benefit_id" AND a."dedupe_key" = a."rule" || ':' || b."claim_id";
