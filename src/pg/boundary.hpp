/*
 * boundary.hpp — the one crossing between PostgreSQL (C, longjmp) and shinjp's C++ (exceptions).
 *
 * Rules (STYLE.md §3):
 *  - Every function PostgreSQL calls is declared with SHINJP_FUNCTION (fmgr) or wraps its body in
 *    Guard(): no C++ exception ever leaves it.
 *  - A PostgreSQL call that may ereport() while C++ objects with destructors are live goes through
 *    Call(): the error is caught with PG_TRY, copied, and rethrown as PgError, so destructors run;
 *    Guard() then re-raises the original ErrorData with its SQLSTATE, detail and hint.
 *  - Never throw, return or break out of a PG_TRY block; never swallow a PgError.
 *
 * Include from glue files only, after the extern "C" block with postgres.h.
 */
#pragma once

#include <exception>
#include <new>
#include <type_traits>
#include <utility>

#include "core.hpp"

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "pg/compat.h"
}

namespace shinjp::pg {

/* A PostgreSQL error caught under C++ code, carried to the entry point as an exception. */
struct PgError : std::exception {
	explicit PgError(ErrorData *e) : edata(e) {}
	const char *what() const noexcept override { return edata && edata->message ? edata->message : "postgres error"; }
	ErrorData *edata;
};

/* What a caught exception becomes; filled inside the catch, raised after it. */
struct PendingError {
	ErrorData *pg = nullptr;
	bool interrupted = false;
	const char *sqlstate = nullptr; /* five characters */
	char *message = nullptr;
	char *detail = nullptr;
	char *hint = nullptr;
};

/* Fill `out` from the exception being handled; call only inside a catch block. Never throws. */
void CaptureCurrentException(PendingError &out) noexcept;

/* Raise `err` as a PostgreSQL ERROR; call only outside every catch block. */
[[noreturn]] void RaisePendingError(const PendingError &err);

/* Run f() and turn any C++ exception into a PostgreSQL ERROR once the handler has finished. */
template <class F>
auto
Guard(F &&f) -> decltype(f())
{
	PendingError err;
	try {
		return f();
	} catch (...) {
		CaptureCurrentException(err);
	}
	RaisePendingError(err);
}

/*
 * Run f() under PG_TRY and return the copied ErrorData if it raised, else null.  Kept apart from
 * Call() so that no caller local lives in the frame that setjmp() saves.
 */
template <class F>
ErrorData *
CatchPgError(F &f)
{
	MemoryContext caller_cxt = CurrentMemoryContext;
	ErrorData *volatile edata = nullptr;
	PG_TRY();
	{
		f();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(caller_cxt);
		edata = CopyErrorData();
		FlushErrorState();
	}
	PG_END_TRY();
	return edata;
}

/*
 * Run f() (PostgreSQL API calls) under PG_TRY; an ereport(ERROR) inside becomes a thrown PgError.
 * f must not hold objects with non-trivial destructors and must not throw.
 */
template <class F>
auto
Call(F &&f) -> decltype(f())
{
	using R = decltype(f());
	if constexpr (std::is_void_v<R>) {
		if (ErrorData *edata = CatchPgError(f))
			throw PgError(edata);
	} else {
		static_assert(std::is_trivially_copyable_v<R>, "Call() returns only trivially copyable values");
		R result{};
		auto store = [&] { result = f(); };
		if (ErrorData *edata = CatchPgError(store))
			throw PgError(edata);
		return result;
	}
}

/* Install the interrupt hook used by shinjp::CheckInterrupts(); called from _PG_init. */
void InstallInterruptHook();

}  // namespace shinjp::pg

/*
 * Define an SQL-callable function `name` (C symbol and SQL name alike) whose body runs under Guard.
 *
 *   SHINJP_FUNCTION(shinjp_version) { PG_RETURN_TEXT_P(cstring_to_text("0.1.0")); }
 */
#define SHINJP_FUNCTION(name)                                                                                          \
	extern "C" {                                                                                                       \
	PG_FUNCTION_INFO_V1(name);                                                                                         \
	}                                                                                                                  \
	static Datum name##_impl([[maybe_unused]] FunctionCallInfo fcinfo);                                                \
	extern "C" PGDLLEXPORT Datum name(PG_FUNCTION_ARGS)                                                                \
	{                                                                                                                  \
		return shinjp::pg::Guard([&]() -> Datum { return name##_impl(fcinfo); });                                      \
	}                                                                                                                  \
	static Datum name##_impl([[maybe_unused]] FunctionCallInfo fcinfo)
