/*
 * hash.c - the hash of the in-memory tables (the id set, the event and
 * pathway tables): their keys are ids, already spread, or short words, so
 * spreading is all it needs, and it runs several times a row.  Eight
 * bytes a multiply (FNV-1a's multiply per byte was a chain of some
 * hundred cycles), then MurmurHash3's final mix (fmix64).  Never 0, so
 * that a table may mark a free slot with 0.  Not stable across machines
 * of another byte order: nothing keeps it.
 */
#include <stdint.h>
#include <string.h>

#include "parcours.h"

uint64_t
pc_hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h != 0 ? h : 1;
}

/*
 * A sum of a row's 240 bytes, to tell whether a file changed under the
 * run (latest.c), taken twice a row: pc_hash's multiplies follow one
 * another, a chain of some 180 cycles a row, which showed in ald30-check's
 * profile (3 % of its samples).  Four lanes of 8 bytes are independent
 * chains that the processor runs side by side, then mixed into one as
 * pc_hash mixes its words.
 */
uint64_t
pc_sum(const char *s, size_t n)
{
	uint64_t a = 0x9e3779b97f4a7c15ULL ^ n, b = 0x6a09e667f3bcc909ULL,
	    c = 0xbb67ae8584caa73bULL, d = 0x3c6ef372fe94f82bULL, w;

	for (; n >= 32; s += 32, n -= 32) {
		memcpy(&w, s, 8);
		a = (a ^ w) * 0xff51afd7ed558ccdULL;
		memcpy(&w, s + 8, 8);
		b = (b ^ w) * 0xff51afd7ed558ccdULL;
		memcpy(&w, s + 16, 8);
		c = (c ^ w) * 0xff51afd7ed558ccdULL;
		memcpy(&w, s + 24, 8);
		d = (d ^ w) * 0xff51afd7ed558ccdULL;
		a ^= a >> 32;
		b ^= b >> 32;
		c ^= c >> 32;
		d ^= d >> 32;
	}
	a = (a ^ b) * 0xff51afd7ed558ccdULL;
	a ^= a >> 32;
	a = (a ^ c) * 0xff51afd7ed558ccdULL;
	a ^= a >> 32;
	a = (a ^ d) * 0xff51afd7ed558ccdULL;
	a ^= a >> 32;
	return pc_hash((const char *)&a, sizeof a) ^ pc_hash(s, n);
}
