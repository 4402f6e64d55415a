/*
 * ald30-check - the ALD 30 status of each pathway at a date
 * (ald30-check(1)).
 *
 * The rules are data (share/parcours/ald30-rules.csv): ICD-10 ranges and
 * what they mean for ALD 30, the duration of an exemption, the term of a
 * request not made by the GP, the age under which no GP is required.
 * Durations are versioned by the date they are in force from, so that a
 * new decree adds a row.  The pathway table is read whole, the latest row
 * of each pathway kept; the events are held in memory by pathway.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parcours.h"

#define ERRSZ		512
#define WARN_DEFAULT	90

enum cls { CLS_COVERED, CLS_VERIFY, CLS_NOT };
static const char *clsnames[] = { "covered", "to-verify", "not-covered" };

enum unit { U_DAYS, U_MONTHS, U_YEARS };
static const char *unitnames[] = { "days", "months", "years" };

/* The dated rules: each kind may have several versions. */
enum { K_EXEMPTION, K_SHORT, K_GPAGE, NKINDS };
static const char *kindnames[] = { "exemption", "short-term", "gp-age" };

struct coderule {
	char		 from[16], to[16];	/* canonical ICD-10 */
	size_t		 fromlen, tolen;	/* measured once, not per row */
	enum cls	 cls;
};

struct term {
	long		 in_force;	/* PC_NODATE: since always */
	int		 value;
	enum unit	 unit;
};

/* The columns added, in this order. */
static const char *newcols[] = { "ald30_status", "ald30_reason",
    "ald30_until" };
#define NNEW	3

struct verdict {
	const char	*status;
	char		 reason[256];
	char		 until[11];
};

/*
 * The reason, in pieces: one verdict per pathway, a million a night, and
 * snprintf parsing its format each time was 7 % of the run.  The pieces
 * end with NULL; what does not fit is cut, as snprintf would.
 */
static void
say(struct verdict *v, ...)
{
	const char *p;
	size_t n = 0, k;
	va_list ap;

	va_start(ap, v);
	while ((p = va_arg(ap, const char *)) != NULL) {
		k = strlen(p);
		if (k > sizeof v->reason - 1 - n)
			k = sizeof v->reason - 1 - n;
		memcpy(v->reason + n, p, k);
		n += k;
	}
	va_end(ap);
	v->reason[n] = '\0';
}

struct run {
	struct coderule		*codes;
	size_t			 ncodes;
	struct term		*terms[NKINDS];
	size_t			 nterms[NKINDS];
	long			 asof;
	int			 warn;
	int			 problems;	/* -p */
	struct pc_key		 pseudo;	/* --pseudonymize */
	int			 found;		/* a problem row */
	struct pc_annotate	 an;
	struct pc_buf		 icd, gp, tmp;	/* the row's checks' */
	struct verdict		*v;
	struct pc_evbuf		 eb;	/* the events of the pathway at hand */
	/* The columns of the table being read (all inputs share them). */
	const struct pc_latest	*cl;
	long			 c_id, c_icd, c_birth, c_gp;
};


static void
usage(void)
{
	fprintf(stderr,
	    "usage: ald30-check [-pt] [-n date] [-w days] [-E events] "
	    "[-R rules] [-o file]\n"
	    "                   [file ...]\n");
	exit(PC_EXIT_USAGE);
}

