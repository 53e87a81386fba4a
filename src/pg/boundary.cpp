/*
 * boundary.cpp — turning C++ exceptions into PostgreSQL errors, and PostgreSQL interrupts into
 * C++ exceptions.  See boundary.hpp for the rules.
 */
#include <cstring>
#include <exception>
#include <new>

#include "pg/boundary.hpp"

extern "C" {
#include "miscadmin.h"
#include "utils/elog.h"
#include "utils/memutils.h"
}

namespace shinjp::pg {

/*
 * Copy a string into ErrorContext without ever longjmp'ing (we may be inside a catch block).
 * ErrorContext keeps 8kB reserved for exactly this kind of emergency.
 */
static char *
CopyForError(const char *s) noexcept
{
	if (s == nullptr || *s == '\0')
		return nullptr;
	size_t len = strlen(s);
	char *copy = static_cast<char *>(MemoryContextAllocExtended(ErrorContext, len + 1, MCXT_ALLOC_NO_OOM));
	if (copy != nullptr)
		memcpy(copy, s, len + 1);
	return copy;
}

void
CaptureCurrentException(PendingError &out) noexcept
{
	static char fallback[] = "out of memory while reporting an error";
	try {
		throw;
	} catch (const PgError &e) {
		out.pg = e.edata;
		return;
	} catch (const Interrupted &) {
		out.interrupted = true;
		return;
	} catch (const Error &e) {
		/* the exception object dies with the handler: keep copies */
		out.sqlstate = CopyForError(e.sqlstate());
		out.message = CopyForError(e.what());
		out.detail = CopyForError(e.detail().c_str());
		out.hint = CopyForError(e.hint().c_str());
	} catch (const std::bad_array_new_length &) {
		out.sqlstate = "54000";
		out.message = CopyForError("requested allocation is too large");
		out.hint = CopyForError("A single allocation is limited to 1 GB.");
	} catch (const std::bad_alloc &) {
		out.sqlstate = "53200";
		out.message = CopyForError("out of memory");
	} catch (const std::exception &e) {
		out.sqlstate = "XX000";
		out.message = CopyForError(e.what());
	} catch (...) {
		out.sqlstate = "XX000";
		out.message = CopyForError("unknown C++ exception");
	}
	if (out.sqlstate == nullptr)
		out.sqlstate = "53200";
	if (out.message == nullptr)
		out.message = fallback;
}

void
RaisePendingError(const PendingError &err)
{
	if (err.pg != nullptr)
		ReThrowError(err.pg);
	if (err.interrupted) {
		/* Every C++ frame is gone: let PostgreSQL process the cancel or termination now. */
		CHECK_FOR_INTERRUPTS();
		ereport(ERROR, (errcode(ERRCODE_QUERY_CANCELED), errmsg("canceling statement due to user request")));
	}
	const char *s = err.sqlstate;
	ereport(ERROR, (errcode(MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4])), errmsg_internal("%s", err.message),
	                err.detail ? errdetail_internal("%s", err.detail) : 0, err.hint ? errhint("%s", err.hint) : 0));
	pg_unreachable();
}

/* True when CHECK_FOR_INTERRUPTS() would raise: a cancel or a termination is pending. */
static bool
CancelPending()
{
	return InterruptPending && (QueryCancelPending || ProcDiePending);
}

void
InstallInterruptHook()
{
	g_cancel_pending = CancelPending;
}

}  // namespace shinjp::pg
