/*
 * fuzz_writer.c - libFuzzer target for the cells of lib/writer.c: every
 * row any tool writes, pathway-new's output and every reject stream.
 *
 * Input layout:
 *	byte 0	bits 0-1: the delimiter (, ; tab |); bit 2: --safe-csv
 *	rest	the cells, split at each 0xFF byte (any other byte, NUL,
 *		quote, CR and LF among them, may be in a cell)
 *
 * Invariant: pc_csv_format_row (cells and lengths) and
 * pc_csv_format_fields (pc_fields) write the row that the rules below,
 * spelt out a byte at a time, write.  Their copy_scan reads a cell a word
 * (or a vector) at a time; here each cell is in an allocation of its own
 * length, without a NUL after it, so AddressSanitizer stops a read past a
 * cell's end.
 *
 * The rules (RFC 4180, and OWASP's "CSV Injection" for --safe-csv): cells
 * are joined by the delimiter and the row ends with LF; a cell that holds
 * a quote, CR, LF or the delimiter is quoted, its quotes doubled; with
 * --safe-csv a cell that starts with = + - @ tab or CR gets an apostrophe
 * first, inside the quotes when it has them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parcours.h"

#define MAXCELLS	64

static void
reference(struct pc_buf *b, char *const *v, const size_t *len, size_t n,
    int delim, int safe)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		const char *s = v[i];
		int lead = 0, quote = 0;

		if (i > 0)
			pc_buf_addc(b, delim);
		if (safe && len[i] > 0 && (s[0] == '=' || s[0] == '+' ||
		    s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
		    s[0] == '\r'))
			lead = 1;
		for (k = 0; k < len[i]; k++)
			if (s[k] == '"' || s[k] == '\r' || s[k] == '\n' ||
			    s[k] == delim)
				quote = 1;
		if (quote)
			pc_buf_addc(b, '"');
		if (lead)
			pc_buf_addc(b, '\'');
		for (k = 0; k < len[i]; k++) {
			if (s[k] == '"')
				pc_buf_addc(b, '"');
			pc_buf_addc(b, (unsigned char)s[k]);
		}
		if (quote)
			pc_buf_addc(b, '"');
	}
	pc_buf_addc(b, '\n');
}

static void
differ(const char *what, const struct pc_buf *want, const struct pc_buf *got)
{
	fprintf(stderr, "fuzz_writer: invariant failed: %s wrote %zu bytes, "
	    "the rules %zu\n", what, got->len, want->len);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int delims[4] = { ',', ';', '\t', '|' };
	struct pc_buf want = { NULL, 0, 0 }, row = { NULL, 0, 0 };
	struct pc_buf fields = { NULL, 0, 0 };
	struct pc_field f[MAXCELLS];
	char *v[MAXCELLS];
	size_t len[MAXCELLS], n = 0, i, start;
	int delim, safe;

	if (size < 1)
		return 0;
	delim = delims[data[0] & 3];
	safe = (data[0] >> 2) & 1;
	for (start = i = 1; i <= size && n < MAXCELLS; i++) {
		if (i < size && data[i] != 0xFF)
			continue;
		len[n] = i - start;
		/* Its own length: no NUL, nothing to read past it. */
		v[n] = pc_xmalloc(len[n] > 0 ? len[n] : 1);
		memcpy(v[n], data + start, len[n]);
		f[n].s = v[n];
		f[n].len = len[n];
		n++;
		start = i + 1;
	}
	reference(&want, v, len, n, delim, safe);
	pc_csv_format_row(&row, (const char *const *)v, len, n, delim, safe);
	if (row.len != want.len || memcmp(row.s, want.s, want.len) != 0)
		differ("pc_csv_format_row", &want, &row);
	pc_csv_format_fields(&fields, f, n, delim, safe);
	if (fields.len != want.len || memcmp(fields.s, want.s, want.len) != 0)
		differ("pc_csv_format_fields", &want, &fields);
	for (i = 0; i < n; i++)
		free(v[i]);
	pc_buf_free(&want);
	pc_buf_free(&row);
	pc_buf_free(&fields);
	return 0;
}
