-- CreateTable
CREATE TABLE "stat_person_month" (
    "year" SMALLINT NOT NULL,
    "month" SMALLINT NOT NULL,
    "region" VARCHAR(6) NOT NULL,
    "rural" BOOLEAN NOT NULL,
    "category" VARCHAR(32) NOT NULL,
    "enrolled" BOOLEAN NOT NULL,
    "subsidised" BOOLEAN NOT NULL,
    "persons" INTEGER NOT NULL,

    CONSTRAINT "stat_person_month_pkey" PRIMARY KEY ("year","month","region","rural","category","enrolled","subsidised")
);

-- CreateTable
CREATE TABLE "stat_person_year" (
    "year" SMALLINT NOT NULL,

    CONSTRAINT "stat_person_year_pkey" PRIMARY KEY ("year")
);

-- The PERSON group's summary (issue 13): what stat_person_apply_sql() adds (sign $1) for some persons ($2; NULL:
-- everyone) and years ($3), computed from the person, enrollment and household-status relations named (the tables, or a
-- trigger's image of one before its change): each person once per month-end of each year, with the first category
-- (enum order) active on that day as statistics.repository's ACTIVE_ON reads it, and the year's enrollment.
CREATE FUNCTION stat_person_apply_sql(person_rel text, enrollment_rel text, status_rel text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
SELECT format($sql$
WITH p AS MATERIALIZED (
  SELECT id, left(region_code, 6) AS region, residence = 'RURAL' AS rural FROM %1$s p WHERE $2::uuid[] IS NULL OR id = ANY($2)
), ym AS MATERIALIZED (
  SELECT y AS year, m AS month, (make_date(y, m, 1) + interval '1 month' - interval '1 day')::date AS d
  FROM unnest($3::int[]) y CROSS JOIN generate_series(1, 12) m
), e AS MATERIALIZED (
  SELECT person_id, year, bool_or(coalesce(subsidy_amount, 0) > 0) AS subsidised FROM %2$s
  WHERE status = 'ENROLLED' AND year = ANY($3::int[]) AND ($2::uuid[] IS NULL OR person_id = ANY($2))
  GROUP BY person_id, year
), c AS MATERIALIZED (
  SELECT s.person_id, ym.year, ym.month, min(s.category)::text AS category
  FROM %3$s s JOIN ym ON s.valid_from <= ym.d
    AND (s.valid_to IS NULL OR s.valid_to >= ym.d OR s.transition_until >= ym.d)
    AND (s.revoked_at IS NULL OR s.revoked_at >= ym.d + 1)
  WHERE $2::uuid[] IS NULL OR s.person_id = ANY($2)
  GROUP BY s.person_id, ym.year, ym.month
)
INSERT INTO stat_person_month AS t (year, month, region, rural, category, enrolled, subsidised, persons)
SELECT ym.year, ym.month, p.region, p.rural, coalesce(c.category, 'NONE'), e.person_id IS NOT NULL, coalesce(e.subsidised, false),
  $1 * count(*)
FROM p CROSS JOIN ym
  LEFT JOIN c ON c.person_id = p.id AND c.year = ym.year AND c.month = ym.month
  LEFT JOIN e ON e.person_id = p.id AND e.year = ym.year
GROUP BY 1, 2, 3, 4, 5, 6, 7
ORDER BY 1, 2, 3, 4, 5, 6, 7
ON CONFLICT (year, month, region, rural, category, enrolled, subsidised) DO UPDATE SET persons = t.persons + excluded.persons
$sql$, person_rel, enrollment_rel, status_rel)
$fn$;

CREATE OR REPLACE FUNCTION stat_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM stat_amount;
  DELETE FROM stat_persons;
  EXECUTE stat_apply_sql('person', 'benefit_record', 'charity_aid', 'commercial_claim', 'enrollment', 'household_status')
    USING 1, NULL::uuid[];
  DELETE FROM stat_amount WHERE records = 0 AND assistance = 0 AND tilt = 0 AND oop = 0 AND covered = 0 AND insured = 0
    AND in_policy = 0 AND total_cost = 0 AND subsidy = 0;
  DELETE FROM stat_persons WHERE persons = 0;
  DELETE FROM stat_person_month;
  DELETE FROM stat_person_year;
  INSERT INTO stat_person_year (year) SELECT DISTINCT year FROM enrollment;
  EXECUTE stat_person_apply_sql('person', 'enrollment', 'household_status')
    USING 1, NULL::uuid[], (SELECT coalesce(array_agg(year::int), '{}') FROM stat_person_year);
  DELETE FROM stat_person_month WHERE persons = 0;
END
$fn$;

CREATE OR REPLACE FUNCTION stat_maintain() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  key text := CASE WHEN TG_TABLE_NAME = 'person' THEN 'id' ELSE 'person_id' END;
  ids uuid[];
  changed text;
  rels text[] := ARRAY['person', 'benefit_record', 'charity_aid', 'commercial_claim', 'enrollment', 'household_status'];
  before text[];
  years int[];
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
  EXECUTE stat_apply_sql(before[1], before[2], before[3], before[4], before[5], before[6]) USING -1, ids;
  EXECUTE stat_apply_sql(rels[1], rels[2], rels[3], rels[4], rels[5], rels[6]) USING 1, ids;
  IF TG_TABLE_NAME IN ('person', 'enrollment', 'household_status') THEN
    -- FOR SHARE: a year being added (stat_add_years) waits for this transaction, and this one for it.
    SELECT coalesce(array_agg(year::int), '{}') INTO years FROM (SELECT year FROM stat_person_year FOR SHARE) y;
    EXECUTE stat_person_apply_sql(before[1], before[5], before[6]) USING -1, ids, years;
    EXECUTE stat_person_apply_sql(rels[1], rels[5], rels[6]) USING 1, ids, years;
  END IF;
  RETURN NULL;
END
$fn$;

-- Adds years to stat_person_month, built from the rows for everyone: a new year is counted from the rows until then
-- (not built inside a write, which at a million persons would outlast the statement timeout). EXCLUSIVE waits for the
-- writers that read the years before (their triggers hold FOR SHARE) and holds back the next until the year is built.
CREATE FUNCTION stat_add_years(wanted int[]) RETURNS int[] LANGUAGE plpgsql AS $fn$
DECLARE
  fresh int[];
BEGIN
  LOCK TABLE stat_person_year IN EXCLUSIVE MODE;
  SELECT coalesce(array_agg(DISTINCT y), '{}') INTO fresh FROM unnest(wanted) y WHERE y NOT IN (SELECT year FROM stat_person_year);
  IF cardinality(fresh) > 0 THEN
    INSERT INTO stat_person_year (year) SELECT unnest(fresh);
    EXECUTE stat_person_apply_sql('person', 'enrollment', 'household_status') USING 1, NULL::uuid[], fresh;
  END IF;
  RETURN fresh;
END
$fn$;

SELECT stat_rebuild();
