/*
 * fuzz_reader.c - libFuzzer target for the record reader (lib/reader.c).
 *
 * Input layout:
 *	byte 0	bits 0-1 delimiter (, ; TAB |), bits 2-3 encoding (enum
 *		pc_enc), bits 4-5 lines to skip (0 1 2 0), bits 6-7 record
 *		limit (PC_MAXRECORD, 4096, 64, PC_MAXRECORD)
 *	byte 1	bits 0-2 cap each read(2) of the file at (no cap) 1 2 3
 *		7 16 61 509 bytes, so that short inputs reach the refill
 *		paths: a BOM, a CRLF or a record cut by the end of the
 *		buffer; 0xff: "big" mode instead: the first line of the
 *		body, then the rest of it repeated, up to 256 KiB + 4099
 *		bytes, so that long lines meet the end of the reader's
 *		256 KiB buffer (slow: a byte value of its own keeps it rare)
 *	rest	the file the reader opens (through a memfd)
 *
 * Every row is checked against invariants that hold for any input (NUL
 * after each field, line <= endline, lines that only go forward, the
 * record counter, UTF-8 fields on OK rows, the shape of each error kind,
 * the bytes at a row's place in the file when it has one, the count of
 * physical lines at the end).  When the body holds no '"'
 * byte, a reference model (split at LF, drop a CR before the LF, drop
 * blank lines, split at the delimiter) predicts the header, every row, its
 * line and its error exactly, and any difference aborts.
 *
 * Then the same file is read again with the reader's fast path off
 * (pc_reader_fastpath = 0: every line through libcsv), and the two runs
 * must give the same bytes: the open's result or message, every row's
 * fields, lines, record number, error and reason, the final count of
 * lines.  This covers what the model cannot: quoted input, where lines
 * without a quote take the fast path between lines that libcsv reads.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "parcours.h"
#include "memfile.h"

/*
 * The harness is left out of the coverage instrumentation: the fuzzer
 * should follow the library's branches, not the checks' loops.
 */
#define HARNESS	__attribute__((no_sanitize("coverage")))

static struct stat memfd_st;
static size_t read_cap;		/* 0: none */

/*
 * Replaces read(2) for the whole program (the executable's definition
 * wins over the C library's and the sanitizers' weak interceptor), to
 * return at most read_cap bytes from the memfd, as a pipe or a slow disk
 * may.  Other descriptors are read as usual.
 */
HARNESS ssize_t
read(int fd, void *buf, size_t n)
{
	struct stat st;

	if (read_cap > 0 && n > read_cap && fstat(fd, &st) == 0 &&
	    st.st_dev == memfd_st.st_dev && st.st_ino == memfd_st.st_ino)
		n = read_cap;
	return syscall(SYS_read, fd, buf, n);
}

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_reader: invariant failed: %s "	\
		    "(%s:%d)\n", #cond, __FILE__, __LINE__);		\
		abort();						\
	}								\
} while (0)

#define MISMATCH(...) do {						\
	fprintf(stderr, "fuzz_reader: reader and model differ: ");	\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

/* ---- the reference model, for input without any quote ----------------- */

struct mfield {
	const char	*s;
	size_t		 len;
};

struct mrow {
	unsigned long	 line;
	enum pc_rowerr	 err;
	struct mfield	*f;
	size_t		 nf, fcap;
	size_t		 errfield;
	struct pc_buf	 text;		/* the decoded line */
};

/* Rows are made one at a time, as the reader's come, in reused buffers. */
struct model {
	const unsigned char		*d;
	size_t				 n, pos;
	const struct pc_readopt		*o;
	const struct pc_decoder		*dec;
	size_t				 maxrecord;
	unsigned long			 lineno;
	int				 open_ok;
	size_t				 ncols;
	struct mrow			 hdr, cur;
	struct mfield			*sorted;
	size_t				 sortcap;
};

