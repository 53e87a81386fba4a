/*
 * normalize.cpp — NFKC_Casefold through ICU's C API plus shinjp's kana rules (see normalize.hpp).
 *
 * The input is cut into normalisation chunks: a chunk starts at a code point that has a
 * normalisation boundary before it (ICU: it never interacts with what precedes it), so each chunk
 * normalises independently and every output code point is attributed to the start of its chunk.
 * Common Japanese and ASCII characters take a fast path without calling ICU.
 */
#include "core_only.hpp"

#include "jatext/normalize.hpp"

#include <unicode/unorm2.h>
#include <unicode/utypes.h>

namespace shinjp::ts {

namespace {

const UNormalizer2 *g_nfkc_cf = nullptr; /* owned by ICU, never freed */
const UNormalizer2 *g_nfc = nullptr;

void
LoadNormalizers()
{
	if (g_nfkc_cf != nullptr)
		return;
	UErrorCode status = U_ZERO_ERROR;
	const UNormalizer2 *nfc = unorm2_getNFCInstance(&status);
	const UNormalizer2 *nfkc_cf = unorm2_getNFKCCasefoldInstance(&status);
	if (U_FAILURE(status))
		throw Error(sqlstate::kInternalError, "could not load ICU normalisation data",
		            std::string("ICU error: ") + u_errorName(status) + ".");
	g_nfc = nfc;
	g_nfkc_cf = nfkc_cf;
}

/*
 * Characters that never combine with their neighbours and whose NFKC_Casefold image is themselves,
 * ASCII lower case (A-Z), or their ASCII counterpart (full-width ！..～, U+FF01..FF5E → U+0021..007E).
 */
inline bool
IsFast(char32_t c)
{
	return c < 0x80 || (c >= 0x3001 && c <= 0x3011) || (c >= 0x3041 && c <= 0x3096) ||
	       (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FC || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xFF01 && c <= 0xFF5E);
}

inline bool
BoundaryBefore(char32_t c)
{
	return IsFast(c) || unorm2_hasBoundaryBefore(g_nfkc_cf, static_cast<UChar32>(c));
}

/* Dash and wave marks that read as ー after kana (checked after NFKC, which maps － to - and ～ to ~). */
inline bool
IsDashOrWave(char32_t c)
{
	switch (c) {
	case 0x002D: case 0x007E: case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2212: case 0x2053: case 0x301C: case 0x3030: case 0x2500: case 0x2501:
	case 0xFF0D: case 0xFF5E: case 0xFF70: case 0x30FC:
		return true;
	default:
		return false;
	}
}

inline bool
IsSpaceOrControl(char32_t c)
{
	return c <= 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x205F || c == 0x3000 || c == 0x00A0 || c == 0x202F;
}

/* The plain syllable behind a voiced/semi-voiced kana (が → か), or c itself. */
char32_t
Unvoiced(char32_t c)
{
	UChar buf[4];
	UErrorCode status = U_ZERO_ERROR;
	int32_t len = unorm2_getRawDecomposition(g_nfc, static_cast<UChar32>(c), buf, 4, &status);
	if (U_SUCCESS(status) && len == 2 && (buf[1] == 0x3099 || buf[1] == 0x309A))
		return buf[0];
	return c;
}

/* Applies the kana rules to NFKC_Casefold output and emits code points with their source offsets. */
class Emitter {
  public:
	/* Writes into *out, sized ahead and trimmed by Finish(), so the hot path does no capacity dance. */
	Emitter(std::u32string *out, std::vector<uint32_t> *offsets, size_t size_hint) : out_(out), offsets_(offsets)
	{
		out_->resize(size_hint + 16);
		buf_ = &(*out_)[0];
		cap_ = out_->size();
	}
	void Finish() { out_->resize(len_); }

	void Emit(char32_t c, uint32_t src)
	{
		if (IsSpaceOrControl(c)) {
			if (len_ > 0 && buf_[len_ - 1] == U' ')
				return;
			Put(U' ', src);
			return;
		}
		if (c >= 0x30A1 && c <= 0x30F6) /* katakana → hiragana */
			c -= 0x60;
		else if (c == 0x30FD || c == 0x30FE) /* ヽヾ → ゝゞ */
			c -= 0x60;
		char32_t prev = len_ > 0 ? buf_[len_ - 1] : 0;
		if (IsDashOrWave(c) && IsKana(prev)) {
			Put(0x30FC, src);
			return;
		}
		if ((c == 0x309D || c == 0x309E) && prev >= 0x3041 && prev <= 0x3096) {
			char32_t base = Unvoiced(prev);
			if (c == 0x309E) {
				UChar32 voiced = unorm2_composePair(g_nfc, static_cast<UChar32>(base), 0x3099);
				if (voiced >= 0)
					base = static_cast<char32_t>(voiced);
			}
			Put(base, src);
			return;
		}
		Put(c, src);
	}