static void
help(void)
{
	printf(
"ald30-check - ALD 30 exemption status of each pathway (parcours)\n"
"\n"
"Examples:\n"
"  ald30-check -E events.csv pathways.csv\n"
"  ald30-check -E events.csv -n 2026-11-23 -w 60 -p pathways.csv | \\\n"
"      mail -s 'ALD 30 to renew' 3c@example.org\n"
"\n"
"Usage:\n"
"  ald30-check [-pt] [-n date] [-w days] [-E events] [-R rules] [-o file]\n"
"              [file ...]\n"
"\n"
"Options:\n"
"  -E events  the event table: ald-request (detail: the requester's RPPS),\n"
"             protocol-signed, ald-granted, ald-refused, death, closed,\n"
"             transfer\n"
"  -n date    the as-of date, YYYY-MM-DD (default today)\n"
"  -o file    replace file atomically\n"
"  -p         print problem rows only (any status but ok and closed)\n"
"  -R rules   the rule table (default ald30-rules.csv of the share\n"
"             directory)\n"
"  -t         write TSV\n"
"  --safe-csv make text of cells a spreadsheet would run as formulas\n"
"  --pseudonymize keyfile\n"
"             write keyed pseudonyms for ins, local_id and the names\n"
"  -w days    an exemption ending within days is expiring (default %d)\n"
"  -h, --help this help;  --version  the version\n"
"\n"
"Statuses: ok, expiring, expired, short-term, no-request, to-verify,\n"
"not-covered, closed.\n"
"Exit status: 0 no problem, 1 problems, 2 usage, 3 rows or an input\n"
"rejected, 4 system or I/O error.\n", WARN_DEFAULT);
	exit(PC_EXIT_OK);
}

static int
parse_int(const char *s, int lo, int hi, int *v)
{
	const char *e = NULL;
	long long n;

	n = strtonum(s, lo, hi, &e);
	if (e != NULL || *s == '\0')
		return -1;
	*v = (int)n;
	return 0;
}

/* ---- dates ------------------------------------------------------------ */

static long
add_term(long day, const struct term *t)
{
	switch (t->unit) {
	case U_DAYS:
		return day + t->value;
	case U_MONTHS:
		return pc_add_months(day, t->value);
	default:
		return pc_add_months(day, 12L * t->value);
	}
}

/* The version of a rule in force at day: the latest in_force <= day. */
static const struct term *
term_at(const struct run *r, int kind, long day)
{
	const struct term *best = NULL;
	size_t i;

	for (i = 0; i < r->nterms[kind]; i++) {
		const struct term *t = &r->terms[kind][i];

		if (t->in_force <= day &&
		    (best == NULL || t->in_force > best->in_force))
			best = t;
	}
	return best;	/* never NULL: the loader wants an undated row */
}

/* "5 years", "6 months", "1 day", into a buffer of 32 */
static void
term_text(const struct term *t, char *buf)
{
	char n[PC_LTOA_SZ];
	const char *d = pc_ltoa(t->value, n), *u = unitnames[t->unit];
	size_t dl = strlen(d), ul = strlen(u) - (t->value == 1);

	memcpy(buf, d, dl);
	buf[dl] = ' ';
	memcpy(buf + dl + 1, u, ul);
	buf[dl + 1 + ul] = '\0';
}

/* ---- the rule table --------------------------------------------------- */

#define TFAIL(...) do {							\
	int n_ = snprintf(err, errsz, "%s:%lu: ", path, row->line);	\
	if (n_ >= 0 && (size_t)n_ < errsz)				\
		snprintf(err + n_, errsz - n_, __VA_ARGS__);		\
	goto fail;							\
} while (0)

