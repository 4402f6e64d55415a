/*
 * gen-export.c - synthetic hospital exports for the parcours tests and demo
 *
 *	gen-export [-s seed] [-n rows] [-f dpi|web] [-x expected-file]
 *
 * Writes a fake export on stdout: -f dpi is a hospital EHR extraction
 * (Windows-1252, ';', CRLF, French upper-case headers, a free-text ADRESSE
 * column), -f web a web form's download (UTF-8 with a BOM, ',', LF, mixed
 * case headers with spaces, a free-text Commentaire column).  Every value is
 * invented: names are drawn from lists of common names, NIRs from the
 * PRNG with correct keys, RPPS numbers with correct keys starting 199
 * (the real ones seen start 10), phone numbers in the blocks ARCEP is
 * understood to set aside for fiction (not confirmed here), e-mail
 * domains under example.org/.net (RFC 2606).
 * FINESS numbers are real establishment numbers, which are public.
 *
 * About 9% of the rows are broken on purpose, one problem per row.  With
 * -x, each of them is listed as "LINE<TAB>COLUMN<TAB>KIND": LINE is the
 * physical line where the record starts (the header is line 1; a quoted
 * line break moves the following rows down), COLUMN the pathway column
 * pathway-new names in its reason (a check across fields is reported on
 * ins for the NIR's sex digit, on diagnosis_date for a diagnosis before
 * birth) or "-" for a structural problem or the duplicate.  Every other
 * row is valid for pathway-new with the matching map in share/parcours,
 * and the duplicate repeats an earlier row's canonical values exactly, so
 * it is skipped, not written as a correction.
 *
 * Same seed, same rows, same options: same bytes.  The patients and the
 * records are made by rows.c, which gen-bench shares; what is this file's
 * is the plan of the rows and the sidecar.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rows.h"

const char *const progname = "gen-export";

/* The canonical pathway column of each field, for the sidecar. */
static const char *const canon[NFIELD] = {
	"local_id", "ins", "family_name", "given_names", "birth_date", "sex",
	"icd10", "icdo3_topography", "icdo3_morphology", "diagnosis_date",
	"finess", "referent_rpps", "referent_name", "referent_contact",
	"team_contact", "gp_rpps", "gp_name", "gp_contact", "-"
};

static const char *const kind_tag[NKIND] = {
	[K_BADKEY] = "bad-key", [K_SEXMISMATCH] = "sex-mismatch",
	[K_EMPTYDATE] = "empty-date", [K_RAGGED] = "ragged",
	[K_CORSICA] = "corsica", [K_NIRLEN] = "nir-length",
	[K_FUTURE] = "future-date", [K_IMPOSSIBLE] = "impossible-date",
	[K_BADICD] = "bad-icd10", [K_CHAPTER] = "icd10-chapter",
	[K_BADFINESS] = "bad-finess", [K_BADRPPS] = "bad-rpps",
	[K_BIRTHAFTER] = "birth-after-diagnosis",
	[K_UNTERM] = "unterminated-quote", [K_DUP] = "duplicate"
};

/*
 * An earlier row of kind K_VALID, for a duplicate or a second cancer to
 * repeat; (size_t)-1 when there is none.
 */
