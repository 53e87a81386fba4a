/*
 * selftest.cpp — entry points that exercise the C++/PostgreSQL boundary in both directions.
 *
 * They are exported from the library but not created by the extension script: the regression test
 * sql/bridge.sql declares them (as superuser) to prove that a C++ throw becomes a clean ERROR, that a
 * PostgreSQL error raised under C++ keeps its SQLSTATE while destructors run, and that a long C++ loop
 * honours statement_timeout.
 */
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "pg/boundary.hpp"
#include "pg/memory.hpp"

extern "C" {
#include "utils/builtins.h"
#include "utils/timestamp.h"
}

namespace {

/* Counts destructor runs of Witness objects, so a test can see unwinding happen. */
int64 g_witness_destroyed = 0;

struct Witness {
	std::string payload = std::string(64, 'x'); /* owns heap memory, as real code would */
	~Witness() { g_witness_destroyed++; }
};

}  // namespace

/* selftest_throw(sqlstate, message, hint): throw shinjp::Error from C++. */
SHINJP_FUNCTION(shinjp_selftest_throw)
{
	std::string code = text_to_cstring(PG_GETARG_TEXT_PP(0));
	std::string message = text_to_cstring(PG_GETARG_TEXT_PP(1));
	std::string hint = text_to_cstring(PG_GETARG_TEXT_PP(2));
	Witness w;
	if (code == "std")
		throw std::runtime_error(message);
	if (code == "int")
		throw 42;
	if (code.size() != 5)
		throw shinjp::Error(shinjp::sqlstate::kInvalidParameterValue, "sqlstate must have 5 characters");
	throw shinjp::Error(code.c_str(), message, "Raised by the C++ self-test.", hint);
}

/* selftest_pg_error(): a PostgreSQL ERROR (division by zero) raised under live C++ objects. */
SHINJP_FUNCTION(shinjp_selftest_pg_error)
{
	Witness w;
	std::vector<Witness> more(3);
	Datum d = shinjp::pg::Call([] { return DirectFunctionCall2(int4div, Int32GetDatum(1), Int32GetDatum(0)); });
	PG_RETURN_DATUM(d);
}

/* selftest_destroyed(): how many Witness destructors have run in this backend. */
SHINJP_FUNCTION(shinjp_selftest_destroyed)
{
	PG_RETURN_INT64(g_witness_destroyed);
}

/* selftest_spin(seconds): a long C++ loop that polls for cancellation; returns iterations. */
SHINJP_FUNCTION(shinjp_selftest_spin)
{
	double seconds = PG_GETARG_FLOAT8(0);
	Witness w;
	std::vector<double> work(1024, 1.0);
	TimestampTz until = GetCurrentTimestamp() + static_cast<int64>(seconds * 1e6);
	int64 iterations = 0;
	while (GetCurrentTimestamp() < until) {
		for (double &x : work)
			x = std::sqrt(x + 1.0);
		iterations++;
		shinjp::CheckInterrupts();
	}
	PG_RETURN_INT64(iterations);
}

/* selftest_allocator(n): sum 0..n-1 in a vector that lives in CurrentMemoryContext. */
SHINJP_FUNCTION(shinjp_selftest_allocator)
{
	int64 n = PG_GETARG_INT64(0);
	if (n < 0)
		throw shinjp::Error(shinjp::sqlstate::kInvalidParameterValue, "n must not be negative");
	std::vector<int64, shinjp::pg::Allocator<int64>> v{shinjp::pg::Allocator<int64>(CurrentMemoryContext)};
	v.reserve(static_cast<size_t>(n));
	int64 sum = 0;
	for (int64 i = 0; i < n; i++)
		v.push_back(i);
	for (int64 x : v)
		sum += x;
	PG_RETURN_INT64(sum);
}
