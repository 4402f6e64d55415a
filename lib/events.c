/*
 * events.c - the event table held in memory, indexed by pathway, for the
 * tools that join it to pathway rows (ald30-check, followup-due,
 * pps-render): memory grows with the events only, and a pathway's events
 * come sorted by date.
 *
 * Millions of events, so each is held in 16 bytes, plus 4 for the index:
 * dates as days, the kind and the source as the index of their pair in a
 * set of distinct pairs (a table has a dozen kinds and a few sources), the
 * detail as its place in one buffer of them all, the event's number its
 * place among those kept, in the file's order, and its line worked out
 * from that number (a record that spans lines, or rows left out, are
 * noted aside).  Each pathway id is kept once.  The events stay
 * in the file's order; a counting sort on the pathway's index lists their
 * numbers pathway by pathway, in the file's order within a pathway; a
 * table is written in date order, so a pathway's list is only sorted when
 * it is not.
 * pc_events_of() spells a pathway's events out as struct pc_event into
 * one buffer, reused by the next call; pc_events_get() into the caller's,
 * so that threads judging pathways side by side each have their own.
 *
 * A tool that reads only some kinds names them (keep): the events of the
 * other kinds are checked as the rest, then left out, neither kept nor
 * indexed.  ald30-check reads two kinds in five of a usual table, and the
 * events it did not read were a third of its time and a fifth of its
 * memory.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parcours.h"


/*
 * A set of distinct strings, each numbered in order of first sight.  A
 * slot holds the string, its length just before it in the arena: with a
 * million pathways, a look-up is a cache miss at each step it takes.
 */
struct strset {
	struct slot {
		uint32_t	 h;
		uint32_t	 i;	/* index + 1; 0: free */
		const char	*s;
	}		*slot;
	size_t		 nslot;		/* a power of two */
	const char	**s;		/* by index */
	size_t		 n, cap;
};

/*
 * The pathway ids, a set of their own: a slot of 32 bytes holds its id
 * when it has 26 bytes or fewer (a pathway id has 25), so that a look-up
 * is one cache miss, the slot, not two, the slot then the id it pointed
 * to.  A longer id is kept in e->idarena, the slot holding where and how
 * long.  A pathway's id is read from its slot: the ids are kept in no
 * list by index.
 */
#define IDIN	26
#define IDLONG	UINT8_MAX

struct idslot {
	uint32_t	 i;		/* index + 1; 0: free */
	uint8_t		 len;		/* <= IDIN: in id; IDLONG: elsewhere */
	char		 id[IDIN + 1];	/* NUL-ended; or a pointer, a length */
};

struct idset {
	struct idslot	*slot;
	size_t		 nslot;		/* a power of two */
	size_t		 n;
};

/*
 * 16 bytes: every byte of five million events is memory the kernel must
 * clear before it is used, which showed in the profiles (24 bytes were
 * 120 MB of ald30-check's 320 at a million pathways), and four events
 * share a cache line.  A table has a dozen kinds and a few sources, so an
 * event keeps the number of its (kind, source) pair, below 2^16.  Its
 * detail is at an offset of 48 bits into e->det (0: empty).
 */
struct cev {
	int32_t		 date, until;	/* days; PC_NODATE: no until */
	uint32_t	 detlo;
	uint16_t	 dethi;
	uint16_t	 ks;		/* into e->pairs */
};

#define MAXPAIRS	UINT16_MAX

/*
 * Event seq was read at line seq + 2 + extra: from event seq on, until
 * the next change.  A change is a record over several lines, a header
 * that is not on line 1, or rows of kinds left out (keep): a short list,
 * unless kinds are left out, then an entry after each run of them (a
 * million, 8 MB, for ald30-check's two kinds of five at a million
 * pathways).
 */
struct linex {
	uint32_t	 seq;
	uint32_t	 extra;
};

struct pair {
	uint32_t	 kind, source;	/* into e->kinds, e->sources */
};

/*
 * A pathway's events as they are resolved: how many, and whether their
 * dates came in order, so that only the pathways whose dates did not are
 * sorted.  Walking every pathway's events to find out was a cache miss
 * an event, 30 ms at five million, while the other thread waited.
 */
struct tally {
	uint32_t	 n;		/* then the next place (group) */
	int32_t		 last;		/* date of the last; or UNSORTED */
};

#define UNSORTED	INT32_MAX	/* no date is that many days */
#define DROPPED		UINT32_MAX	/* a kind the caller does not read */

struct pc_events {
	struct cev	*ev;		/* in the file's order */
	size_t		 n, cap;
	struct idset	 ids;		/* the pathways */
	/*
	 * Pathway p's event numbers are order[first[p] .. first[p + 1]):
	 * its first and its count on one cache line, a miss less a look-up.
	 */
	uint32_t	*first;		/* ids.n + 1 */
	uint32_t	*order;		/* event numbers, by pathway */
	struct tally	*tally;		/* of each pathway, until sorted */
	size_t		 tallycap;
	struct strset	 kinds, sources;
	struct strset	 pairs;		/* of kind and source, as bytes */
	struct strset	 raw;		/* kinds as written, */
	uint32_t	*rawkind;	/* their canonical form's index; DROPPED */
	struct pc_event	*out;		/* pc_events_of()'s answer */
	size_t		 max;		/* events of the busiest pathway */
	char		*det;		/* the details, each ended by a NUL */
	size_t		 detlen, detcap;
	struct linex	*linex;		/* by seq */
	size_t		 nlinex, linexcap;
	struct pc_arena	 arena;		/* kinds, sources */
	/* The resolving thread's (see struct handoff). */
	struct pc_arena	 idarena;	/* the pathway ids longer than IDIN */
	uint32_t	*where;		/* of each event, its pathway */
	size_t		 wcap;
};

