/*
 * fuzz_latest.c - libFuzzer target for the tables read whole
 * (lib/latest.c): a lean table, whose plain rows are left in the file and
 * read again, must give what the same table kept whole gives.
 *
 * Input layout:
 *	byte 0	bits 0-1 delimiter (, ; TAB |), bits 2-7 the key column
 *		(its number modulo the header's columns)
 *	rest	the file (through a memfd)
 *
 * Both loads must succeed or fail alike, with the same message; then
 * every row, read through a cursor of each, must have the same line and
 * the same fields, byte for byte; rows are read in order, then again
 * backwards, so that the lean cursor also goes back in the file.
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

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_latest: invariant failed: %s "	\
		    "(%s:%d)\n", #cond, __FILE__, __LINE__);		\
		abort();						\
	}								\
} while (0)

/* Row i of both, field by field. */
HARNESS static void
compare(struct pc_latest_cursor *cw, struct pc_latest_cursor *cl,
    size_t ncols, size_t i)
{
	const struct pc_field *fw, *fl;
	unsigned long lw, ll;
	size_t k;

	fw = pc_latest_read(cw, i, &lw);
	fl = pc_latest_read(cl, i, &ll);
	CHECK(lw == ll);
	for (k = 0; k < ncols; k++) {
		CHECK(fw[k].len == fl[k].len);
		CHECK(memcmp(fw[k].s, fl[k].s, fw[k].len) == 0);
		CHECK(fl[k].s[fl[k].len] == '\0');
	}
}

HARNESS int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int delims[] = { ',', ';', '\t', '|' };
	struct pc_readopt o = { 0 };
	struct pc_reader *r;
	struct pc_latest *w, *l;
	struct pc_latest_cursor *cw, *cl;
	char key[256], errw[512], errl[512];
	size_t i, n, ncols;

	if (size < 1)
		return 0;
	o.delim = delims[data[0] & 3];
	memfile_set(data + 1, size - 1);
	if ((r = pc_reader_open(fdpath, &o, errw, sizeof errw)) == NULL)
		return 0;
	ncols = pc_reader_ncols(r);
	strlcpy(key, pc_reader_colname(r, (size_t)(data[0] >> 2) % ncols),
	    sizeof key);
	pc_reader_close(r);

	errw[0] = errl[0] = '\0';
	w = pc_latest_load(fdpath, &o, key, errw, sizeof errw);
	l = pc_latest_load_lean(fdpath, &o, key, errl, sizeof errl);
	CHECK((w == NULL) == (l == NULL));
	CHECK(strcmp(errw, errl) == 0);
	if (w == NULL)
		return 0;
	n = pc_latest_nrows(w);
	CHECK(n == pc_latest_nrows(l));
	CHECK(pc_latest_ncols(l) == ncols);
	cw = pc_latest_cursor(w);
	cl = pc_latest_cursor(l);
	for (i = 0; i < n; i++) {
		CHECK(strcmp(pc_latest_key(w, i), pc_latest_key(l, i)) == 0);
		compare(cw, cl, ncols, i);
	}
	for (i = n; i-- > 0;)
		compare(cw, cl, ncols, i);
	pc_latest_cursor_free(cw);
	pc_latest_cursor_free(cl);
	pc_latest_free(w);
	pc_latest_free(l);
	return 0;
}

HARNESS int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memfile_init("fuzz_latest");
	return 0;
}