static size_t
earlier_valid(const enum kind *kind, size_t i)
{
	size_t tries, j;

	for (tries = 0; i > 0 && tries < 4096; tries++) {
		size_t s = rnd((unsigned)i);

		if (kind[s] == K_VALID)
			return s;
	}
	for (j = 0; j < i; j++)
		if (kind[j] == K_VALID)
			return j;
	return (size_t)-1;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: gen-export [-s seed] [-n rows] [-f dpi|web] "
	    "[-x expected-file]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	const struct shape *sh = &shapes[0];
	const char *xpath = NULL;
	unsigned long long seed = 1;
	size_t n = 100, i, j, *pos, npos, nrec, nspec;
	enum kind *kind;
	struct person *people;
	struct rec *saved;
	size_t *src, dupsrc = (size_t)-1;
	int *nth, count[NKIND] = { 0 };
	unsigned long line;
	struct buf out = { 0 };
	FILE *xf = NULL;
	int c;

	while ((c = getopt(argc, argv, "f:hn:s:x:")) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "dpi") == 0)
				sh = &shapes[0];
			else if (strcmp(optarg, "web") == 0)
				sh = &shapes[1];
			else
				usage();
			break;
		case 'n':
			n = (size_t)number(optarg, 2000000, usage);
			break;
		case 's':
			seed = number(optarg, UINT64_MAX, usage);
			break;
		case 'x':
			xpath = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	rng = (uint64_t)seed;

	if ((kind = calloc(n + 1, sizeof *kind)) == NULL ||
	    (nth = calloc(n + 1, sizeof *nth)) == NULL ||
	    (people = calloc(n + 1, sizeof *people)) == NULL ||
	    (pos = calloc(n + 1, sizeof *pos)) == NULL ||
	    (src = calloc(n + 1, sizeof *src)) == NULL ||
	    (saved = calloc(1, sizeof *saved)) == NULL)
		die("out of memory");

	make_doctors();

	/*
	 * The plan: the last row has the unterminated quote; about 9% of
	 * the rows carry a recurring defect, handed out in turn so that
	 * each kind comes twice from 290 rows on; one duplicate in the
	 * second half; one second primary cancer; the special valid rows.
	 */
	npos = 0;
	if (n >= 3) {
		kind[n - 1] = K_UNTERM;
		for (i = 1; i + 1 < n; i++)
			pos[npos++] = i;
	} else
		for (i = 0; i < n; i++)
			pos[npos++] = i;
	for (i = npos; i > 1; i--) {	/* Fisher-Yates */
		size_t r = rnd((unsigned)i), t = pos[i - 1];

		pos[i - 1] = pos[r];
		pos[r] = t;
	}
	nrec = (n * 9 + 50) / 100;
	if (n < 4 || nrec + 3 > npos)
		nrec = npos > 3 ? npos - 3 : 0;
	for (i = 0; i < nrec; i++)
		kind[pos[i]] = recurring[i % NELEM(recurring)];
	j = nrec;
	if (n >= 4) {			/* duplicate in the second half */
		for (i = j; i < npos; i++)
			if (pos[i] >= n / 2) {
				size_t t = pos[i];

				pos[i] = pos[j];
				pos[j] = t;
				kind[pos[j++]] = K_DUP;
				break;
			}
	}
	if (n >= 8) {			/* second primary after the first third */
		for (i = j; i < npos; i++)
			if (pos[i] >= n / 3) {
				size_t t = pos[i];

				pos[i] = pos[j];
				pos[j] = t;
				kind[pos[j++]] = K_SECOND;
				break;
			}
	}
	nspec = 0;
	for (; j < npos && nspec < NELEM(specials); j++)
		kind[pos[j]] = specials[nspec++];
	for (i = 0; i < n; i++) {	/* the rows they repeat */
		if (kind[i] != K_DUP && kind[i] != K_SECOND)
			continue;
		if ((src[i] = earlier_valid(kind, i)) == (size_t)-1)
			kind[i] = K_VALID;
		else if (kind[i] == K_DUP)
			dupsrc = src[i];
	}
	for (i = 0; i < n; i++)
		nth[i] = count[kind[i]]++;

	if (xpath && (xf = fopen(xpath, "w")) == NULL) {
		fprintf(stderr, "gen-export: %s: %s\n", xpath, strerror(errno));
		return 1;
	}

	put_header(&out, sh);
	line = 1;

	for (i = 0; i < n; i++) {
		struct rec r;
		enum kind k = kind[i];
		size_t start = out.len;
		int bad;

		/* dupsrc is valid: saved as made, never padded or broken */
		bad = make_row(&r, &people[i], &k, nth[i], &people[src[i]],
		    saved, sh);
		if (i == dupsrc)
			*saved = r;
		put_rec(&out, &r, sh);

		if (xf && k >= K_BADKEY && k <= K_DUP)
			fprintf(xf, "%lu\t%s\t%s\n", line + 1,
			    bad >= 0 ? canon[bad] : "-", kind_tag[k]);
		for (; start < out.len; start++)
			if (out.s[start] == '\n')
				line++;
		if (out.len > 1 << 16)
			flush_out(&out, sh);
	}
	flush_out(&out, sh);
	if (fflush(stdout) == EOF || ferror(stdout))
		die("write error");
	if (xf && (fflush(xf) == EOF || ferror(xf) || fclose(xf) == EOF))
		die("write error on the expected file");
	free(out.s);
	free(kind);
	free(nth);
	free(people);
	free(pos);
	free(src);
	free(saved);
	rows_free();
	return 0;
}
