/*
 * idset.c - identifiers with the digests of every content recorded for
 * them.  A digest seen before is a repeat (skipped), a new one a
 * correction (written as a new row).  Keeping all of them, not only the
 * latest, is what makes a re-import add nothing even when an export holds
 * two versions of one record.
 *
 * It holds one entry per (id, digest) pair and grows with the rows, so
 * each entry is small and fixed: a 64-bit hash of the id and the 16-byte
 * digest, 24 bytes, no pointer, nothing allocated per id (a copy of each
 * id and a 64-byte entry made it the largest cost of an import, in time
 * and memory).  Open addressing with linear probing on the id's hash puts
 * every entry of one id in the run of slots that starts at its home slot,
 * so one probe sequence sees them all.
 *
 * Two ids with the same 64-bit hash would be taken for one: the second
 * would count as a correction of the first instead of a new id, and still
 * be written.  A row is skipped only when its digest, which covers the
 * values the id is made from, matches as well, so no row is lost to it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parcours.h"

struct entry {
	uint64_t	 h;		/* 0: a free slot */
	unsigned char	 digest[PC_DIGEST];
};

_Static_assert(sizeof(struct entry) == PC_IDSET_ENTRY, "entry size");

struct pc_idset {
	struct entry	*slot;
	size_t		 cap;		/* a power of two */
	size_t		 count;		/* entries */
};

struct pc_idset *
pc_idset_new(void)
{
	struct pc_idset *s = pc_xcalloc(1, sizeof *s);

	s->cap = 1024;
	s->slot = pc_table_alloc(s->cap, sizeof *s->slot);
	return s;
}

static void
rehash(struct pc_idset *s, size_t cap)
{
	struct entry *old = s->slot;
	size_t i, j, oldcap = s->cap;

	s->cap = cap;
	s->slot = pc_table_alloc(s->cap, sizeof *s->slot);
	for (i = 0; i < oldcap; i++) {
		if (old[i].h == 0)
			continue;
		for (j = (size_t)old[i].h & (s->cap - 1); s->slot[j].h != 0;
		    j = (j + 1) & (s->cap - 1))
			;
		s->slot[j] = old[i];
	}
	pc_table_free(old, oldcap, sizeof *old);
}

/* cap doubled until n entries fill it three quarters at most. */
static size_t
fit(size_t cap, size_t n)
{
	while (cap < SIZE_MAX / 8 && n * 4 > cap * 3)
		cap *= 2;
	return cap;
}

/*
 * Room for n entries at once: growing by doubling moves every entry again
 * at each step, a cache miss each, and holds both tables at the peak.
 */
void
pc_idset_reserve(struct pc_idset *s, size_t n)
{
	size_t cap = fit(s->cap, s->count + n);

	if (cap != s->cap)
		rehash(s, cap);
}

size_t
pc_idset_bytes(size_t n)
{
	return fit(1024, n) * sizeof(struct entry);
}

/*
 * Past a few hundred thousand ids, the probe of pc_idset_put is a cache
 * miss per row: a tool that knows the id before it has hashed the row's
 * content asks for the slot early, and the two overlap.
 */
void
pc_idset_prefetch(const struct pc_idset *s, const char *id, size_t n)
{
	pc_idset_prefetch_hash(s, pc_hash(id, n));
}

void
pc_idset_prefetch_hash(const struct pc_idset *s, uint64_t h)
{
	__builtin_prefetch(&s->slot[(size_t)h & (s->cap - 1)]);
}

int
pc_idset_put(struct pc_idset *s, const char *id, size_t n,
    const unsigned char *digest)
{
	return pc_idset_put_hash(s, pc_hash(id, n), digest);
}

/* h is pc_hash of the id: a thread that is not the set's can compute it. */
int
pc_idset_put_hash(struct pc_idset *s, uint64_t h, const unsigned char *digest)
{
	static const unsigned char none[PC_DIGEST];
	struct entry *e;
	size_t i;
	int known = 0;

	if (digest == NULL)
		digest = none;
	if ((s->count + 1) * 4 > s->cap * 3)
		rehash(s, s->cap * 2);
	for (i = (size_t)h & (s->cap - 1); (e = &s->slot[i])->h != 0;
	    i = (i + 1) & (s->cap - 1)) {
		if (e->h != h)
			continue;
		if (memcmp(e->digest, digest, PC_DIGEST) == 0)
			return 0;
		known = 1;
	}
	e->h = h;
	memcpy(e->digest, digest, PC_DIGEST);
	s->count++;
	return known ? 2 : 1;
}

/*
 * For a set where only repeats matter and an id has many digests (the
 * events of a pathway): keyed by the id and the digest together, so that
 * an id's entries do not crowd the one run of slots each put would walk.
 * A pair is then a repeat when this hash and the digest both match, that
 * is when the id's hash and the digest do: pc_idset_put's test.  Put
 * under this hash, an answer of 2 means nothing more than 1.
 */
uint64_t
pc_idset_pair_hash(const char *id, size_t n, const unsigned char *digest)
{
	uint64_t d, h;

	memcpy(&d, digest, sizeof d);
	h = pc_hash(id, n) ^ d;
	return h != 0 ? h : 1;
}

size_t
pc_idset_count(const struct pc_idset *s)
{
	return s->count;
}

void
pc_idset_walk(const struct pc_idset *s,
    void (*fn)(uint64_t, const unsigned char *, void *), void *arg)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		if (s->slot[i].h != 0)
			fn(s->slot[i].h, s->slot[i].digest, arg);
}

/* Empty, its room kept: refilling it takes no page faults. */
void
pc_idset_empty(struct pc_idset *s)
{
	memset(s->slot, 0, s->cap * sizeof *s->slot);
	s->count = 0;
}

void
pc_idset_clear(struct pc_idset *s)
{
	pc_table_free(s->slot, s->cap, sizeof *s->slot);
	s->cap = 1024;
	s->count = 0;
	s->slot = pc_table_alloc(s->cap, sizeof *s->slot);
}

void
pc_idset_free(struct pc_idset *s)
{
	if (s == NULL)
		return;
	pc_table_free(s->slot, s->cap, sizeof *s->slot);
	free(s);
}