	/* A character that no kana rule touches. */
	void Plain(char32_t c, uint32_t src) { Put(c, src); }

  private:
	void Put(char32_t c, uint32_t src)
	{
		if (len_ == cap_) {
			out_->resize(cap_ * 2);
			buf_ = &(*out_)[0];
			cap_ = out_->size();
		}
		buf_[len_++] = c;
		if (offsets_)
			offsets_->push_back(src);
	}
	std::u32string *out_;
	char32_t *buf_;
	size_t len_ = 0;
	size_t cap_;
	std::vector<uint32_t> *offsets_;
};

/* DecodeUtf8 with the ASCII and well-formed 3-byte cases inline (most Japanese text). */
inline size_t
Decode(const char *s, size_t n, size_t i, char32_t *cp)
{
	auto b0 = static_cast<unsigned char>(s[i]);
	if (b0 < 0x80) {
		*cp = b0;
		return 1;
	}
	if ((b0 & 0xF0) == 0xE0 && i + 2 < n) {
		auto b1 = static_cast<unsigned char>(s[i + 1]), b2 = static_cast<unsigned char>(s[i + 2]);
		char32_t v = (char32_t(b0 & 0x0F) << 12) | (char32_t(b1 & 0x3F) << 6) | (b2 & 0x3F);
		if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80 && v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) {
			*cp = v;
			return 3;
		}
	}
	return DecodeUtf8(s, n, i, cp);
}

void
AppendUtf16(std::vector<UChar> &buf, char32_t c)
{
	if (c < 0x10000) {
		buf.push_back(static_cast<UChar>(c));
	} else {
		c -= 0x10000;
		buf.push_back(static_cast<UChar>(0xD800 + (c >> 10)));
		buf.push_back(static_cast<UChar>(0xDC00 + (c & 0x3FF)));
	}
}

}  // namespace

bool
IsSelfNormalizing(char32_t c)
{
	if (c < 0x80)
		return c >= 0x20 && c < 0x7F && !(c >= 'A' && c <= 'Z') && c != '-' && c != '~';
	return (c >= 0x3001 && c <= 0x3011) || (c >= 0x3041 && c <= 0x3096) || c == 0x30FC ||
	       (c >= 0x4E00 && c <= 0x9FFF);
}

bool
NormalizationBoundaryBefore(char32_t c)
{
	LoadNormalizers();
	return BoundaryBefore(c);
}

bool
IsKana(char32_t c)
{
	return (c >= 0x3041 && c <= 0x3096) || (c >= 0x309D && c <= 0x309F) || (c >= 0x30A1 && c <= 0x30FA) ||
	       (c >= 0x30FC && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) || (c >= 0xFF66 && c <= 0xFF9D);
}

