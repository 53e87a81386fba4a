-- shinjp extension script, part 50: incremental materialized views (issue 7).
-- The maintenance code is C++ (src/ivm/ivm.cpp); this file holds the catalog, the API and the views.

-- One row per incremental view: its defining query and the SQL the triggers run, generated at
-- creation from the analysed query with every name schema-qualified and quoted.  Only shinjp's C
-- functions write it (they switch to this table's owner for fixed, parameterised statements), so a
-- user cannot plant SQL that triggers would run as another role.  pg_dump includes its rows.
CREATE TABLE shinjp.ivm_view (
	view regclass PRIMARY KEY,
	query text NOT NULL,
	kind text NOT NULL CHECK (kind IN ('aggregate', 'global', 'distinct', 'plain')),
	base_tables regclass[] NOT NULL,
	key_columns text[] NOT NULL,
	full_sql text NOT NULL,
	ins_sql text[] NOT NULL,
	del_sql text[] NOT NULL,
	upd_sql text[] NOT NULL,
	apply_sql text NOT NULL,
	recompute_sql text,
	verify_sql text NOT NULL,
	base_text text[] NOT NULL,
	ins1_sql text,
	del1_sql text,
	upd1_sql text,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE shinjp.ivm_view IS 'incremental materialized views: definition and generated maintenance SQL (written only by shinjp.ivm_create/ivm_drop)';
SELECT pg_catalog.pg_extension_config_dump('shinjp.ivm_view', '');
REVOKE ALL ON shinjp.ivm_view FROM PUBLIC;
GRANT SELECT ON shinjp.ivm_view TO PUBLIC;

-- Mergeable aggregates: an aggregate whose per-group result can be merged with another partial
-- result and have a partial result subtracted from it.  merge_fn(state, state) and
-- subtract_fn(state, state) both return the aggregate's result type.
-- Without an exact subtract function (NULL), a group that lost rows is recomputed from the base
-- tables, like a min/max whose extreme was removed.
CREATE TABLE shinjp.ivm_mergeable_aggregate (
	aggregate regprocedure PRIMARY KEY,
	merge_fn regprocedure NOT NULL,
	subtract_fn regprocedure,
	builtin boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE shinjp.ivm_mergeable_aggregate IS 'aggregates (besides count/sum/avg/min/max) that incremental views maintain by merging partial results (and subtracting them, or recomputing the group when subtract_fn is NULL)';
SELECT pg_catalog.pg_extension_config_dump('shinjp.ivm_mergeable_aggregate', 'WHERE NOT builtin');
-- shinjp's review summary (issue 6): its subtract loses first/last review times, so groups that
-- lose rows are recomputed to stay exact.
INSERT INTO shinjp.ivm_mergeable_aggregate (aggregate, merge_fn, subtract_fn, builtin)
SELECT a::regprocedure, 'shinjp.review_summary_merge(shinjp.review_summary, shinjp.review_summary)'::regprocedure, NULL, true
FROM pg_catalog.unnest(ARRAY['shinjp.review_summary_agg(timestamptz, integer)',
                             'shinjp.review_summary_agg(timestamptz, integer, integer)',
                             'shinjp.review_summary_agg(timestamptz, integer, integer, integer)']) a;
REVOKE ALL ON shinjp.ivm_mergeable_aggregate FROM PUBLIC;
GRANT SELECT ON shinjp.ivm_mergeable_aggregate TO PUBLIC;

CREATE FUNCTION shinjp.ivm_create(name text, query text) RETURNS regclass
	AS 'MODULE_PATHNAME', 'shinjp_ivm_create'
	LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION shinjp.ivm_create(text, text) IS 'create an incrementally maintained materialized view (a table named name, optionally schema-qualified) from a SELECT; returns the new table';

CREATE FUNCTION shinjp.ivm_drop(view regclass) RETURNS void
	AS 'MODULE_PATHNAME', 'shinjp_ivm_drop'
	LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION shinjp.ivm_drop(regclass) IS 'drop an incremental view: its table, its catalog row and the triggers no other view needs';

CREATE FUNCTION shinjp.ivm_refresh(view regclass) RETURNS bigint
	AS 'MODULE_PATHNAME', 'shinjp_ivm_refresh'
	LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION shinjp.ivm_refresh(regclass) IS 'recompute an incremental view from its query (locks its base tables against writes meanwhile); returns the number of rows';

CREATE FUNCTION shinjp.ivm_trigger() RETURNS trigger
	AS 'MODULE_PATHNAME', 'shinjp_ivm_trigger'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION shinjp.ivm_trigger() IS 'statement-level trigger on base tables of incremental views (internal)';

CREATE FUNCTION shinjp.ivm_before_trigger() RETURNS trigger
	AS 'MODULE_PATHNAME', 'shinjp_ivm_before_trigger'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION shinjp.ivm_before_trigger() IS 'statement-level BEFORE trigger on base tables of join views: notes statements that may change several base tables at once (internal)';

CREATE FUNCTION shinjp.ivm_ddl_trigger() RETURNS event_trigger
	AS 'MODULE_PATHNAME', 'shinjp_ivm_ddl_trigger'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION shinjp.ivm_ddl_trigger() IS 'event trigger: partitions created under or attached to a base table get the maintenance triggers; ATTACH / DETACH PARTITION recompute the views over it; DROP NOT NULL on a column a view counts as never NULL is refused (internal)';

CREATE EVENT TRIGGER shinjp_ivm_table_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE')
	EXECUTE FUNCTION shinjp.ivm_ddl_trigger();
COMMENT ON EVENT TRIGGER shinjp_ivm_table_ddl IS 'keeps incremental views maintained when partitions of their base tables are created, attached or detached, and refuses DROP NOT NULL where a view relies on it';

CREATE FUNCTION shinjp.ivm_drop_trigger() RETURNS event_trigger
	AS 'MODULE_PATHNAME', 'shinjp_ivm_drop_trigger'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION shinjp.ivm_drop_trigger() IS 'event trigger: a view table dropped by hand or by CASCADE loses its catalog row and unneeded triggers (internal)';

CREATE EVENT TRIGGER shinjp_ivm_drops ON sql_drop WHEN TAG IN ('DROP TABLE', 'DROP SCHEMA', 'DROP OWNED')
	EXECUTE FUNCTION shinjp.ivm_drop_trigger();
COMMENT ON EVENT TRIGGER shinjp_ivm_drops IS 'forgets incremental views whose tables were dropped without shinjp.ivm_drop';

-- verify(view): the rows where the view differs from a fresh run of its query, with the caller's
-- own rights (EXCEPT ALL in both directions, hidden bookkeeping columns included).
CREATE FUNCTION shinjp.ivm_verify(view regclass, OUT difference text, OUT row_value text)
	RETURNS SETOF record
	LANGUAGE plpgsql STABLE STRICT PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	sql text;
BEGIN
	SELECT v.verify_sql INTO sql FROM shinjp.ivm_view v WHERE v.view = ivm_verify.view;
	IF sql IS NULL THEN
		RAISE EXCEPTION '"%" is not an incremental view', ivm_verify.view
			USING ERRCODE = 'wrong_object_type',
			      HINT = 'Create one with shinjp.ivm_create(name, query); shinjp.ivm_list shows the existing ones.';
	END IF;
	RETURN QUERY EXECUTE sql;
END
$$;
COMMENT ON FUNCTION shinjp.ivm_verify(regclass) IS 'rows where the incremental view and a fresh run of its query differ: difference is ''missing'' (in the query, not in the view) or ''unexpected'' (in the view only); empty when exact';

CREATE VIEW shinjp.ivm_list AS
	SELECT v.view, c.relowner::regrole AS owner, v.kind, v.base_tables, v.key_columns, v.query, v.created_at
	FROM shinjp.ivm_view v JOIN pg_catalog.pg_class c ON c.oid = v.view;
COMMENT ON VIEW shinjp.ivm_list IS 'incremental materialized views of this database';
GRANT SELECT ON shinjp.ivm_list TO PUBLIC;

CREATE FUNCTION shinjp.ivm_backend_stats(OUT view regclass, OUT statements bigint, OUT fast_statements bigint, OUT delta_rows bigint,
		OUT groups_changed bigint, OUT groups_deleted bigint, OUT minmax_recomputes bigint,
		OUT full_refreshes bigint, OUT total_ms float8, OUT last_maintained timestamptz, OUT scope text)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME', 'shinjp_ivm_backend_stats'
	LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION shinjp.ivm_backend_stats() IS 'maintenance counters of the incremental views of this database; scope ''cluster'': shared by all sessions (shinjp in shared_preload_libraries), ''session'': this session only (no preload, or the shared table shinjp.ivm_stats_max is full)';

CREATE VIEW shinjp.ivm_stats AS
	SELECT s.view, s.statements, s.fast_statements, s.delta_rows, s.groups_changed, s.groups_deleted, s.minmax_recomputes,
	       s.full_refreshes, s.total_ms,
	       CASE WHEN s.statements > 0 THEN s.total_ms / s.statements END AS mean_ms,
	       s.last_maintained, s.scope
	FROM shinjp.ivm_backend_stats() s;
COMMENT ON VIEW shinjp.ivm_stats IS 'per-view maintenance counts and time; scope says whether a row counts the whole cluster or this session';
-- counters are harmless metadata, readable by everyone as pg_stat_user_tables is; resetting is restricted (ivm_stats_reset)
GRANT SELECT ON shinjp.ivm_stats TO PUBLIC;

CREATE FUNCTION shinjp.ivm_stats_reset(view regclass DEFAULT NULL)
	RETURNS bigint
	AS 'MODULE_PATHNAME', 'shinjp_ivm_stats_reset'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION shinjp.ivm_stats_reset(regclass) IS 'forgets the maintenance counters of a view (its owner or a superuser only), or with NULL of every view of this database the caller owns plus those of dropped views and databases; returns the number of counter sets removed';

CREATE FUNCTION shinjp.ivm_stats_info(OUT scope text, OUT capacity integer, OUT entries bigint, OUT overflows bigint)
	RETURNS record
	AS 'MODULE_PATHNAME', 'shinjp_ivm_stats_info'
	LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION shinjp.ivm_stats_info() IS 'where the maintenance counters live (''cluster'' with shinjp in shared_preload_libraries, else ''session''), the shared table''s capacity (shinjp.ivm_stats_max), its entries over all databases, and how many updates overflowed it into session counters';
