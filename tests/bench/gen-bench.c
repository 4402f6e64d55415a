/*
 * gen-bench.c - synthetic tables of any size for `make bench'
 *
 *	gen-bench [-s seed] [-n rows] [-b permille] export
 *	gen-bench [-s seed] events [pathways.csv]
 *
 * export writes on stdout a hospital export of n rows in the shape of
 * share/parcours/dpi-cp1252.map (Windows-1252, ';', CRLF, dd/mm/yyyy,
 * NIRs with or without spaces, CIM-10 codes in their PMSI forms, a free
 * ADRESSE column holding ';', quotes and line breaks), about permille per
 * thousand of its rows (default 10, i.e. 1 %) broken with the defects of
 * tests/gen/gen-export.c, one per row: a bad NIR key or length, a Corsican
 * key computed the wrong way, a sex that contradicts the NIR, an empty,
 * future or impossible date, a mistyped or non-tumour CIM-10 code, a bad
 * FINESS or RPPS key, a birth after the diagnosis, a ';' typed unquoted;
 * plus exact duplicates and second primary cancers of recent patients.
 * The unterminated quote of gen-export is left out: it swallows the rest
 * of the file, so a peer that stops at the first structural error would
 * have nothing left to do and the comparison would mean nothing.
 *
 * events reads a pathway table (as pathway-new writes it) and writes an
 * event table of parcours(5) with five events per pathway: ald-request
 * (its detail the RPPS of the GP, or of the referent for about one
 * pathway in eight), ald-granted, treatment-start, treatment-end and a
 * follow-up visit, none after 2026-11-23 (the tests' today), in date
 * order as an append-only table grows, not grouped by pathway.
 *
 * The person and record code is tests/gen/rows.c, which gen-export
 * shares; what is this file's is the plan: rows are made one at a time,
 * with no table of n people, so that ten million rows fit in memory (only
 * the set of NIRs drawn grows, 8 bytes a row at most twice over).  Same
 * seed, same options: same bytes.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../gen/rows.h"

const char *const progname = "gen-bench";

/* ---- export ----------------------------------------------------------- */

/*
 * Recent valid patients, for the duplicates and second cancers to
 * repeat: a window, not the whole file, so that memory stays flat.
 */
#define RING	64

static struct recent {
	struct person	p;
	struct rec	r;
} ring[RING];
static size_t nring;

static void
export(size_t n, unsigned permille)
{
	const struct shape *sh = &shapes[0];
	struct buf out = { 0 };
	int count[NKIND] = { 0 };
	size_t i, nbad = 0;

	make_doctors();
	put_header(&out, sh);

	for (i = 0; i < n; i++) {
		struct person p;
		struct rec r;
		enum kind k = K_VALID;
		unsigned draw = rnd(1000);
		size_t src = nring ? rnd((unsigned)(nring < RING ? nring :
		    RING)) : 0;

		/* one in a thousand each: a duplicate, a second cancer */
		if (draw < permille)
			k = recurring[nbad++ % NELEM(recurring)];
		else if (draw < permille + 1 && nring)
			k = K_DUP;
		else if (draw < permille + 2 && nring)
			k = K_SECOND;
		else if (i % 1000 == 500)
			k = specials[(i / 1000) % NELEM(specials)];

		(void)make_row(&r, &p, &k, count[k], &ring[src].p,
		    &ring[src].r, sh);
		count[k]++;
		if (k == K_VALID) {	/* as made: neither padded nor broken */
			ring[nring % RING].p = p;
			ring[nring % RING].r = r;
			nring++;
		}
		put_rec(&out, &r, sh);
		if (out.len > 1 << 16)
			flush_out(&out, sh);
	}
	flush_out(&out, sh);
	free(out.s);
	rows_free();
}

/* ---- events ----------------------------------------------------------- */

enum evkind { EV_REQUEST, EV_GRANTED, EV_TSTART, EV_TEND, EV_VISIT, NEV };

static const char *const evname[NEV] = {
	"ald-request", "ald-granted", "treatment-start", "treatment-end",
	"visit"
};

struct pw {
	char	id[40];
	char	rpps[16];		/* who asked for the ALD */
};

struct ev {
	int32_t		date;
	uint32_t	pw;
	uint8_t		kind;
};

static int
evcmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if (x->pw != y->pw)
		return x->pw < y->pw ? -1 : 1;
	return (x->kind > y->kind) - (x->kind < y->kind);
}

/*
 * Splits a CSV line (no line break inside a field: pathway-new writes
 * none) into at most max fields, in place; returns the count.
 */
static size_t
split_csv(char *s, char **fld, size_t max)
{
	size_t n = 0;
	char *o;

	for (;;) {
		if (n == max)
			die("pathway table: too many columns");
		fld[n++] = o = s;
		if (*s == '"') {
			for (s++;; s++) {
				if (*s == '\0')
					die("pathway table: quote left open");
				if (*s == '"' && s[1] == '"')
					*o++ = *s++;
				else if (*s == '"')
					break;
				else
					*o++ = *s;
			}
			s++;
		} else
			while (*s && *s != ',')
				*o++ = *s++;
		if (*s == '\0') {
			*o = '\0';
			return n;
		}
		if (*s != ',')
			die("pathway table: text after a closing quote");
		*o = '\0';
		s++;
	}
}