/*
 * n bytes of a and b the same.  Millions of short compares, most of them
 * equal (an event's id, kind and source): a call of memcmp each was 4 %
 * of ald30-check's samples, where words of 8 bytes compared here cost
 * less.
 */
static inline int
same(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	size_t i;

	if (n < 8)
		return memcmp(a, b, n) == 0;
	for (i = 0; i + 8 < n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return 0;
	}
	memcpy(&x, a + n - 8, 8);	/* the last 8, which may overlap */
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

/* The upper half: a slot keeps 32 bits of it. */
static uint32_t
hash(const char *s, size_t n)
{
	return (uint32_t)(pc_hash(s, n) >> 32);
}

/*
 * A detail kept: its offset in e->det, of 48 bits (256 TiB).  Offset 0
 * is the empty detail.  The buffer grows by mremap (pc_table_grow), so
 * an event keeps the offset, not a pointer.
 */
static void
keep_detail(struct pc_events *e, struct cev *ev, const char *s, size_t n)
{
	size_t cap;

	if (e->detlen == 0) {
		e->det = pc_table_alloc(e->detcap = 4096, 1);
		e->detlen = 1;	/* det[0]: "" */
	}
	if (n == 0) {
		ev->detlo = 0;
		ev->dethi = 0;
		return;
	}
	if (e->detcap - e->detlen < n + 1) {
		for (cap = e->detcap * 2; cap - e->detlen < n + 1; cap *= 2)
			;
		e->det = pc_table_grow(e->det, e->detcap, cap, 1);
		e->detcap = cap;
	}
	ev->detlo = (uint32_t)e->detlen;
	ev->dethi = (uint16_t)((uint64_t)e->detlen >> 32);
	memcpy(e->det + e->detlen, s, n);
	e->det[e->detlen + n] = '\0';
	e->detlen += n + 1;
}

static const char *
detail_of(const struct pc_events *e, const struct cev *ev)
{
	uint64_t off = (uint64_t)ev->dethi << 32 | ev->detlo;

	return off == 0 ? "" : e->det + off;
}

/*
 * The line event seq was read at (struct linex).  Asked for only when a
 * message needs it: with kinds left out, the list has an entry after
 * each run of them, and its search at every event spelled out was most
 * of the time of pc_events_get.
 */
static unsigned long
line_of(const struct pc_events *e, size_t seq)
{
	size_t lo = 0, hi = e->nlinex, mid;

	/* The last change at or before seq; there is one at seq 0. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (e->linex[mid].seq <= seq)
			lo = mid;
		else
			hi = mid;
	}
	return (unsigned long)seq + 2 + e->linex[lo].extra;
}

/* Event e->n is read at line: noted when it is not where it was due. */
static void
note_line(struct pc_events *e, unsigned long line)
{
	/* After the header, each record is a line or more. */
	unsigned long extra = line >= e->n + 2 ? line - e->n - 2 : 0;

	if (e->nlinex > 0 && e->linex[e->nlinex - 1].extra == extra)
		return;
	if (e->nlinex == e->linexcap) {
		e->linexcap = e->linexcap ? e->linexcap * 2 : 16;
		e->linex = pc_xreallocarray(e->linex, e->linexcap,
		    sizeof *e->linex);
	}
	e->linex[e->nlinex].seq = (uint32_t)e->n;
	e->linex[e->nlinex].extra = (uint32_t)extra;
	e->nlinex++;
}

/* A string of a set: its length (< 8 MiB, a field), then its bytes. */
static const char *
keep_len(struct pc_arena *a, const char *s, size_t n)
{
	uint32_t len = (uint32_t)n;
	char *p = pc_arena_alloc(a, sizeof len + n + 1, 1);

	memcpy(p, &len, sizeof len);
	memcpy(p + sizeof len, s, n);
	p[sizeof len + n] = '\0';
	return p + sizeof len;
}

static size_t
len_of(const char *s)
{
	uint32_t len;

	memcpy(&len, s - sizeof len, sizeof len);
	return len;
}

/* The slot of s: its own, or the free one where it would go. */
static size_t
find(const struct strset *set, uint32_t h, const char *s, size_t n)
{
	size_t i = h & (set->nslot - 1);
	const struct slot *sl;

	for (;; i = (i + 1) & (set->nslot - 1)) {
		sl = &set->slot[i];
		if (sl->i == 0 || (sl->h == h && len_of(sl->s) == n &&
		    same(sl->s, s, n)))
			return i;
	}
}

static void
grow(struct strset *set)
{
	size_t i, j, old = set->nslot;
	struct slot *sl = set->slot;

	set->nslot = old ? old * 2 : 1024;
	set->slot = pc_table_alloc(set->nslot, sizeof *set->slot);
	for (i = 0; i < old; i++) {
		if (sl[i].i == 0)
			continue;
		for (j = sl[i].h & (set->nslot - 1); set->slot[j].i != 0;
		    j = (j + 1) & (set->nslot - 1))
			;
		set->slot[j] = sl[i];
	}
	pc_table_free(sl, old, sizeof *sl);
}

/* The index of s in set, or -1. */
static long
index_of(const struct strset *set, const char *s, size_t n)
{
	size_t i;

	if (set->n == 0)
		return -1;
	i = find(set, hash(s, n), s, n);
	return set->slot[i].i != 0 ? (long)set->slot[i].i - 1 : -1;
}

/* The index of s in set, added (its bytes kept in e->arena) if not there. */
static uint32_t
intern(struct pc_events *e, struct strset *set, const char *s, size_t n)
{
	uint32_t h = hash(s, n);
	size_t i;

	if (set->nslot == 0)
		grow(set);
	i = find(set, h, s, n);
	if (set->slot[i].i != 0)
		return set->slot[i].i - 1;
	set->slot[i].s = keep_len(&e->arena, s, n);
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 1024;
		set->s = pc_xreallocarray(set->s, set->cap, sizeof *set->s);
	}
	set->s[set->n] = set->slot[i].s;
	set->slot[i].h = h;
	set->slot[i].i = (uint32_t)++set->n;	/* n <= events < 2^32 */
	if (set->n * 2 > set->nslot)
		grow(set);
	return (uint32_t)set->n - 1;
}

/* An id of the set: its bytes, NUL-ended, and its length. */
static const char *
id_of(const struct idslot *sl, size_t *n)
{
	const char *p;
	uint32_t len;

	if (sl->len != IDLONG) {
		*n = sl->len;
		return sl->id;
	}
	memcpy(&p, sl->id, sizeof p);
	memcpy(&len, sl->id + sizeof p, sizeof len);
	*n = len;
	return p;
}

static int
id_is(const struct idslot *sl, const char *s, size_t n)
{
	const char *p;
	size_t len;

	if (n <= IDIN)
		return sl->len == n && same(sl->id, s, n);
	if (sl->len != IDLONG)
		return 0;
	p = id_of(sl, &len);
	return len == n && same(p, s, n);
}

/* The slot of s: its own, or the free one where it would go. */
static size_t
id_find(const struct idset *set, uint32_t h, const char *s, size_t n)
{
	size_t i = h & (set->nslot - 1);

	for (;; i = (i + 1) & (set->nslot - 1))
		if (set->slot[i].i == 0 || id_is(&set->slot[i], s, n))
			return i;
}

/* The set in nslot slots (a power of two); the hashes are taken again. */
static void
id_rehash(struct idset *set, size_t nslot)
{
	struct idslot *old = set->slot;
	size_t i, j, n, nold = set->nslot;
	const char *s;

	set->slot = pc_table_alloc(nslot, sizeof *set->slot);
	set->nslot = nslot;
	for (i = 0; i < nold; i++) {
		if (old[i].i == 0)
			continue;
		s = id_of(&old[i], &n);
		for (j = hash(s, n) & (nslot - 1); set->slot[j].i != 0;
		    j = (j + 1) & (nslot - 1))
			;
		set->slot[j] = old[i];
	}
	pc_table_free(old, nold, sizeof *old);
}

/*
 * Slots for about n ids from the start (the set still grows past them):
 * each doubling as a set fills is a table the kernel clears and every id
 * moved again.
 */
static void
id_reserve(struct idset *set, size_t n)
{
	size_t ns = 1024;

	while (ns < n * 2 + 1)
		ns *= 2;
	if (set->nslot == 0)
		id_rehash(set, ns);
}

/* The index of id s, added if it was not there, which *added says. */
static uint32_t
id_intern(struct pc_events *e, uint32_t h, const char *s, size_t n,
    int *added)
{
	struct idset *set = &e->ids;
	struct idslot *sl;
	uint32_t len = (uint32_t)n;	/* < 8 MiB, a field */
	char *p;

	*added = 0;
	if (set->nslot == 0)
		id_rehash(set, 1024);
	sl = &set->slot[id_find(set, h, s, n)];
	if (sl->i != 0)
		return sl->i - 1;
	if (n <= IDIN) {
		sl->len = (uint8_t)n;
		memcpy(sl->id, s, n);
		sl->id[n] = '\0';
	} else {
		p = pc_arena_alloc(&e->idarena, n + 1, 1);
		memcpy(p, s, n);
		p[n] = '\0';
		sl->len = IDLONG;
		memcpy(sl->id, &p, sizeof p);
		memcpy(sl->id + sizeof p, &len, sizeof len);
	}
	sl->i = (uint32_t)++set->n;	/* n <= events < 2^32 */
	if (set->n * 2 > set->nslot)
		id_rehash(set, set->nslot * 2);
	*added = 1;
	return (uint32_t)set->n - 1;
}

static void
strset_free(struct strset *set)
{
	pc_table_free(set->slot, set->nslot, sizeof *set->slot);
	free(set->s);
}

/*
 * The index of a kind as written, or -1.  A table has a dozen kinds, so
 * comparing them in turn, the length first, costs less than a hash of
 * each event's kind (1 % of followup-due's samples).
 */
static long
raw_kind(const struct pc_events *e, const char *s, size_t n)
{
	size_t i;

	if (e->raw.n > 16)
		return index_of(&e->raw, s, n);
	for (i = 0; i < e->raw.n; i++)
		if (len_of(e->raw.s[i]) == n && same(e->raw.s[i], s, n))
			return (long)i;
	return -1;
}

/*
 * The index of a canonical kind in e->kinds, or DROPPED when the caller
 * reads only other kinds (those that end a pathway are always kept).
 */
static uint32_t
kind_index(struct pc_events *e, const char *const *keep, const char *s,
    size_t n)
{
	const char *const *k;
	char kind[64];

	if (keep != NULL && n < sizeof kind) {
		memcpy(kind, s, n);
		kind[n] = '\0';
		for (k = keep; *k != NULL; k++)
			if (strcmp(*k, kind) == 0)
				break;
		if (*k == NULL && !pc_event_ends(kind))
			return DROPPED;
	} else if (keep != NULL)
		return DROPPED;	/* longer than any word of event_kind */
	return intern(e, &e->kinds, s, n);
}

/*
 * The last date parsed, and its days: a table is written in date order,
 * so an event's date is most often the one before it.
 */
struct lastday {
	char	 s[16];
	size_t	 n;
	long	 d;
};

static int
parse_day(struct lastday *last, const char *s, long *d)
{
	char why[128];
	size_t n = strlen(s);

	if (n == last->n && memcmp(s, last->s, n) == 0) {
		*d = last->d;
		return 0;
	}
	if (pc_date_parse(s, n, NULL, d, why, sizeof why) == -1)
		return -1;
	if (n < sizeof last->s) {
		memcpy(last->s, s, n);
		last->n = n;
		last->d = *d;
	}
	return 0;
}

/*
 * Groups the events by pathway: where[i] is the pathway of event i.  The
 * events stay where they are, in the file's order; order[] lists them
 * pathway by pathway.  Moving 40-byte events into place instead was a
 * chain of cache misses, each waiting for the one before, and a tenth
 * of ald30-check's time at five million events.
 */
static void
group(struct pc_events *e, const uint32_t *where)
{
	size_t i, p, npw = e->ids.n;
	struct tally *t = e->tally;	/* n: the next place of each */

	e->first = pc_table_alloc(npw + 1, sizeof *e->first);
	e->order = pc_table_alloc(e->n ? e->n : 1, sizeof *e->order);
	for (p = 1; p <= npw; p++)
		e->first[p] = e->first[p - 1] + t[p - 1].n;
	for (p = 0; p < npw; p++)
		t[p].n = e->first[p];
	for (i = 0; i < e->n; i++)
		e->order[t[where[i]].n++] = (uint32_t)i;
}

static size_t
count_of(const struct pc_events *e, size_t p)
{
	return e->first[p + 1] - e->first[p];
}

/* Event numbers by date, then by number (the file's order). */
static int
bydate(const void *a, const void *b, void *arg)
{
	const struct cev *ev = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (ev[x].date != ev[y].date)
		return ev[x].date < ev[y].date ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * Dates in order within each pathway; file order among equal dates.  The
 * tallies are freed.
 */
static size_t
sort_dates(struct pc_events *e)
{
	size_t p, n, max = 0;

	for (p = 0; p < e->ids.n; p++) {
		n = count_of(e, p);
		if (n > max)
			max = n;
		if (e->tally[p].last == UNSORTED)
			qsort_r(&e->order[e->first[p]], n, sizeof(uint32_t),
			    bydate, e->ev);
	}
	pc_table_free(e->tally, e->tallycap, sizeof *e->tally);
	e->tally = NULL;
	e->tallycap = 0;
	return max;
}

/*
 * The pathway ids of a run of events, looked up together: with a million
 * pathways each look-up is a cache miss (the slot, which holds the id),
 * and asking for all the slots first, then comparing, lets the misses
 * overlap instead of following one another.
 */
#define GROUP	64
/* make check-tsan sets it small, so that its tables cycle the ring. */
#ifndef EVENTS_CHUNK
#define EVENTS_CHUNK	1024	/* events handed over at a time */
#endif
#define CHUNK	EVENTS_CHUNK
#define NRING	8

struct chunk {
	struct pc_buf	 bytes;
	struct {
		size_t		 off, len;
		uint32_t	 h, ev;
		int32_t		 date;
	}		 item[CHUNK];
	size_t		 n;
};

static void
resolve_group(struct pc_events *e, struct chunk *c, size_t from, size_t to)
{
	struct idset *ids = &e->ids;
	struct tally *t;
	size_t k;
	uint32_t p[GROUP];
	int32_t date;
	int added;

	for (k = from; k < to; k++) {
		c->item[k].h = hash(c->bytes.s + c->item[k].off,
		    c->item[k].len);
		if (ids->nslot > 0)
			__builtin_prefetch(&ids->slot[c->item[k].h &
			    (ids->nslot - 1)]);
	}
	for (k = from; k < to; k++) {
		p[k - from] = id_intern(e, c->item[k].h, c->bytes.s +
		    c->item[k].off, c->item[k].len, &added);
		/* Grown zeroed: a new pathway's count starts at 0. */
		if (added && e->tallycap < ids->n) {
			size_t cap = e->tallycap ? e->tallycap * 2 : 1024;

			e->tally = pc_table_grow(e->tally, e->tallycap, cap,
			    sizeof *e->tally);
			e->tallycap = cap;
		}
		__builtin_prefetch(&e->tally[p[k - from]], 1);
	}
	/*
	 * The tallies once all the group's slots are found: a tally is a
	 * miss of its own, which then overlaps the others' instead of
	 * waiting behind its slot.
	 */
	for (k = from; k < to; k++) {
		t = &e->tally[p[k - from]];
		date = c->item[k].date;
		if (t->n++ == 0)
			t->last = date;
		else if (t->last != UNSORTED)
			t->last = date < t->last ? UNSORTED : date;
		e->where[c->item[k].ev] = p[k - from];
	}
}

/* Its pathway for each event of c, in order; the chunk is then empty. */
static void
resolve(struct pc_events *e, struct chunk *c)
{
	size_t k, last;

	if (c->n == 0)
		return;
	last = c->item[c->n - 1].ev;
	if (last >= e->wcap) {
		size_t cap = e->wcap ? e->wcap : 1024;

		while (cap <= last)
			cap *= 2;
		e->where = pc_table_grow(e->where, e->wcap, cap,
		    sizeof *e->where);
		e->wcap = cap;
	}
	for (k = 0; k < c->n; k += GROUP)
		resolve_group(e, c, k, c->n - k < GROUP ? c->n : k + GROUP);
	c->n = 0;
	pc_buf_clear(&c->bytes);
}

/*
 * Reading the events (parsing, dates, kinds, details) and resolving their
 * pathway ids take about as long as each other, and the calling thread
 * of ald30-check and followup-due is done with the pathway table well
 * before this one is done with the events, then waited.  So once it
 * comes to wait it resolves instead: the reading thread hands it the ids
 * in chunks through a ring, and the two halves of the work go on side by
 * side.  Until then the reading thread resolves each chunk itself.  One
 * thread at a time owns the resolving (the id set, the tallies, where[]
 * and their arena), handed over once under the lock, and the chunks are
 * resolved in the events' order either way: the table comes out the same.
 */
struct handoff {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct chunk	 ring[NRING];
	size_t		 head, tail;	/* next to resolve, next to fill */
	int		 helper;	/* the other thread resolves now */
	int		 done;		/* no chunk will come */
};

/* The chunk being filled. */
static struct chunk *
filling(struct handoff *ho)
{
	return &ho->ring[ho->tail % NRING];
}

/* The chunk being filled is full, or the last: resolved here or there. */
static void
submit(struct pc_events *e, struct handoff *ho)
{
	pc_mutex_lock(&ho->mu);
	if (!ho->helper) {
		pthread_mutex_unlock(&ho->mu);
		resolve(e, filling(ho));
		return;
	}
	ho->tail++;
	pthread_cond_broadcast(&ho->cv);
	while (ho->tail - ho->head == NRING)
		pthread_cond_wait(&ho->cv, &ho->mu);
	pthread_mutex_unlock(&ho->mu);
}

/*
 * The reading thread is done: once the helper, if there is one, has
 * resolved every chunk, the table is whole.
 */
static void
finish(struct handoff *ho)
{
	pc_mutex_lock(&ho->mu);
	ho->done = 1;
	pthread_cond_broadcast(&ho->cv);
	while (ho->helper && ho->head != ho->tail)
		pthread_cond_wait(&ho->cv, &ho->mu);
	pthread_mutex_unlock(&ho->mu);
}

/* The calling thread, come to wait: it resolves until the end. */
static void
help(struct pc_events *e, struct handoff *ho)
{
	struct chunk *c;

	pc_mutex_lock(&ho->mu);
	ho->helper = !ho->done;
	while (ho->helper) {
		if (ho->head == ho->tail) {
			if (ho->done)
				break;
			pthread_cond_wait(&ho->cv, &ho->mu);
			continue;
		}
		c = &ho->ring[ho->head % NRING];
		pthread_mutex_unlock(&ho->mu);
		resolve(e, c);
		pc_mutex_lock(&ho->mu);
		ho->head++;
		pthread_cond_broadcast(&ho->cv);
	}
	pthread_mutex_unlock(&ho->mu);
}

static struct handoff *
ho_new(void)
{
	struct handoff *ho = pc_xcalloc(1, sizeof *ho);

	pthread_mutex_init(&ho->mu, NULL);
	pthread_cond_init(&ho->cv, NULL);
	return ho;
}

static void
ho_free(struct handoff *ho)
{
	size_t i;

	for (i = 0; i < NRING; i++)
		pc_buf_free(&ho->ring[i].bytes);
	pthread_cond_destroy(&ho->cv);
	pthread_mutex_destroy(&ho->mu);
	free(ho);
}

/*
 * Reads path into e, an empty table: 0, or -1 with the message in err
 * (the caller frees e).  The ids go through ho, resolved on this thread
 * unless another comes to help().
 */
static int
load(struct pc_events *e, const char *path, const struct pc_vocab *vocab,
    const char *const *keep, size_t expect, struct handoff *ho, char *err,
    size_t errsz)
{
	static const char *cols[] = { "pathway_id", "date", "kind", "until",
	    "detail", "source" };
	struct pc_readopt ro = { 0 };
	struct pc_reader *rd;
	struct pc_row *row;
	struct pc_buf canon = { 0 };
	struct chunk *c;
	struct lastday lastdate = { .n = SIZE_MAX },
	    lastuntil = { .n = SIZE_MAX };
	long col[6];
	size_t i, max;
	uint32_t source = 0, lastkind = UINT32_MAX, lastsource = 0, ks = 0;
	int rc;

	id_reserve(&e->ids, expect);
	if ((rd = pc_reader_open(path, &ro, err, errsz)) == NULL) {
		finish(ho);
		return -1;
	}
	for (i = 0; i < 6; i++) {
		col[i] = pc_reader_col(rd, cols[i]);
		if (col[i] == -1 && i < 3) {
			snprintf(err, errsz, "%s:1: header: no column %s (is it "
			    "an event table?)", path, cols[i]);
			pc_reader_close(rd);
			finish(ho);
			return -1;
		}
	}
	c = filling(ho);
	while ((rc = pc_reader_next(rd, &row, err, errsz)) == 1) {
		struct cev *ev;
		const char *why = NULL;
		char whybuf[256];
		const struct pc_field *f = row->f;
		long date, until = PC_NODATE, k;

		if (row->err != PC_ROW_OK) {
			snprintf(err, errsz, "%s:%lu: %s", path, row->line,
			    row->why);
			rc = -1;
			break;
		}
		if (parse_day(&lastdate, f[col[1]].s, &date) == -1)
			why = "date: not a date (YYYY-MM-DD)";
		else if (col[3] >= 0 && f[col[3]].len > 0 &&
		    parse_day(&lastuntil, f[col[3]].s, &until) == -1)
			why = "until: not a date (YYYY-MM-DD)";
		if (why != NULL) {
			snprintf(err, errsz, "%s:%lu: %s", path, row->line, why);
			rc = -1;
			break;
		}
		/* A kind as written is checked once, then known. */
		k = raw_kind(e, f[col[2]].s, f[col[2]].len);
		if (k == -1 && vocab != NULL && pc_vocab_check(vocab,
		    "event_kind", 0, f[col[2]].s, f[col[2]].len, &canon,
		    whybuf, sizeof whybuf) != PC_CHECK_OK) {
			snprintf(err, errsz, "%s:%lu: kind: %s", path,
			    row->line, whybuf);
			rc = -1;
			break;
		}
		if (k == -1) {
			k = intern(e, &e->raw, f[col[2]].s, f[col[2]].len);
			e->rawkind = pc_xreallocarray(e->rawkind, e->raw.cap,
			    sizeof *e->rawkind);
			e->rawkind[k] = vocab != NULL ?
			    kind_index(e, keep, canon.s, canon.len) :
			    kind_index(e, keep, f[col[2]].s, f[col[2]].len);
		}
		/* Checked like the others, then left out. */
		if (e->rawkind[k] == DROPPED)
			continue;
		if (e->n == UINT32_MAX || row->line > UINT32_MAX) {
			snprintf(err, errsz, "%s:%lu: more than %lu %s", path,
			    row->line, (unsigned long)UINT32_MAX, e->n ==
			    UINT32_MAX ? "events" : "lines");
			rc = -1;
			break;
		}
		if (e->n == e->cap) {
			size_t cap = e->cap ? e->cap * 2 : 1024;

			/* Huge pages: the faults of 4 KiB ones showed. */
			e->ev = pc_table_grow(e->ev, e->cap, cap, sizeof *e->ev);
			e->cap = cap;
		}
		c->item[c->n].off = c->bytes.len;
		c->item[c->n].len = f[col[0]].len;
		c->item[c->n].ev = (uint32_t)e->n;
		c->item[c->n].date = (int32_t)date;
		pc_buf_add(&c->bytes, f[col[0]].s, f[col[0]].len);
		if (++c->n == CHUNK) {
			submit(e, ho);
			c = filling(ho);
		}
		ev = &e->ev[e->n];
		/* Days of years 1 to 9999 (pc_date_parse) fit 32 bits. */
		ev->date = (int32_t)date;
		ev->until = (int32_t)until;
		keep_detail(e, ev, col[4] >= 0 ? f[col[4]].s : "",
		    col[4] >= 0 ? f[col[4]].len : 0);
		/* Most often the source of the event before. */
		if (col[5] >= 0 && (e->n == 0 || f[col[5]].len !=
		    len_of(e->sources.s[source]) || !same(f[col[5]].s,
		    e->sources.s[source], f[col[5]].len)))
			source = intern(e, &e->sources, f[col[5]].s,
			    f[col[5]].len);
		else if (col[5] < 0 && e->n == 0)
			source = intern(e, &e->sources, "", 0);
		if (e->rawkind[k] != lastkind || source != lastsource) {
			struct pair pr = { e->rawkind[k], source };

			ks = intern(e, &e->pairs, (const char *)&pr, sizeof pr);
			lastkind = pr.kind;
			lastsource = pr.source;
		}
		if (ks > MAXPAIRS) {
			snprintf(err, errsz, "%s:%lu: source: more than %lu "
			    "pairs of kind and source", path, row->line,
			    (unsigned long)MAXPAIRS + 1);
			rc = -1;
			break;
		}
		ev->ks = (uint16_t)ks;
		note_line(e, row->line);
		e->n++;		/* its number is its order in the file */
	}
	if (rc != -1 && c->n > 0)
		submit(e, ho);
	finish(ho);
	pc_buf_free(&canon);
	pc_reader_close(rd);
	if (rc == -1)
		return -1;
	group(e, e->where);
	pc_table_free(e->where, e->wcap, sizeof *e->where);
	e->where = NULL;
	e->wcap = 0;
	e->max = max = sort_dates(e);
	e->out = pc_xcalloc(max ? max : 1, sizeof *e->out);
	return 0;
}

struct pc_events *
pc_events_load(const char *path, const struct pc_vocab *vocab,
    const char *const *keep, char *err, size_t errsz)
{
	struct pc_events *e = pc_xcalloc(1, sizeof *e);
	struct handoff *ho = ho_new();
	int rc;

	rc = load(e, path, vocab, keep, 0, ho, err, errsz);
	ho_free(ho);
	if (rc == -1) {
		pc_events_free(e);
		return NULL;
	}
	return e;
}

/*
 * The struct pc_event of each event of pathway p, id, into out.  The id
 * is its slot's string (the ids are kept in no list by index, which
 * would be a miss of its own).
 */
static size_t
spell(const struct pc_events *e, size_t p, const char *id,
    struct pc_event *out)
{
	const struct cev *c;
	const uint32_t *o;
	struct pair pr;
	size_t i, n = count_of(e, p);

	o = &e->order[e->first[p]];
	for (i = 0; i < n; i++)
		__builtin_prefetch(&e->ev[o[i]]);
	for (i = 0; i < n; i++) {
		c = &e->ev[o[i]];
		memcpy(&pr, e->pairs.s[c->ks], sizeof pr);
		out[i].pathway_id = id;
		out[i].date = c->date;
		out[i].kind = e->kinds.s[pr.kind];
		out[i].until = c->until;
		out[i].detail = detail_of(e, c);
		out[i].source = e->sources.s[pr.source];
		out[i].seq = o[i];
		out[i].pathway = p;
	}
	return n;
}

/*
 * A look-up is a chain of cache misses, each needing the one before: the
 * slot (with its id), the pathway's first and count, its event numbers,
 * the events, their details (ald30-check reads a request's: strlen on
 * it was 2.5 % of the samples, the miss).  For a group of pathways each
 * link is asked for all of them before the next, so that the misses of a
 * group overlap.  Only a slot found at once is followed: a hint need not
 * be whole.
 */
#define AHEAD	32

void
pc_events_prefetch(const struct pc_events *e, const char *const *ids,
    size_t n)
{
	const struct idset *set;
	uint32_t h[AHEAD];
	size_t len[AHEAD], cnt[AHEAD];
	long p[AHEAD];
	const uint32_t *o[AHEAD];
	size_t g, k, m, i;

	if (e == NULL || e->ids.nslot == 0)
		return;
	set = &e->ids;
	for (g = 0; g < n; g += m) {
		m = n - g < AHEAD ? n - g : AHEAD;
		for (k = 0; k < m; k++) {
			len[k] = strlen(ids[g + k]);
			h[k] = hash(ids[g + k], len[k]);
			__builtin_prefetch(&set->slot[h[k] &
			    (set->nslot - 1)]);
		}
		for (k = 0; k < m; k++) {
			const struct idslot *sl = &set->slot[h[k] &
			    (set->nslot - 1)];

			p[k] = -1;
			if (sl->i == 0 || !id_is(sl, ids[g + k], len[k]))
				continue;
			p[k] = (long)sl->i - 1;
			__builtin_prefetch(&e->first[p[k]]);
		}
		/* Each pathway's event numbers, kept for the two links after. */
		for (k = 0; k < m; k++) {
			cnt[k] = 0;
			if (p[k] < 0)
				continue;
			o[k] = &e->order[e->first[p[k]]];
			cnt[k] = count_of(e, (size_t)p[k]);
			__builtin_prefetch(o[k]);
		}
		for (k = 0; k < m; k++)
			for (i = 0; i < cnt[k]; i++)
				__builtin_prefetch(&e->ev[o[k][i]]);
		for (k = 0; k < m; k++)
			for (i = 0; i < cnt[k]; i++)
				__builtin_prefetch(detail_of(e, &e->ev[o[k][i]]));
	}
}

/* Pathway id's events into out; NULL when it has none. */
static const struct pc_event *
get(const struct pc_events *e, const char *pathway_id, size_t *n,
    struct pc_event *out)
{
	const struct idslot *sl;
	size_t len;

	*n = 0;
	if (e == NULL || e->ids.n == 0)
		return NULL;
	len = strlen(pathway_id);
	sl = &e->ids.slot[id_find(&e->ids, hash(pathway_id, len), pathway_id,
	    len)];
	if (sl->i == 0)
		return NULL;
	*n = spell(e, sl->i - 1, id_of(sl, &len), out);
	return out;
}

/*
 * Into e->out: the pointer is const for the callers, the buffer it points
 * to is not.
 */
const struct pc_event *
pc_events_of(const struct pc_events *e, const char *pathway_id, size_t *n)
{
	return get(e, pathway_id, n, e != NULL ? e->out : NULL);
}

const struct pc_event *
pc_events_get(const struct pc_events *e, const char *pathway_id, size_t *n,
    struct pc_evbuf *b)
{
	if (e != NULL && b->cap < e->max) {
		free(b->v);
		b->v = pc_xcalloc(e->max, sizeof *b->v);
		b->cap = e->max;
	}
	return get(e, pathway_id, n, b->v);
}

void
pc_evbuf_free(struct pc_evbuf *b)
{
	free(b->v);
	b->v = NULL;
	b->cap = 0;
}

/*
 * Death, transfer to another site and closure end a pathway here: no
 * follow-up is due, no ALD question open, no PPS to give (parcours(5)).
 */
int
pc_event_ends(const char *kind)
{
	return strcmp(kind, "death") == 0 || strcmp(kind, "transfer") == 0 ||
	    strcmp(kind, "closed") == 0;
}

unsigned long
pc_events_line(const struct pc_events *e, const struct pc_event *ev)
{
	return line_of(e, ev->seq);
}

size_t
pc_events_count(const struct pc_events *e)
{
	return e ? e->n : 0;
}

void
pc_events_free(struct pc_events *e)
{

	if (e == NULL)
		return;
	pc_arena_free(&e->arena);
	pc_arena_free(&e->idarena);
	pc_table_free(e->det, e->detcap, 1);
	free(e->linex);
	pc_table_free(e->where, e->wcap, sizeof *e->where);
	pc_table_free(e->ev, e->cap, sizeof *e->ev);
	pc_table_free(e->ids.slot, e->ids.nslot, sizeof *e->ids.slot);
	strset_free(&e->kinds);
	strset_free(&e->sources);
	strset_free(&e->pairs);
	strset_free(&e->raw);
	free(e->rawkind);
	pc_table_free(e->first, e->ids.n + 1, sizeof *e->first);
	pc_table_free(e->order, e->n ? e->n : 1, sizeof *e->order);
	pc_table_free(e->tally, e->tallycap, sizeof *e->tally);
	free(e->out);
	free(e);
}

/*
 * The event table is most of what ald30-check and followup-due read:
 * loaded on a thread of its own (PARCOURS_THREADS above 1) while the
 * calling thread reads the pathway table.  Nothing is said from the
 * thread: pc_events_ready says what went wrong, in its turn.
 */
struct pc_events_bg {
	pthread_t		 tid;
	int			 started, joined;
	char			*path;
	const struct pc_vocab	*vocab;
	const char *const	*keep;
	size_t			 expect;	/* pathways, about */
	struct pc_events	*e;	/* being loaded */
	struct handoff		*ho;
	int			 rc;
	struct pc_events	*ev;	/* loaded */
	char			 err[512];
};

static void *
load_bg(void *arg)
{
	struct pc_events_bg *b = arg;

	b->rc = load(b->e, b->path, b->vocab, b->keep, b->expect, b->ho,
	    b->err, sizeof b->err);
	return NULL;
}

struct pc_events_bg *
pc_events_start(const char *path, const struct pc_vocab *vocab,
    const char *const *keep, const char *const *paths, size_t n)
{
	struct pc_events_bg *b = pc_xcalloc(1, sizeof *b);
	size_t i;

	b->path = pc_xstrdup(path);
	b->vocab = vocab;
	b->keep = keep;
	for (i = 0; i < n; i++)
		b->expect += pc_rows_guess(paths[i]);
	b->e = pc_xcalloc(1, sizeof *b->e);
	b->ho = ho_new();
	/* No thread: pc_events_ready loads it then, as before. */
	if (pc_threads() > 1 && pthread_create(&b->tid, NULL, load_bg, b) == 0)
		b->started = 1;
	return b;
}

static void
join(struct pc_events_bg *b)
{
	if (b->joined)
		return;
	if (b->started) {
		help(b->e, b->ho);
		pthread_join(b->tid, NULL);
	} else
		load_bg(b);
	ho_free(b->ho);
	b->ho = NULL;
	if (b->rc == 0)
		b->ev = b->e;
	else
		pc_events_free(b->e);
	b->e = NULL;
	b->joined = 1;
}

int
pc_events_ready(struct pc_events_bg *b, struct pc_events **ev,
    struct pc_annotate *an)
{
	if (b == NULL)
		return 0;	/* no event table */
	if (!b->joined) {
		join(b);
		if (b->ev == NULL) {
			pc_warnx("%s", b->err);
			pc_annotate_status(an, PC_EXIT_REJECT);
		}
	}
	*ev = b->ev;
	return b->ev != NULL ? 0 : -1;
}

void
pc_events_stop(struct pc_events_bg *b)
{
	if (b == NULL)
		return;
	join(b);
	pc_events_free(b->ev);
	free(b->path);
	free(b);
}
