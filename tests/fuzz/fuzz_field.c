/*
 * fuzz_field.c - libFuzzer target for the field validators (lib/field.c)
 * and the date parser (lib/date.c).
 *
 * Input layout:
 *	byte 0	type: byte % (N + 1), where N is the number of enum
 *		pc_type values (pc_type_name() tells), N standing for an
 *		unknown type; (byte / (N + 1)) % 3 picks how "why" is
 *		passed: 0 a 160-byte buffer, 1 a 6-byte one (truncation), 2
 *		NULL (with a NULL out buffer for pc_check)
 *	rest	the value; for pc_date_parse it splits at its first NUL
 *		byte: the format before, the value after (no NUL: the
 *		default ISO format on the whole rest)
 *
 * PC_T_WORD and PC_T_WORDS need a vocabulary: pc_check refuses them, and
 * the value also goes through pc_check_column for every column of that
 * type in the rcp and event tables, with share/parcours/vocabularies.csv
 * (or $PARCOURS_SHARE/vocabularies.csv) loaded once.
 *
 * Invariants: OK or WARN gives a canonical form, valid UTF-8 without
 * surrounding blanks, that checks again as OK or WARN to itself
 * (idempotence); BAD leaves out empty and says why; the canonical forms of
 * the typed identifiers pass their own key checks (NIR key, Luhn); a date
 * pc_date_parse accepts is a real day in 1800-2999 and reads back through
 * the ISO format, and pc_date_parse_iso, which has a shortcut of its own
 * for dates at fixed places, gives the same answer, date or message;
 * pc_nir_key is -1 or 1-97 and agrees with a plain
 * implementation, as pc_luhn_ok does; on valid UTF-8 without a blank at
 * either end, pc_check_decoded answers what pc_check answers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parcours.h"

/*
 * The harness is left out of the coverage instrumentation: the fuzzer
 * should follow the library's branches, not the checks' loops.
 */
#define HARNESS	__attribute__((no_sanitize("coverage")))

static int ntypes;			/* enum pc_type values */
static struct pc_vocab *vocab;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_field: invariant failed: %s "	\
		    "(%s:%d)\n", #cond, __FILE__, __LINE__);		\
		abort();						\
	}								\
} while (0)

/* A copy in a buffer of its own size, so ASan sees any read past it. */
HARNESS static char *
dup_exact(const void *p, size_t n)
{
	char *s = pc_xmalloc(n ? n : 1);

	if (n)
		memcpy(s, p, n);
	return s;
}

HARNESS static int
ref_luhn(const char *d, size_t n)
{
	size_t i;
	int sum = 0, v;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (d[i] < '0' || d[i] > '9')
			return 0;
		v = d[i] - '0';
		if ((n - 1 - i) % 2 == 1 && (v *= 2) > 9)
			v -= 9;
		sum += v;
	}
	return sum % 10 == 0;
}

/* The NIR key over 13 characters, 2A as 19 and 2B as 18, or -1. */
HARNESS static int
ref_nir_key(const char *s)
{
	unsigned long long v = 0;
	int i;

	for (i = 0; i < 13; i++) {
		int ch = s[i];

		if (i == 5 && ch == '2' && (s[6] == 'A' || s[6] == 'a' ||
		    s[6] == 'B' || s[6] == 'b')) {
			v = v * 100 + (s[6] == 'A' || s[6] == 'a' ? 19 : 18);
			i++;
			continue;
		}
		if (ch < '0' || ch > '9')
			return -1;
		v = v * 10 + (unsigned)(ch - '0');
	}
	return (int)(97 - v % 97);
}

/* col NULL: pc_check(t); else pc_check_column(col). */
HARNESS static int
run_check(enum pc_type t, const struct pc_column *col, const char *s,
    size_t n, struct pc_buf *out, char *why, size_t whysz)
{
	if (col != NULL)
		return pc_check_column(col, vocab, s, n, out, why, whysz, 0);
	return pc_check(t, s, n, out, why, whysz);
}

/*
 * pc_check_decoded skips the UTF-8 scan of a value the reader decoded and
 * the trimming the import did: on any valid UTF-8 without a blank at
 * either end it must answer what pc_check answers.
 */
