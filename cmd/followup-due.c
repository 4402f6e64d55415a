/*
 * followup-due - when each pathway's next follow-up visit, and for
 * survivors exposed to anthracyclines or heart radiation the next
 * echocardiography, is due (followup-due(1)).
 *
 * The schedules are data (share/parcours/followup-schedules.csv and
 * cardiac-surveillance.csv): a rule is a list of phases of intervals
 * relative to the end of treatment, chosen by an ICD-10 pattern and the
 * age group at diagnosis.  The pathway table is read whole, the latest
 * row of each pathway kept; the events are held in memory by pathway.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <pcre2.h>

#include "parcours.h"

#define ERRSZ		512
#define MATCH_LIMIT	100000u
#define DEPTH_LIMIT	1000u
#define LEAD_DEFAULT	30

enum { AGE_CHILD, AGE_AYA, AGE_ADULT, AGE_ANY };
static const char *agenames[] = { "child", "aya", "adult", "any" };

struct phase {
	int		 from, to;	/* months after the anchor; to -1: life-long */
	int		 every;		/* months */
	int		 tol;		/* days */
};

struct rule {
	char			*name;
	char			*pattern;
	int			 age;
	pcre2_code		*re;
	pcre2_match_data	*md;
	struct phase		*ph;
	size_t			 nph;
};

struct factor {
	char	*agent;
	double	 f;
};

struct crule {
	char	*name;
	double	 amin, amax, rmin, rmax;	/* NAN: no bound */
	int	 every;			/* years */
};

struct cardiac {
	struct factor	*fac;
	size_t		 nfac;
	struct crule	*cr;
	size_t		 ncr;
	int		 first_years;
	int		 tol;
	int		 max_age;
};

/* The columns added, in this order. */
static const char *newcols[] = {
	"followup_next", "followup_status", "followup_late_days",
	"followup_rule", "echo_next", "echo_status", "echo_late_days",
	"echo_every_years", "echo_basis"
};
#define NNEW	(sizeof newcols / sizeof newcols[0])
enum { N_NEXT, N_STATUS, N_LATE, N_RULE, E_NEXT, E_STATUS, E_LATE, E_EVERY,
    E_BASIS };

struct result {
	char	next[11], late[24], echonext[11], echolate[24], every[8];
	const char *status, *rule, *echostatus;
	char	basis[128];
};

/*
 * The rule an ICD-10 code and an age band came to: a few hundred codes
 * over a million pathways, and each a walk through the rules' patterns.
 */
#define NCHOICE	1024

struct choice {
	char			 icd[8];	/* "" for an empty slot */
	int			 band;		/* the age groups */
	const struct rule	*ru;		/* NULL: no rule */
};

struct run {
	struct rule		*rules;
	size_t			 nrules;
	struct choice		 choice[NCHOICE];
	pcre2_match_context	*mctx;
	struct cardiac		 card;
	const char		*evpath;
	long			 asof;
	int			 lead;
	int			 problems;	/* only due and overdue rows */
	struct pc_key		 pseudo;	/* --pseudonymize */
	int			 overdue;
	struct pc_annotate	 an;
	struct result		*res;
	struct pc_evbuf		 eb;	/* the events of the pathway at hand */
	struct pc_buf		 icd;	/* its code, canonical */
	/* The columns of the table being read (all inputs share them). */
	const struct pc_latest	*cl;
	long			 c_id, c_birth, c_diag, c_icd;
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: followup-due [-pt] [-n date] [-w days] [-S schedules] "
	    "[-C cardiac]\n"
	    "                    [-E events] [-o file] [file ...]\n");
	exit(PC_EXIT_USAGE);
}

static void
help(void)
{
	printf(
"followup-due - follow-up and echocardiography due dates (parcours)\n"
"\n"
"Examples:\n"
"  followup-due -E events.csv pathways.csv\n"
"  followup-due -E events.csv -n 2026-11-23 -p pathways.csv | \\\n"
"      mail -s 'follow-up overdue' idec@example.org\n"
"\n"
"Usage:\n"
"  followup-due [-pt] [-n date] [-w days] [-S schedules] [-C cardiac]\n"
"               [-E events] [-o file] [file ...]\n"
"\n"
"Options:\n"
"  -C cardiac    echocardiography rules (default cardiac-surveillance.csv\n"
"                of the share directory)\n"
"  -E events     the event table: treatment ends, visits, exposures, deaths\n"
"  -n date       the as-of date, YYYY-MM-DD (default today)\n"
"  -o file       replace file atomically\n"
"  -p            print due and overdue rows only\n"
"  -S schedules  follow-up schedules (default followup-schedules.csv of\n"
"                the share directory)\n"
"  -t            write TSV\n"
"  --safe-csv    make text of cells a spreadsheet would run as formulas\n"
"  --pseudonymize keyfile\n"
"                write keyed pseudonyms for ins, local_id and the names\n"
"  -w days       a visit is due this many days before its date (default %d)\n"
"  -h, --help    this help;  --version  the version\n"
"\n"
"Exit status: 0 nothing overdue, 1 something overdue, 2 usage, 3 rows or\n"
"an input rejected, 4 system or I/O error.\n", LEAD_DEFAULT);
	exit(PC_EXIT_OK);
}

