/*
 * pps-render - the personalised care programme (PPS) of each pathway
 * whose patient accepted the proposal of a multidisciplinary meeting
 * (pps-render(1)).
 *
 * The circular DHOS/SDO/2005/101 asks that the PPS carry the proposal the
 * patient accepted, the referring physician and the care team with their
 * contacts, and the patient associations (DOMAIN.md 2.1; its exact
 * sentence is unconfirmed there).  A pathway that lacks one of them gets
 * no document and a diagnostic, never a thin document.  The words are in
 * templates (share/parcours/templates), the contacts in a directory table
 * (share/parcours/directory.csv): both are data an establishment replaces.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parcours.h"

#define ERRSZ	512
#define WRAP	72

/* A table in memory: rows of strings, the latest of each key kept. */
struct row {
	const char	**v;
	unsigned long	  line;
	size_t		  seq;
};

struct table {
	char		 *name;		/* as shown in diagnostics */
	char		**cols;
	size_t		  ncols;
	struct row	 *r;
	size_t		  n;
	struct pc_latest *l;		/* read through latest.c, or */
	char		**own;		/* strings read here (the input) */
	size_t		  nown;
};

/* A directory entry (share/parcours/directory.csv). */
enum { D_TEAM, D_SUPPORT, D_ASSOC, D_HELP };
static const char *const dkinds[] = { "team", "supportive-care",
    "association", "help" };

struct dent {
	int		 kind;
	char		*finess, *region, *age, *name, *contact, *when_fr,
			*when_en;
	unsigned long	 line;
};

struct run {
	const char	*lang;		/* "fr" or "en" */
	int		 html;
	struct pc_tmpl	*tmpl;
	struct pc_vocab	*vocab;
	struct table	*rcp;		/* -R */
	struct table	*pw;		/* -P */
	struct pc_events *ev;
	const char	*evpath;
	struct dent	*dir;
	size_t		 ndir;
	const char	*dirpath;
	const char	*outdir;
	long		 today;
	int		 status;
	unsigned long	 npw, ndone;
	int		 bad;		/* the pathway at hand has a reason */
	const char	*where;		/* its file:line */
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: pps-render [-f text|html] [-l fr|en] [-T template] "
	    "[-P pathways]\n"
	    "                  [-R rcp] [-E events] [-D directory] [-o dir] "
	    "[file ...]\n");
	exit(PC_EXIT_USAGE);
}

static void
help(void)
{
	printf(
"pps-render - personalised care programmes (PPS) of accepted proposals "
"(parcours)\n"
"\n"
"Examples:\n"
"  pps-render -R rcp.csv -E events.csv pathways.csv | less\n"
"  rcp-record -P pathways.csv meeting.csv | \\\n"
"      pps-render -P pathways.csv -E events.csv -f html -o pps/\n"
"  pps-render -l en -f html -T our-pps.en.html -R rcp.csv pathways.csv\n"
"\n"
"Usage:\n"
"  pps-render [-f text|html] [-l fr|en] [-T template] [-P pathways]\n"
"             [-R rcp] [-E events] [-D directory] [-o dir] [file ...]\n"
"\n"
"Options:\n"
"  -D directory  care teams, supportive care, patient associations\n"
"                (default directory.csv of the share directory)\n"
"  -E events     the event table: the treatment calendar\n"
"  -f format     text (default, UTF-8 wrapped at %d columns) or html\n"
"  -l lang       fr (default) or en\n"
"  -o dir        one file per pathway, dir/PATHWAY_ID.txt or .html\n"
"  -P pathways   the pathway table, when the input is rcp rows\n"
"  -R rcp        the rcp table, when the input is pathway rows\n"
"  -T template   the template (default templates/pps.LANG.FORMAT of the\n"
"                share directory)\n"
"  -h, --help    this help;  --version  the version\n"
"\n"
"Without -o, documents go to stdout, separated by a line holding a form\n"
"feed.  Exit status: 0 every PPS rendered, 2 usage, 3 a pathway without\n"
"its PPS or an input refused, 4 system or I/O error.\n", WRAP);
	exit(PC_EXIT_OK);
}

static void
setstatus(struct run *r, int st)
{
	if (st == PC_EXIT_IO || (st == PC_EXIT_REJECT &&
	    r->status != PC_EXIT_IO) || (st == PC_EXIT_USAGE &&
	    r->status == PC_EXIT_OK))
		r->status = st;
}

/* A reason the pathway at hand gets no PPS: "where: column: message". */
static void
reason(struct run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
reason(struct run *r, const char *fmt, ...)
{
	char msg[ERRSZ];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	pc_warnx("%s: %s", r->where, msg);
	r->bad = 1;
}

/* ---- tables ---------------------------------------------------------- */

static const char *
display(const char *path)
{
	return path == NULL || strcmp(path, "-") == 0 ? "stdin" : path;
}

static long
tcol(const struct table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return (long)i;
	return -1;
}

static const char *
get(const struct row *w, long c)
{
	return c < 0 ? "" : w->v[c];
}

static void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->r[i].v);
	free(t->r);
	if (t->l == NULL)
		for (i = 0; i < t->ncols; i++)
			free(t->cols[i]);
	free(t->cols);
	for (i = 0; i < t->nown; i++)
		free(t->own[i]);
	free(t->own);
	pc_latest_free(t->l);
	free(t->name);
	free(t);
}

