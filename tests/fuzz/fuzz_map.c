/*
 * fuzz_map.c - libFuzzer target for import maps (lib/map.c).
 *
 * The input is a map file, loaded for the pathway table through a memfd.
 * When it loads, every column gets a fixed set of values through
 * pc_map_value(): its rewrites (the catastrophic ones hit the PCRE2 match
 * limit) and, for the date columns, the map's date formats.  Comment lines
 * that start with "#=" add their rest as one more value (at most 4), so
 * the fuzzer can shape subjects for its own patterns; the loader ignores
 * them like any comment.
 *
 * Invariants: a failed load says why; a loaded map answers its directives
 * within their ranges (delimiter, encoding, skip 0-1000, sources and
 * constants in UTF-8); every value stays NUL-terminated; a failed
 * pc_map_value says why.  For a map without any "rewrite": a column that
 * is not a date comes back unchanged, and a date column either unchanged
 * or as YYYY-MM-DD that pc_date_parse accepts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "parcours.h"
#include "memfile.h"

/*
 * The harness is left out of the coverage instrumentation: the fuzzer
 * should follow the library's branches, not the checks' loops.
 */
#define HARNESS	__attribute__((no_sanitize("coverage")))

#define MAXEXTRA	4
#define EXTRAMAX	256


#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_map: invariant failed: %s "	\
		    "(%s:%d)\n", #cond, __FILE__, __LINE__);		\
		abort();						\
	}								\
} while (0)

static const char *const fixed[] = {
	"",
	"   ",
	"2026-02-01",
	"01/02/2026",
	"1/2/2026",
	" 15/03/2024 ",
	"01022026",
	"29/02/2023",
	"31/12/1799",
	"2026-02-01T10:20:30Z",
	"01/02/2026 10:20:30",
	"C509",
	"c50.9",
	"8500/3",
	"1 85 05 78 006 084 36",
	"DUPONT",
	"Jean-Pierre",
	"\xc3\xa9l\xc3\xa9onore",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
	"\xff\xfe invalid",
	"a\tb",
	"+33 1 23 45 67 89",
};

HARNESS static int
isodate(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-dd";
	size_t i;

	if (n != 10)
		return 0;
	for (i = 0; i < n; i++)
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') :
		    s[i] != shape[i])
			return 0;
	return 1;
}

static int has_rewrite;

HARNESS static void
run_value(const struct pc_map *m, size_t col, const char *s, size_t n)
{
	const struct pc_column *c = &pc_pathway_table.cols[col];
	struct pc_buf v = { NULL, 0, 0 };
	char why[256];
	int rc;

	pc_buf_set(&v, s, n);
	why[0] = '\0';
	rc = pc_map_value(m, col, &v, why, sizeof why);
	CHECK(rc == 0 || rc == -1);
	CHECK(v.s != NULL && v.s[v.len] == '\0');
	if (rc == -1)
		CHECK(why[0] != '\0' && memchr(why, '\0', sizeof why) != NULL);
	if (has_rewrite)
		goto done;
	/*
	 * Without any rewrite: a column that is not a date is left alone,
	 * and a date column either stays as it is (blank, or no format) or
	 * becomes a day pc_date_parse accepts.
	 */
	if (!(c->flags & PC_COL_DATE)) {
		CHECK(rc == 0);
		CHECK(v.len == n && memcmp(v.s, s, n) == 0);
	} else if (rc == 0 && !(v.len == n && memcmp(v.s, s, n) == 0)) {
		CHECK(isodate(v.s, v.len));
		CHECK(pc_date_parse(v.s, v.len, NULL, NULL, NULL, 0) == 0);
	}
done:
	pc_buf_free(&v);
}

HARNESS int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pc_map *m;
	char err[512];
	const char *extra[MAXEXTRA];
	size_t extralen[MAXEXTRA], nextra = 0, i, col;
	const uint8_t *p, *end = data + size;
	enum pc_enc enc;
	int delim;

	memfile_set(data, size);
	err[0] = '\0';
	m = pc_map_load(fdpath, &pc_pathway_table, err, sizeof err);
	if (m == NULL) {
		CHECK(err[0] != '\0');
		CHECK(strncmp(err, fdpath, strlen(fdpath)) == 0);
		return 0;
	}

	delim = pc_map_delim(m);
	CHECK(delim == 0 || delim == ',' || delim == ';' || delim == '\t' ||
	    delim == '|');
	if (pc_map_enc(m, &enc) == 0)
		CHECK(enc == PC_ENC_UTF8 || enc == PC_ENC_CP1252 ||
		    enc == PC_ENC_LATIN1 || enc == PC_ENC_LATIN9);
	CHECK(pc_map_skip(m) <= 1000);
	for (col = 0; col < pc_pathway_table.ncols; col++) {
		const char *src = pc_map_source(m, col);
		const char *cst = pc_map_constant(m, col);

		CHECK(src == NULL || cst == NULL);
		if (src != NULL)
			CHECK(pc_utf8_invalid(src, strlen(src)) == strlen(src));
		if (cst != NULL)
			CHECK(pc_utf8_invalid(cst, strlen(cst)) == strlen(cst));
		if ((src != NULL || cst != NULL) &&
		    (pc_pathway_table.cols[col].flags & PC_COL_DERIVED))
			CHECK(!"a derived column is mapped");
	}

	has_rewrite = memmem(data, size, "rewrite", 7) != NULL;

	/* "#=value" lines. */
	for (p = data; p < end && nextra < MAXEXTRA; ) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		const uint8_t *e = nl ? nl : end;

		if (e - p >= 2 && p[0] == '#' && p[1] == '=') {
			extra[nextra] = (const char *)p + 2;
			extralen[nextra] = (size_t)(e - p - 2);
			if (extralen[nextra] > EXTRAMAX)
				extralen[nextra] = EXTRAMAX;
			nextra++;
		}
		p = nl ? nl + 1 : end;
	}

	for (col = 0; col < pc_pathway_table.ncols; col++) {
		for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
			run_value(m, col, fixed[i], strlen(fixed[i]));
		for (i = 0; i < nextra; i++)
			run_value(m, col, extra[i], extralen[i]);
	}
	pc_map_free(m);
	return 0;
}

HARNESS int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memfile_init("fuzz_map");
	return 0;
}
