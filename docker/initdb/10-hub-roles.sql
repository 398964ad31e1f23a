-- The hub's database roles, for a fresh PostgreSQL (16 or later). Mount this
-- directory as the official image's /docker-entrypoint-initdb.d, which runs it
-- once, as POSTGRES_USER, in POSTGRES_DB, when the data directory is created;
-- on another server run it yourself with the same variables set:
--   HUB_OWNER_PASSWORD=… HUB_APP_PASSWORD=… psql -v ON_ERROR_STOP=1 -d hub -f 10-hub-roles.sql
--
--   hub_owner  owns the database and every object of the hub; runs the
--              migrations (DATABASE_OWNER_URL). The hub never serves with it.
--   hub_app    the role the hub serves with (DATABASE_URL): no superuser, owns
--              nothing, so no DDL and no way to switch the append-only trigger
--              off. After each migration the hub (as hub_owner) grants it row
--              access to its tables, and on audit_entry only INSERT and SELECT.
--
-- Neither may create roles or databases, replicate or bypass row security.
-- The passwords come from the environment (psql's \getenv), never from this file.

\getenv owner_password HUB_OWNER_PASSWORD
\getenv app_password HUB_APP_PASSWORD
\if :{?owner_password}
\else
  \warn 'HUB_OWNER_PASSWORD is not set'
  SELECT 1 / 0 AS "HUB_OWNER_PASSWORD is not set";
\endif
\if :{?app_password}
\else
  \warn 'HUB_APP_PASSWORD is not set'
  SELECT 1 / 0 AS "HUB_APP_PASSWORD is not set";
\endif

CREATE ROLE hub_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'owner_password';
CREATE ROLE hub_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';

-- The database's owner owns its public schema (pg_database_owner), so hub_owner can create the hub's tables there.
SELECT format('ALTER DATABASE %I OWNER TO hub_owner', current_database()) \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database()) \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO hub_owner, hub_app', current_database()) \gexec
