/*
 * core.hpp — what every PG-free core file may use: the error type that the
 * Postgres bridge turns into an ERROR, SQLSTATE constants, and interrupt polling.
 *
 * This header includes no PostgreSQL header and may be included from glue too.
 * Core .cpp files include "core_only.hpp" first, which refuses PostgreSQL headers.
 */
#pragma once

#include <stdexcept>
#include <string>

namespace shinjp {

/* SQLSTATE codes used by the cores (see PostgreSQL's errcodes.txt). */
namespace sqlstate {
inline constexpr char kInvalidParameterValue[] = "22023";
inline constexpr char kNumericValueOutOfRange[] = "22003";
inline constexpr char kInvalidTextRepresentation[] = "22P02";
inline constexpr char kInvalidBinaryRepresentation[] = "22P03";
inline constexpr char kDataException[] = "22000";
inline constexpr char kDatetimeFieldOverflow[] = "22008";
inline constexpr char kArraySubscriptError[] = "2202E";
inline constexpr char kNullValueNotAllowed[] = "22004";
inline constexpr char kProgramLimitExceeded[] = "54000";
inline constexpr char kFeatureNotSupported[] = "0A000";
inline constexpr char kDataCorrupted[] = "XX001";
inline constexpr char kInternalError[] = "XX000";
inline constexpr char kQueryCanceled[] = "57014";
}  // namespace sqlstate

/*
 * An error a core reports to its caller.  The bridge (src/pg/boundary.hpp)
 * turns it into ereport(ERROR) with this SQLSTATE, message, detail and hint.
 * Messages follow PostgreSQL's style: lower-case first word, no final period;
 * detail and hint are full sentences.
 */
class Error : public std::runtime_error {
  public:
	Error(const char *sqlstate, const std::string &message, std::string detail = {}, std::string hint = {})
		: std::runtime_error(message), detail_(std::move(detail)), hint_(std::move(hint))
	{
		for (int i = 0; i < 5; i++)
			sqlstate_[i] = sqlstate[i];
		sqlstate_[5] = '\0';
	}
	const char *sqlstate() const noexcept { return sqlstate_; }
	const std::string &detail() const noexcept { return detail_; }
	const std::string &hint() const noexcept { return hint_; }

  private:
	char sqlstate_[6];
	std::string detail_;
	std::string hint_;
};

/*
 * Thrown by CheckInterrupts() when PostgreSQL wants the statement cancelled
 * (statement_timeout, pg_cancel_backend, backend termination).  The bridge
 * unwinds every C++ frame first and then lets PostgreSQL process the interrupt.
 */
struct Interrupted : std::exception {
	const char *what() const noexcept override { return "canceling statement due to interrupt"; }
};

/*
 * Set by the bridge at load time; returns true when a cancel or termination is
 * pending.  Null in unit tests, where nothing is ever interrupted.
 */
extern bool (*g_cancel_pending)();

/* Poll from long loops (every few thousand iterations at most a few µs apart). */
inline void
CheckInterrupts()
{
	if (g_cancel_pending != nullptr && g_cancel_pending())
		throw Interrupted();
}

}  // namespace shinjp