HARNESS static void
check_decoded(enum pc_type t, const char *s, size_t n)
{
	struct pc_buf a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	char wa[160], wb[160];
	int ra, rb;

	if (pc_utf8_invalid(s, n) != n)
		return;
	if (n > 0 && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
	    s[n - 1] == '\t'))
		return;
	ra = pc_check(t, s, n, &a, wa, sizeof wa);
	rb = pc_check_decoded(t, s, n, &b, wb, sizeof wb);
	CHECK(ra == rb);
	CHECK(a.len == b.len && (a.len == 0 || memcmp(a.s, b.s, a.len) == 0));
	CHECK(strcmp(wa, wb) == 0);
	pc_buf_free(&a);
	pc_buf_free(&b);
}

HARNESS static void
check_one(enum pc_type t, const struct pc_column *col, const char *s,
    size_t n, int whymode)
{
	struct pc_buf out = { NULL, 0, 0 }, again = { NULL, 0, 0 };
	char why[160], why2[160];
	size_t whysz = whymode == 0 ? sizeof why : whymode == 1 ? 6 : 0;
	char *v = dup_exact(s, n);
	int r, r2;

	if (col != NULL)
		t = col->type;
	else if ((int)t < ntypes)
		check_decoded(t, v, n);
	memset(why, 'x', sizeof why);
	r = run_check(t, col, v, n, whymode == 2 && col == NULL ? NULL : &out,
	    whymode == 2 ? NULL : why, whysz);
	CHECK(r == PC_CHECK_OK || r == PC_CHECK_WARN || r == PC_CHECK_BAD);
	/*
	 * pc_check always ends why; pc_check_column of a vocabulary type
	 * leaves it alone when the value is OK (callers read it only for
	 * BAD and WARN).
	 */
	if (whysz > 0 && (col == NULL || r != PC_CHECK_OK))
		CHECK(memchr(why, '\0', whysz) != NULL);
	if (whymode == 2 && col == NULL)
		goto done;
	CHECK(out.len == 0 || out.s[out.len] == '\0');
	if (r == PC_CHECK_BAD) {
		CHECK(out.len == 0);
		if (whymode != 2)
			CHECK(why[0] != '\0');
		goto done;
	}
	if (r == PC_CHECK_WARN && whymode != 2)
		CHECK(why[0] != '\0');
	if ((int)t >= ntypes)
		CHECK(!"an unknown type checked as valid");
	if (col == NULL)
		CHECK(t != PC_T_WORD && t != PC_T_WORDS);
	CHECK(out.len > 0);
	CHECK(pc_utf8_invalid(out.s, out.len) == out.len);
	CHECK(out.s[0] != ' ' && out.s[out.len - 1] != ' ');
	CHECK(out.s[0] != '\t' && out.s[out.len - 1] != '\t');

	/* Idempotence: the canonical form is its own canonical form. */
	r2 = run_check(t, col, out.s, out.len, &again, why2, sizeof why2);
	if (r2 == PC_CHECK_BAD) {
		fprintf(stderr, "fuzz_field: %s: canonical form rejected: "
		    "%s\n", pc_type_name(t), why2);
		abort();
	}
	if (again.len != out.len || memcmp(again.s, out.s, out.len) != 0) {
		fprintf(stderr, "fuzz_field: %s: canonical form not stable "
		    "(%zu bytes, then %zu)\n", pc_type_name(t), out.len,
		    again.len);
		abort();
	}
	CHECK(r2 == r);

	/* Each canonical form passes its own checks. */
	switch (t) {
	case PC_T_INS: {
		struct pc_nir nir;
		int key;

		CHECK(out.len == 15);
		CHECK(pc_nir_parse(out.s, &nir) == 0);
		key = pc_nir_key(out.s);
		CHECK(key == (out.s[13] - '0') * 10 + (out.s[14] - '0'));
		CHECK(key == ref_nir_key(out.s));
		break;
	}
	case PC_T_DATE:
		CHECK(out.len == 10);
		CHECK(pc_date_parse(out.s, out.len, NULL, NULL, NULL, 0) == 0);
		break;
	case PC_T_RPPS:
		CHECK(out.len == 11 && pc_luhn_ok(out.s, 11));
		break;
	case PC_T_FINESS:
		CHECK(out.len == 9);
		if (r == PC_CHECK_OK)
			CHECK(pc_luhn_ok(out.s, 9));
		break;
	case PC_T_SEX:
		CHECK(out.len == 1 && (out.s[0] == 'M' || out.s[0] == 'F'));
		break;
	case PC_T_ICDO_TOPO:
		CHECK(out.len == 5 && out.s[0] == 'C' && out.s[3] == '.');
		break;
	case PC_T_PATHWAY_ID:
		CHECK(out.len == 25 && out.s[4] == '-');
		break;
	case PC_T_WORD:
		CHECK(memchr(out.s, '|', out.len) == NULL);
		break;
	default:
		break;
	}
done:
	pc_buf_free(&out);
	pc_buf_free(&again);
	free(v);
}