/* A table read through latest.c: the latest row of each key. */
static struct table *
table_latest(const char *path, const char *key, char *err, size_t errsz)
{
	struct pc_readopt ro = { 0 };
	struct table *t;
	size_t i, k;

	t = pc_xcalloc(1, sizeof *t);
	if ((t->l = pc_latest_load(path, &ro, key, err, errsz)) == NULL) {
		free(t);
		return NULL;
	}
	t->name = pc_xstrdup(display(path));
	t->ncols = pc_latest_ncols(t->l);
	t->cols = pc_xcalloc(t->ncols, sizeof *t->cols);
	for (i = 0; i < t->ncols; i++)
		t->cols[i] = (char *)pc_latest_colname(t->l, i);
	t->n = pc_latest_nrows(t->l);
	t->r = pc_xcalloc(t->n, sizeof *t->r);
	for (i = 0; i < t->n; i++) {
		/* The strings live as long as the table; the array does not. */
		const struct pc_field *f = pc_latest_row(t->l, i, &t->r[i].line);

		t->r[i].v = pc_xcalloc(t->ncols, sizeof *t->r[i].v);
		for (k = 0; k < t->ncols; k++)
			t->r[i].v[k] = f[k].s;
		t->r[i].seq = i;
	}
	return t;
}

static int
byseq(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static long sortcol;

static int
bykey(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(x->v[sortcol], y->v[sortcol]);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * The input, whose kind its header tells (pathway rows or rcp rows): read
 * here, then the latest row of each key kept at its first row's place,
 * as latest.c does for the tables of the options.
 */
static struct table *
table_input(const char *path, int *status, char *err, size_t errsz)
{
	struct pc_readopt ro = { 0 };
	struct pc_reader *rd;
	struct pc_row *row;
	struct table *t;
	size_t i, k, cap = 0, keep;
	long kc;
	int rc;

	if ((rd = pc_reader_open(path, &ro, err, errsz)) == NULL) {
		*status = pc_syserr ? PC_EXIT_IO : PC_EXIT_REJECT;
		return NULL;
	}
	t = pc_xcalloc(1, sizeof *t);
	t->name = pc_xstrdup(display(path));
	t->ncols = pc_reader_ncols(rd);
	t->cols = pc_xcalloc(t->ncols, sizeof *t->cols);
	for (i = 0; i < t->ncols; i++)
		t->cols[i] = pc_xstrdup(pc_reader_colname(rd, i));
	while ((rc = pc_reader_next(rd, &row, err, errsz)) == 1) {
		struct row *w;

		if (row->err != PC_ROW_OK) {
			snprintf(err, errsz, "%s:%lu: %s", t->name, row->line,
			    row->why);
			rc = -1;
			break;
		}
		if (t->n == cap) {
			cap = cap ? cap * 2 : 64;
			t->r = pc_xreallocarray(t->r, cap, sizeof *t->r);
			t->own = pc_xreallocarray(t->own, cap * t->ncols,
			    sizeof *t->own);
		}
		w = &t->r[t->n];
		w->v = pc_xcalloc(t->ncols, sizeof *w->v);
		for (k = 0; k < t->ncols; k++)
			w->v[k] = t->own[t->nown++] = pc_xstrdup(row->f[k].s);
		w->line = row->line;
		w->seq = t->n++;
	}
	pc_reader_close(rd);
	if (rc == -1) {
		*status = pc_syserr ? PC_EXIT_IO : PC_EXIT_REJECT;
		table_free(t);
		return NULL;
	}
	/*
	 * Rcp rows are kept by rcp_id: a pathway has several meetings.  Rcp
	 * rows without one (made by hand) are all kept.
	 */
	kc = tcol(t, "rcp_id");
	if (kc < 0 && tcol(t, "patient_decision") < 0)
		kc = tcol(t, "pathway_id");
	if (kc < 0 || t->n < 2)
		return t;
	/* Each key's last row, at the place of its first. */
	sortcol = kc;
	qsort(t->r, t->n, sizeof *t->r, bykey);
	for (i = 0, keep = 0; i < t->n; i = k) {
		size_t first = t->r[i].seq;
		const char *key = t->r[i].v[kc];	/* in t->own */

		for (k = i + 1; k < t->n && strcmp(t->r[k].v[kc], key) == 0;
		    k++)
			free(t->r[k - 1].v);
		t->r[keep] = t->r[k - 1];
		t->r[keep++].seq = first;
	}
	t->n = keep;
	qsort(t->r, t->n, sizeof *t->r, byseq);
	for (i = 0; i < t->n; i++)
		t->r[i].seq = i;	/* an index again, for do_rcp() */
	return t;
}

/* The rows of a table by a column, for lookups. */
struct index {
	struct row	**p;
	size_t		  n;
	long		  col;
};

static const char *ixkey;

static int
ixcmp(const void *a, const void *b)
{
	const struct row *const *x = a, *const *y = b;
	int c = strcmp((*x)->v[sortcol], (*y)->v[sortcol]);

	if (c != 0)
		return c;
	return (*x)->seq < (*y)->seq ? -1 : (*x)->seq > (*y)->seq;
}

static int
ixfind(const void *k, const void *b)
{
	const struct row *const *y = b;

	(void)k;
	return strcmp(ixkey, (*y)->v[sortcol]);
}

static void
index_build(struct index *ix, struct table *t, long col)
{
	size_t i;

	ix->n = t->n;
	ix->col = col;
	ix->p = pc_xcalloc(t->n, sizeof *ix->p);
	for (i = 0; i < t->n; i++)
		ix->p[i] = &t->r[i];
	sortcol = col;
	qsort(ix->p, ix->n, sizeof *ix->p, ixcmp);
}

/* The rows whose column is key: *n of them from the one returned. */
static struct row **
index_find(const struct index *ix, const char *key, size_t *n)
{
	struct row **p;

	*n = 0;
	if (ix->n == 0)
		return NULL;
	ixkey = key;
	sortcol = ix->col;
	if ((p = bsearch(key, ix->p, ix->n, sizeof *ix->p, ixfind)) == NULL)
		return NULL;
	while (p > ix->p && strcmp(p[-1]->v[ix->col], key) == 0)
		p--;
	while (p + *n < ix->p + ix->n && strcmp(p[*n]->v[ix->col], key) == 0)
		(*n)++;
	return p;
}

/* ---- the directory ---------------------------------------------------- */

#define DFAIL(...) do {							\
	int n_ = snprintf(err, errsz, "%s:%lu: ", path, row->line);	\
	if (n_ >= 0 && (size_t)n_ < errsz)				\
		snprintf(err + n_, errsz - n_, __VA_ARGS__);		\
	goto fail;							\
} while (0)

static int
load_directory(struct run *r, const char *path, char *err, size_t errsz)
{
	static const char *const need[] = { "kind", "finess", "region",
	    "age_group", "name", "contact", "when_fr", "when_en" };
	enum { C_KIND, C_FINESS, C_REGION, C_AGE, C_NAME, C_CONTACT, C_WFR,
	    C_WEN };
	struct pc_readopt ro = { 0 };
	struct pc_reader *rd;
	struct pc_row *row = NULL;
	struct pc_buf canon = { 0 };
	char why[200];
	long col[8];
	size_t i;
	int rc;

	if ((rd = pc_reader_open(path, &ro, err, errsz)) == NULL)
		return -1;
	for (i = 0; i < 8; i++)
		if ((col[i] = pc_reader_col(rd, need[i])) == -1) {
			snprintf(err, errsz, "%s:1: header: no column %s", path,
			    need[i]);
			pc_reader_close(rd);
			return -1;
		}
	while ((rc = pc_reader_next(rd, &row, err, errsz)) == 1) {
		const struct pc_field *f = row->f;
		struct dent d = { 0 };
		int k;

		if (row->err != PC_ROW_OK)
			DFAIL("%s", row->why);
		for (k = 0; k < 4; k++)
			if (strcmp(f[col[C_KIND]].s, dkinds[k]) == 0)
				break;
		if (k == 4)
			DFAIL("kind: team, supportive-care, association or "
			    "help");
		d.kind = k;
		if (f[col[C_FINESS]].len > 0 && pc_check(PC_T_FINESS,
		    f[col[C_FINESS]].s, f[col[C_FINESS]].len, &canon, why,
		    sizeof why) == PC_CHECK_BAD)
			DFAIL("finess: %s", why);
		if (k == D_TEAM && (f[col[C_FINESS]].len == 0 ||
		    f[col[C_REGION]].len == 0))
			DFAIL("a team has a finess and a region");
		if (k == D_TEAM && f[col[C_AGE]].len > 0)
			DFAIL("age_group: empty for a team");
		if (f[col[C_AGE]].len > 0 && strcmp(f[col[C_AGE]].s,
		    "child") != 0 && strcmp(f[col[C_AGE]].s, "aya") != 0 &&
		    strcmp(f[col[C_AGE]].s, "adult") != 0)
			DFAIL("age_group: child, aya, adult or empty (all)");
		if (pc_check(PC_T_LINE, f[col[C_NAME]].s, f[col[C_NAME]].len,
		    &canon, why, sizeof why) == PC_CHECK_BAD ||
		    f[col[C_NAME]].len == 0)
			DFAIL("name: %s", f[col[C_NAME]].len ? why : "empty");
		if (pc_check(PC_T_CONTACT, f[col[C_CONTACT]].s,
		    f[col[C_CONTACT]].len, &canon, why, sizeof why) ==
		    PC_CHECK_BAD)
			DFAIL("contact: %s", why);
		for (i = 0; i < r->ndir && k == D_TEAM; i++)
			if (r->dir[i].kind == D_TEAM &&
			    strcmp(r->dir[i].finess, f[col[C_FINESS]].s) == 0)
				DFAIL("finess: a second team for this FINESS "
				    "(line %lu)", r->dir[i].line);
		d.finess = pc_xstrdup(f[col[C_FINESS]].s);
		d.region = pc_xstrdup(f[col[C_REGION]].s);
		d.age = pc_xstrdup(f[col[C_AGE]].s);
		d.name = pc_xstrdup(f[col[C_NAME]].s);
		d.contact = pc_xstrdup(f[col[C_CONTACT]].s);
		d.when_fr = pc_xstrdup(f[col[C_WFR]].s);
		d.when_en = pc_xstrdup(f[col[C_WEN]].s);
		d.line = row->line;
		r->dir = pc_xreallocarray(r->dir, r->ndir + 1, sizeof *r->dir);
		r->dir[r->ndir++] = d;
	}
	pc_buf_free(&canon);
	pc_reader_close(rd);
	return rc == -1 ? -1 : 0;
fail:
	pc_buf_free(&canon);
	pc_reader_close(rd);
	return -1;
}

static void
free_directory(struct run *r)
{
	size_t i;

	for (i = 0; i < r->ndir; i++) {
		free(r->dir[i].finess);
		free(r->dir[i].region);
		free(r->dir[i].age);
		free(r->dir[i].name);
		free(r->dir[i].contact);
		free(r->dir[i].when_fr);
		free(r->dir[i].when_en);
	}
	free(r->dir);
}

/* ---- the document ------------------------------------------------------ */

/* The names a template may use (pps-render(1) lists them). */
static const char *const tnames[] = {
	"lang", "date", "pathway_id", "given_names", "family_name",
	"birth_date", "age", "child", "aya", "adult", "referent_name",
	"referent_contact", "team_name", "team_contact", "team_when",
	"gp_name", "gp_contact", "rcp_id", "meeting_date", "meeting_kind",
	"motive", "proposal", "label", "trial_id", "consent_by",
	"decision_date", "calendar", "what", "detail", "planned",
	"supportive_care", "associations", "help", "name", "contact", "when",
	"has_calendar", "has_supportive_care", "has_associations", "has_help",
	NULL
};

static const char *const months_fr[] = { "janvier", "février", "mars",
    "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
    "novembre", "décembre" };
static const char *const months_en[] = { "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October",
    "November", "December" };

/* "1er décembre 2026", "1 December 2026". */
static void
longdate(const struct run *r, long day, char *buf, size_t sz)
{
	int y, m, d;

	pc_civil(day, &y, &m, &d);
	if (strcmp(r->lang, "en") == 0)
		snprintf(buf, sz, "%d %s %d", d, months_en[m - 1], y);
	else
		snprintf(buf, sz, "%d%s %s %d", d, d == 1 ? "er" : "",
		    months_fr[m - 1], y);
}

/* Sets name to the long form of the date s, or gives a reason. */
static void
set_date(struct run *r, struct pc_tdata *d, const char *name, const char *s,
    int required)
{
	char buf[64];
	long day;

	if (*s == '\0' && !required) {
		pc_tdata_set(d, name, "");
		return;
	}
	if (pc_date_read(s, &day) == -1) {
		reason(r, "%s: not a date (YYYY-MM-DD)", name);
		return;
	}
	longdate(r, day, buf, sizeof buf);
	pc_tdata_set(d, name, buf);
}

static void
set_label(struct run *r, struct pc_tdata *d, const char *name,
    const char *vocab, const char *word)
{
	const char *l;
	struct pc_buf b = { 0 };

	if (*word == '\0') {
		pc_tdata_set(d, name, "");
		return;
	}
	if ((l = pc_vocab_label(r->vocab, vocab, word, r->lang)) == NULL) {
		pc_vis(&b, word, strlen(word), 32);
		reason(r, "%s: %s is not a word of %s", name, b.s, vocab);
		pc_buf_free(&b);
		return;
	}
	pc_tdata_set(d, name, l);
}

static int
age_matches(const char *group, int age)
{
	if (*group == '\0')
		return 1;
	if (strcmp(group, "child") == 0)
		return age < 18;
	if (strcmp(group, "aya") == 0)
		return age >= 15 && age <= 24;
	return age >= 18;
}

/* The directory entries of a kind for this establishment, region, age. */
static size_t
add_entries(struct run *r, struct pc_tdata *d, const char *list, int kind,
    const char *finess, const char *region, int age)
{
	size_t i, n = 0;

	for (i = 0; i < r->ndir; i++) {
		const struct dent *e = &r->dir[i];
		struct pc_tdata *it;

		if (e->kind != kind || (*e->finess != '\0' &&
		    strcmp(e->finess, finess) != 0) || (*e->region != '\0' &&
		    strcmp(e->region, region) != 0) || !age_matches(e->age, age))
			continue;
		it = pc_tdata_add(d, list);
		pc_tdata_set(it, "name", e->name);
		pc_tdata_set(it, "contact", e->contact);
		pc_tdata_set(it, "when", strcmp(r->lang, "en") == 0 ?
		    e->when_en : e->when_fr);
		n++;
	}
	return n;
}

/* The kinds of event the calendar shows, in the order they are told. */
static int
calendar_kind(const char *k)
{
	static const char *const kinds[] = { "announcement", "treatment-start",
	    "treatment-end", "supportive-care", "visit", NULL };
	size_t i;

	for (i = 0; kinds[i] != NULL; i++)
		if (strcmp(kinds[i], k) == 0)
			return 1;
	return 0;
}

static void
add_calendar(struct run *r, struct pc_tdata *d, const char *id)
{
	const struct pc_event *ev;
	size_t i, n = 0;

	ev = pc_events_of(r->ev, id, &n);
	for (i = 0; i < n; i++) {
		struct pc_tdata *it;
		char buf[64];
		const char *l;

		if (pc_event_ends(ev[i].kind)) {
			reason(r, "kind: the pathway is closed (%s, %s:%lu): "
			    "no PPS", ev[i].kind, r->evpath,
			    pc_events_line(r->ev, &ev[i]));
			continue;
		}
		if (!calendar_kind(ev[i].kind))
			continue;
		it = pc_tdata_add(d, "calendar");
		longdate(r, ev[i].date, buf, sizeof buf);
		pc_tdata_set(it, "date", buf);
		l = pc_vocab_label(r->vocab, "event_kind", ev[i].kind, r->lang);
		pc_tdata_set(it, "what", l != NULL ? l : ev[i].kind);
		pc_tdata_set(it, "detail", ev[i].detail);
		pc_tdata_set(it, "planned", ev[i].date > r->today ? "1" : "");
	}
}

/* Columns of a pathway row and of an rcp row. */
struct pcols {
	long id, family, given, birth, finess, ref_name, ref_contact, team,
	    gp_name, gp_contact;
};
struct rcols {
	long rcp_id, id, date, kind, motive, proposal, trial, consent,
	    decision, ddate;
};

static void
pcols_of(const struct table *t, struct pcols *c)
{
	c->id = tcol(t, "pathway_id");
	c->family = tcol(t, "family_name");
	c->given = tcol(t, "given_names");
	c->birth = tcol(t, "birth_date");
	c->finess = tcol(t, "finess");
	c->ref_name = tcol(t, "referent_name");
	c->ref_contact = tcol(t, "referent_contact");
	c->team = tcol(t, "team_contact");
	c->gp_name = tcol(t, "gp_name");
	c->gp_contact = tcol(t, "gp_contact");
}

static void
rcols_of(const struct table *t, struct rcols *c)
{
	c->rcp_id = tcol(t, "rcp_id");
	c->id = tcol(t, "pathway_id");
	c->date = tcol(t, "meeting_date");
	c->kind = tcol(t, "meeting_kind");
	c->motive = tcol(t, "motive");
	c->proposal = tcol(t, "proposal");
	c->trial = tcol(t, "trial_id");
	c->consent = tcol(t, "consent_by");
	c->decision = tcol(t, "patient_decision");
	c->ddate = tcol(t, "decision_date");
}

/*
 * The proposal in force: of the rows given, the accepted one of the
 * latest meeting (then decision date, then the later row).  NULL when
 * none is accepted; *latest is the latest row whatever its decision.
 */
static const struct row *
accepted(struct row **w, size_t n, const struct rcols *c,
    const struct row **latest)
{
	const struct row *best = NULL;
	size_t i;

	*latest = NULL;
	for (i = 0; i < n; i++) {
		const struct row *x = w[i];
		int cmp;

		if (*latest != NULL) {
			cmp = strcmp(get(x, c->date), get(*latest, c->date));
			if (cmp > 0 || (cmp == 0 && x->seq > (*latest)->seq))
				*latest = x;
		} else
			*latest = x;
		if (strcmp(get(x, c->decision), "accepted") != 0)
			continue;
		if (best != NULL) {
			cmp = strcmp(get(x, c->date), get(best, c->date));
			if (cmp == 0)
				cmp = strcmp(get(x, c->ddate),
				    get(best, c->ddate));
			if (cmp < 0 || (cmp == 0 && x->seq < best->seq))
				continue;
		}
		best = x;
	}
	return best;
}

/* The required text of a pathway column, or a reason. */
static const char *
need(struct run *r, const struct row *w, long c, const char *col,
    const char *what)
{
	const char *s = get(w, c);

	if (*s == '\0')
		reason(r, "%s: empty: the PPS must give %s", col, what);
	return s;
}

static int
write_doc(struct run *r, const char *id, const struct pc_buf *doc)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	const char *ext = r->html ? "html" : "txt";
	size_t off = 0;
	ssize_t w;
	int fd;

	if ((size_t)snprintf(path, sizeof path, "%s/%s.%s", r->outdir, id,
	    ext) >= sizeof path || (size_t)snprintf(tmp, sizeof tmp,
	    "%s/.%s.%s.XXXXXX", r->outdir, id, ext) >= sizeof tmp) {
		pc_warnx("%s: name too long", r->outdir);
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		pc_warn("%s", tmp);
		return -1;
	}
	if (fchmod(fd, 0600) == -1)
		goto fail;
	while (off < doc->len) {
		if ((w = write(fd, doc->s + off, doc->len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) == -1) {
		pc_warn("%s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
fail:
	pc_warn("%s", tmp);
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return -1;
}

static int
write_stdout(struct run *r, const struct pc_buf *doc)
{
	/* A form feed line between documents: printers and csplit(1) know it. */
	if (r->ndone > 0 && fputs("\f\n", stdout) == EOF)
		return -1;
	if (fwrite(doc->s, 1, doc->len, stdout) != doc->len)
		return -1;
	return 0;
}

/*
 * One pathway: pw its row (file:line in pwhere), rcw its rcp rows, read
 * from rname.  -1 on an output error.
 */
static int
render(struct run *r, const struct row *pw, const struct pcols *pc,
    const char *pwhere, struct row **rcw, size_t nrc, const struct rcols *rc,
    const char *rname)
{
	const struct row *acc, *latest;
	const struct dent *team = NULL;
	struct pc_tdata *d = pc_tdata_new();
	struct pc_buf doc = { 0 }, wrapped = { 0 }, b = { 0 }, canon = { 0 };
	const char *id = get(pw, pc->id), *finess, *region = "", *p, *q;
	char why[ERRSZ], buf[64], rwhere[ERRSZ];
	long birth;
	int age = 0, ret = 0;
	size_t i;

	r->npw++;
	r->where = pwhere;
	r->bad = 0;
	if (pc_check(PC_T_PATHWAY_ID, id, strlen(id), &canon, why,
	    sizeof why) == PC_CHECK_BAD)
		reason(r, "pathway_id: %s", why);
	pc_tdata_set(d, "lang", r->lang);
	pc_tdata_set(d, "pathway_id", id);
	longdate(r, r->today, buf, sizeof buf);
	pc_tdata_set(d, "date", buf);

	/* Who it is for. */
	pc_tdata_set(d, "family_name", get(pw, pc->family));
	pc_tdata_set(d, "given_names", get(pw, pc->given));
	if (pc_date_read(get(pw, pc->birth), &birth) == -1 || birth > r->today)
		reason(r, "birth_date: not a date (YYYY-MM-DD) before today");
	else {
		age = pc_age(birth, r->today);
		set_date(r, d, "birth_date", get(pw, pc->birth), 1);
		snprintf(buf, sizeof buf, "%d", age);
		pc_tdata_set(d, "age", buf);
		pc_tdata_set(d, "child", age < 18 ? "1" : "");
		pc_tdata_set(d, "aya", age >= 15 && age <= 24 ? "1" : "");
		pc_tdata_set(d, "adult", age >= 18 ? "1" : "");
	}

	/* The proposal the patient accepted. */
	acc = accepted(rcw, nrc, rc, &latest);
	if (latest != NULL) {
		snprintf(rwhere, sizeof rwhere, "%s:%lu", rname,
		    acc != NULL ? acc->line : latest->line);
		r->where = rwhere;
	}
	if (acc == NULL && latest == NULL)
		reason(r, "pathway_id: no rcp row in %s: no PPS", rname);
	else if (acc == NULL) {
		const char *dec = get(latest, rc->decision);

		pc_vis(&b, dec, strlen(dec), 16);
		reason(r, "patient_decision: %s, and no proposal of this "
		    "pathway accepted: no PPS", *dec ? b.s : "empty");
		pc_buf_clear(&b);
	} else {
		pc_tdata_set(d, "rcp_id", get(acc, rc->rcp_id));
		set_date(r, d, "meeting_date", get(acc, rc->date), 1);
		set_date(r, d, "decision_date", get(acc, rc->ddate), 0);
		set_label(r, d, "meeting_kind", "meeting_kind",
		    get(acc, rc->kind));
		set_label(r, d, "motive", "motive", get(acc, rc->motive));
		set_label(r, d, "consent_by", "consent_by",
		    get(acc, rc->consent));
		pc_tdata_set(d, "trial_id", get(acc, rc->trial));
		p = get(acc, rc->proposal);
		if (*p == '\0')
			reason(r, "proposal: empty: the PPS must give the "
			    "proposal");
		pc_buf_clear(&canon);
		if (*p != '\0' && pc_vocab_check(r->vocab, "proposal", 1, p,
		    strlen(p), &canon, why, sizeof why) != PC_CHECK_OK)
			reason(r, "proposal: %s", why);
		else if (*p != '\0')
			for (p = canon.s; *p != '\0'; p = *q ? q + 1 : q) {
				char word[64];
				size_t n;

				q = strchr(p, '|');
				if (q == NULL)
					q = p + strlen(p);
				n = (size_t)(q - p);
				if (n >= sizeof word)
					n = sizeof word - 1;
				memcpy(word, p, n);
				word[n] = '\0';
				pc_tdata_set(pc_tdata_add(d, "proposal"),
				    "label", pc_vocab_label(r->vocab,
				    "proposal", word, r->lang));
			}
	}

	/* Whom to call: the referring physician, the team, the GP. */
	r->where = pwhere;
	pc_tdata_set(d, "referent_name", need(r, pw, pc->ref_name,
	    "referent_name", "the referring physician's name"));
	pc_tdata_set(d, "referent_contact", need(r, pw, pc->ref_contact,
	    "referent_contact", "the referring physician's contact"));
	finess = get(pw, pc->finess);
	for (i = 0; i < r->ndir && *finess != '\0'; i++)
		if (r->dir[i].kind == D_TEAM &&
		    strcmp(r->dir[i].finess, finess) == 0)
			team = &r->dir[i];
	if (team != NULL) {
		region = team->region;
		pc_tdata_set(d, "team_name", team->name);
		pc_tdata_set(d, "team_contact", team->contact);
		pc_tdata_set(d, "team_when", strcmp(r->lang, "en") == 0 ?
		    team->when_en : team->when_fr);
	} else if (*get(pw, pc->team) != '\0')
		pc_tdata_set(d, "team_contact", get(pw, pc->team));
	else
		reason(r, "team_contact: empty, and %s in %s: the PPS must "
		    "give the care team's contact", *finess ? "no team of this "
		    "finess" : "no finess to find the team", r->dirpath);
	pc_tdata_set(d, "gp_name", get(pw, pc->gp_name));
	pc_tdata_set(d, "gp_contact", get(pw, pc->gp_contact));

	add_entries(r, d, "supportive_care", D_SUPPORT, finess, region, age);
	if (add_entries(r, d, "associations", D_ASSOC, finess, region,
	    age) == 0)
		reason(r, "finess: no patient association in %s for this "
		    "establishment, its region and the patient's age group: "
		    "the PPS must give one", r->dirpath);
	add_entries(r, d, "help", D_HELP, finess, region, age);
	if (r->ev != NULL)
		add_calendar(r, d, id);

	/* For a template that wraps a list in a table or a <ul> once. */
	pc_tdata_set(d, "has_calendar",
	    pc_tdata_count(d, "calendar") ? "1" : "");
	pc_tdata_set(d, "has_supportive_care",
	    pc_tdata_count(d, "supportive_care") ? "1" : "");
	pc_tdata_set(d, "has_associations",
	    pc_tdata_count(d, "associations") ? "1" : "");
	pc_tdata_set(d, "has_help", pc_tdata_count(d, "help") ? "1" : "");
	if (r->bad) {
		setstatus(r, PC_EXIT_REJECT);
		goto done;
	}
	pc_tmpl_render(r->tmpl, d, r->html, &doc);
	if (!r->html) {
		pc_text_wrap(doc.len ? doc.s : "", doc.len, WRAP, &wrapped);
		pc_buf_set(&doc, wrapped.len ? wrapped.s : "", wrapped.len);
	}
	if (r->outdir != NULL) {
		if (write_doc(r, id, &doc) == -1) {
			setstatus(r, PC_EXIT_IO);
			ret = -1;
			goto done;
		}
	} else if (write_stdout(r, &doc) == -1) {
		/* A reader that went away (head, less) ends the run quietly. */
		if (errno != EPIPE) {
			pc_warn("stdout: write error");
			setstatus(r, PC_EXIT_IO);
		}
		ret = -1;
		goto done;
	}
	r->ndone++;
done:
	pc_buf_free(&doc);
	pc_buf_free(&wrapped);
	pc_buf_free(&b);
	pc_buf_free(&canon);
	pc_tdata_free(d);
	return ret;
}

/* ---- inputs ----------------------------------------------------------- */

/* Pathway rows joined with -R.  -1 on an output error. */
static int
do_pathways(struct run *r, struct table *in)
{
	struct pcols pc;
	struct rcols rc;
	struct index ix;
	char where[ERRSZ];
	size_t i, n;

	pcols_of(in, &pc);
	rcols_of(r->rcp, &rc);
	index_build(&ix, r->rcp, rc.id);
	for (i = 0; i < in->n; i++) {
		struct row **w = index_find(&ix, get(&in->r[i], pc.id), &n);

		snprintf(where, sizeof where, "%s:%lu", in->name,
		    in->r[i].line);
		if (render(r, &in->r[i], &pc, where, w, n, &rc,
		    r->rcp->name) == -1) {
			free(ix.p);
			return -1;
		}
	}
	free(ix.p);
	return 0;
}

/* Rcp rows joined with -P, a PPS per pathway they name.  -1 likewise. */
static int
do_rcp(struct run *r, struct table *in)
{
	struct pcols pc;
	struct rcols rc;
	struct index ix, px;
	char where[ERRSZ], pwhere[ERRSZ];
	size_t i, k, n, np;
	int *done;

	rcols_of(in, &rc);
	pcols_of(r->pw, &pc);
	index_build(&ix, in, rc.id);
	index_build(&px, r->pw, pc.id);
	done = pc_xcalloc(in->n, sizeof *done);
	for (i = 0; i < in->n; i++) {
		const char *id = get(&in->r[i], rc.id);
		struct row **w, **p;
		const struct row *last;
		struct pc_buf b = { 0 };

		if (done[i])
			continue;
		w = index_find(&ix, id, &n);
		for (k = 0, last = w[0]; k < n; k++) {
			done[w[k]->seq] = 1;
			if (w[k]->seq > last->seq)
				last = w[k];
		}
		snprintf(where, sizeof where, "%s:%lu", in->name, last->line);
		if ((p = index_find(&px, id, &np)) == NULL) {
			r->npw++;
			pc_vis(&b, id, strlen(id), 32);
			pc_warnx("%s: pathway_id: %s is not in %s: no PPS",
			    where, b.s, r->pw->name);
			pc_buf_free(&b);
			setstatus(r, PC_EXIT_REJECT);
			continue;
		}
		snprintf(pwhere, sizeof pwhere, "%s:%lu", r->pw->name,
		    p[0]->line);
		if (render(r, p[0], &pc, pwhere, w, n, &rc, in->name) == -1) {
			free(done);
			free(ix.p);
			free(px.p);
			return -1;
		}
	}
	free(done);
	free(ix.p);
	free(px.p);
	return 0;
}

static int
do_input(struct run *r, const char *path)
{
	struct table *in;
	char err[ERRSZ];
	int st = 0, rc = 0, fd;

	if (path != NULL && strcmp(path, "-") != 0) {
		if ((fd = open(path, O_RDONLY)) == -1) {
			pc_warn("%s", path);
			setstatus(r, PC_EXIT_IO);
			return 0;
		}
		close(fd);
	}
	if ((in = table_input(path, &st, err, sizeof err)) == NULL) {
		pc_warnx("%s", err);
		setstatus(r, st);
		return 0;
	}
	if (tcol(in, "pathway_id") == -1) {
		pc_warnx("%s:1: header: no column pathway_id", in->name);
		setstatus(r, PC_EXIT_REJECT);
	} else if (tcol(in, "rcp_id") >= 0 ||
	    tcol(in, "patient_decision") >= 0) {
		if (r->pw == NULL) {
			pc_warnx("%s: rcp rows: -P pathways is needed",
			    in->name);
			setstatus(r, PC_EXIT_USAGE);
		} else
			rc = do_rcp(r, in);
	} else if (tcol(in, "birth_date") >= 0) {
		if (r->rcp == NULL) {
			pc_warnx("%s: pathway rows: -R rcp is needed",
			    in->name);
			setstatus(r, PC_EXIT_USAGE);
		} else
			rc = do_pathways(r, in);
	} else {
		pc_warnx("%s:1: header: neither pathway rows (birth_date) "
		    "nor rcp rows (patient_decision)", in->name);
		setstatus(r, PC_EXIT_REJECT);
	}
	table_free(in);
	return rc;
}

/* A table of an option, its columns checked. */
static struct table *
option_table(struct run *r, const char *path, const char *key,
    const char *const *cols)
{
	struct table *t;
	char err[ERRSZ];
	size_t i;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1) {
		pc_warn("%s", path);
		setstatus(r, PC_EXIT_IO);
		return NULL;
	}
	close(fd);
	if ((t = table_latest(path, key, err, sizeof err)) == NULL) {
		pc_warnx("%s", err);
		setstatus(r, pc_syserr ? PC_EXIT_IO : PC_EXIT_REJECT);
		return NULL;
	}
	for (i = 0; cols[i] != NULL; i++)
		if (tcol(t, cols[i]) == -1) {
			pc_warnx("%s:1: header: no column %s", t->name,
			    cols[i]);
			setstatus(r, PC_EXIT_REJECT);
			table_free(t);
			return NULL;
		}
	return t;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const pwcols[] = { "pathway_id", "birth_date",
	    NULL };
	static const char *const rcpcols[] = { "rcp_id", "pathway_id",
	    "meeting_date", "proposal", "patient_decision", NULL };
	struct run r = { 0 };
	const char *tpath = NULL, *ppath = NULL, *rpath = NULL;
	char err[ERRSZ], *deftmpl = NULL, *defdir = NULL;
	int ch, i, fd, stopped = 0;

	r.lang = "fr";
	signal(SIGPIPE, SIG_IGN);
	while ((ch = getopt_long(argc, argv, "D:E:f:hl:o:P:R:T:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'D':
			r.dirpath = optarg;
			break;
		case 'E':
			r.evpath = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "html") == 0)
				r.html = 1;
			else if (strcmp(optarg, "text") != 0) {
				pc_warnx("-f %s: text or html", optarg);
				usage();
			}
			break;
		case 'h':
			help();
			break;
		case 'l':
			if (strcmp(optarg, "fr") != 0 &&
			    strcmp(optarg, "en") != 0) {
				pc_warnx("-l %s: fr or en", optarg);
				usage();
			}
			r.lang = optarg;
			break;
		case 'o':
			r.outdir = optarg;
			break;
		case 'P':
			ppath = optarg;
			break;
		case 'R':
			rpath = optarg;
			break;
		case 'T':
			tpath = optarg;
			break;
		case 'V':
			printf("pps-render (parcours) %s\n", PC_VERSION);
			return PC_EXIT_OK;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	r.today = pc_today();

	if (tpath == NULL) {
		char name[64];

		snprintf(name, sizeof name, "templates/pps.%s.%s", r.lang,
		    r.html ? "html" : "txt");
		tpath = deftmpl = pc_share_file(name);
	}
	if ((r.tmpl = pc_tmpl_load(tpath, err, sizeof err)) == NULL ||
	    pc_tmpl_check(r.tmpl, tnames, err, sizeof err) == -1) {
		pc_warnx("%s", err);
		r.status = PC_EXIT_USAGE;
		goto done;
	}
	if (r.dirpath == NULL)
		r.dirpath = defdir = pc_share_file("directory.csv");
	if (load_directory(&r, r.dirpath, err, sizeof err) == -1) {
		pc_warnx("%s", err);
		r.status = PC_EXIT_USAGE;
		goto done;
	}
	if ((r.vocab = pc_vocab_load(NULL, err, sizeof err)) == NULL) {
		pc_warnx("%s", err);
		r.status = PC_EXIT_USAGE;
		goto done;
	}
	if (rpath != NULL && (r.rcp = option_table(&r, rpath, "rcp_id",
	    rcpcols)) == NULL)
		goto done;
	if (ppath != NULL && (r.pw = option_table(&r, ppath, "pathway_id",
	    pwcols)) == NULL)
		goto done;
	if (r.evpath != NULL) {
		if ((fd = open(r.evpath, O_RDONLY)) == -1) {
			pc_warn("%s", r.evpath);
			r.status = PC_EXIT_IO;
			goto done;
		}
		close(fd);
		if ((r.ev = pc_events_load(r.evpath, r.vocab, NULL, err,
		    sizeof err)) == NULL) {
			pc_warnx("%s", err);
			r.status = PC_EXIT_REJECT;
			goto done;
		}
	}
	if (r.outdir != NULL && mkdir(r.outdir, 0700) == -1 &&
	    errno != EEXIST) {
		pc_warn("%s", r.outdir);
		r.status = PC_EXIT_IO;
		goto done;
	}

	if (argc == 0)
		stopped = do_input(&r, NULL) == -1;
	else
		for (i = 0; i < argc && !stopped; i++)
			stopped = do_input(&r, argv[i]) == -1;
	if (!stopped && fflush(stdout) == EOF) {
		if (errno != EPIPE) {
			pc_warn("stdout: write error");
			setstatus(&r, PC_EXIT_IO);
		}
		stopped = 1;
	}
	/* The new names on disk too: once, not per file. */
	if (r.outdir != NULL && r.ndone > 0 &&
	    (fd = open(r.outdir, O_RDONLY | O_DIRECTORY)) != -1) {
		if (fsync(fd) == -1) {
			pc_warn("%s", r.outdir);
			setstatus(&r, PC_EXIT_IO);
		}
		close(fd);
	}
	if (r.ndone < r.npw && !stopped)
		pc_warnx("pathways: %lu read, %lu rendered, %lu without a PPS",
		    r.npw, r.ndone, r.npw - r.ndone);
done:
	free(deftmpl);
	free(defdir);
	pc_tmpl_free(r.tmpl);
	free_directory(&r);
	pc_vocab_free(r.vocab);
	table_free(r.rcp);
	table_free(r.pw);
	pc_events_free(r.ev);
	return r.status;
}
