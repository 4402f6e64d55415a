/*
 * idset.c - identifiers with the digests of every content recorded for
 * them: open addressing, linear probing.  A digest seen before is a repeat
 * (skipped), a new one a correction (written as a new row).  Keeping all
 * of them, not only the latest, is what makes a re-import add nothing even
 * when an export holds two versions of one record.
 */
#include <stdlib.h>
#include <string.h>

#include "parcours.h"

struct entry {
	uint64_t	 h;		/* hash(id): most probes end on it */
	char		*id;
	unsigned char	 digest[PC_DIGEST];	/* the first one */
	unsigned char	(*more)[PC_DIGEST];	/* the others, rarely any */
	size_t		 nmore;
};

struct pc_idset {
	struct entry	*slot;
	size_t	  cap;		/* a power of two */
	size_t	  count;
};

/* FNV-1a: the ids are already keyed hashes, so spreading is all we need. */
static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

struct pc_idset *
pc_idset_new(void)
{
	struct pc_idset *s = pc_xcalloc(1, sizeof *s);

	s->cap = 1024;
	s->slot = pc_xcalloc(s->cap, sizeof *s->slot);
	return s;
}

static size_t
find(const struct pc_idset *s, uint64_t h, const char *id, size_t n)
{
	size_t i = (size_t)h & (s->cap - 1);

	while (s->slot[i].id != NULL && (s->slot[i].h != h ||
	    strncmp(s->slot[i].id, id, n) != 0 || s->slot[i].id[n] != '\0'))
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void
grow(struct pc_idset *s)
{
	struct entry *old = s->slot;
	size_t i, j, oldcap = s->cap;

	s->cap *= 2;
	s->slot = pc_xcalloc(s->cap, sizeof *s->slot);
	for (i = 0; i < oldcap; i++) {
		if (old[i].id == NULL)
			continue;
		/* The ids are distinct: the first free slot is its own. */
		for (j = (size_t)old[i].h & (s->cap - 1); s->slot[j].id != NULL;
		    j = (j + 1) & (s->cap - 1))
			;
		s->slot[j] = old[i];
	}
	free(old);
}

int
pc_idset_put(struct pc_idset *s, const char *id, size_t n,
    const unsigned char *digest)
{
	static const unsigned char none[PC_DIGEST];
	struct entry *e;
	char *copy;
	uint64_t h = hash(id, n);

	if (digest == NULL)
		digest = none;
	if ((s->count + 1) * 4 > s->cap * 3)
		grow(s);
	e = &s->slot[find(s, h, id, n)];
	if (e->id != NULL) {
		size_t i;

		if (memcmp(e->digest, digest, PC_DIGEST) == 0)
			return 0;
		for (i = 0; i < e->nmore; i++)
			if (memcmp(e->more[i], digest, PC_DIGEST) == 0)
				return 0;
		e->more = pc_xreallocarray(e->more, e->nmore + 1,
		    sizeof *e->more);
		memcpy(e->more[e->nmore++], digest, PC_DIGEST);
		return 2;
	}
	copy = pc_xmalloc(n + 1);
	memcpy(copy, id, n);
	copy[n] = '\0';
	e->id = copy;
	e->h = h;
	memcpy(e->digest, digest, PC_DIGEST);
	s->count++;
	return 1;
}

int
pc_idset_has(const struct pc_idset *s, const char *id, size_t n)
{
	return s->slot[find(s, hash(id, n), id, n)].id != NULL;
}

size_t
pc_idset_count(const struct pc_idset *s)
{
	return s->count;
}

void
pc_idset_free(struct pc_idset *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->cap; i++) {
		free(s->slot[i].id);
		free(s->slot[i].more);
	}
	free(s->slot);
	free(s);
}