/* The value as a field of type t, and through every column of that type. */
HARNESS static void
check_value(enum pc_type t, const char *s, size_t n, int whymode)
{
	static const struct pc_table *const tables[] = {
		&pc_pathway_table, &pc_rcp_table, &pc_event_table
	};
	size_t i, k;

	check_one(t, NULL, s, n, whymode);
	if (t != PC_T_WORD && t != PC_T_WORDS)
		return;
	for (k = 0; k < sizeof tables / sizeof tables[0]; k++)
		for (i = 0; i < tables[k]->ncols; i++)
			if (tables[k]->cols[i].type == t)
				check_one(t, &tables[k]->cols[i], s, n,
				    whymode);
}

HARNESS static void
check_date(const char *fmt, const char *s, size_t n)
{
	char why[128], iso[11], why2[128], iso2[11];
	char *v = dup_exact(s, n);
	long days, back;
	int y, m, d, r2;

	/* Its shortcut for dates read at fixed places gives parse()'s answer. */
	r2 = pc_date_parse_iso(v, n, fmt, iso2, why2, sizeof why2);
	if (pc_date_parse(v, n, fmt, &days, why, sizeof why) == 0) {
		CHECK(r2 == 0);
		CHECK(why2[0] == '\0');
		pc_date_fmt(days, iso);
		CHECK(strcmp(iso, iso2) == 0);
		pc_civil(days, &y, &m, &d);
		CHECK(pc_date_valid(y, m, d));
		CHECK(y >= 1800 && y <= 2999);
		CHECK(pc_days(y, m, d) == days);
		pc_date_fmt(days, iso);
		CHECK(strlen(iso) == 10);
		CHECK(pc_date_parse(iso, 10, NULL, &back, NULL, 0) == 0);
		CHECK(back == days);
		/* Without days, the same answer. */
		CHECK(pc_date_parse(v, n, fmt, NULL, NULL, 0) == 0);
	} else {
		CHECK(why[0] != '\0');
		CHECK(r2 == -1);
		CHECK(strcmp(why, why2) == 0);
		CHECK(pc_date_parse(v, n, fmt, NULL, NULL, 0) == -1);
	}
	free(v);
}

HARNESS int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s;
	const char *nul;
	size_t n;
	enum pc_type t;
	int whymode;

	if (size < 1)
		return 0;
	t = (enum pc_type)(data[0] % (ntypes + 1));
	whymode = data[0] / (ntypes + 1) % 3;
	s = (const char *)data + 1;
	n = size - 1;

	check_value(t, s, n, whymode);

	if ((nul = memchr(s, '\0', n)) != NULL) {
		size_t flen = (size_t)(nul - s);
		char *fmt = dup_exact(s, flen + 1);	/* with its NUL */

		check_date(fmt, nul + 1, n - flen - 1);
		/* The value alone, as a field of the chosen type. */
		check_value(t, nul + 1, n - flen - 1, whymode);
		free(fmt);
	} else
		check_date(NULL, s, n);

	if (n >= 13) {
		char *k = dup_exact(s, 13);
		int key = pc_nir_key(k);

		CHECK(key == -1 || (key >= 1 && key <= 97));
		CHECK(key == ref_nir_key(k));
		free(k);
	}
	{
		char *d = dup_exact(s, n);
		int ok = pc_luhn_ok(d, n);

		CHECK(ok == 0 || ok == 1);
		CHECK(ok == ref_luhn(d, n));
		free(d);
	}
	return 0;
}

HARNESS int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *share = getenv("PARCOURS_SHARE");
	char path[1024], err[512];

	(void)argc;
	(void)argv;
	while (strcmp(pc_type_name((enum pc_type)ntypes), "unknown") != 0)
		ntypes++;
	snprintf(path, sizeof path, "%s/vocabularies.csv",
	    share != NULL && *share != '\0' ? share : "share/parcours");
	if ((vocab = pc_vocab_load(path, err, sizeof err)) == NULL)
		fprintf(stderr, "fuzz_field: %s: word and words checked "
		    "without a vocabulary\n", err);
	return 0;
}
