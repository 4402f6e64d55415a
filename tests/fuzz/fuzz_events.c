/*
 * fuzz_events.c - libFuzzer target for the event table's loader
 * (lib/events.c): its parsing of dates, kinds, sources and details, its
 * index by pathway, its sorting by date and its lines, against a model
 * built from the same file read through the record reader.
 *
 * Input layout:
 *	byte 0	bit 0: kinds checked against event_kind (the shipped
 *		vocabularies.csv, as the tools load it) or taken as written;
 *		bit 1: only the kinds of keep[] read, as ald30-check and
 *		followup-due ask
 *	rest	the event table (through a memfd)
 *
 * The model reads the file with pc_reader and applies the loader's
 * contract (parcours(5), events.c): a header without pathway_id, date or
 * kind, a broken row, a date or until that is not YYYY-MM-DD, or a kind
 * that is not a word of event_kind refuses the whole table, with the
 * message naming the file and the first such line; otherwise every row
 * is an event, unless the caller reads only other kinds than its own (those
 * that end a pathway are always kept).  The load must succeed or fail as the model says, with
 * the same message byte for byte.  A loaded table must hold as many
 * events as the model, and each pathway id must give its events sorted
 * by date, then file order, each with its date, until, kind (its
 * canonical form when checked), detail, source, line (pc_events_line)
 * and number among the events kept; an id
 * that is in no row has none.  Inputs holding a NUL byte, which the
 * loader reads as the end of some fields and not of others, are held to
 * the outcome and the count only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "parcours.h"
#include "memfile.h"

#define HARNESS	__attribute__((no_sanitize("coverage")))

static struct pc_vocab *vocab;

/* Two words of event_kind, and one a fuzzer finds soon as written. */
static const char *const keep[] = { "visit", "ald-request", "a", NULL };

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_events: invariant failed: %s "	\
		    "(%s:%d)\n", #cond, __FILE__, __LINE__);		\
		abort();						\
	}								\
} while (0)

/* An event as the model expects it. */
struct mev {
	char		*id, *kind, *detail, *source;
	long		 date, until;
	unsigned long	 line;
	size_t		 seq;
};

struct model {
	struct mev	*ev;
	size_t		 n, cap;
	int		 ok;		/* the table loads */
	char		 err[1024];	/* else the message */
};

HARNESS static char *
copy(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	CHECK(p != NULL);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

HARNESS static int
day(const char *s, long *d)
{
	char why[128];

	return pc_date_parse(s, strlen(s), NULL, d, why, sizeof why);
}

/* What the loader should make of the file. */
HARNESS static int
kept(const char *kind)
{
	size_t i;

	for (i = 0; keep[i] != NULL; i++)
		if (strcmp(keep[i], kind) == 0)
			return 1;
	return pc_event_ends(kind);
}

HARNESS static void
model(struct model *m, int checked, int filtered)
{
	static const char *cols[] = { "pathway_id", "date", "kind", "until",
	    "detail", "source" };
	struct pc_readopt ro = { 0 };
	struct pc_reader *rd;
	struct pc_row *row;
	struct pc_buf canon = { 0 };
	char why[256];
	long col[6];
	size_t i;
	int rc;

	m->ok = 0;
	if ((rd = pc_reader_open(fdpath, &ro, m->err, sizeof m->err)) ==
	    NULL)
		return;
	for (i = 0; i < 6; i++) {
		col[i] = pc_reader_col(rd, cols[i]);
		if (col[i] == -1 && i < 3) {
			snprintf(m->err, sizeof m->err, "%s:1: header: no "
			    "column %s (is it an event table?)", fdpath,
			    cols[i]);
			pc_reader_close(rd);
			return;
		}
	}
	while ((rc = pc_reader_next(rd, &row, m->err, sizeof m->err)) == 1) {
		const struct pc_field *f = row->f;
		struct mev *e;
		long date, until = PC_NODATE;

		if (row->err != PC_ROW_OK) {
			snprintf(m->err, sizeof m->err, "%s:%lu: %s", fdpath,
			    row->line, row->why);
			break;
		}
		if (day(f[col[1]].s, &date) == -1) {
			snprintf(m->err, sizeof m->err, "%s:%lu: date: not a "
			    "date (YYYY-MM-DD)", fdpath, row->line);
			break;
		}
		if (col[3] >= 0 && f[col[3]].len > 0 &&
		    day(f[col[3]].s, &until) == -1) {
			snprintf(m->err, sizeof m->err, "%s:%lu: until: not a "
			    "date (YYYY-MM-DD)", fdpath, row->line);
			break;
		}
		if (checked && pc_vocab_check(vocab, "event_kind", 0,
		    f[col[2]].s, f[col[2]].len, &canon, why, sizeof why) !=
		    PC_CHECK_OK) {
			snprintf(m->err, sizeof m->err, "%s:%lu: kind: %s",
			    fdpath, row->line, why);
			break;
		}
		if (m->n == m->cap) {
			m->cap = m->cap ? m->cap * 2 : 16;
			m->ev = realloc(m->ev, m->cap * sizeof *m->ev);
			CHECK(m->ev != NULL);
		}
		e = &m->ev[m->n];
		e->id = copy(f[col[0]].s, f[col[0]].len);
		e->kind = checked ? copy(canon.s, canon.len) :
		    copy(f[col[2]].s, f[col[2]].len);
		e->detail = col[4] >= 0 ? copy(f[col[4]].s, f[col[4]].len) :
		    copy("", 0);
		e->source = col[5] >= 0 ? copy(f[col[5]].s, f[col[5]].len) :
		    copy("", 0);
		if (filtered && !kept(e->kind)) {
			free(e->id);
			free(e->kind);
			free(e->detail);
			free(e->source);
			continue;
		}
		e->date = date;
		e->until = until;
		e->line = row->line;
		e->seq = m->n++;
	}
	m->ok = rc == 0;
	pc_buf_free(&canon);
	pc_reader_close(rd);
}

/* By date, then file order: the order pc_events_get promises. */
HARNESS static int
before(const struct mev *a, const struct mev *b)
{
	return a->date < b->date || (a->date == b->date && a->seq < b->seq);
}

/* Pathway id's events: as the model has them. */
HARNESS static void
compare(const struct pc_events *t, const struct model *m, const char *id,
    struct pc_evbuf *buf)
{
	const struct pc_event *got;
	const struct mev **want;
	size_t i, j, k, n, nw = 0;

	want = calloc(m->n ? m->n : 1, sizeof *want);
	CHECK(want != NULL);
	for (i = 0; i < m->n; i++) {
		if (strcmp(m->ev[i].id, id) != 0)
			continue;
		/* Insertion: a pathway has few events here. */
		for (j = nw; j > 0 && before(&m->ev[i], want[j - 1]); j--)
			want[j] = want[j - 1];
		want[j] = &m->ev[i];
		nw++;
	}
	got = pc_events_get(t, id, &n, buf);
	CHECK(n == nw);
	CHECK((got == NULL) == (nw == 0));
	for (k = 0; k < n; k++) {
		CHECK(strcmp(got[k].pathway_id, id) == 0);
		CHECK(got[k].date == want[k]->date);
		CHECK(got[k].until == want[k]->until);
		CHECK(strcmp(got[k].kind, want[k]->kind) == 0);
		CHECK(strcmp(got[k].detail, want[k]->detail) == 0);
		CHECK(strcmp(got[k].source, want[k]->source) == 0);
		CHECK(pc_events_line(t, &got[k]) == want[k]->line);
		CHECK(got[k].seq == want[k]->seq);
	}
	free(want);
}

HARNESS static void
model_free(struct model *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->ev[i].id);
		free(m->ev[i].kind);
		free(m->ev[i].detail);
		free(m->ev[i].source);
	}
	free(m->ev);
}