static int
load_rules(struct run *r, const char *path, char *err, size_t errsz)
{
	static const char *const need[] = { "rule", "from", "to", "status",
	    "value", "unit", "in_force", "source", "decree_date",
	    "confidence" };
	enum { C_RULE, C_FROM, C_TO, C_STATUS, C_VALUE, C_UNIT, C_INFORCE,
	    C_SOURCE, C_DECREE, C_CONF, NC };
	struct pc_readopt ro = { 0 };
	struct pc_reader *rd;
	struct pc_row *row = NULL;
	struct pc_buf canon = { 0 };
	char why[256];
	long col[NC], d;
	size_t i, k;
	int rc, kind, first[NKINDS] = { 0 };

	if ((rd = pc_reader_open(path, &ro, err, errsz)) == NULL)
		return -1;
	for (i = 0; i < NC; i++)
		if ((col[i] = pc_reader_col(rd, need[i])) == -1) {
			snprintf(err, errsz, "%s:1: header: no column %s", path,
			    need[i]);
			pc_reader_close(rd);
			return -1;
		}
	while ((rc = pc_reader_next(rd, &row, err, errsz)) == 1) {
		const struct pc_field *f = row->f;
		const char *rule = f[col[C_RULE]].s;

		if (row->err != PC_ROW_OK)
			TFAIL("%s", row->why);
		if (f[col[C_SOURCE]].len == 0)
			TFAIL("source: empty (every rule says where it comes "
			    "from)");
		if (f[col[C_DECREE]].len > 0 &&
		    pc_date_read(f[col[C_DECREE]].s, &d) == -1)
			TFAIL("decree_date: not a date (YYYY-MM-DD)");
		if (strlen(f[col[C_CONF]].s) != 1 ||
		    strchr("CPUD", f[col[C_CONF]].s[0]) == NULL)
			TFAIL("confidence: C, P, U or D");
		if (strcmp(rule, "code") == 0) {
			struct coderule cr;

			if (f[col[C_VALUE]].len || f[col[C_UNIT]].len ||
			    f[col[C_INFORCE]].len)
				TFAIL("a code rule has no value, unit or "
				    "in_force");
			for (k = 0; k < 3; k++)
				if (strcmp(f[col[C_STATUS]].s, clsnames[k]) == 0)
					break;
			if (k == 3)
				TFAIL("status: covered, to-verify or "
				    "not-covered");
			cr.cls = (enum cls)k;
			if (pc_check(PC_T_ICD10, f[col[C_FROM]].s,
			    f[col[C_FROM]].len, &canon, why, sizeof why) !=
			    PC_CHECK_OK || canon.len >= sizeof cr.from)
				TFAIL("from: %s", why);
			strlcpy(cr.from, canon.s, sizeof cr.from);
			if (pc_check(PC_T_ICD10, f[col[C_TO]].s,
			    f[col[C_TO]].len, &canon, why, sizeof why) !=
			    PC_CHECK_OK || canon.len >= sizeof cr.to)
				TFAIL("to: %s", why);
			strlcpy(cr.to, canon.s, sizeof cr.to);
			cr.fromlen = strlen(cr.from);
			cr.tolen = strlen(cr.to);
			if (strcmp(cr.from, cr.to) > 0)
				TFAIL("to: %s comes before from %s", cr.to,
				    cr.from);
			r->codes = pc_xreallocarray(r->codes, r->ncodes + 1,
			    sizeof *r->codes);
			r->codes[r->ncodes++] = cr;
			continue;
		}
		for (kind = 0; kind < NKINDS; kind++)
			if (strcmp(rule, kindnames[kind]) == 0)
				break;
		if (kind == NKINDS)
			TFAIL("rule: code, exemption, short-term or gp-age");
		{
			struct term t;

			if (f[col[C_FROM]].len || f[col[C_TO]].len ||
			    f[col[C_STATUS]].len)
				TFAIL("a %s rule has no from, to or status",
				    rule);
			if (parse_int(f[col[C_VALUE]].s, 1, kind == K_GPAGE ?
			    150 : 36500, &t.value) == -1)
				TFAIL("value: a whole number, 1 or more");
			for (k = 0; k < 3; k++)
				if (strcmp(f[col[C_UNIT]].s, unitnames[k]) == 0)
					break;
			if (k == 3 || (kind == K_GPAGE && k != U_YEARS))
				TFAIL("unit: %s", kind == K_GPAGE ? "years" :
				    "days, months or years");
			t.unit = (enum unit)k;
			t.in_force = PC_NODATE;
			if (f[col[C_INFORCE]].len > 0 &&
			    pc_date_read(f[col[C_INFORCE]].s,
			    &t.in_force) == -1)
				TFAIL("in_force: empty or a date (YYYY-MM-DD)");
			for (i = 0; i < r->nterms[kind]; i++)
				if (r->terms[kind][i].in_force == t.in_force)
					TFAIL("in_force: a second %s rule in "
					    "force from the same date", rule);
			if (t.in_force == PC_NODATE)
				first[kind] = 1;
			r->terms[kind] = pc_xreallocarray(r->terms[kind],
			    r->nterms[kind] + 1, sizeof *r->terms[kind]);
			r->terms[kind][r->nterms[kind]++] = t;
		}
	}
	if (rc == -1)
		goto fail;
	pc_buf_free(&canon);
	pc_reader_close(rd);
	if (r->ncodes == 0) {
		snprintf(err, errsz, "%s: no code rule", path);
		return -1;
	}
	for (kind = 0; kind < NKINDS; kind++)
		if (!first[kind]) {
			snprintf(err, errsz, "%s: no %s rule with an empty "
			    "in_force (one must hold for any date)", path,
			    kindnames[kind]);
			return -1;
		}
	return 0;
fail:
	pc_buf_free(&canon);
	pc_reader_close(rd);
	return -1;
}

