-- A change of household_status (a bulk import's batch of certifications) recomputed both statistics summaries for every
-- person it touched, over all their benefit records and every year; what a status row can change is narrower:
-- * stat_amount/stat_persons (stat_apply_sql) read the statuses only for the month a subsidised enrollment's category
--   began (its `sub` part): only persons with an enrollment subsidised in the category of a changed row are recomputed;
-- * stat_person_month reads them for the month-ends they cover: only the years from the earliest changed row's first
--   year to its latest's last (open-ended: every later year) are recomputed.
-- Rows outside these contribute the same before and after the change: taking them out and in again changed nothing.
CREATE OR REPLACE FUNCTION stat_maintain() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  key text := CASE WHEN TG_TABLE_NAME = 'person' THEN 'id' ELSE 'person_id' END;
  ids uuid[];
  amount_ids uuid[];
  changed text;
  rels text[] := ARRAY['person', 'benefit_record', 'charity_aid', 'commercial_claim', 'enrollment', 'household_status'];
  before text[];
  years int[];
  span int[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('SELECT array_agg(DISTINCT %I) FROM new_rows', key) INTO ids;
    changed := format('(SELECT * FROM %I t WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = t.id))', TG_TABLE_NAME);
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE format('SELECT array_agg(DISTINCT %I) FROM old_rows', key) INTO ids;
    changed := format('(SELECT * FROM %I UNION ALL SELECT * FROM old_rows)', TG_TABLE_NAME);
  ELSE
    EXECUTE format('SELECT array_agg(DISTINCT k) FROM (SELECT %1$I AS k FROM new_rows UNION SELECT %1$I FROM old_rows) x', key) INTO ids;
    changed := format('(SELECT * FROM %I t WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = t.id) UNION ALL SELECT * FROM old_rows)',
                      TG_TABLE_NAME);
  END IF;
  IF ids IS NULL THEN RETURN NULL; END IF;
  before := rels;
  before[array_position(rels, TG_TABLE_NAME::text)] := changed;
  amount_ids := ids;
  IF TG_TABLE_NAME = 'household_status' THEN
    -- The changed rows (both images of an update): the subsidised enrollments of their persons and categories; their years.
    EXECUTE format($q$
      WITH c AS (SELECT person_id, category, valid_from, valid_to, transition_until, revoked_at FROM %s)
      SELECT (SELECT array_agg(DISTINCT e.person_id) FROM enrollment e JOIN c ON c.person_id = e.person_id AND c.category = e.subsidy_category
              WHERE coalesce(e.subsidy_amount, 0) > 0),
             ARRAY[(SELECT min(extract(year FROM valid_from))::int FROM c),
                   (SELECT CASE WHEN bool_or(valid_to IS NULL) THEN NULL
                           ELSE max(extract(year FROM greatest(valid_to, transition_until)))::int END FROM c)]$q$,
      CASE TG_OP WHEN 'INSERT' THEN 'new_rows' WHEN 'DELETE' THEN 'old_rows'
                 ELSE '(SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows)' END)
      INTO amount_ids, span;
  END IF;
  IF amount_ids IS NOT NULL THEN
    EXECUTE stat_apply_sql(before[1], before[2], before[3], before[4], before[5], before[6]) USING -1, amount_ids;
    EXECUTE stat_apply_sql(rels[1], rels[2], rels[3], rels[4], rels[5], rels[6]) USING 1, amount_ids;
  END IF;
  IF TG_TABLE_NAME IN ('person', 'enrollment', 'household_status') THEN
    -- FOR SHARE: a year being added (stat_add_years) waits for this transaction, and this one for it.
    SELECT coalesce(array_agg(year::int), '{}') INTO years FROM (SELECT year FROM stat_person_year FOR SHARE) y
      WHERE span IS NULL OR (year >= span[1] AND (span[2] IS NULL OR year <= span[2]));
    IF cardinality(years) > 0 THEN
      EXECUTE stat_person_apply_sql(before[1], before[5], before[6]) USING -1, ids, years;
      EXECUTE stat_person_apply_sql(rels[1], rels[5], rels[6]) USING 1, ids, years;
    END IF;
  END IF;
  RETURN NULL;
END
$fn$;
