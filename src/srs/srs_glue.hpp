/*
 * srs_glue.hpp — what the FSRS and SM-2 entry points share: cached composite types, the
 * per-call-site parameter cache (keyed on the parameter composite's bytes), time-zone lookup.
 *
 * Glue files only (after pg/boundary.hpp).  Everything here may ereport; callers keep only trivially
 * destructible objects live (STYLE.md §3).
 */
#pragma once

#include "pg/boundary.hpp"
#include "srs/fsrs.hpp"

extern "C" {
#include "access/htup.h"
#include "access/tupdesc.h"
#include "datatype/timestamp.h"
}

namespace shinjp::srs::glue {

inline constexpr int kMaxFastAtts = 12;

/*
 * A composite type used as argument or result, with its enum labels (card_state) resolved.  Cards
 * are all fixed-width pass-by-value attributes of which only the last may be NULL: for those we
 * read fields at precomputed offsets and build results from header templates made by
 * heap_form_tuple (the bytes are identical to what heap_form_tuple would produce).
 */
struct CompositeType {
	Oid typid;
	TupleDesc desc; /* copy in the call site's fn_mcxt; null until first use */
	bool has_state;
	Oid state_oid[4]; /* card_state labels new, learning, review, relearning */
	/* fixed layout (fast path) */
	bool fixed;
	int natts;
	int16 off[kMaxFastAtts];
	int16 len[kMaxFastAtts];
	char *tmpl[2]; /* [0] no NULL, [1] last attribute NULL */
	uint32 tmpl_len[2];
	uint8 tmpl_hoff[2];
};

/* One decoded parameter composite: its bytes (the key) and the decoded struct. */
struct ParamsEntry {
	uint32 len;
	char *bytes;
	void *decoded;
};

inline constexpr int kParamsCacheSize = 8;

/* fn_extra of every scheduling function: lives as long as the call site (fn_mcxt). */
struct FnCache {
	MemoryContext mcxt;
	CompositeType card;        /* shinjp.card or shinjp.sm2_card */
	CompositeType params_type; /* shinjp.fsrs_params or shinjp.sm2_params */
	CompositeType aux;         /* any other result type (memory_state) */
	ParamsEntry params[kParamsCacheSize];
	int n_params;
	int next_evict;
	int last_hit;
	int8 params_stable; /* 0 unknown, 1 the argument is a Const/external Param, -1 not */
	void *stable_params;
};

FnCache *GetCache(FunctionCallInfo fcinfo);

/* Deform composite datum d of type `t` (initialised from the datum's type on first use). */
void Deform(MemoryContext mcxt, CompositeType *t, Datum d, int natts, const char *name, Datum *values, bool *nulls);
/* Cache the called function's composite result type in t. */
void ResultType(FunctionCallInfo fcinfo, MemoryContext mcxt, CompositeType *t, int natts, const char *name);
/* Index 0..3 of a card_state label OID. */
int StateOf(const CompositeType &t, Oid label);

/*
 * Read composite datum d of type t into values/nulls: the fixed-layout fast path when it applies
 * (any varlena header, no copy), else heap_deform_tuple.
 */
void ReadComposite(MemoryContext mcxt, CompositeType *t, Datum d, int natts, const char *name, Datum *values, bool *nulls);
/* Form a composite of type t (fast path when only the last attribute may be NULL). */
Datum FormComposite(const CompositeType &t, const Datum *values, const bool *nulls);

/*
 * Decoded parameters for composite datum d (argument number argno, or -1); on a miss `decode` fills a
 * buffer of `size` bytes.  A Const or external-Param argument is decoded once per call site.
 */
void *LookupParams(FunctionCallInfo fcinfo, FnCache *c, int argno, Datum d, size_t size,
                   void (*decode)(FnCache *, HeapTupleHeader, void *));

/* interval[] → palloc'd StepSpec array; returns the count. */
int ReadSteps(Datum d, const char *field, srs::StepSpec **out);
/* The learner's day clock for a time-zone name (rollover set later by MakeParams). */
srs::DayClock ReadDayClock(Datum tzname);

/* FSRS cards (shinjp.card) and parameters (shinjp.fsrs_params). */
inline constexpr int kCardAtts = 10;
inline constexpr int kParamsAtts = 9;
srs::Card ReadFsrsCard(MemoryContext mcxt, CompositeType *t, Datum d);
Datum WriteFsrsCard(const CompositeType &t, const srs::Card &card);
const srs::Params &ReadFsrsParams(FunctionCallInfo fcinfo, FnCache *c, int argno);

/* The parameter constructor (shinjp.fsrs_params / shinjp.sm2_params): form the composite from the
 * function's arguments and validate it by decoding it once. */
Datum BuildParams(FunctionCallInfo fcinfo, FnCache *c, int natts, const char *name, size_t size,
                  void (*decode)(FnCache *, HeapTupleHeader, void *));

/* The four rows of a preview SRF: (rating, label, due - at, card[g - 1]). */
void PutPreviewRows(FunctionCallInfo fcinfo, TimestampTz at, const TimestampTz due[4], const Datum cards[4]);

/*
 * Start of a replay transition function (rating, reviewed_at, params in arguments 1-3): checks the
 * aggregate context, errors on NULL parameters; false = skip this row (NULL rating or time).
 */
bool ReplayRowCounts(FunctionCallInfo fcinfo, const char *aggregate, MemoryContext *aggcxt);

[[noreturn]] void NullField(const char *what, const char *field, const char *hint);
TimestampTz FiniteTime(TimestampTz t, const char *what);

}  // namespace shinjp::srs::glue