/*
 * A bound is a category (D46) or a subcategory (D46.9): a code lies
 * within [from, to] when its first characters, as many as the bound's,
 * are not below from and not above to.
 */
static const struct coderule *
code_rule(const struct run *r, const char *icd)
{
	size_t i;

	for (i = 0; i < r->ncodes; i++) {
		const struct coderule *c = &r->codes[i];

		if (strncmp(icd, c->from, c->fromlen) >= 0 &&
		    strncmp(icd, c->to, c->tolen) <= 0)
			return c;
	}
	return NULL;
}

/* ---- the verdict of a pathway ----------------------------------------- */

/*
 * The kinds judge() reads, and only those: the event table keeps no
 * other (those that end a pathway it always keeps).
 */
static const char *const kinds_read[] = { "ald-request", "ald-granted",
    "ald-refused", "protocol-signed", NULL };

static int
is_kind(const struct pc_event *e, const char *k)
{
	return e != NULL && strcmp(e->kind, k) == 0;
}

enum who { BY_GP, BY_CHILD, BY_OTHER, BY_NOGP, BY_UNKNOWN };

/*
 * Who made a request, from its detail (the requester's RPPS) and the
 * pathway's gp_rpps; a child under the gp-age at the request needs none.
 */
static enum who
requester(struct run *r, const struct pc_event *req, long birth,
    const char *gp)
{
	const struct term *t = term_at(r, K_GPAGE, req->date);
	char why[160];

	if (pc_age(birth, req->date) < t->value)
		return BY_CHILD;
	if (*gp == '\0')
		return BY_NOGP;
	/* Into the row's scratch: a buffer of its own was a malloc a row. */
	if (pc_check(PC_T_RPPS, req->detail, strlen(req->detail), &r->tmp, why,
	    sizeof why) != PC_CHECK_OK)
		return BY_UNKNOWN;
	return strcmp(r->tmp.s, gp) == 0 ? BY_GP : BY_OTHER;
}

static void
short_reason(struct verdict *v, enum who w, const char *req,
    const char *term, int ended, const char *end)
{
	const char *then = ended ? "ended " : "to ";

	switch (w) {
	case BY_NOGP:
		say(v, "request on ", req, " with no GP declared: ", term,
		    ", ", then, end, NULL);
		break;
	case BY_UNKNOWN:
		say(v, "request on ", req, " by a physician not identified: ",
		    term, ", ", then, end, NULL);
		break;
	default:
		say(v, "request by a physician other than the GP on ", req,
		    ": ", term, ", ", then, end, NULL);
		break;
	}
}