static void
events(const char *path)
{
	static const char *const need[] = {
		"pathway_id", "diagnosis_date", "gp_rpps", "referent_rpps"
	};
	const long today = days_from_civil(2026, 11, 23);
	FILE *fp = stdin;
	char *line = NULL, *fld[64];
	size_t cap = 0, npw = 0, pwcap = 0, nev = 0, i, nf;
	int col[NELEM(need)];
	struct pw *pw = NULL;
	struct ev *ev = NULL;
	ssize_t len;

	if (path && strcmp(path, "-") != 0 && (fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "gen-bench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if ((len = getline(&line, &cap, fp)) == -1)
		die("pathway table: no header");
	line[strcspn(line, "\r\n")] = '\0';
	nf = split_csv(line, fld, NELEM(fld));
	for (i = 0; i < NELEM(need); i++) {
		size_t j;

		for (j = 0; j < nf && strcmp(fld[j], need[i]) != 0; j++)
			;
		if (j == nf)
			die("pathway table: a column is missing");
		col[i] = (int)j;
	}
	while ((len = getline(&line, &cap, fp)) != -1) {
		long diag, req, tstart, tend, visit;
		int y, m, d;
		const char *rpps;

		line[strcspn(line, "\r\n")] = '\0';
		if (split_csv(line, fld, NELEM(fld)) != nf)
			die("pathway table: ragged row");
		if (sscanf(fld[col[1]], "%4d-%2d-%2d", &y, &m, &d) != 3)
			die("pathway table: bad diagnosis_date");
		if (npw == pwcap) {
			pwcap = pwcap ? pwcap * 2 : 4096;
			if (pwcap > SIZE_MAX / (NEV * sizeof *ev) ||
			    (pw = realloc(pw, pwcap * sizeof *pw)) == NULL ||
			    (ev = realloc(ev, pwcap * NEV * sizeof *ev)) == NULL)
				die("out of memory");
		}
		/* one request in eight by the referent, not the GP */
		rpps = fld[col[2]];
		if (*rpps == '\0' || rnd(8) == 0)
			rpps = fld[col[3]];
		scopy(pw[npw].id, sizeof pw[npw].id, fld[col[0]]);
		scopy(pw[npw].rpps, sizeof pw[npw].rpps, rpps);

		diag = days_from_civil(y, m, d);
		req = diag + rrange(5, 30);
		tstart = diag + rrange(14, 60);
		tend = tstart + rrange(60, 240);
		/* half seen lately, half at some point since the end */
		if (rnd(2))
			visit = today - rrange(0, 240);
		else
			visit = tend + rrange(30, 1100);
		if (visit > today)
			visit = today - rnd(30);
		if (visit < tend)
			visit = tend;
		if (tend > today || visit < tend)
			die("internal error: events after today");
		ev[nev++] = (struct ev){ (int32_t)req, (uint32_t)npw,
		    EV_REQUEST };
		ev[nev++] = (struct ev){ (int32_t)(req + rrange(15, 60)),
		    (uint32_t)npw, EV_GRANTED };
		ev[nev++] = (struct ev){ (int32_t)tstart, (uint32_t)npw,
		    EV_TSTART };
		ev[nev++] = (struct ev){ (int32_t)tend, (uint32_t)npw, EV_TEND };
		ev[nev++] = (struct ev){ (int32_t)visit, (uint32_t)npw,
		    EV_VISIT };
		npw++;
	}
	if (ferror(fp))
		die("read error");
	qsort(ev, nev, sizeof *ev, evcmp);
	printf("pathway_id,date,kind,until,detail,source,recorded_at\n");
	for (i = 0; i < nev; i++) {
		char date[16];

		fmt_date(date, sizeof date, ev[i].date, 1);
		/* dd/mm/yyyy back to ISO */
		printf("%s,%.4s-%.2s-%.2s,%s,,%s,gen-bench,"
		    "2026-11-23T00:00:00Z\n", pw[ev[i].pw].id, date + 6,
		    date + 3, date, evname[ev[i].kind],
		    ev[i].kind == EV_REQUEST ? pw[ev[i].pw].rpps : "");
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		die("write error");
	if (fp != stdin)
		fclose(fp);
	free(line);
	free(pw);
	free(ev);
}

/* ---- main ------------------------------------------------------------- */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: gen-bench [-s seed] [-n rows] [-b permille] export\n"
	    "       gen-bench [-s seed] events [pathways.csv]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	unsigned long long seed = 1;
	size_t n = 1000;
	unsigned permille = 10;
	int c;

	while ((c = getopt(argc, argv, "b:hn:s:")) != -1) {
		switch (c) {
		case 'b':
			permille = (unsigned)number(optarg, 900, usage);
			break;
		case 'n':
			n = (size_t)number(optarg, 100000000, usage);
			break;
		case 's':
			seed = number(optarg, UINT64_MAX, usage);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	rng = (uint64_t)seed;
	if (argc == 1 && strcmp(argv[0], "export") == 0)
		export(n, permille);
	else if (argc <= 2 && argc >= 1 && strcmp(argv[0], "events") == 0)
		events(argc == 2 ? argv[1] : NULL);
	else
		usage();
	return 0;
}
