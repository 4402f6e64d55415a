/*
 * events.c - the event table held in memory, indexed by pathway, for the
 * tools that join it to pathway rows (ald30-check, followup-due): memory
 * grows with the events only, and a pathway's events come sorted by date.
 */
#include <stdlib.h>
#include <string.h>

#include "parcours.h"

struct slot {
	char		*id;
	size_t		 first, n;	/* into the sorted array */
};

struct pc_events {
	struct pc_event	*ev;
	size_t		 n, cap;
	struct slot	*slot;
	size_t		 nslot;		/* a power of two */
};

static size_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 29));
}

static int
bypathway(const void *a, const void *b)
{
	const struct pc_event *x = a, *y = b;
	int c = strcmp(x->pathway_id, y->pathway_id);

	if (c != 0)
		return c;
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
		ev->pathway_id = pc_xstrdup(f[col[0]].s);
		ev->kind = pc_xstrdup(vocab != NULL ? canon.s : f[col[2]].s);
		ev->detail = pc_xstrdup(col[4] >= 0 ? f[col[4]].s : "");
		ev->source = pc_xstrdup(col[5] >= 0 ? f[col[5]].s : "");
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
	for (e->nslot = 16; e->nslot < e->n * 2; e->nslot *= 2)
		;
	e->slot = pc_xcalloc(e->nslot, sizeof *e->slot);
	for (i = 0; i < e->n; i = k) {
		size_t h;

		for (k = i + 1; k < e->n &&
		    strcmp(e->ev[k].pathway_id, e->ev[i].pathway_id) == 0; k++)
			;
		h = hash(e->ev[i].pathway_id) & (e->nslot - 1);
		while (e->slot[h].id != NULL)
			h = (h + 1) & (e->nslot - 1);
		e->slot[h].id = e->ev[i].pathway_id;
		e->slot[h].first = i;
		e->slot[h].n = k - i;
	}
	return e;
}

const struct pc_event *
pc_events_of(const struct pc_events *e, const char *pathway_id, size_t *n)
{
	size_t h;

	*n = 0;
	if (e == NULL || e->n == 0)
		return NULL;
	h = hash(pathway_id) & (e->nslot - 1);
	for (; e->slot[h].id != NULL; h = (h + 1) & (e->nslot - 1))
		if (strcmp(e->slot[h].id, pathway_id) == 0) {
			*n = e->slot[h].n;
			return &e->ev[e->slot[h].first];
		}
	return NULL;
}

size_t
pc_events_count(const struct pc_events *e)
{
	return e ? e->n : 0;
}

void
pc_events_free(struct pc_events *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n; i++) {
		free(e->ev[i].pathway_id);
		free(e->ev[i].kind);
		free(e->ev[i].detail);
		free(e->ev[i].source);
	}
	free(e->ev);
	free(e->slot);
	free(e);
}