static void
judge(struct run *r, const char *id, const char *icd, long birth,
    const char *gp, struct verdict *v)
{
	const struct pc_event *all, *ev, *dec = NULL, *req = NULL,
	    *prot = NULL;
	const struct coderule *cr;
	const struct term *t;
	char d1[11], d2[11], term[32], n[PC_LTOA_SZ];
	size_t nall, nev, i;
	long end;
	enum who w;

	memset(v, 0, sizeof *v);
	/* Only what is known at the as-of date counts. */
	all = pc_events_get(r->an.ev, id, &nall, &r->eb);
	for (nev = 0; nev < nall && all[nev].date <= r->asof; nev++)
		;
	ev = all;
	for (i = 0; i < nev; i++)
		if (pc_event_ends(ev[i].kind)) {
			v->status = "closed";
			pc_date_fmt(ev[i].date, d1);
			say(v, ev[i].kind, " on ", d1, NULL);
			return;
		}

	cr = code_rule(r, icd);
	if (cr == NULL || cr->cls == CLS_NOT) {
		v->status = "not-covered";
		say(v, icd, " is not in an ALD 30 range", NULL);
		return;
	}

	/* The latest decision, and the request and protocol after it. */
	for (i = 0; i < nev; i++)
		if (is_kind(&ev[i], "ald-granted") ||
		    is_kind(&ev[i], "ald-refused"))
			dec = &ev[i];
	for (i = dec == NULL ? 0 : (size_t)(dec - ev) + 1; i < nev; i++) {
		if (is_kind(&ev[i], "ald-request"))
			req = &ev[i];
		else if (is_kind(&ev[i], "protocol-signed"))
			prot = &ev[i];
	}

	if (is_kind(dec, "ald-granted")) {
		const struct pc_event *greq = NULL;

		/* The request it answers: the latest on or before it. */
		for (i = 0; &ev[i] != dec; i++)
			if (is_kind(&ev[i], "ald-request"))
				greq = &ev[i];
		w = greq == NULL ? BY_GP : requester(r, greq, birth, gp);
		pc_date_fmt(dec->date, d1);
		/*
		 * The end the CNAM recorded is the end, whoever asked; the
		 * short term applies when none was recorded.
		 */
		if (w != BY_GP && w != BY_CHILD && dec->until == PC_NODATE) {
			t = term_at(r, K_SHORT, greq->date);
			end = add_term(greq->date, t);
			pc_date_fmt(end, v->until);
			pc_date_fmt(greq->date, d2);
			term_text(t, term);
			v->status = r->asof > end ? "expired" : "short-term";
			short_reason(v, w, d2, term, r->asof > end, v->until);
			return;
		}
		end = dec->until != PC_NODATE ? dec->until :
		    add_term(dec->date, term_at(r, K_EXEMPTION, dec->date));
		pc_date_fmt(end, v->until);
		if (r->asof > end) {
			v->status = "expired";
			say(v, "exemption granted ", d1, " ended ", v->until,
			    NULL);
		} else if (end - r->asof <= r->warn) {
			v->status = "expiring";
			say(v, "exemption granted ", d1, " ends ", v->until,
			    ", in ", pc_ltoa(end - r->asof, n),
			    end - r->asof == 1 ? " day" : " days", NULL);
		} else {
			v->status = "ok";
			say(v, "exemption granted ", d1, " runs to ", v->until,
			    NULL);
		}
		return;
	}

	/* No exemption granted: the code's question comes first. */
	if (cr->cls == CLS_VERIFY) {
		v->status = "to-verify";
		if (strcmp(cr->from, cr->to) == 0)
			say(v, icd, " is in ", cr->from,
			    ": check the CNAM mapping", NULL);
		else
			say(v, icd, " is in ", cr->from, "-", cr->to,
			    ": check the CNAM mapping", NULL);
		return;
	}
	if (req != NULL) {
		pc_date_fmt(req->date, d2);
		w = requester(r, req, birth, gp);
		if (w != BY_GP && w != BY_CHILD) {
			t = term_at(r, K_SHORT, req->date);
			end = add_term(req->date, t);
			pc_date_fmt(end, v->until);
			term_text(t, term);
			v->status = r->asof > end ? "expired" : "short-term";
			short_reason(v, w, d2, term, r->asof > end, v->until);
			return;
		}
		if (prot != NULL) {
			v->status = "ok";
			pc_date_fmt(prot->date, d1);
			say(v, "request on ", d2, " and protocol on ", d1,
			    ": awaiting the decision", NULL);
			return;
		}
		v->status = "no-request";
		say(v, "request on ", d2, " but no protocol recorded", NULL);
		return;
	}
	v->status = "no-request";
	if (prot != NULL) {
		pc_date_fmt(prot->date, d1);
		say(v, "protocol signed on ", d1,
		    " but no ALD request recorded", NULL);
	} else if (dec != NULL) {
		pc_date_fmt(dec->date, d1);
		say(v, "ALD refused on ", d1, ", no request since", NULL);
	} else
		say(v, "no ALD request recorded", NULL);
}

static int
is_problem(const char *status)
{
	return strcmp(status, "ok") != 0 && strcmp(status, "closed") != 0;
}