/* Splits one line into r; the record limit as reader.c's feed() sees it. */
HARNESS static void
model_split(struct model *m, struct mrow *r, const char *s, size_t n,
    int has_nl)
{
	size_t i, k, start, total;

	r->err = PC_ROW_OK;
	r->nf = 0;
	r->errfield = 0;
	pc_buf_set(&r->text, "", 0);
	if (m->dec->enc == PC_ENC_UTF8)
		pc_buf_add(&r->text, s, n);
	else
		pc_decode(m->dec, s, n, &r->text);
	s = r->text.s;
	n = r->text.len;
	/* Fields with their NULs; feed() checks it after each feed. */
	total = n + 1;
	if (!has_nl)
		total--;	/* csv_fini() adds the last one unchecked */
	if (total > m->maxrecord) {
		r->err = PC_ROW_TOOBIG;
		return;
	}
	for (i = 0, k = 1; i < n; i++)
		k += (unsigned char)s[i] == m->o->delim;
	if (k > 65536) {	/* reader.c's MAXFIELDS */
		r->err = PC_ROW_TOOBIG;
		return;
	}
	if (k > r->fcap) {
		r->fcap = k;
		r->f = pc_xreallocarray(r->f, k, sizeof *r->f);
	}
	for (i = start = 0; i <= n; i++) {
		if (i < n && (unsigned char)s[i] != m->o->delim)
			continue;
		r->f[r->nf].s = s + start;
		r->f[r->nf].len = i - start;
		r->nf++;
		start = i + 1;
	}
}

/* The next record into r: 1, or 0 at the end of the input. */
HARNESS static int
model_next(struct model *m, struct mrow *r)
{
	const unsigned char *d = m->d, *nl;

	while (m->pos < m->n) {
		size_t a = m->pos, len;
		int has_nl;

		m->lineno++;
		if ((nl = memchr(d + a, '\n', m->n - a)) != NULL) {
			len = (size_t)(nl - d) - a;
			m->pos = (size_t)(nl - d) + 1;
			has_nl = 1;
			if (len > 0 && d[a + len - 1] == '\r')
				len--;
		} else {
			len = m->n - a;
			m->pos = m->n;
			has_nl = 0;
			/* A CRLF line cut short: its CR goes too. */
			if (len > 0 && d[a + len - 1] == '\r')
				len--;
		}
		if (len == 0)
			continue;	/* a blank line makes no row */
		r->line = m->lineno;
		model_split(m, r, (const char *)d + a, len, has_nl);
		return 1;
	}
	return 0;
}

/* The error of a row after the header, in the reader's order. */
HARNESS static void
model_classify(struct model *m, struct mrow *r)
{
	size_t i;

	if (r->err != PC_ROW_OK)
		return;
	if (r->nf != m->ncols) {
		r->err = PC_ROW_RAGGED;
		return;
	}
	if (m->o->enc != PC_ENC_UTF8)
		return;
	for (i = 0; i < r->nf; i++)
		if (pc_utf8_invalid(r->f[i].s, r->f[i].len) != r->f[i].len) {
			r->err = PC_ROW_UTF8;
			r->errfield = i;
			return;
		}
}

/* The reader keeps column names as C strings: up to a NUL. */
HARNESS static size_t
cstrlen(const struct mfield *f)
{
	return strnlen(f->s, f->len);
}

HARNESS static int
namecmp(const void *a, const void *b)
{
	const struct mfield *x = a, *y = b;
	int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);

	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/*
 * Prepares m for d[0..n) and decides the open: 0, or -1 when the model
 * does not apply (a quote in what the parser sees).
 */
HARNESS static int
model_start(struct model *m, const unsigned char *d, size_t n,
    const struct pc_readopt *o, const struct pc_decoder *dec)
{
	const unsigned char *nl;
	struct mrow *h = &m->hdr;
	size_t i, j;
	unsigned k;

	m->d = d;
	m->n = n;
	m->pos = 0;
	m->o = o;
	m->dec = dec;
	m->maxrecord = o->maxrecord ? o->maxrecord : PC_MAXRECORD;
	m->lineno = 0;
	m->open_ok = 0;
	m->ncols = 0;
	if (n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0) {
		if (o->enc != PC_ENC_UTF8)
			return 0;	/* refused */
		m->pos = 3;
	}
	for (k = 0; k < o->skip; k++) {
		if ((nl = memchr(d + m->pos, '\n', n - m->pos)) == NULL) {
			m->pos = n;
			break;
		}
		m->pos = (size_t)(nl - d) + 1;
		m->lineno++;
	}
	if (memchr(d + m->pos, '"', n - m->pos) != NULL)
		return -1;
	if (!model_next(m, h) || h->err != PC_ROW_OK)
		return 0;	/* empty, or a header too long */
	for (i = 0; i < h->nf; i++) {
		const struct mfield *f = &h->f[i];

		if (o->enc == PC_ENC_UTF8 &&
		    pc_utf8_invalid(f->s, f->len) != f->len)
			return 0;
		if (memchr(f->s, '\r', cstrlen(f)) != NULL)
			return 0;
		if (memchr(f->s, '\0', f->len) != NULL)
			return 0;	/* a NUL byte in a name */
	}
	/* A name twice (empty ones aside), found by sorting a copy. */
	if (h->nf > m->sortcap) {
		m->sortcap = h->nf;
		m->sorted = pc_xreallocarray(m->sorted, h->nf,
		    sizeof *m->sorted);
	}
	for (i = j = 0; i < h->nf; i++)
		if (cstrlen(&h->f[i]) > 0) {
			m->sorted[j].s = h->f[i].s;
			m->sorted[j++].len = cstrlen(&h->f[i]);
		}
	qsort(m->sorted, j, sizeof *m->sorted, namecmp);
	for (i = 1; i < j; i++)
		if (namecmp(&m->sorted[i - 1], &m->sorted[i]) == 0)
			return 0;
	m->open_ok = 1;
	m->ncols = h->nf;
	return 0;
}

