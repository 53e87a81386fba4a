-- Installation: trusted (a non-superuser database owner can install), schema, encoding, catalogue.
SELECT extname, extversion, extrelocatable, n.nspname AS recorded_schema
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'shinjp';
SELECT shinjp.version() = extversion AS library_matches_script FROM pg_extension WHERE extname = 'shinjp';
SELECT shinjp.icu_version() ~ '^[0-9]+\.[0-9]+' AS icu_version_ok;
-- every function is SECURITY INVOKER and commented
SELECT count(*) AS security_definer_functions FROM pg_proc WHERE pronamespace = 'shinjp'::regnamespace AND prosecdef;
SELECT p.oid::regprocedure AS uncommented
FROM pg_proc p WHERE p.pronamespace = 'shinjp'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL
ORDER BY 1;
-- a non-superuser who owns a database installs and drops the extension
CREATE ROLE shinjp_db_owner LOGIN;
CREATE DATABASE shinjp_trusted OWNER shinjp_db_owner TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
\c shinjp_trusted
SET ROLE shinjp_db_owner;
SELECT rolsuper FROM pg_roles WHERE rolname = current_user;
CREATE EXTENSION shinjp;
SELECT shinjp.version() IS NOT NULL AS works_for_owner;
SELECT pg_get_userbyid(extowner) AS extension_owner FROM pg_extension WHERE extname = 'shinjp';
DROP EXTENSION shinjp;
-- WITH SCHEMA: objects still live in schema shinjp; the extension is recorded in the named schema
CREATE SCHEMA extensions;
CREATE EXTENSION shinjp WITH SCHEMA extensions;
SELECT n.nspname AS recorded_schema, (SELECT count(*) > 0 FROM pg_proc WHERE pronamespace = 'shinjp'::regnamespace) AS objects_in_shinjp
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE extname = 'shinjp';
DROP EXTENSION shinjp;
-- a pre-existing schema named shinjp is not adopted
CREATE SCHEMA shinjp;
CREATE EXTENSION shinjp;
DROP SCHEMA shinjp;
RESET ROLE;
-- a database that is not UTF8 is refused with a clear error
CREATE DATABASE shinjp_latin1 TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C';
\c shinjp_latin1
CREATE EXTENSION shinjp;
\c contrib_regression
DROP DATABASE shinjp_latin1;
DROP DATABASE shinjp_trusted;
DROP ROLE shinjp_db_owner;
