/*
 * agg_glue.hpp — helpers shared by the analytics glue files (*_fmgr.cpp).  Glue only: include after
 * pg/boundary.hpp.
 */
#pragma once

#include <cstddef>
#include <new>

#include "pg/boundary.hpp"

extern "C" {
#include "utils/memutils.h"
}

namespace shinjp::agg {

/* Allocate in cxt without ever longjmp'ing: throws std::bad_alloc / std::bad_array_new_length. */
inline void *
AllocOrThrow(MemoryContext cxt, size_t size)
{
	if (size >= MaxAllocSize)
		throw std::bad_array_new_length();
	void *p = MemoryContextAllocExtended(cxt, size, MCXT_ALLOC_NO_OOM);
	if (p == nullptr)
		throw std::bad_alloc();
	return p;
}

}  // namespace shinjp::agg