/*
 * Model fields point into the decoded line, so a field's NUL is not
 * there: compare lengths and bytes.
 */
HARNESS static void
model_compare_row(const struct mrow *mr, const struct pc_row *row,
    size_t k)
{
	size_t i;

	if (mr->line != row->line || row->endline != row->line)
		MISMATCH("row %zu: lines %lu-%lu, model line %lu", k,
		    row->line, row->endline, mr->line);
	if (mr->err != row->err)
		MISMATCH("row %zu (line %lu): error %d, model %d (%s)", k,
		    row->line, (int)row->err, (int)mr->err, row->why);
	if (row->err == PC_ROW_TOOBIG)
		return;
	if (mr->nf != row->nf)
		MISMATCH("row %zu (line %lu): %zu fields, model %zu", k,
		    row->line, row->nf, mr->nf);
	for (i = 0; i < row->nf; i++) {
		size_t j, n = mr->f[i].len < row->f[i].len ? mr->f[i].len :
		    row->f[i].len;

		for (j = 0; j < n && mr->f[i].s[j] == row->f[i].s[j]; j++)
			;
		if (j < n || mr->f[i].len != row->f[i].len)
			MISMATCH("row %zu (line %lu): field %zu differs from "
			    "byte %zu on (%zu bytes, model %zu)", k,
			    row->line, i, j, row->f[i].len, mr->f[i].len);
	}
	if (row->err == PC_ROW_UTF8 && mr->errfield != row->errfield)
		MISMATCH("row %zu: UTF-8 error in field %zu, model %zu", k,
		    row->errfield, mr->errfield);
}

/* ---- the two paths side by side ---------------------------------------- */

/*
 * One row as bytes: its numbers as they are in memory (no printf: the big
 * inputs have thousands of rows), its reason, every field with its NUL, so
 * that the NULs are compared too.
 */
HARNESS static void
transcript_row(struct pc_buf *t, const struct pc_row *row)
{
	size_t i, h[6] = { row->line, row->endline, row->record,
	    (size_t)row->err, row->errfield, row->nf };

	pc_buf_add(t, h, sizeof h);
	pc_buf_adds(t, row->why);
	pc_buf_addc(t, '\0');
	for (i = 0; i < row->nf; i++) {
		pc_buf_add(t, &row->f[i].len, sizeof row->f[i].len);
		pc_buf_add(t, row->f[i].s, row->f[i].len + 1);
	}
}

HARNESS static void
transcript_open(struct pc_buf *t, const struct pc_reader *r,
    const char *err)
{
	size_t i;

	if (r == NULL) {
		pc_buf_adds(t, "open fails: ");
		pc_buf_adds(t, err);
		return;
	}
	pc_buf_adds(t, "open:");
	for (i = 0; i < pc_reader_ncols(r); i++) {
		pc_buf_adds(t, pc_reader_colname(r, i));
		pc_buf_addc(t, '\0');
	}
}

HARNESS static void
transcript_end(struct pc_buf *t, const struct pc_reader *r, int rc)
{
	char h[64];

	snprintf(h, sizeof h, "end %d lines %lu\n", rc, pc_reader_lines(r));
	pc_buf_adds(t, h);
}

/* Reads the file through libcsv alone into t. */
HARNESS static void
read_libcsv(const struct pc_readopt *o, struct pc_buf *t)
{
	struct pc_reader *r;
	struct pc_row *row;
	char err[512];
	int rc;

	pc_reader_fastpath = 0;
	err[0] = '\0';
	r = pc_reader_open(fdpath, o, err, sizeof err);
	transcript_open(t, r, err);
	if (r != NULL) {
		while ((rc = pc_reader_next(r, &row, err, sizeof err)) == 1)
			transcript_row(t, row);
		transcript_end(t, r, rc);
		pc_reader_close(r);
	}
	pc_reader_fastpath = 1;
}