size_t
DecodeUtf8(const char *s, size_t n, size_t i, char32_t *cp)
{
	auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
	unsigned char c0 = b(i);
	if (c0 < 0x80) {
		*cp = c0;
		return 1;
	}
	size_t len;
	char32_t v, min;
	if ((c0 & 0xE0) == 0xC0) {
		len = 2, v = c0 & 0x1F, min = 0x80;
	} else if ((c0 & 0xF0) == 0xE0) {
		len = 3, v = c0 & 0x0F, min = 0x800;
	} else if ((c0 & 0xF8) == 0xF0) {
		len = 4, v = c0 & 0x07, min = 0x10000;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	if (i + len > n) {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t k = 1; k < len; k++) {
		if ((b(i + k) & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (b(i + k) & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = v;
	return len;
}

void
AppendUtf8(std::string &out, char32_t c)
{
	if (c < 0x80) {
		out.push_back(static_cast<char>(c));
	} else if (c < 0x800) {
		out.push_back(static_cast<char>(0xC0 | (c >> 6)));
		out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
	} else if (c < 0x10000) {
		out.push_back(static_cast<char>(0xE0 | (c >> 12)));
		out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
		out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
	} else {
		out.push_back(static_cast<char>(0xF0 | (c >> 18)));
		out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
		out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
		out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
	}
}

void
NormalizeCodepoints(std::string_view utf8, std::u32string *out, std::vector<uint32_t> *source_offsets)
{
	LoadNormalizers();
	if (utf8.size() > UINT32_MAX)
		throw Error(sqlstate::kProgramLimitExceeded, "text too long to normalise",
		            "The text has " + std::to_string(utf8.size()) + " bytes.",
		            "Normalise texts of at most 4 GB.");
	if (source_offsets) {
		source_offsets->clear();
		source_offsets->reserve(utf8.size() / 2 + 1);
	}
	Emitter emit(out, source_offsets, utf8.size() / 2);
	const char *s = utf8.data();
	const size_t n = utf8.size();
	std::vector<UChar> src16, dst16;
	size_t i = 0;
	char32_t c;
	size_t len = n ? Decode(s, n, 0, &c) : 0;
	size_t polled = 0;
	while (i < n) {
		if (i - polled > (1u << 16)) {
			CheckInterrupts();
			polled = i;
		}
		/* The chunk is c plus every following code point without a boundary before it. */
		size_t j = i + len;
		char32_t next = 0;
		size_t next_len = 0;
		if (j < n)
			next_len = Decode(s, n, j, &next);
		if (IsFast(c) && (j >= n || BoundaryBefore(next))) {
			if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3041 && c <= 0x3096) || (c >= 'a' && c <= 'z'))
				emit.Plain(c, static_cast<uint32_t>(i)); /* no rule applies: kanji, hiragana, a-z */
			else if (c >= 0x30A1 && c <= 0x30F6)
				emit.Plain(c - 0x60, static_cast<uint32_t>(i)); /* katakana → hiragana */
			else if (c >= 'A' && c <= 'Z')
				emit.Plain(c + ('a' - 'A'), static_cast<uint32_t>(i));
			else if (c >= 0xFF01 && c <= 0xFF5E) { /* full-width ASCII: NFKC, then case folding */
				c -= 0xFEE0;
				emit.Emit(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c, static_cast<uint32_t>(i));
			} else
				emit.Emit(c, static_cast<uint32_t>(i));
		} else {
			src16.clear();
			AppendUtf16(src16, c);
			while (j < n && !BoundaryBefore(next)) {
				AppendUtf16(src16, next);
				j += next_len;
				next_len = j < n ? Decode(s, n, j, &next) : 0;
			}
			UErrorCode status = U_ZERO_ERROR;
			dst16.resize(src16.size() * 4 + 16);
			int32_t got = unorm2_normalize(g_nfkc_cf, src16.data(), static_cast<int32_t>(src16.size()),
			                               dst16.data(), static_cast<int32_t>(dst16.size()), &status);
			if (status == U_BUFFER_OVERFLOW_ERROR) {
				dst16.resize(static_cast<size_t>(got));
				status = U_ZERO_ERROR;
				got = unorm2_normalize(g_nfkc_cf, src16.data(), static_cast<int32_t>(src16.size()), dst16.data(),
				                       static_cast<int32_t>(dst16.size()), &status);
			}
			if (U_FAILURE(status))
				throw Error(sqlstate::kInternalError, "ICU normalisation failed",
				            std::string("ICU error: ") + u_errorName(status) + ".");
			for (int32_t k = 0; k < got; k++) {
				char32_t u = dst16[k];
				if (u >= 0xD800 && u <= 0xDBFF && k + 1 < got && dst16[k + 1] >= 0xDC00 && dst16[k + 1] <= 0xDFFF) {
					u = 0x10000 + ((u - 0xD800) << 10) + (dst16[k + 1] - 0xDC00);
					k++;
				}
				emit.Emit(u, static_cast<uint32_t>(i));
			}
		}
		i = j;
		c = next;
		len = next_len;
	}
	emit.Finish();
}

std::string
Normalize(std::string_view utf8, std::vector<uint32_t> *source_offsets)
{
	std::u32string cps;
	std::vector<uint32_t> cp_offsets;
	NormalizeCodepoints(utf8, &cps, source_offsets ? &cp_offsets : nullptr);
	std::string out;
	out.reserve(cps.size() * 3);
	if (source_offsets) {
		source_offsets->clear();
		source_offsets->reserve(cps.size() * 3);
	}
	for (size_t k = 0; k < cps.size(); k++) {
		size_t before = out.size();
		AppendUtf8(out, cps[k]);
		if (source_offsets)
			source_offsets->insert(source_offsets->end(), out.size() - before, cp_offsets[k]);
	}
	return out;
}

std::string
Normalize(std::string_view utf8)
{
	return Normalize(utf8, nullptr);
}

std::pair<size_t, size_t>
SourceSpan(const std::vector<uint32_t> &source_offsets, size_t input_len, size_t out_begin, size_t out_end)
{
	if (out_begin >= source_offsets.size() || out_end <= out_begin)
		return {input_len, input_len};
	size_t begin = source_offsets[out_begin];
	size_t last = source_offsets[out_end - 1];
	size_t end = input_len;
	for (size_t j = out_end; j < source_offsets.size(); j++) {
		if (source_offsets[j] > last) {
			end = source_offsets[j];
			break;
		}
	}
	return {begin, end};
}

}  // namespace shinjp::ts
