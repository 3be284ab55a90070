-- PgBouncer's password lookup (auth_query): one SECURITY DEFINER function per database, owned by the superuser,
-- returning the SCRAM verifier of one ordinary login role and nothing else. Used by the host install
-- (install/lib/pgbouncer.sh) and by ./berth up with BERTH_POOLER=1 (common/embedded EmbeddedPooler); the comment is
-- its version: a database whose function carries another one gets this one again.
CREATE SCHEMA IF NOT EXISTS berth_pgbouncer;
REVOKE ALL ON SCHEMA berth_pgbouncer FROM PUBLIC;
GRANT USAGE ON SCHEMA berth_pgbouncer TO berth_pgbouncer;
DROP FUNCTION IF EXISTS berth_pgbouncer.lookup(text);
-- No row for anyone else: superusers, roles that cannot log in, and Berth's own roles (the services' and the admin).
CREATE FUNCTION berth_pgbouncer.lookup(p_user text) RETURNS TABLE (usename text, passwd text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS
$$ SELECT rolname::text, rolpassword FROM pg_authid
   WHERE rolname = p_user AND rolcanlogin AND NOT rolsuper
     AND rolname NOT IN ('berth_registry', 'berth_provisioner', 'berth_backup', 'berth_gateway', 'berth_admin',
                         'berth_pgbouncer', 'berth_pgbouncer_stats') $$;
REVOKE ALL ON FUNCTION berth_pgbouncer.lookup(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION berth_pgbouncer.lookup(text) TO berth_pgbouncer;
COMMENT ON FUNCTION berth_pgbouncer.lookup(text) IS 'berth-pgbouncer-lookup v2';