/*
 * Checks the fields the verdict needs; -1 after saying what is wrong.
 * icd and gp receive the canonical forms.
 */
static int
check_row(const char *where, const struct pc_field *id,
    const struct pc_field *icd, const struct pc_field *birth_f,
    const struct pc_field *gp_f, struct pc_buf *icd_c, struct pc_buf *gp_c,
    struct pc_buf *tmp, long *birth)
{
	char why[256];
	int bad = 0;

	if (pc_check(PC_T_PATHWAY_ID, id->s, id->len, tmp, why,
	    sizeof why) != PC_CHECK_OK) {
		pc_warnx("%s: pathway_id: %s", where,
		    id->len ? why : "empty");
		bad = 1;
	}
	if (pc_check(PC_T_ICD10, icd->s, icd->len, icd_c, why,
	    sizeof why) != PC_CHECK_OK) {
		pc_warnx("%s: icd10: %s", where, icd->len ? why : "empty");
		bad = 1;
	}
	/* The birth date identifies a patient: never shown. */
	if (pc_check(PC_T_DATE, birth_f->s, birth_f->len, tmp, why,
	    sizeof why) != PC_CHECK_OK ||
	    pc_date_read(tmp->s, birth) == -1) {
		pc_warnx("%s: birth_date: %s", where, birth_f->len ?
		    "not a date (YYYY-MM-DD)" : "empty");
		bad = 1;
	}
	pc_buf_clear(gp_c);
	pc_buf_adds(gp_c, "");
	if (gp_f != NULL && gp_f->len > 0 && pc_check(PC_T_RPPS, gp_f->s,
	    gp_f->len, gp_c, why, sizeof why) != PC_CHECK_OK) {
		pc_warnx("%s: gp_rpps: %s", where, why);
		bad = 1;
	}
	return bad ? -1 : 0;
}

/* ---- the rows ---------------------------------------------------------- */

static int
row(void *arg, const struct pc_latest *l, const struct pc_field *f,
    const char *where, const char **add)
{
	struct run *r = arg;
	struct verdict *v = r->v;
	long birth = 0;

	if (l != r->cl) {
		r->cl = l;
		r->c_id = pc_latest_col(l, "pathway_id");
		r->c_icd = pc_latest_col(l, "icd10");
		r->c_birth = pc_latest_col(l, "birth_date");
		r->c_gp = pc_latest_col(l, "gp_rpps");
	}
	memset(v, 0, sizeof *v);
	if (check_row(where, &f[r->c_id], &f[r->c_icd], &f[r->c_birth],
	    r->c_gp >= 0 ? &f[r->c_gp] : NULL, &r->icd, &r->gp, &r->tmp,
	    &birth) == -1)
		return PC_ANNOTATE_BAD | (r->problems ? PC_ANNOTATE_SKIP : 0);
	judge(r, f[r->c_id].s, r->icd.s, birth, r->gp.s, v);
	if (is_problem(v->status))
		r->found = 1;
	else if (r->problems)
		return PC_ANNOTATE_SKIP;
	add[0] = v->status;
	add[1] = v->reason;
	add[2] = v->until;
	return 0;
}

/* A run for another thread: its own scratch, the tables shared. */
static void *
fork_run(void *arg)
{
	const struct run *r = arg;
	struct run *c = pc_xcalloc(1, sizeof *c);

	*c = *r;
	memset(&c->icd, 0, sizeof c->icd);
	memset(&c->gp, 0, sizeof c->gp);
	memset(&c->tmp, 0, sizeof c->tmp);
	memset(&c->eb, 0, sizeof c->eb);
	c->v = pc_xcalloc(1, sizeof *c->v);
	c->found = 0;
	return c;
}