/* ---- small parsers ---------------------------------------------------- */

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

static int
parse_num(const char *s, double *v)
{
	char *e;

	if (*s == '\0' || !(isdigit((unsigned char)*s) || *s == '.'))
		return -1;
	errno = 0;
	*v = strtod(s, &e);
	if (*e != '\0' || errno != 0 || !isfinite(*v) || *v < 0)
		return -1;
	return 0;
}

/* Without libm: the Makefile links none. */
static int
whole(double v)
{
	return v >= 0 && v < 1e15 && v == (double)(long long)v;
}

/* ---- rule tables ------------------------------------------------------ */

static struct pc_reader *
table_open(const char *path, const char *const *need, size_t n, long *col,
    char *err, size_t errsz)
{
	struct pc_readopt ro = { 0 };
	struct pc_reader *rd;
	size_t i;

	if ((rd = pc_reader_open(path, &ro, err, errsz)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if ((col[i] = pc_reader_col(rd, need[i])) == -1) {
			snprintf(err, errsz, "%s:1: header: no column %s", path,
			    need[i]);
			pc_reader_close(rd);
			return NULL;
		}
	return rd;
}

#define TFAIL(...) do {							\
	int n_ = snprintf(err, errsz, "%s:%lu: ", path, row->line);	\
	if (n_ >= 0 && (size_t)n_ < errsz)				\
		snprintf(err + n_, errsz - n_, __VA_ARGS__);		\
	goto fail;							\
} while (0)

static int
load_schedules(struct run *r, const char *path, char *err, size_t errsz)
{
	static const char *const need[] = { "rule", "icd10_pattern",
	    "age_group", "anchor", "from_month", "to_month", "every_months",
	    "tolerance_days" };
	enum { C_RULE, C_PAT, C_AGE, C_ANCHOR, C_FROM, C_TO, C_EVERY, C_TOL };
	struct pc_reader *rd;
	struct pc_row *row = NULL;
	long col[8];
	int rc;

	if ((rd = table_open(path, need, 8, col, err, errsz)) == NULL)
		return -1;
	if ((r->mctx = pcre2_match_context_create(NULL)) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	pcre2_set_match_limit(r->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(r->mctx, DEPTH_LIMIT);
	while ((rc = pc_reader_next(rd, &row, err, errsz)) == 1) {
		const struct pc_field *f = row->f;
		struct rule *ru = NULL;
		struct phase ph;
		size_t i;
		int age;

		if (row->err != PC_ROW_OK)
			TFAIL("%s", row->why);
		if (f[col[C_RULE]].len == 0)
			TFAIL("rule: empty");
		for (age = 0; age < 4; age++)
			if (strcmp(f[col[C_AGE]].s, agenames[age]) == 0)
				break;
		if (age == 4)
			TFAIL("age_group: child, aya, adult or any");
		if (strcmp(f[col[C_ANCHOR]].s, "treatment-end") != 0)
			TFAIL("anchor: only treatment-end is known");
		if (parse_int(f[col[C_FROM]].s, 0, 1200, &ph.from) == -1)
			TFAIL("from_month: a number of months, 0 to 1200");
		ph.to = -1;
		if (f[col[C_TO]].len > 0 && (parse_int(f[col[C_TO]].s, 1, 1200,
		    &ph.to) == -1 || ph.to <= ph.from))
			TFAIL("to_month: empty (life-long) or a number of "
			    "months after from_month");
		if (parse_int(f[col[C_EVERY]].s, 1, 120, &ph.every) == -1)
			TFAIL("every_months: a number of months, 1 to 120");
		if (parse_int(f[col[C_TOL]].s, 0, 3650, &ph.tol) == -1)
			TFAIL("tolerance_days: a number of days, 0 to 3650");
		for (i = 0; i < r->nrules; i++)
			if (strcmp(r->rules[i].name, f[col[C_RULE]].s) == 0)
				ru = &r->rules[i];
		if (ru != NULL && ru != &r->rules[r->nrules - 1])
			TFAIL("rule: the phases of %s must be on consecutive "
			    "rows", ru->name);
		if (ru == NULL) {
			int ec;
			PCRE2_SIZE eo;

			if (ph.from != 0)
				TFAIL("from_month: the first phase of a rule "
				    "starts at 0");
			r->rules = pc_xreallocarray(r->rules, r->nrules + 1,
			    sizeof *r->rules);
			ru = &r->rules[r->nrules++];
			memset(ru, 0, sizeof *ru);
			ru->name = pc_xstrdup(f[col[C_RULE]].s);
			ru->pattern = pc_xstrdup(f[col[C_PAT]].s);
			ru->age = age;
			ru->re = pcre2_compile((PCRE2_SPTR)ru->pattern,
			    PCRE2_ZERO_TERMINATED, PCRE2_ANCHORED |
			    PCRE2_ENDANCHORED | PCRE2_UTF, &ec, &eo, NULL);
			if (ru->re == NULL) {
				PCRE2_UCHAR msg[160];

				pcre2_get_error_message(ec, msg, sizeof msg);
				TFAIL("icd10_pattern: %s at offset %zu",
				    (char *)msg, (size_t)eo);
			}
			/* No JIT on this platform is fine: a speed-up. */
			(void)pcre2_jit_compile(ru->re, PCRE2_JIT_COMPLETE);
			ru->md = pcre2_match_data_create_from_pattern(ru->re,
			    NULL);
			if (ru->md == NULL)
				TFAIL("out of memory");
		} else {
			struct phase *last = &ru->ph[ru->nph - 1];

			if (strcmp(ru->pattern, f[col[C_PAT]].s) != 0 ||
			    ru->age != age)
				TFAIL("the phases of %s must repeat its "
				    "icd10_pattern and age_group", ru->name);
			if (last->to == -1 || last->to != ph.from)
				TFAIL("from_month: %d, where the phase before "
				    "ends (%s)", ph.from, last->to == -1 ?
				    "it is life-long" : "to_month");
		}
		ru->ph = pc_xreallocarray(ru->ph, ru->nph + 1, sizeof *ru->ph);
		ru->ph[ru->nph++] = ph;
	}
	if (rc == -1)
		goto fail;
	pc_reader_close(rd);
	if (r->nrules == 0) {
		snprintf(err, errsz, "%s: no rule", path);
		return -1;
	}
	return 0;
fail:
	pc_reader_close(rd);
	return -1;
}

static int
load_cardiac(struct cardiac *c, const char *path, char *err, size_t errsz)
{
	static const char *const need[] = { "kind", "name", "value",
	    "anthracycline_min", "anthracycline_max", "heart_rt_min",
	    "heart_rt_max" };
	struct pc_reader *rd;
	struct pc_row *row = NULL;
	long col[7];
	int rc, have_first = 0, have_tol = 0, have_age = 0;

	if ((rd = table_open(path, need, 7, col, err, errsz)) == NULL)
		return -1;
	while ((rc = pc_reader_next(rd, &row, err, errsz)) == 1) {
		const struct pc_field *f = row->f;
		const char *kind, *name;
		double v, b[4];
		int k, nb = 0;

		if (row->err != PC_ROW_OK)
			TFAIL("%s", row->why);
		kind = f[col[0]].s;
		name = f[col[1]].s;
		if (*name == '\0')
			TFAIL("name: empty");
		if (parse_num(f[col[2]].s, &v) == -1)
			TFAIL("value: not a number");
		for (k = 0; k < 4; k++) {
			b[k] = NAN;
			if (f[col[3 + k]].len > 0) {
				if (parse_num(f[col[3 + k]].s, &b[k]) == -1)
					TFAIL("%s: not a number", need[3 + k]);
				nb++;
			}
		}
		if (strcmp(kind, "factor") == 0) {
			if (nb > 0)
				TFAIL("a factor has no dose bounds");
			c->fac = pc_xreallocarray(c->fac, c->nfac + 1,
			    sizeof *c->fac);
			c->fac[c->nfac].agent = pc_xstrdup(name);
			c->fac[c->nfac++].f = v;
		} else if (strcmp(kind, "interval") == 0) {
			struct crule *cr;

			if (nb == 0)
				TFAIL("an interval needs a dose bound");
			if (v < 1 || v > 50 || !whole(v))
				TFAIL("value: whole years, 1 to 50");
			c->cr = pc_xreallocarray(c->cr, c->ncr + 1,
			    sizeof *c->cr);
			cr = &c->cr[c->ncr++];
			cr->name = pc_xstrdup(name);
			cr->amin = b[0];
			cr->amax = b[1];
			cr->rmin = b[2];
			cr->rmax = b[3];
			cr->every = (int)v;
		} else if (strcmp(kind, "setting") == 0) {
			if (!whole(v) || v > 3650)
				TFAIL("value: a whole number");
			if (strcmp(name, "first-within-years") == 0) {
				if (v < 1 || v > 50)
					TFAIL("value: whole years, 1 to 50");
				c->first_years = (int)v;
				have_first = 1;
			} else if (strcmp(name, "tolerance-days") == 0) {
				c->tol = (int)v;
				have_tol = 1;
			} else if (strcmp(name, "max-age-at-diagnosis") == 0) {
				c->max_age = (int)v;
				have_age = 1;
			} else
				TFAIL("name: unknown setting (first-within-"
				    "years, tolerance-days, "
				    "max-age-at-diagnosis)");
		} else
			TFAIL("kind: factor, interval or setting");
	}
	if (rc == -1)
		goto fail;
	pc_reader_close(rd);
	if (!have_first || !have_tol || !have_age) {
		snprintf(err, errsz, "%s: settings first-within-years, "
		    "tolerance-days and max-age-at-diagnosis are required",
		    path);
		return -1;
	}
	return 0;
fail:
	pc_reader_close(rd);
	return -1;
}

static void
free_tables(struct run *r)
{
	size_t i;

	for (i = 0; i < r->nrules; i++) {
		free(r->rules[i].name);
		free(r->rules[i].pattern);
		pcre2_match_data_free(r->rules[i].md);
		pcre2_code_free(r->rules[i].re);
		free(r->rules[i].ph);
	}
	free(r->rules);
	pcre2_match_context_free(r->mctx);
	for (i = 0; i < r->card.nfac; i++)
		free(r->card.fac[i].agent);
	free(r->card.fac);
	for (i = 0; i < r->card.ncr; i++)
		free(r->card.cr[i].name);
	free(r->card.cr);
}

/* ---- the follow-up of one pathway ------------------------------------ */


/* Status of a next date (days) with its tolerance; late days in late. */
static const char *
judge(const struct run *r, long next, int tol, char late[24], int *overdue)
{
	char d[PC_LTOA_SZ];
	const char *s = pc_ltoa(r->asof > next ? r->asof - next : 0, d);

	memcpy(late, s, strlen(s) + 1);
	if (r->asof > next + tol) {
		*overdue = 1;
		return "overdue";
	}
	if (r->asof >= next - r->lead)
		return "due";
	return "ok";
}

/* The next of a tokenised detail: tokens split by blanks and ';'. */
static const char *
token(const char **pp, size_t *len)
{
	const char *p = *pp, *t;

	while (*p == ' ' || *p == '\t' || *p == ';' || *p == '\n')
		p++;
	if (*p == '\0')
		return NULL;
	t = p;
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != ';' &&
	    *p != '\n')
		p++;
	*len = (size_t)(p - t);
	*pp = p;
	return t;
}

/*
 * The kinds this file reads, and only those: the event table keeps no
 * other (those that end a pathway it always keeps).  The last three are
 * read where a vocabulary has them (followup-due(1)).
 */
static const char *const kinds_read[] = { "treatment-start",
    "treatment-end", "visit", "echocardiography", "anthracycline",
    "heart-radiation", NULL };

static void
ev_warn(const struct run *r, const struct pc_event *e, const char *what,
    const char *t, size_t n)
{
	struct pc_buf b = { 0 };

	pc_vis(&b, t, n, 48);
	pc_warnx("%s:%lu: detail: %s %s", r->evpath,
	    pc_events_line(r->an.ev, e), what, b.s);
	pc_buf_free(&b);
}

/*
 * An anthracycline "agent:dose" (dose in mg/m2) into doxorubicin
 * equivalents; -1 when it cannot be read.
 */
static int
anthracycline(const struct run *r, const char *t, size_t n, double *eq)
{
	const char *colon = memchr(t, ':', n);
	char num[32];
	double dose;
	size_t i, al;

	if (colon == NULL || (size_t)(t + n - colon - 1) >= sizeof num)
		return -1;
	al = (size_t)(colon - t);
	memcpy(num, colon + 1, (size_t)(t + n - colon - 1));
	num[t + n - colon - 1] = '\0';
	if (parse_num(num, &dose) == -1)
		return -1;
	for (i = 0; i < r->card.nfac; i++)
		if (strlen(r->card.fac[i].agent) == al &&
		    strncasecmp(r->card.fac[i].agent, t, al) == 0) {
			*eq = dose * r->card.fac[i].f;
			return 0;
		}
	return -2;
}

static int
heart_rt(const char *t, size_t n, double *gy)
{
	char num[32];

	if (n >= sizeof num)
		return -1;
	memcpy(num, t, n);
	num[n] = '\0';
	return parse_num(num, gy);
}

/*
 * The exposures an event records, added to *anth (doxorubicin-equivalent
 * mg/m2) and *rt (Gy); 1 if it records any, 0 if none, -1 on a bad one.
 */
static int
exposure(const struct run *r, const struct pc_event *e, double *anth,
    double *rt)
{
	const char *p = e->detail, *t;
	size_t n;
	double v;
	int any = 0, bad = 0, rc;
	int bare_a = strcmp(e->kind, "anthracycline") == 0;
	int bare_r = strcmp(e->kind, "heart-radiation") == 0;

	if (!bare_a && !bare_r && strcmp(e->kind, "treatment-start") != 0 &&
	    strcmp(e->kind, "treatment-end") != 0)
		return 0;
	while ((t = token(&p, &n)) != NULL) {
		if (n > 14 && strncmp(t, "anthracycline=", 14) == 0) {
			t += 14;
			n -= 14;
		} else if (n > 9 && strncmp(t, "heart-rt=", 9) == 0) {
			t += 9;
			n -= 9;
			goto rt;
		} else if (bare_r)
			goto rt;
		else if (!bare_a)
			continue;
		if ((rc = anthracycline(r, t, n, &v)) == 0) {
			*anth += v;
			any = 1;
		} else {
			ev_warn(r, e, rc == -2 ? "unknown anthracycline" :
			    "not agent:dose in mg/m2", t, n);
			bad = 1;
		}
		continue;
rt:
		if (heart_rt(t, n, &v) == 0) {
			*rt += v;
			any = 1;
		} else {
			ev_warn(r, e, "not a heart radiation dose in Gy", t, n);
			bad = 1;
		}
	}
	return bad ? -1 : any;
}

static int
is_echo(const struct pc_event *e)
{
	const char *p = e->detail, *t;
	size_t n;

	if (strcmp(e->kind, "echocardiography") == 0)
		return 1;
	if (strcmp(e->kind, "visit") != 0)
		return 0;
	while ((t = token(&p, &n)) != NULL)
		if ((n == 4 && strncasecmp(t, "echo", 4) == 0) ||
		    (n == 16 && strncasecmp(t, "echocardiography", 16) == 0))
			return 1;
	return 0;
}

/* A dose to one decimal, without it when whole. */
static void
fmt_dose(char *buf, size_t sz, double v)
{
	long long t = (long long)(v * 10 + 0.5);

	if (t % 10 == 0)
		snprintf(buf, sz, "%lld", t / 10);
	else
		snprintf(buf, sz, "%lld.%lld", t / 10, t % 10);
}

static int
in_range(double v, double lo, double hi)
{
	return (isnan(lo) || v >= lo - 1e-9) && (isnan(hi) || v < hi - 1e-9);
}

/*
 * The echocardiography columns of a pathway with its events already
 * filtered to the as-of date; -1 when an exposure could not be read.
 */
static int
echo(struct run *r, const struct pc_event *ev, size_t nev, int age,
    int closed, struct result *res)
{
	double anth = 0, rt = 0;
	long end = PC_NODATE, last = PC_NODATE, next;
	int any = 0, running = 0, bad = 0, every = 0, x;
	char a[32], g[32];
	size_t i, k;

	if (age > r->card.max_age)
		return 0;
	for (i = 0; i < nev; i++) {
		long e = ev[i].date;

		if ((x = exposure(r, &ev[i], &anth, &rt)) == -1)
			bad = 1;
		if (x != 1)
			continue;
		any = 1;
		if (ev[i].until != PC_NODATE)
			e = ev[i].until;
		else if (strcmp(ev[i].kind, "treatment-start") == 0) {
			/* The course ends at the next treatment end. */
			for (k = i; k < nev; k++)
				if (strcmp(ev[k].kind, "treatment-end") == 0)
					break;
			if (k == nev) {
				running = 1;
				continue;
			}
			e = ev[k].date;
		}
		if (e > end)
			end = e;
	}
	if (!any)
		return bad ? -1 : 0;
	a[0] = g[0] = '\0';
	if (anth > 0) {
		fmt_dose(a, sizeof a, anth);
		snprintf(res->basis, sizeof res->basis,
		    "doxorubicin-eq %s mg/m2", a);
	}
	if (rt > 0) {
		fmt_dose(g, sizeof g, rt);
		snprintf(res->basis + strlen(res->basis),
		    sizeof res->basis - strlen(res->basis), "%sheart RT %s Gy",
		    anth > 0 ? "; " : "", g);
	}
	for (i = 0; i < r->card.ncr; i++) {
		const struct crule *c = &r->card.cr[i];

		if (in_range(anth, c->amin, c->amax) &&
		    in_range(rt, c->rmin, c->rmax) &&
		    (every == 0 || c->every < every))
			every = c->every;
	}
	if (every == 0)
		return bad ? -1 : 0;	/* below every threshold */
	snprintf(res->every, sizeof res->every, "%d", every);
	if (closed) {
		res->echostatus = "closed";
		return bad ? -1 : 0;
	}
	if (running || end == PC_NODATE) {
		res->echostatus = "not-started";
		return bad ? -1 : 0;
	}
	for (i = 0; i < nev; i++)
		if (ev[i].date > end && is_echo(&ev[i]))
			last = ev[i].date;
	if (last == PC_NODATE)
		next = pc_add_months(end, 12L * (every < r->card.first_years ?
		    every : r->card.first_years));
	else
		next = pc_add_months(last, 12L * every);
	pc_date_fmt(next, res->echonext);
	res->echostatus = judge(r, next, r->card.tol, res->echolate, &r->overdue);
	return bad ? -1 : 0;
}

/*
 * Whether an age at diagnosis is in a rule's age group: a child under 18,
 * an adolescent or young adult 15 to 24 (the RCP of the 15-24, DOMAIN.md
 * 1.4), an adult from 18.
 */
static int
in_group(int group, int age)
{
	switch (group) {
	case AGE_CHILD:
		return age < 18;
	case AGE_AYA:
		return age >= 15 && age <= 24;
	case AGE_ADULT:
		return age >= 18;
	}
	return 1;
}

static const struct rule *
choose_all(struct run *r, const char *icd, int age, int *err)
{
	size_t i;
	int rc;

	*err = 0;
	for (i = 0; i < r->nrules; i++) {
		struct rule *ru = &r->rules[i];

		if (!in_group(ru->age, age))
			continue;
		rc = pcre2_match(ru->re, (PCRE2_SPTR)icd, strlen(icd), 0, 0,
		    ru->md, r->mctx);
		if (rc >= 0)
			return ru;
		if (rc != PCRE2_ERROR_NOMATCH) {
			*err = rc;
			return ru;
		}
	}
	return NULL;
}

/*
 * Two ages in the same age groups come to the same rule for a code: the
 * groups an age is in (never none: a child or an adult) are the key with
 * the code.  A pattern that failed is asked again, to report it on each
 * row.
 */
static const struct rule *
choose(struct run *r, const char *icd, int age, int *err)
{
	int band = in_group(AGE_CHILD, age) | in_group(AGE_AYA, age) << 1 |
	    in_group(AGE_ADULT, age) << 2;
	size_t n = strlen(icd), h = (size_t)band;
	const struct rule *ru;
	struct choice *c;

	if (n == 0 || n >= sizeof c->icd)
		return choose_all(r, icd, age, err);
	for (size_t i = 0; i < n; i++)
		h = h * 31 + (unsigned char)icd[i];
	c = &r->choice[h % NCHOICE];
	if (c->band == band && strcmp(c->icd, icd) == 0) {
		*err = 0;
		return c->ru;
	}
	ru = choose_all(r, icd, age, err);
	if (*err == 0) {
		memcpy(c->icd, icd, n + 1);
		c->band = band;
		c->ru = ru;
	}
	return ru;
}

/*
 * Fills res for one pathway; -1 (with a diagnostic given) when its row
 * cannot be judged.
 */
static int
judge_row(struct run *r, const char *where, const char *id,
    const struct pc_field *birth_f, const struct pc_field *diag_f,
    const struct pc_field *icd_f, struct result *res)
{
	const struct pc_event *all, *ev;
	const struct rule *ru;
	const struct phase *ph = NULL;
	struct pc_buf *icd = &r->icd, b = { 0 };
	long birth, diag, anchor = PC_NODATE, start = PC_NODATE;
	long base, next, m;
	size_t nall, nev, i;
	char why[160];
	int age, closed = 0, rc = 0, perr;

	memset(res, 0, sizeof *res);
	res->status = res->rule = res->echostatus = "";
	if (*id == '\0') {
		pc_warnx("%s: pathway_id: empty", where);
		return -1;
	}
	/* By their lengths: a NUL byte inside a field makes it bad. */
	if (pc_date_parse(birth_f->s, birth_f->len, NULL, &birth, why,
	    sizeof why) == -1) {
		pc_warnx("%s: birth_date: not a date (YYYY-MM-DD)", where);
		return -1;
	}
	if (pc_date_parse(diag_f->s, diag_f->len, NULL, &diag, why,
	    sizeof why) == -1) {
		pc_warnx("%s: diagnosis_date: not a date (YYYY-MM-DD)", where);
		return -1;
	}
	if (diag < birth) {
		pc_warnx("%s: diagnosis_date: before the birth date", where);
		return -1;
	}
	if (pc_check(PC_T_ICD10, icd_f->s, icd_f->len, icd, why,
	    sizeof why) == PC_CHECK_BAD) {
		pc_warnx("%s: icd10: %s", where, why);
		return -1;
	}
	age = pc_age(birth, diag);
	ru = choose(r, icd->s, age, &perr);
	if (ru == NULL || perr != 0) {
		pc_vis(&b, icd->s, icd->len, 16);
		if (ru == NULL)
			pc_warnx("%s: icd10: no schedule rule for %s at age %d "
			    "at diagnosis", where, b.s, age);
		else
			pc_warnx("%s: icd10: rule %s: the pattern failed on %s "
			    "(PCRE2 error %d)", where, ru->name, b.s, perr);
		pc_buf_free(&b);
		return -1;
	}
	res->rule = ru->name;

	/* Only what is known at the as-of date counts. */
	all = pc_events_get(r->an.ev, id, &nall, &r->eb);
	for (nev = 0; nev < nall && all[nev].date <= r->asof; nev++)
		;
	ev = all;
	for (i = 0; i < nev; i++) {
		if (strcmp(ev[i].kind, "treatment-end") == 0)
			anchor = ev[i].date;
		else if (strcmp(ev[i].kind, "treatment-start") == 0)
			start = ev[i].date;
		else if (pc_event_ends(ev[i].kind))
			closed = 1;
	}
	if (echo(r, ev, nev, age, closed, res) == -1)
		rc = -1;
	if (closed) {
		res->status = "closed";
		return rc;
	}
	/* No end of treatment yet, or a new treatment under way. */
	if (anchor == PC_NODATE || start > anchor) {
		res->status = "not-started";
		return rc;
	}
	base = anchor;
	for (i = 0; i < nev; i++)
		if (ev[i].date > anchor && strcmp(ev[i].kind, "visit") == 0)
			base = ev[i].date;
	/* The interval of the phase the last visit (or the anchor) is in. */
	m = pc_months_between(anchor, base);
	for (i = 0; i < ru->nph; i++)
		if (m >= ru->ph[i].from && (ru->ph[i].to == -1 ||
		    m < ru->ph[i].to)) {
			ph = &ru->ph[i];
			break;
		}
	next = ph == NULL ? 0 : pc_add_months(base, ph->every);
	if (ph == NULL || (ru->ph[ru->nph - 1].to != -1 &&
	    next > pc_add_months(anchor, ru->ph[ru->nph - 1].to))) {
		/* The schedule is over. */
		res->status = "ok";
		snprintf(res->late, sizeof res->late, "0");
		return rc;
	}
	pc_date_fmt(next, res->next);
	res->status = judge(r, next, ph->tol, res->late, &r->overdue);
	return rc;
}

/* ---- the rows ---------------------------------------------------------- */

static int
is_due(const char *status)
{
	return strcmp(status, "due") == 0 || strcmp(status, "overdue") == 0;
}

static int
row(void *arg, const struct pc_latest *l, const struct pc_field *f,
    const char *where, const char **add)
{
	struct run *r = arg;
	struct result *res = r->res;
	int rc = 0;

	if (l != r->cl) {
		r->cl = l;
		r->c_id = pc_latest_col(l, "pathway_id");
		r->c_birth = pc_latest_col(l, "birth_date");
		r->c_diag = pc_latest_col(l, "diagnosis_date");
		r->c_icd = pc_latest_col(l, "icd10");
	}
	if (judge_row(r, where, f[r->c_id].s, &f[r->c_birth], &f[r->c_diag],
	    &f[r->c_icd], res) == -1)
		rc = PC_ANNOTATE_BAD;
	if (r->problems && !is_due(res->status) && !is_due(res->echostatus))
		return rc | PC_ANNOTATE_SKIP;
	add[N_NEXT] = res->next;
	add[N_STATUS] = res->status;
	add[N_LATE] = res->late;
	add[N_RULE] = res->rule;
	add[E_NEXT] = res->echonext;
	add[E_STATUS] = res->echostatus;
	add[E_LATE] = res->echolate;
	add[E_EVERY] = res->every;
	add[E_BASIS] = res->basis;
	return rc;
}

/*
 * A run for another thread: its own results, rule memo and match data
 * (PCRE2's is per match), the tables and compiled patterns shared.
 */
static void *
fork_run(void *arg)
{
	const struct run *r = arg;
	struct run *c = pc_xcalloc(1, sizeof *c);
	size_t i;

	*c = *r;
	memset(c->choice, 0, sizeof c->choice);
	memset(&c->eb, 0, sizeof c->eb);
	memset(&c->icd, 0, sizeof c->icd);
	c->res = pc_xcalloc(1, sizeof *c->res);
	c->overdue = 0;
	c->rules = pc_xcalloc(r->nrules ? r->nrules : 1, sizeof *c->rules);
	for (i = 0; i < r->nrules; i++) {
		c->rules[i] = r->rules[i];
		c->rules[i].md = pcre2_match_data_create_from_pattern(
		    r->rules[i].re, NULL);
		if (c->rules[i].md == NULL) {
			pc_warnx("out of memory");
			exit(PC_EXIT_IO);
		}
	}
	return c;
}

static void
join_run(void *arg, void *copy)
{
	struct run *r = arg, *c = copy;
	size_t i;

	r->overdue |= c->overdue;
	for (i = 0; i < c->nrules; i++)
		pcre2_match_data_free(c->rules[i].md);
	free(c->rules);
	pc_evbuf_free(&c->eb);
	pc_buf_free(&c->icd);
	free(c->res);
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
	const char *outpath = NULL, *schedpath = NULL, *cardpath = NULL;
	char err[ERRSZ], *defsched = NULL, *defcard = NULL;
	static const char *const need[] = { "pathway_id", "birth_date",
	    "diagnosis_date", "icd10" };
	struct result res;
	int ch, i, delim = ',';

	r.asof = PC_NODATE;
	r.lead = LEAD_DEFAULT;
	while ((ch = getopt_long(argc, argv, "C:E:hn:o:pS:tw:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'C':
			cardpath = optarg;
			break;
		case 'E':
			r.evpath = optarg;
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
		case 'S':
			schedpath = optarg;
			break;
		case 't':
			delim = '\t';
			break;
		case 'w':
			if (parse_int(optarg, 0, 3650, &r.lead) == -1) {
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
			printf("followup-due (parcours) %s\n", PC_VERSION);
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

	if (schedpath == NULL)
		schedpath = defsched = pc_share_file("followup-schedules.csv");
	if (cardpath == NULL)
		cardpath = defcard = pc_share_file("cardiac-surveillance.csv");
	if (load_schedules(&r, schedpath, err, sizeof err) == -1 ||
	    load_cardiac(&r.card, cardpath, err, sizeof err) == -1) {
		pc_warnx("%s", err);
		r.an.status = PC_EXIT_USAGE;
		goto done;
	}
	if (r.evpath != NULL) {
		int fd;

		if ((fd = open(r.evpath, O_RDONLY)) == -1) {
			pc_warnx("%s: %s", r.evpath, strerror(errno));
			r.an.status = PC_EXIT_IO;
			goto done;
		}
		close(fd);
		*err = '\0';
		if ((vocab = pc_vocab_load(NULL, err, sizeof err)) == NULL) {
			pc_warnx("%s", err);
			r.an.status = PC_EXIT_USAGE;
			goto done;
		}
		/* Read beside the pathways: pc_annotate_file waits for it. */
		r.an.events = pc_events_start(r.evpath, vocab, kinds_read,
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
	r.res = &res;
	if (argc == 0)
		pc_annotate_file(&r.an, NULL, row, &r);
	for (i = 0; i < argc; i++)
		pc_annotate_file(&r.an, argv[i], row, &r);
	if (pc_annotate_finish(&r.an) == PC_EXIT_OK && r.overdue)
		r.an.status = PC_EXIT_FOUND;
done:
	free(defsched);
	free(defcard);
	pc_evbuf_free(&r.eb);
	pc_buf_free(&r.icd);
	free_tables(&r);
	pc_events_stop(r.an.events);
	pc_vocab_free(vocab);
	return r.an.status;
}
