/* idset.c - a set of short identifiers: open addressing, linear probing */
#include <stdlib.h>
#include <string.h>

#include "parcours.h"

struct pc_idset {
	char	**slot;
	size_t	  cap;		/* a power of two */
	size_t	  count;
};

/* FNV-1a: the ids are already keyed hashes, so spreading is all we need. */
static size_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	while (n--) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 29));
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
find(const struct pc_idset *s, const char *id, size_t n)
{
	size_t i = hash(id, n) & (s->cap - 1);

	while (s->slot[i] != NULL &&
	    (strncmp(s->slot[i], id, n) != 0 || s->slot[i][n] != '\0'))
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void
grow(struct pc_idset *s)
{
	char **old = s->slot;
	size_t i, oldcap = s->cap;

	s->cap *= 2;
	s->slot = pc_xcalloc(s->cap, sizeof *s->slot);
	for (i = 0; i < oldcap; i++)
		if (old[i] != NULL)
			s->slot[find(s, old[i], strlen(old[i]))] = old[i];
	free(old);
}

int
pc_idset_add(struct pc_idset *s, const char *id, size_t n)
{
	size_t i;
	char *copy;

	if ((s->count + 1) * 4 > s->cap * 3)
		grow(s);
	i = find(s, id, n);
	if (s->slot[i] != NULL)
		return 0;
	copy = pc_xmalloc(n + 1);
	memcpy(copy, id, n);
	copy[n] = '\0';
	s->slot[i] = copy;
	s->count++;
	return 1;
}

int
pc_idset_has(const struct pc_idset *s, const char *id, size_t n)
{
	return s->slot[find(s, id, n)] != NULL;
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
	for (i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
	free(s);
}
