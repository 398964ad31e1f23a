-- CreateIndex
CREATE INDEX "audit_entry_person_ids_idx" ON "audit_entry" USING GIN ("person_ids");

-- CreateIndex
CREATE INDEX "audit_entry_client_id_seq_idx" ON "audit_entry"("client_id", "seq");

-- The audit log is append-only (access-policy.md §1, the issue's audit
-- requirements): any UPDATE, DELETE or TRUNCATE of audit_entry is refused by
-- the database itself, whichever code or role sends it. Statement-level, so
-- that even a statement matching no row is refused and costs nothing per row.
-- Re-runnable: applying it twice leaves the same function and trigger.

CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_entry is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'audit entries can only be added, never changed or removed';
END;
$$;

CREATE OR REPLACE TRIGGER audit_entry_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_entry
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();
