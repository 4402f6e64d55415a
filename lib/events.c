/*
 * events.c - the event table held in memory, indexed by pathway, for the
 * tools that join it to pathway rows (ald30-check, followup-due): memory
 * grows with the events only, and a pathway's events come sorted by date.
 *
 * Millions of events: their strings go to an arena (a few large blocks,
 * freed at once), each pathway id is kept once, and the sort compares
 * numbers (the pathway's index, the date, the order in the file), never
 * strings.
 */
#include <stdlib.h>
#include <string.h>

#include "parcours.h"

#define BLOCK	(1u << 20)

struct block {
	struct block	*next;
	size_t		 used, cap;
	char		 data[];
};

struct pathway {
	const char	*id;
	uint64_t	 h;
	size_t		 first, n;	/* into the sorted array */
};

struct pc_events {
	struct pc_event	*ev;
	size_t		 n, cap;
	struct pathway	*pw;		/* in order of first appearance */
	size_t		 npw, pwcap;
	size_t		*slot;		/* index into pw, + 1; 0: free */
	size_t		 nslot;		/* a power of two */
	struct block	*blocks;
};

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

static const char *
keep(struct pc_events *e, const char *s, size_t n)
{
	struct block *b = e->blocks;
	char *p;

	if (n == 0)
		return "";
	if (b == NULL || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > BLOCK ? n + 1 : BLOCK;

		b = pc_xmalloc(sizeof *b + cap);
		b->used = 0;
		b->cap = cap;
		b->next = e->blocks;
		e->blocks = b;
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

/* The slot of id: its own, or the free one where it would go. */
static size_t
find(const struct pc_events *e, uint64_t h, const char *id)
{
	size_t i = (size_t)h & (e->nslot - 1);

	while (e->slot[i] != 0 && (e->pw[e->slot[i] - 1].h != h ||
	    strcmp(e->pw[e->slot[i] - 1].id, id) != 0))
		i = (i + 1) & (e->nslot - 1);
	return i;
}

static void
grow(struct pc_events *e)
{
	size_t i, j;

	free(e->slot);
	e->nslot = e->nslot ? e->nslot * 2 : 1024;
	e->slot = pc_xcalloc(e->nslot, sizeof *e->slot);
	for (i = 0; i < e->npw; i++) {
		for (j = (size_t)e->pw[i].h & (e->nslot - 1); e->slot[j] != 0;
		    j = (j + 1) & (e->nslot - 1))
			;
		e->slot[j] = i + 1;
	}
}

/* The index of a pathway id, added on first sight. */
static size_t
pathway(struct pc_events *e, const char *id, size_t n)
{
	uint64_t h = hash(id, n);
	size_t i;

	if ((e->npw + 1) * 2 > e->nslot)
		grow(e);
	i = find(e, h, id);
	if (e->slot[i] != 0)
		return e->slot[i] - 1;
	if (e->npw == e->pwcap) {
		e->pwcap = e->pwcap ? e->pwcap * 2 : 1024;
		e->pw = pc_xreallocarray(e->pw, e->pwcap, sizeof *e->pw);
	}
	e->pw[e->npw].id = keep(e, id, n);
	e->pw[e->npw].h = h;
	e->pw[e->npw].first = e->pw[e->npw].n = 0;
	e->slot[i] = ++e->npw;
	return e->npw - 1;
}

static int
bypathway(const void *a, const void *b)
{
	const struct pc_event *x = a, *y = b;

	if (x->pathway != y->pathway)
		return x->pathway < y->pathway ? -1 : 1;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
parse_day(const char *s, long *d)
{
	char why[128];

	return pc_date_parse(s, strlen(s), NULL, d, why, sizeof why);
}

struct pc_events *
pc_events_load(const char *path, const struct pc_vocab *vocab, char *err,
    size_t errsz)
{
	static const char *cols[] = { "pathway_id", "date", "kind", "until",
	    "detail", "source" };
	struct pc_readopt ro = { 0 };
	struct pc_reader *rd;
	struct pc_row *row;
	struct pc_events *e;
	struct pc_buf canon = { 0 };
	long col[6];
	size_t i, k;
	int rc;

	if ((rd = pc_reader_open(path, &ro, err, errsz)) == NULL)
		return NULL;
	for (i = 0; i < 6; i++) {
		col[i] = pc_reader_col(rd, cols[i]);
		if (col[i] == -1 && i < 3) {
			snprintf(err, errsz, "%s:1: header: no column %s (is it "
			    "an event table?)", path, cols[i]);
			pc_reader_close(rd);
			return NULL;
		}
	}
	e = pc_xcalloc(1, sizeof *e);
	while ((rc = pc_reader_next(rd, &row, err, errsz)) == 1) {
		struct pc_event *ev;
		const char *why = NULL;
		char whybuf[256];
		const struct pc_field *f = row->f;

		if (row->err != PC_ROW_OK) {
			snprintf(err, errsz, "%s:%lu: %s", path, row->line,
			    row->why);
			rc = -1;
			break;
		}
		if (e->n == e->cap) {
			e->cap = e->cap ? e->cap * 2 : 1024;
			e->ev = pc_xreallocarray(e->ev, e->cap, sizeof *e->ev);
		}
		ev = &e->ev[e->n];
		memset(ev, 0, sizeof *ev);
		ev->until = PC_NODATE;
		if (parse_day(f[col[1]].s, &ev->date) == -1)
			why = "date: not a date (YYYY-MM-DD)";
		else if (col[3] >= 0 && f[col[3]].len > 0 &&
		    parse_day(f[col[3]].s, &ev->until) == -1)
			why = "until: not a date (YYYY-MM-DD)";
		else if (vocab != NULL && pc_vocab_check(vocab, "event_kind",
		    0, f[col[2]].s, f[col[2]].len, &canon, whybuf,
		    sizeof whybuf) != PC_CHECK_OK) {
			snprintf(err, errsz, "%s:%lu: kind: %s", path,
			    row->line, whybuf);
			rc = -1;
			break;
		}
		if (why != NULL) {
			snprintf(err, errsz, "%s:%lu: %s", path, row->line, why);
			rc = -1;
			break;
		}
		ev->pathway = pathway(e, f[col[0]].s, f[col[0]].len);
		ev->pathway_id = e->pw[ev->pathway].id;
		ev->kind = vocab != NULL ? keep(e, canon.s, canon.len) :
		    keep(e, f[col[2]].s, f[col[2]].len);
		ev->detail = col[4] >= 0 ? keep(e, f[col[4]].s, f[col[4]].len) :
		    "";
		ev->source = col[5] >= 0 ? keep(e, f[col[5]].s, f[col[5]].len) :
		    "";
		ev->line = row->line;
		ev->seq = e->n;
		e->n++;
	}
	pc_buf_free(&canon);
	pc_reader_close(rd);
	if (rc == -1) {
		pc_events_free(e);
		return NULL;
	}
	if (e->n > 1)	/* no event: e->ev is NULL, which qsort may not take */
		qsort(e->ev, e->n, sizeof *e->ev, bypathway);
	for (i = 0; i < e->n; i = k) {
		for (k = i + 1; k < e->n && e->ev[k].pathway == e->ev[i].pathway;
		    k++)
			;
		e->pw[e->ev[i].pathway].first = i;
		e->pw[e->ev[i].pathway].n = k - i;
	}
	return e;
}

const struct pc_event *
pc_events_of(const struct pc_events *e, const char *pathway_id, size_t *n)
{
	const struct pathway *p;
	size_t i;

	*n = 0;
	if (e == NULL || e->npw == 0)
		return NULL;
	i = find(e, hash(pathway_id, strlen(pathway_id)), pathway_id);
	if (e->slot[i] == 0)
		return NULL;
	p = &e->pw[e->slot[i] - 1];
	*n = p->n;
	return &e->ev[p->first];
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

size_t
pc_events_count(const struct pc_events *e)
{
	return e ? e->n : 0;
}

void
pc_events_free(struct pc_events *e)
{
	struct block *b, *next;

	if (e == NULL)
		return;
	for (b = e->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(e->ev);
	free(e->pw);
	free(e->slot);
	free(e);
}
