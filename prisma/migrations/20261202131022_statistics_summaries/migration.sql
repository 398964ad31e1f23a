-- CreateTable
CREATE TABLE "stat_amount" (
    "source" CHAR(1) NOT NULL,
    "year" SMALLINT NOT NULL,
    "region" VARCHAR(6) NOT NULL,
    "rural" BOOLEAN NOT NULL,
    "category" VARCHAR(32) NOT NULL,
    "visit_type" VARCHAR(32) NOT NULL,
    "month" SMALLINT NOT NULL,
    "from_month" SMALLINT NOT NULL,
    "records" INTEGER NOT NULL,
    "assistance" DECIMAL(16,2) NOT NULL,
    "tilt" DECIMAL(16,2) NOT NULL,
    "oop" DECIMAL(16,2) NOT NULL,
    "covered" DECIMAL(16,2) NOT NULL,
    "insured" DECIMAL(16,2) NOT NULL,
    "in_policy" DECIMAL(16,2) NOT NULL,
    "total_cost" DECIMAL(16,2) NOT NULL,
    "subsidy" DECIMAL(16,2) NOT NULL,

    CONSTRAINT "stat_amount_pkey" PRIMARY KEY ("source","year","region","rural","category","visit_type","month","from_month")
);

-- CreateTable
CREATE TABLE "stat_persons" (
    "year" SMALLINT NOT NULL,
    "region" VARCHAR(6) NOT NULL,
    "rural" BOOLEAN NOT NULL,
    "condition" VARCHAR(16) NOT NULL,
    "dimension" VARCHAR(16) NOT NULL,
    "value" VARCHAR(32) NOT NULL,
    "from_month" SMALLINT NOT NULL,
    "persons" INTEGER NOT NULL,

    CONSTRAINT "stat_persons_pkey" PRIMARY KEY ("year","condition","dimension","region","rural","value","from_month")
);