/* Aborts, showing where, when the two transcripts differ. */
HARNESS static void
compare_paths(const struct pc_buf *fast, const struct pc_buf *slow)
{
	size_t i, from, n = fast->len < slow->len ? fast->len : slow->len;
	struct pc_buf a = { 0 }, b = { 0 };

	if (fast->len == slow->len && memcmp(fast->s, slow->s, n) == 0)
		return;
	for (i = 0; i < n && fast->s[i] == slow->s[i]; i++)
		;
	/* Some context before: the row's numbers are raw bytes. */
	from = i > 60 ? i - 60 : 0;
	pc_vis(&a, fast->s + from, fast->len - from, 160);
	pc_vis(&b, slow->s + from, slow->len - from, 160);
	MISMATCH("fast path and libcsv differ at byte %zu of their "
	    "transcripts (shown from byte %zu):\n fast   %s\n libcsv %s", i,
	    from, a.s, b.s);
}

/*
 * A row said to stand in the file as its fields (pc_row.at, which
 * lib/latest.c reads again) does: its bytes, cut at each delimiter, are
 * its fields, and a line end or the end of the file follows them.
 */
HARNESS static void
check_at(const struct pc_row *row, const unsigned char *d, size_t n,
    int delim)
{
	size_t i, pos = (size_t)row->at;

	CHECK(row->at >= 0 && row->atlen <= n && pos <= n - row->atlen);
	CHECK(pos + row->atlen == n || d[pos + row->atlen] == '\n' ||
	    d[pos + row->atlen] == '\r');
	CHECK(row->nf >= 1);
	for (i = 0; i < row->nf; i++) {
		CHECK(row->f[i].len <= n - pos &&
		    memcmp(d + pos, row->f[i].s, row->f[i].len) == 0);
		pos += row->f[i].len;
		if (i + 1 < row->nf) {
			CHECK(pos < n && d[pos] == delim);
			pos++;
		}
	}
	CHECK(pos == (size_t)row->at + row->atlen);
}

/* ---- the target ------------------------------------------------------- */

