/*
 * compat.h — every PostgreSQL-version difference shinjp cares about, one guard per feature.
 *
 * Include after postgres.h, inside the glue file's extern "C" block.  Supported: 15, 16, 17.
 */
#ifndef SHINJP_PG_COMPAT_H
#define SHINJP_PG_COMPAT_H

#include "postgres.h"

#if PG_VERSION_NUM < 150000 || PG_VERSION_NUM >= 180000
#error "shinjp supports PostgreSQL 15, 16 and 17"
#endif

/* 16 split the varlena macros (VARSIZE, SET_VARSIZE, ...) out of postgres.h into varatt.h. */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * Before 16, PGDLLEXPORT is empty on ELF and PG_FUNCTION_INFO_V1 exports only pg_finfo_*;
 * we build with -fvisibility=hidden, so entry points need default visibility spelled out.
 */
#if PG_VERSION_NUM < 160000
#undef PGDLLEXPORT
#define PGDLLEXPORT __attribute__((visibility("default")))
#endif

/* 16 renamed the catalog ownership checks to object_ownercheck(). */
#if PG_VERSION_NUM >= 160000
#define SHINJP_OWNERCHECK_CLASS(relid, roleid) object_ownercheck(RelationRelationId, (relid), (roleid))
#else
#define SHINJP_OWNERCHECK_CLASS(relid, roleid) pg_class_ownercheck((relid), (roleid))
#endif

/* 17 restricts search_path during maintenance commands and gained RestrictSearchPath(). */
#if PG_VERSION_NUM >= 170000
#define SHINJP_HAVE_RESTRICT_SEARCH_PATH 1
#endif

/*
 * 16 made table_tuple_update say which indexes need entries for the new row version (all, only
 * summarizing ones such as BRIN, or none) instead of a bool, and IndexInfo says which are summarizing.
 */
#if PG_VERSION_NUM >= 160000
#define SHINJP_UPDATE_INDEXES_TYPE TU_UpdateIndexes
#define SHINJP_UPDATE_NEEDS_INDEXES(u) ((u) != TU_None)
#define SHINJP_UPDATE_SUMMARIZING_ONLY(u) ((u) == TU_Summarizing)
#define SHINJP_INDEX_IS_SUMMARIZING(ii) ((ii)->ii_Summarizing)
#else
#define SHINJP_UPDATE_INDEXES_TYPE bool
#define SHINJP_UPDATE_NEEDS_INDEXES(u) (u)
#define SHINJP_UPDATE_SUMMARIZING_ONLY(u) false
#define SHINJP_INDEX_IS_SUMMARIZING(ii) false
#endif

#endif /* SHINJP_PG_COMPAT_H */
