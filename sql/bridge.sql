-- The C++/PostgreSQL boundary, both directions (src/pg/boundary.hpp).
-- The self-test entry points ship in the library but not in the extension: declare them here.
SELECT probin AS shinjp_lib FROM pg_proc WHERE proname = 'version' AND pronamespace = 'shinjp'::regnamespace \gset
CREATE FUNCTION pg_temp.selftest_throw(text, text, text) RETURNS void AS :'shinjp_lib', 'shinjp_selftest_throw' LANGUAGE C STRICT;
CREATE FUNCTION pg_temp.selftest_pg_error() RETURNS int AS :'shinjp_lib', 'shinjp_selftest_pg_error' LANGUAGE C STRICT;
CREATE FUNCTION pg_temp.selftest_destroyed() RETURNS bigint AS :'shinjp_lib', 'shinjp_selftest_destroyed' LANGUAGE C STRICT;
CREATE FUNCTION pg_temp.selftest_spin(float8) RETURNS bigint AS :'shinjp_lib', 'shinjp_selftest_spin' LANGUAGE C STRICT;
CREATE FUNCTION pg_temp.selftest_allocator(bigint) RETURNS bigint AS :'shinjp_lib', 'shinjp_selftest_allocator' LANGUAGE C STRICT;
-- C++ -> PG: shinjp::Error keeps SQLSTATE, message, detail and hint (psql's LAST_ERROR_SQLSTATE shows the code).
SELECT pg_temp.selftest_throw('22023', 'rating must be between 1 and 4', 'Use 1 (again), 2 (hard), 3 (good) or 4 (easy).');
\echo :LAST_ERROR_SQLSTATE
-- any other std::exception becomes XX000 with its message; a non-std throw too
SELECT pg_temp.selftest_throw('std', 'plain std::runtime_error', '');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.selftest_throw('int', '', '');
\echo :LAST_ERROR_SQLSTATE
-- the destructors of the C++ locals ran in each of the three throws
SELECT pg_temp.selftest_destroyed() AS destroyed_after_throws;
-- PG -> C++: division by zero raised under C++ frames keeps SQLSTATE 22012 ...
SELECT pg_temp.selftest_pg_error();
\echo :LAST_ERROR_SQLSTATE
-- ... and all four live C++ objects were destroyed on the way out
SELECT pg_temp.selftest_destroyed() AS destroyed_after_pg_error;
-- palloc-backed allocator: works, and an impossible size is a clean out-of-memory error
SELECT pg_temp.selftest_allocator(100000);
SELECT pg_temp.selftest_allocator(200000000);
\echo :LAST_ERROR_SQLSTATE
-- a long C++ loop honours statement_timeout (SQLSTATE 57014) ...
SET statement_timeout = '200ms';
SELECT pg_temp.selftest_spin(30);
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
-- ... unwinding its C++ frames, and the backend answers the next query
SELECT pg_temp.selftest_destroyed() AS destroyed_after_cancel;
SELECT pg_temp.selftest_spin(0.01) > 0 AS loop_runs_again;
SELECT 1 AS backend_alive;