HARNESS int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int delims[] = { ',', ';', '\t', '|' };
	static const size_t limits[] = { 0, 4096, 64, 0 };
	static const size_t caps[] = { 0, 1, 2, 3, 7, 16, 61, 509 };
	struct pc_readopt o;
	struct pc_decoder dec;
	struct pc_reader *r;
	struct pc_row *row;
	static unsigned char body[(256u << 10) + 4099];
	static struct model m;
	static struct pc_buf tfast, tslow;
	const unsigned char *d, *p;
	char err[512];
	size_t n, i, k, ncols;
	unsigned long prev_end, recno, nl_count;
	int rc, use_model, trailing;

	if (size < 2)
		return 0;
	memset(&o, 0, sizeof o);
	o.delim = delims[data[0] & 3];
	o.enc = (enum pc_enc)(data[0] >> 2 & 3);
	o.skip = (data[0] >> 4 & 3) % 3;
	o.maxrecord = limits[data[0] >> 6 & 3];
	d = data + 2;
	n = size - 2;
	read_cap = data[1] != 0xff ? caps[data[1] & 7] : 0;
	if (data[1] == 0xff && n > 0) {
		size_t want = sizeof body;
		const unsigned char *nl = memchr(d, '\n', n);
		size_t head = nl != NULL && nl < d + n - 1 ?
		    (size_t)(nl - d) + 1 : 0;

		/* The first line once, then the rest over and over. */
		memcpy(body, d, head);
		for (i = head; i < want; i += k) {
			k = want - i < n - head ? want - i : n - head;
			memcpy(body + i, d + head, k);
		}
		d = body;
		n = want;
	}

	memfile_set(d, n);

	if (pc_decoder_init(&dec, o.enc) == -1)
		abort();
	use_model = model_start(&m, d, n, &o, &dec) == 0;

	/* Physical lines: each LF ends one, and a last one may lack it. */
	for (p = d, nl_count = 0; (p = memchr(p, '\n', n - (size_t)(p - d))) !=
	    NULL; p++)
		nl_count++;
	trailing = n > 0 && d[n - 1] != '\n';

	err[0] = '\0';
	pc_buf_clear(&tfast);
	pc_buf_clear(&tslow);
	read_libcsv(&o, &tslow);
	r = pc_reader_open(fdpath, &o, err, sizeof err);
	transcript_open(&tfast, r, err);
	if (use_model && (r != NULL) != m.open_ok)
		MISMATCH("open %s, model %s (%s)", r ? "succeeds" : "fails",
		    m.open_ok ? "succeeds" : "fails", err);
	if (r == NULL) {
		CHECK(err[0] != '\0');
		compare_paths(&tfast, &tslow);
		goto out;
	}
	ncols = pc_reader_ncols(r);
	CHECK(ncols >= 1);
	for (i = 0; i < ncols; i++) {
		const char *name = pc_reader_colname(r, i);

		CHECK(name != NULL);
		CHECK(pc_utf8_invalid(name, strlen(name)) == strlen(name));
		CHECK(strchr(name, '\r') == NULL);
		if (name[0] != '\0')
			CHECK(pc_reader_col(r, name) == (long)i);
	}
	CHECK(pc_reader_colname(r, ncols) == NULL);
	if (use_model) {
		if (m.ncols != ncols)
			MISMATCH("header has %zu columns, model %zu", ncols,
			    m.ncols);
		for (i = 0; i < ncols; i++) {
			const char *name = pc_reader_colname(r, i);
			const struct mfield *f = &m.hdr.f[i];

			if (strlen(name) != cstrlen(f) ||
			    memcmp(name, f->s, cstrlen(f)) != 0)
				MISMATCH("column %zu name differs", i);
		}
	}

	prev_end = pc_reader_lines(r);
	CHECK(prev_end >= 1);
	recno = 1;
	for (k = 1; (rc = pc_reader_next(r, &row, err, sizeof err)) == 1;
	    k++) {
		CHECK(row != NULL);
		transcript_row(&tfast, row);
		CHECK(row->line <= row->endline);
		CHECK(row->line > prev_end);	/* a record starts a line */
		CHECK(row->endline == pc_reader_lines(r));
		CHECK(row->record == ++recno);
		CHECK(row->nf == 0 || row->f != NULL);
		for (i = 0; i < row->nf; i++) {
			CHECK(row->f[i].s != NULL);
			CHECK(row->f[i].s[row->f[i].len] == '\0');
		}
		switch (row->err) {
		case PC_ROW_OK:
			CHECK(row->nf == ncols);
			for (i = 0; i < row->nf; i++)
				CHECK(pc_utf8_invalid(row->f[i].s,
				    row->f[i].len) == row->f[i].len);
			break;
		case PC_ROW_RAGGED:
			CHECK(row->nf != ncols);
			break;
		case PC_ROW_QUOTE:
			CHECK(row->nf == 1);
			break;
		case PC_ROW_UTF8:
			/* Single-byte images are UTF-8 by construction. */
			CHECK(o.enc == PC_ENC_UTF8);
			CHECK(row->nf == ncols);
			CHECK(row->errfield < row->nf);
			CHECK(pc_utf8_invalid(row->f[row->errfield].s,
			    row->f[row->errfield].len) !=
			    row->f[row->errfield].len);
			for (i = 0; i < row->errfield; i++)
				CHECK(pc_utf8_invalid(row->f[i].s,
				    row->f[i].len) == row->f[i].len);
			break;
		case PC_ROW_TOOBIG:
			CHECK(row->nf == 0);
			break;
		default:
			CHECK(!"unknown row error");
		}
		if (row->at != -1)
			check_at(row, d, n, o.delim);
		if (row->err != PC_ROW_OK)
			CHECK(row->why[0] != '\0' &&
			    memchr(row->why, '\0', sizeof row->why) != NULL);
		if (use_model) {
			if (!model_next(&m, &m.cur))
				MISMATCH("row %zu (line %lu) past the model's "
				    "%zu rows", k, row->line, k - 1);
			model_classify(&m, &m.cur);
			model_compare_row(&m.cur, row, k);
		}
		prev_end = row->endline;
	}
	/* A regular file does not fail to read. */
	CHECK(rc == 0);
	transcript_end(&tfast, r, rc);
	compare_paths(&tfast, &tslow);
	if (use_model && model_next(&m, &m.cur))
		MISMATCH("%zu rows, the model has more (line %lu)", k - 1,
		    m.cur.line);
	CHECK(pc_reader_lines(r) == nl_count + (unsigned long)trailing);
	CHECK(pc_reader_lines(r) >= prev_end);
	/* At the end it stays at the end. */
	CHECK(pc_reader_next(r, &row, err, sizeof err) == 0);
	pc_reader_close(r);
out:
	read_cap = 0;
	return 0;
}

HARNESS int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memfile_init("fuzz_reader");
	if (fstat(memfd, &memfd_st) == -1) {
		perror("fuzz_reader: fstat");
		abort();
	}
	return 0;
}
