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
