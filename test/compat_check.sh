#!/usr/bin/env bash
# Compile every glue file (syntax only) against another PostgreSQL major's server headers, to check
# the version guards in src/pg/compat.h without installing that server:
#   test/compat_check.sh /usr/include/postgresql/17/server
# Any tree of server headers works (an installed postgresql-server-dev-N, or a source tree's
# src/include after ./configure).  Prints one line per file and exits non-zero on a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
inc=${1:?usage: $0 SERVER_INCLUDE_DIR}
icu=$(pkg-config --cflags icu-uc icu-i18n 2>/dev/null)
version=$(sed -n 's/^#define PG_VERSION_NUM \([0-9]*\)/\1/p' "$inc/pg_config.h")
echo "PostgreSQL headers: $inc (PG_VERSION_NUM $version)"
fail=0
for f in src/shinjp.cpp src/pg/*.cpp src/ivm/*.cpp $(ls src/*/*_fmgr.cpp 2>/dev/null); do
	[ -e "$f" ] || continue
	if out=$(g++ -std=c++17 -fsyntax-only -Wall -Wextra -Wno-register -Werror -Isrc -DSHINJP_VERSION='"0"' \
		$icu -isystem "$inc" "$f" 2>&1); then
		echo "ok      $f"
	elif grep -q 'fatal error: .*: No such file or directory' <<<"$out"; then
		echo "skipped $f ($(grep -o 'fatal error: [^:]*' <<<"$out" | head -1 | sed 's/fatal error: //') not in this header tree)"
	else
		echo "FAILED  $f"
		head -20 <<<"$out" | sed 's/^/        /'
		fail=1
	fi
done
exit $fail
