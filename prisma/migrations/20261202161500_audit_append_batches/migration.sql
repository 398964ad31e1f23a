-- Appending to the audit log in one round trip, for a batch of entries
-- (group commit: a process gathers the entries of concurrent operations and
-- sends them together). The entries come hashed: the chain is keyed with
-- HMAC-SHA256 and the key never enters the database, so the hub computes the
-- hashes from the head it believes is the log's last entry, and this function
-- checks that belief under the append lock:
--
--   * the transaction must be READ COMMITTED (a stricter snapshot, taken
--     before the lock, could miss the last entry);
--   * it takes the same transaction-level advisory lock as appends always
--     did ('audit' in ASCII), so appends of every process stay serialized,
--     each for the length of one statement (or, inside a write's transaction,
--     until that transaction ends);
--   * when the head is (expected_seq, expected_hash), it inserts the batch,
--     which must number on from it without gap and link each entry to its
--     predecessor, and answers appended = true with the new head;
--   * otherwise it writes nothing and answers appended = false with the
--     actual head (seq 0 and 64 zeros for an empty log), from which the hub
--     hashes the batch again. Inside a transaction the lock is then held, so
--     the second call cannot miss.
--
-- SECURITY INVOKER: it inserts with the caller's own privilege (INSERT and
-- SELECT on audit_entry for the serving role), and the append-only trigger
-- is untouched. Re-runnable.

CREATE OR REPLACE FUNCTION audit_append(expected_seq bigint, expected_hash text, entries jsonb)
RETURNS TABLE (appended boolean, head_seq bigint, head_hash text, head_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  last_seq bigint;
  last_hash text;
  last_at timestamptz;
  isolation text := current_setting('transaction_isolation');
BEGIN
  IF isolation <> 'read committed' THEN
    RAISE EXCEPTION 'audit entries must be appended in a READ COMMITTED transaction, not %', isolation
      USING ERRCODE = 'invalid_transaction_state';
  END IF;
  PERFORM pg_advisory_xact_lock(418581342580);
  -- A statement after the lock: under READ COMMITTED its snapshot includes the entry of whoever held the lock before.
  SELECT a.seq, a.hash, a.at INTO last_seq, last_hash, last_at FROM audit_entry a ORDER BY a.seq DESC LIMIT 1;
  last_seq := COALESCE(last_seq, 0);
  last_hash := COALESCE(last_hash, repeat('0', 64));
  IF last_seq <> expected_seq OR last_hash <> expected_hash THEN
    RETURN QUERY SELECT false, last_seq, last_hash, last_at;
    RETURN;
  END IF;
  IF EXISTS (
    SELECT 1
    FROM (
      SELECT e.seq, e.prev_hash, n,
             COALESCE(lag(e.hash) OVER (ORDER BY n), last_hash) AS before_hash
      FROM ROWS FROM (jsonb_to_recordset(entries) AS (seq bigint, prev_hash text, hash text)) WITH ORDINALITY AS e(seq, prev_hash, hash, n)
    ) AS linked
    WHERE linked.seq <> last_seq + linked.n OR linked.prev_hash <> linked.before_hash
  ) THEN
    RAISE EXCEPTION 'audit batch does not number on from entry % or link to its predecessors', last_seq
      USING ERRCODE = 'data_exception';
  END IF;
  INSERT INTO audit_entry (seq, at, client_id, agency, jti, purpose, operation_name, document_hash, person_ids, fields,
                           outcome, error, prev_hash, hash, key_id, jurisdiction, event, address, request_id)
  SELECT e.seq, e.at, e.client_id, e.agency, e.jti, e.purpose, e.operation_name, e.document_hash, e.person_ids, e.fields,
         e.outcome, e.error, e.prev_hash, e.hash, e.key_id, e.jurisdiction, e.event, e.address, e.request_id
  FROM jsonb_to_recordset(entries) AS e(seq bigint, at timestamptz, client_id uuid, agency "Agency", jti varchar(64),
       purpose "Purpose", operation_name varchar(200), document_hash char(64), person_ids uuid[], fields text[],
       outcome varchar(20), error varchar(500), prev_hash char(64), hash char(64), key_id varchar(64),
       jurisdiction varchar(6), event varchar(40), address varchar(64), request_id varchar(128))
  ORDER BY e.seq;
  RETURN QUERY SELECT true, e.seq, e.hash, e.at
    FROM jsonb_to_recordset(entries) AS e(seq bigint, hash text, at timestamptz) ORDER BY e.seq DESC LIMIT 1;
END;
$$;
