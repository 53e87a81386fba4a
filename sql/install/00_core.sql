-- shinjp extension script, part 00: schema, encoding check, version functions.
-- The extension script is the concatenation of sql/install/*.sql in name order (see Makefile).

\echo Use "CREATE EXTENSION shinjp" to load this file. \quit

SET LOCAL search_path = pg_catalog, pg_temp;

-- Japanese text processing, normalisation and ICU segmentation all assume UTF-8.
DO $shinjp$
BEGIN
	IF pg_catalog.current_setting('server_encoding') <> 'UTF8' THEN
		RAISE EXCEPTION 'shinjp requires a UTF8 database, but database "%" uses %',
			pg_catalog.current_database(), pg_catalog.current_setting('server_encoding')
			USING ERRCODE = 'feature_not_supported',
			      HINT = 'Create the database with ENCODING ''UTF8'' (for example CREATE DATABASE ... TEMPLATE template0 ENCODING ''UTF8'').';
	END IF;
END
$shinjp$;

-- The extension owns its schema: CREATE EXTENSION fails if a schema "shinjp" already exists,
-- and DROP EXTENSION removes it.  WITH SCHEMA only changes where the extension is recorded.
CREATE SCHEMA shinjp;
COMMENT ON SCHEMA shinjp IS 'shinjp: FSRS/SM-2 scheduling, Japanese full-text search, study analytics, incremental views';
GRANT USAGE ON SCHEMA shinjp TO PUBLIC;

CREATE FUNCTION shinjp.version() RETURNS text
	AS 'MODULE_PATHNAME', 'shinjp_version'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.version() IS 'version of the loaded shinjp library';

CREATE FUNCTION shinjp.icu_version() RETURNS text
	AS 'MODULE_PATHNAME', 'shinjp_icu_version'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION shinjp.icu_version() IS 'version of the ICU library used for segmentation and normalisation; indexes built with another major need REINDEX';