static void
join_run(void *arg, void *copy)
{
	struct run *r = arg, *c = copy;

	r->found |= c->found;
	pc_buf_free(&c->icd);
	pc_buf_free(&c->gp);
	pc_buf_free(&c->tmp);
	pc_evbuf_free(&c->eb);
	free(c->v);
	free(c);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "safe-csv", no_argument, NULL, PC_OPT_SAFE_CSV },
		{ "pseudonymize", required_argument, NULL, PC_OPT_PSEUDONYMIZE },
		{ NULL, 0, NULL, 0 }
	};
	struct run r = { 0 };
	struct pc_vocab *vocab = NULL;
	const char *outpath = NULL, *rulepath = NULL, *evpath = NULL;
	char err[ERRSZ], *defrules = NULL;
	static const char *const need[] = { "pathway_id", "icd10",
	    "birth_date" };
	struct verdict verdict;
	int ch, i, delim = ',';

	r.asof = PC_NODATE;
	r.warn = WARN_DEFAULT;
	while ((ch = getopt_long(argc, argv, "E:hn:o:pR:tw:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'E':
			evpath = optarg;
			break;
		case 'h':
			help();
			break;
		case 'n':
			if (pc_date_read(optarg, &r.asof) == -1) {
				pc_warnx("-n %s: not a date (YYYY-MM-DD)",
				    optarg);
				usage();
			}
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'p':
			r.problems = 1;
			break;
		case 'R':
			rulepath = optarg;
			break;
		case 't':
			delim = '\t';
			break;
		case 'w':
			if (parse_int(optarg, 0, 3650, &r.warn) == -1) {
				pc_warnx("-w %s: a number of days, 0 to 3650",
				    optarg);
				usage();
			}
			break;
		case PC_OPT_PSEUDONYMIZE:
			if (pc_key_load(optarg, &r.pseudo, err,
			    sizeof err) == -1) {
				pc_warnx("--pseudonymize %s", err);
				return PC_EXIT_USAGE;
			}
			r.an.pseudo = &r.pseudo;
			break;
		case PC_OPT_SAFE_CSV:
			r.an.safe_csv = 1;
			break;
		case 'V':
			printf("ald30-check (parcours) %s\n", PC_VERSION);
			return PC_EXIT_OK;
		default:
			usage();
		}
	}
	argc -= optind;
	(void)pc_threads();	/* a bad PARCOURS_THREADS is a usage error */
	argv += optind;
	if (r.asof == PC_NODATE)
		r.asof = pc_today();

	if (rulepath == NULL)
		rulepath = defrules = pc_share_file("ald30-rules.csv");
	if (load_rules(&r, rulepath, err, sizeof err) == -1) {
		pc_warnx("%s", err);
		r.an.status = PC_EXIT_USAGE;
		goto done;
	}
	if (evpath != NULL) {
		int fd;

		if ((fd = open(evpath, O_RDONLY)) == -1) {
			pc_warnx("%s: %s", evpath, strerror(errno));
			r.an.status = PC_EXIT_IO;
			goto done;
		}
		close(fd);
		if ((vocab = pc_vocab_load(NULL, err, sizeof err)) == NULL) {
			pc_warnx("%s", err);
			r.an.status = PC_EXIT_USAGE;
			goto done;
		}
		/* Read beside the pathways: pc_annotate_file waits for it. */
		r.an.events = pc_events_start(evpath, vocab, kinds_read,
		    (const char *const *)argv, (size_t)argc);
	}

	r.an.key = "pathway_id";
	r.an.table = "pathway";
	r.an.need = need;
	r.an.nneed = sizeof need / sizeof need[0];
	r.an.add = newcols;
	r.an.nadd = NNEW;
	r.an.outpath = outpath;
	r.an.delim = delim;
	r.an.fork = fork_run;
	r.an.join = join_run;
	r.v = &verdict;
	if (argc == 0)
		pc_annotate_file(&r.an, NULL, row, &r);
	for (i = 0; i < argc; i++)
		pc_annotate_file(&r.an, argv[i], row, &r);
	if (pc_annotate_finish(&r.an) == PC_EXIT_OK && r.found)
		r.an.status = PC_EXIT_FOUND;
done:
	pc_buf_free(&r.icd);
	pc_buf_free(&r.gp);
	pc_buf_free(&r.tmp);
	pc_evbuf_free(&r.eb);
	free(defrules);
	free(r.codes);
	for (i = 0; i < NKINDS; i++)
		free(r.terms[i]);
	pc_events_stop(r.an.events);
	pc_vocab_free(vocab);
	return r.an.status;
}