-- Statistics summaries (issue 13), kept current by triggers. stat_apply_sql() writes the statement that adds (sign 1)
-- or takes away (sign -1) the contribution of some persons (ids; NULL: everyone) to both summaries, computed from the
-- six source relations named in its arguments: the tables themselves, or a trigger's image of one before its change.
-- A person's contribution depends on that person's rows only, so a change is applied as: the changed persons'
-- contribution before the change out, their contribution after it in.
CREATE FUNCTION stat_apply_sql(person_rel text, benefit_rel text, charity_rel text, commercial_rel text,
                               enrollment_rel text, status_rel text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
SELECT format($sql$
WITH p AS MATERIALIZED (
  SELECT id, left(region_code, 6) AS region, residence = 'RURAL' AS rural FROM %1$s p WHERE $2::uuid[] IS NULL OR id = ANY($2)
), partner AS MATERIALIZED (
  SELECT person_id, claim_id AS claim, paid_on, amount FROM %3$s WHERE claim_id IS NOT NULL AND ($2::uuid[] IS NULL OR person_id = ANY($2))
  UNION ALL
  SELECT person_id, related_claim_id, paid_on, amount FROM %4$s WHERE related_claim_id IS NOT NULL AND ($2::uuid[] IS NULL OR person_id = ANY($2))
), b AS MATERIALIZED (
  SELECT b.person_id, b.year, p.region, p.rural, COALESCE(b.category::text, 'NONE') AS category, b.visit_type::text AS vt,
    extract(month FROM b.service_date)::int AS sm,
    CASE WHEN extract(year FROM b.service_date)::int = b.year THEN extract(month FROM b.service_date)::int
         WHEN extract(year FROM b.service_date)::int < b.year THEN 1 ELSE 13 END AS s,
    b.assistance_paid AS a, b.tilt_paid AS t, b.out_of_pocket AS oop, b.basic_paid + b.critical_paid + b.other_paid AS ins,
    b.in_policy_cost AS ipc, b.total_cost AS tc,
    b.kind = 'SETTLEMENT' AND EXISTS (SELECT 1 FROM partner x WHERE x.person_id = b.person_id AND x.claim = b.claim_id) AS partnered,
    b.claim_id
  FROM %2$s b JOIN p ON p.id = b.person_id
), pb AS MATERIALIZED (
  SELECT row_number() OVER () AS rid, b.* FROM b WHERE partnered AND s <= 12
), cov AS (
  -- What partners had paid against the visit by each month-end from its month on, up to what the person owed on it.
  SELECT pb.rid, m, greatest(least(coalesce((SELECT sum(x.amount) FROM partner x WHERE x.person_id = pb.person_id AND x.claim = pb.claim_id
      AND x.paid_on < (make_date(pb.year, m, 1) + interval '1 month')::date), 0), pb.oop), 0) AS covered
  FROM pb CROSS JOIN LATERAL generate_series(pb.s, 12) m
), covd AS MATERIALIZED (
  SELECT rid, m, covered, covered - coalesce(lag(covered) OVER (PARTITION BY rid ORDER BY m), 0) AS delta FROM cov
), sub AS MATERIALIZED (
  SELECT e.person_id, e.year, p.region, p.rural, COALESCE(e.subsidy_category::text, 'NONE') AS category, e.subsidy_amount AS amount,
    coalesce((SELECT extract(month FROM min(s.valid_from))::int FROM %6$s s
              WHERE s.person_id = e.person_id AND s.category = e.subsidy_category
                AND s.valid_from BETWEEN make_date(e.year, 1, 1) AND make_date(e.year, 12, 31)), 1) AS m
  FROM %5$s e JOIN p ON p.id = e.person_id WHERE coalesce(e.subsidy_amount, 0) > 0
), facts AS (
  SELECT 'B' AS src, year, region, rural, category, vt, sm, s AS from_month, 1 AS records, a, t, oop, 0::numeric AS covered, ins, ipc, tc,
    0::numeric AS subsidy FROM b
  UNION ALL
  SELECT 'B', pb.year, pb.region, pb.rural, pb.category, pb.vt, pb.sm, covd.m, 0, 0, 0, 0, covd.delta, 0, 0, 0, 0
  FROM covd JOIN pb USING (rid) WHERE covd.delta <> 0
  UNION ALL
  SELECT 'S', year, region, rural, category, '', m, m, 1, 0, 0, 0, 0, 0, 0, 0, amount FROM sub
), amounts AS (
  INSERT INTO stat_amount AS t (source, year, region, rural, category, visit_type, month, from_month, records, assistance, tilt, oop, covered,
                          insured, in_policy, total_cost, subsidy)
  SELECT src, year, region, rural, category, vt, sm, from_month, $1 * sum(records), $1 * sum(a), $1 * sum(t), $1 * sum(oop),
    $1 * sum(covered), $1 * sum(ins), $1 * sum(ipc), $1 * sum(tc), $1 * sum(subsidy)
  FROM facts GROUP BY src, year, region, rural, category, vt, sm, from_month
  ORDER BY src, year, region, rural, category, vt, sm, from_month
  ON CONFLICT (source, year, region, rural, category, visit_type, month, from_month) DO UPDATE SET
    records = t.records + excluded.records, assistance = t.assistance + excluded.assistance, tilt = t.tilt + excluded.tilt,
    oop = t.oop + excluded.oop, covered = t.covered + excluded.covered, insured = t.insured + excluded.insured,
    in_policy = t.in_policy + excluded.in_policy, total_cost = t.total_cost + excluded.total_cost, subsidy = t.subsidy + excluded.subsidy
  RETURNING 1
), pf AS (
  -- A person meets a condition from the first month of a visit that meets it (NET, what the person still bears, may
  -- stop when a partner pays: those visits are followed month by month).
  SELECT b.person_id, b.year, b.region, b.rural, c.cond, d.dim, d.val, b.s AS m, NULL::int AS only_m
  FROM b CROSS JOIN LATERAL (VALUES ('ASSISTED', b.a + b.t > 0), ('ASSISTANCE', b.a <> 0), ('TILT', b.t <> 0), ('IN_POLICY', b.ipc <> 0),
         ('TOTAL', b.tc <> 0), ('PAID_OUT', b.a + b.t <> 0), ('NET', b.oop <> 0 AND NOT (b.partnered AND b.s <= 12))) c(cond, ok)
    CROSS JOIN LATERAL (VALUES ('', ''), ('CATEGORY', b.category), ('MONTH', b.sm::text), ('VISIT_TYPE', b.vt)) d(dim, val)
  WHERE c.ok
  UNION ALL
  SELECT pb.person_id, pb.year, pb.region, pb.rural, 'NET', d.dim, d.val, NULL, covd.m
  FROM covd JOIN pb USING (rid)
    CROSS JOIN LATERAL (VALUES ('', ''), ('CATEGORY', pb.category), ('MONTH', pb.sm::text), ('VISIT_TYPE', pb.vt)) d(dim, val)
  WHERE pb.oop - covd.covered <> 0
  UNION ALL
  SELECT sub.person_id, sub.year, sub.region, sub.rural, c.cond, d.dim, d.val, sub.m, NULL
  FROM sub CROSS JOIN (VALUES ('SUBSIDY'), ('PAID_OUT')) c(cond)
    CROSS JOIN LATERAL (VALUES ('', ''), ('CATEGORY', sub.category), ('MONTH', sub.m::text)) d(dim, val)
), pg AS (
  SELECT person_id, year, region, rural, cond, dim, val, min(m) AS first, array_agg(only_m) FILTER (WHERE only_m IS NOT NULL) AS months
  FROM pf GROUP BY person_id, year, region, rural, cond, dim, val
), diffs AS (
  SELECT year, region, rural, cond, dim, val, first AS from_month, 1 AS d FROM pg WHERE months IS NULL
  UNION ALL
  SELECT year, region, rural, cond, dim, val, mm, d FROM (
    SELECT pg.*, mm,
      (CASE WHEN mm >= coalesce(first, 99) OR mm = ANY(months) THEN 1 ELSE 0 END)
      - (CASE WHEN mm > 1 AND (mm - 1 >= coalesce(first, 99) OR mm - 1 = ANY(months)) THEN 1 ELSE 0 END) AS d
    FROM pg CROSS JOIN generate_series(1, 12) mm WHERE months IS NOT NULL) x
  WHERE d <> 0
)
INSERT INTO stat_persons AS t (year, region, rural, condition, dimension, value, from_month, persons)
SELECT year, region, rural, cond, dim, val, from_month, $1 * sum(d) FROM diffs
-- Referenced so that the reader sees both writes belong to one statement (a data-modifying CTE runs regardless).
WHERE (SELECT count(*) FROM amounts) >= 0
GROUP BY year, region, rural, cond, dim, val, from_month
ORDER BY year, cond, dim, region, rural, val, from_month
ON CONFLICT (year, condition, dimension, region, rural, value, from_month) DO UPDATE SET persons = t.persons + excluded.persons
$sql$, person_rel, benefit_rel, charity_rel, commercial_rel, enrollment_rel, status_rel)
$fn$;

-- Recomputes both summaries from the rows (after a bulk load with the triggers disabled, or to check them).
CREATE FUNCTION stat_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM stat_amount;
  DELETE FROM stat_persons;
  EXECUTE stat_apply_sql('person', 'benefit_record', 'charity_aid', 'commercial_claim', 'enrollment', 'household_status')
    USING 1, NULL::uuid[];
  DELETE FROM stat_amount WHERE records = 0 AND assistance = 0 AND tilt = 0 AND oop = 0 AND covered = 0 AND insured = 0
    AND in_policy = 0 AND total_cost = 0 AND subsidy = 0;
  DELETE FROM stat_persons WHERE persons = 0;
END
$fn$;

-- The statement trigger of each source table: the persons its rows name, out as they were, in as they are.
CREATE FUNCTION stat_maintain() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  key text := CASE WHEN TG_TABLE_NAME = 'person' THEN 'id' ELSE 'person_id' END;
  ids uuid[];
  changed text;
  rels text[] := ARRAY['person', 'benefit_record', 'charity_aid', 'commercial_claim', 'enrollment', 'household_status'];
  before text[];
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
  RETURN NULL;
END
$fn$;

CREATE TRIGGER stat_person_insert AFTER INSERT ON person REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();
CREATE TRIGGER stat_person_update AFTER UPDATE ON person REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();
CREATE TRIGGER stat_person_delete AFTER DELETE ON person REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();
CREATE TRIGGER stat_benefit_insert AFTER INSERT ON benefit_record REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();
-- benefit_record is append-only (a correction is a reversal record): inserts are its only writes.
CREATE TRIGGER stat_charity_insert AFTER INSERT ON charity_aid REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();
CREATE TRIGGER stat_charity_update AFTER UPDATE ON charity_aid REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();
CREATE TRIGGER stat_charity_delete AFTER DELETE ON charity_aid REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();
CREATE TRIGGER stat_commercial_insert AFTER INSERT ON commercial_claim REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();
CREATE TRIGGER stat_commercial_update AFTER UPDATE ON commercial_claim REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();
CREATE TRIGGER stat_commercial_delete AFTER DELETE ON commercial_claim REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();
CREATE TRIGGER stat_enrollment_insert AFTER INSERT ON enrollment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();
CREATE TRIGGER stat_enrollment_update AFTER UPDATE ON enrollment REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();
CREATE TRIGGER stat_enrollment_delete AFTER DELETE ON enrollment REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();
CREATE TRIGGER stat_status_insert AFTER INSERT ON household_status REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();
CREATE TRIGGER stat_status_update AFTER UPDATE ON household_status REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();
CREATE TRIGGER stat_status_delete AFTER DELETE ON household_status REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION stat_maintain();

SELECT stat_rebuild();
