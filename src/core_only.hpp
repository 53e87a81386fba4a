/*
 * core_only.hpp — included first by every PG-free core .cpp file.
 *
 * Core files are compiled into the unit tests and fuzzers without PostgreSQL's
 * include path; this guard makes the rule explicit when they are compiled into
 * the extension too.
 */
#pragma once

#ifdef POSTGRES_H
#error "a shinjp core file must not include PostgreSQL headers: move the PostgreSQL code into a *_fmgr.cpp or src/pg file"
#endif

#include "core.hpp"