HARNESS int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model m = { 0 };
	struct pc_events *t;
	struct pc_evbuf buf = { 0 };
	const char **ids;
	const struct pc_event *of;
	char err[1024], *absent;
	size_t i, n, nid = 0;
	int checked, filtered;

	if (size < 1)
		return 0;
	checked = data[0] & 1;
	filtered = data[0] & 2;
	memfile_set(data + 1, size - 1);

	err[0] = '\0';
	t = pc_events_load(fdpath, checked ? vocab : NULL,
	    filtered ? keep : NULL, err, sizeof err);
	model(&m, checked, filtered);
	if (!m.ok) {
		CHECK(t == NULL);
		CHECK(strcmp(err, m.err) == 0);
		model_free(&m);
		return 0;
	}
	CHECK(t != NULL);
	CHECK(pc_events_count(t) == m.n);
	if (memchr(data + 1, '\0', size - 1) != NULL) {
		pc_events_free(t);
		model_free(&m);
		return 0;
	}

	/* Each id once, in order of first sight. */
	ids = calloc(m.n ? m.n : 1, sizeof *ids);
	CHECK(ids != NULL);
	for (i = 0; i < m.n; i++) {
		size_t j;

		for (j = 0; j < nid && strcmp(ids[j], m.ev[i].id) != 0; j++)
			;
		if (j == nid)
			ids[nid++] = m.ev[i].id;
	}
	pc_events_prefetch(t, ids, nid);
	for (i = 0; i < nid; i++)
		compare(t, &m, ids[i], &buf);
	if (nid > 0) {
		/* The table's own buffer gives the same events. */
		of = pc_events_of(t, ids[0], &n);
		CHECK(of != NULL && n > 0);
		CHECK(strcmp(of[0].pathway_id, ids[0]) == 0);
	}
	/* Ids in no row: one longer than the first, and a made-up one. */
	absent = malloc((nid ? strlen(ids[0]) : 0) + 2);
	CHECK(absent != NULL);
	snprintf(absent, (nid ? strlen(ids[0]) : 0) + 2, "%sx",
	    nid ? ids[0] : "");
	compare(t, &m, absent, &buf);
	compare(t, &m, "0000-00000000000000000000", &buf);
	free(absent);
	free(ids);
	pc_evbuf_free(&buf);
	pc_events_free(t);
	model_free(&m);
	return 0;
}

HARNESS int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[1024], path[4096];
	const char *share = getenv("PARCOURS_SHARE");

	(void)argc;
	(void)argv;
	memfile_init("fuzz_events");
	/* make runs the target from the top of the tree. */
	snprintf(path, sizeof path, "%s/vocabularies.csv",
	    share != NULL ? share : "share/parcours");
	if ((vocab = pc_vocab_load(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "fuzz_events: %s (run from the top of the "
		    "tree, or set PARCOURS_SHARE)\n", err);
		abort();
	}
	return 0;
}
