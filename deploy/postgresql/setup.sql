-- opengov on PostgreSQL + PostGIS: roles, database, extension. Run as a superuser on the
-- primary, with the passwords given as psql variables (never stored in this file):
--
--   sudo -u postgres psql -v ON_ERROR_STOP=1 \
--        -v app_password="$APP_PW" -v replication_password="$REPL_PW" -f setup.sql
--
-- Optional variables: -v db=opengov -v app_role=opengov -v replication_role=opengov_replica.
-- The application role owns its database but is no superuser: `CREATE EXTENSION postgis`
-- is done here, once, so `opengov init` finds it (it only runs CREATE EXTENSION IF NOT EXISTS,
-- which then does nothing). Safe to run again: existing roles get the new password.
-- tests/production/test_deploy_postgres.py runs it on a scratch database.

\if :{?db}
\else
\set db opengov
\endif
\if :{?app_role}
\else
\set app_role opengov
\endif
\if :{?replication_role}
\else
\set replication_role opengov_replica
\endif

SELECT format('CREATE ROLE %I LOGIN', :'app_role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role') \gexec
ALTER ROLE :"app_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';

-- The streaming replica connects with this role (pg_basebackup and the WAL receiver).
SELECT format('CREATE ROLE %I LOGIN REPLICATION', :'replication_role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'replication_role') \gexec
ALTER ROLE :"replication_role" WITH LOGIN REPLICATION PASSWORD :'replication_password';

SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0',
              :'db', :'app_role', 'UTF8')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec

\connect :"db"
CREATE EXTENSION IF NOT EXISTS postgis;
ALTER SCHEMA public OWNER TO :"app_role";
-- Statements of requests are cut by the application (OPENGOV_STATEMENT_TIMEOUT_MS); this is a
-- backstop for anything else the role runs.
ALTER ROLE :"app_role" IN DATABASE :"db" SET idle_in_transaction_session_timeout = '10min';
