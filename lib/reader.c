/*
 * reader.c - CSV and TSV records over libcsv, with a fast path.
 *
 * libcsv parses bytes but gives no positions, keeps a BOM as data, trims
 * blanks, and cannot be stopped from a callback.  So the input is fed one
 * physical line at a time: libcsv's public parser state tells, at the start
 * of each line, whether a record begins there, which gives every record its
 * physical line even when quoted fields hold line breaks.  Blank lines
 * between records make no row (libcsv drops them); they still count as
 * lines.  Only LF ends a line; a CR just before it is dropped.
 *
 * Most lines of a hospital export hold no quote at all, and for them
 * libcsv's byte-at-a-time loop and its callbacks were most of the cost of
 * reading.  So a line that begins a record and lies whole in the buffer is
 * split here (fast_line()): without a quote libcsv (strict, no blank
 * trimmed, LF the only terminator) does nothing but cut at each
 * delimiter, so the same fields, rows, line numbers and errors come out;
 * tests/fuzz/fuzz_reader.c runs both paths on the same input to hold them
 * to it.  A record with quotes (an address over two lines, most often) is
 * split here too when it ends in the buffer and strict libcsv would take
 * it whole (fast_quoted()).  Anything else (a stray quote, text after a
 * closing quote, a record cut by the end of the buffer or past the record
 * or field limit) libcsv reads as before, from the field that holds the
 * first quote on: it stays the parser of record for what it refuses.  A
 * UTF-8 line without quotes keeps its fields in the input buffer, cut by
 * NULs, so that the common row is not copied at all.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "parcours.h"

#define CHUNK		(256u << 10)
/*
 * Fields a record may have.  Each costs some 60 bytes beside its text, so
 * a record of commas alone, within the byte limit, would otherwise take
 * 600 MB; no spreadsheet goes past 16384 columns.
 */
#define MAXFIELDS	65536u

struct pc_reader {
	char		*name;
	int		 fd;
	struct pc_readopt opt;
	struct pc_decoder dec;
	struct csv_parser p;

	unsigned char	*ibuf;		/* raw input */
	size_t		 ilen, ipos;
	off_t		 ioff;		/* ibuf[0]'s in the file; -1: a pipe */
	int		 eof;
	int		 atstart;	/* at the start of a physical line */
	int		 skipping;	/* dropping the rest of a broken line */
	unsigned long	 lineno;
	unsigned long	 recno;
	struct pc_buf	 dline;		/* a decoded segment */

	/* The record being assembled. */
	struct pc_buf	 fbuf;		/* fields, each NUL-terminated */
	size_t		*foff;
	size_t		 nf, fcap;
	/*
	 * A UTF-8 line split by fast_line() keeps its fields where they
	 * are, in ibuf (valid until the next read): fbase, and fend one past
	 * the last NUL.  NULL: the fields are in fbuf.
	 */
	char		*fbase;
	size_t		 fend;
	off_t		 fat;		/* where fbase's line is in the file */
	size_t		 past;		/* a quoted record's bytes (fast_line) */
	struct pc_buf	 raw;		/* its text, for the reject stream */
	unsigned long	 start;
	int		 done;
	enum pc_rowerr	 err;
	char		 why[160];

	char		**cols;
	size_t		 ncols;
	struct pc_row	 row;
	struct pc_field	*fields;
	size_t		 fieldcap;
};

static int
nospace(unsigned char c)
{
	(void)c;
	return 0;
}

static int
isterm(unsigned char c)
{
	return c == '\n';
}

/* Drops the record being read, as it streams, for a reason. */
static void
toobig(struct pc_reader *r, const char *why)
{
	r->err = PC_ROW_TOOBIG;
	strlcpy(r->why, why, sizeof r->why);
	pc_buf_free(&r->raw);
	pc_buf_free(&r->fbuf);
	free(r->foff);
	r->foff = NULL;
	r->nf = r->fcap = 0;
}

static void
onfield(void *s, size_t len, void *arg)
{
	struct pc_reader *r = arg;
	char why[64];

	if (r->err == PC_ROW_TOOBIG)
		return;
	if (r->nf == MAXFIELDS) {
		snprintf(why, sizeof why, "more than %u fields (not kept)",
		    MAXFIELDS);
		toobig(r, why);
		return;
	}
	if (r->nf == r->fcap) {
		r->fcap = r->fcap ? r->fcap * 2 : 32;
		r->foff = pc_xreallocarray(r->foff, r->fcap, sizeof *r->foff);
	}
	r->foff[r->nf++] = r->fbuf.len;
	pc_buf_add(&r->fbuf, s ? s : "", s ? len : 0);
	pc_buf_addc(&r->fbuf, '\0');
}

static void
onrow(int c, void *arg)
{
	(void)c;
	((struct pc_reader *)arg)->done = 1;
}

static void
parser_reset(struct pc_reader *r)
{
	r->p.pstate = 0;
	r->p.quoted = 0;
	r->p.spaces = 0;
	r->p.entry_pos = 0;
	r->p.status = 0;
}

static void
record_begin(struct pc_reader *r)
{
	r->nf = 0;
	pc_buf_clear(&r->fbuf);
	pc_buf_clear(&r->raw);
	r->fbase = NULL;
	r->start = r->lineno;
	r->err = PC_ROW_OK;
	r->why[0] = '\0';
	r->done = 0;
}

int
pc_delim_parse(const char *s, int *d)
{
	if (strcmp(s, ",") == 0 || strcmp(s, "comma") == 0)
		*d = ',';
	else if (strcmp(s, ";") == 0 || strcmp(s, "semicolon") == 0)
		*d = ';';
	else if (strcmp(s, "tab") == 0 || strcmp(s, "\t") == 0)
		*d = '\t';
	else if (strcmp(s, "pipe") == 0 || strcmp(s, "|") == 0)
		*d = '|';
	else
		return -1;
	return 0;
}

static int
fill(struct pc_reader *r, char *err, size_t errsz)
{
	ssize_t n;

	if (r->ipos > 0) {
		if (r->ioff != -1)
			r->ioff += (off_t)r->ipos;
		memmove(r->ibuf, r->ibuf + r->ipos, r->ilen - r->ipos);
		r->ilen -= r->ipos;
		r->ipos = 0;
	}
	while (!r->eof && r->ilen < CHUNK) {
		n = read(r->fd, r->ibuf + r->ilen, CHUNK - r->ilen);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			pc_syserr = errno;
			snprintf(err, errsz, "%s: %s", r->name, strerror(errno));
			return -1;
		}
		if (n == 0)
			r->eof = 1;
		r->ilen += (size_t)n;
		if (n > 0)
			break;
	}
	return 0;
}

/* Feeds s[0..n) to libcsv; a strict error breaks the record. */
static void
feed(struct pc_reader *r, const char *s, size_t n)
{
	size_t used;

	if (r->skipping)
		return;
	if (r->err != PC_ROW_TOOBIG)
		pc_buf_add(&r->raw, s, n);
	used = csv_parse(&r->p, s, n, onfield, onrow, r);
	if (used < n) {
		if (r->err == PC_ROW_OK) {
			r->err = PC_ROW_QUOTE;
			snprintf(r->why, sizeof r->why,
			    "stray quote on line %lu (a quote inside an "
			    "unquoted field, or text after a closing quote)",
			    r->lineno);
		}
		parser_reset(r);
		r->skipping = 1;
		return;
	}
	/* Bound memory: a record past the limit is dropped as it streams. */
	if (r->fbuf.len + r->p.entry_pos > r->opt.maxrecord) {
		if (r->err != PC_ROW_TOOBIG) {
			char why[64];

			snprintf(why, sizeof why, "record longer than %zu "
			    "bytes (not kept)", r->opt.maxrecord);
			toobig(r, why);
		}
		r->p.entry_pos = 0;
	}
}

static void
feed_decoded(struct pc_reader *r, const char *s, size_t n)
{
	if (r->dec.enc == PC_ENC_UTF8) {
		feed(r, s, n);
		return;
	}
	pc_buf_clear(&r->dline);
	pc_decode(&r->dec, s, n, &r->dline);
	feed(r, r->dline.s, r->dline.len);
}

/* 0 sends every line to libcsv: the fuzzer compares the two paths. */
int pc_reader_fastpath = 1;

/* libcsv's states (its libcsv.c): what the fast path hands it. */
#define ROW_NOT_BEGUN	0
#define FIELD_NOT_BEGUN	1
#define FIELD_BEGUN	2

/*
 * Cuts the field that ends at base[at]; -1 past MAXFIELDS, with every
 * delimiter cut so far put back.
 */
static inline int
cut(struct pc_reader *r, char *base, size_t at, size_t *nf, size_t first)
{
	if (*nf + 1 == MAXFIELDS) {
		for (size_t k = *nf; k > first; k--)
			base[r->foff[k] - 1] = (char)r->opt.delim;
		return -1;
	}
	if (*nf + 1 == r->fcap) {
		r->fcap *= 2;
		r->foff = pc_xreallocarray(r->foff, r->fcap, sizeof *r->foff);
	}
	base[at] = '\0';
	r->foff[++*nf] = at + 1;
	return 0;
}

/*
 * Splits base[0..n) at the delimiter into foff, NUL for each delimiter,
 * fields after the nf already there.  -1: past MAXFIELDS, base as it was.
 */
static int
split(struct pc_reader *r, char *base, size_t n, size_t nf)
{
	const unsigned char d = (unsigned char)r->opt.delim;
	size_t first = nf, i = 0;

	if (nf + 1 >= r->fcap) {
		r->fcap = r->fcap ? r->fcap * 2 : 32;
		r->foff = pc_xreallocarray(r->foff, r->fcap, sizeof *r->foff);
	}
	r->foff[nf] = 0;
#ifdef __SSE2__
	/*
	 * Sixteen bytes at a time: a field is a dozen bytes, and a memchr
	 * call for each cost more than the search.
	 */
	const __m128i dv = _mm_set1_epi8((char)d);

	for (; i + 16 <= n; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(base + i)), dv));

		while (m != 0) {
			if (cut(r, base, i + (size_t)__builtin_ctz(m), &nf,
			    first) == -1)
				return -1;
			m &= m - 1;
		}
	}
#endif
	for (; i < n; i++)
		if ((unsigned char)base[i] == d &&
		    cut(r, base, i, &nf, first) == -1)
			return -1;
	r->nf = nf + 1;
	return 0;
}

/*
 * Where the record that begins at s ends, when it holds quotes: the LF
 * that ends it, outside quotes, as an offset in s[0..avail); the record's
 * line breaks inside quotes in *lines.  -1: it does not end in the buffer.
 * A "" inside quotes closes and opens them again, which moves no boundary.
 */
static long
quoted_extent(const char *s, size_t avail, size_t *lines)
{
	const char *p = s, *end = s + avail, *q, *nl;

	*lines = 0;
	for (;;) {
		/* Outside quotes: the line's LF ends the record. */
		nl = memchr(p, '\n', (size_t)(end - p));
		q = memchr(p, '"', (size_t)((nl != NULL ? nl : end) - p));
		if (q == NULL)
			return nl != NULL ? (long)(nl - s) : -1;
		/* Inside: up to the closing quote, LFs and all. */
		for (p = q + 1; (q = memchr(p, '"', (size_t)(end - p))) == NULL ||
		    (nl = memchr(p, '\n', (size_t)(q - p))) != NULL; p = nl + 1) {
			if (q == NULL)
				return -1;
			(*lines)++;
		}
		p = q + 1;
	}
}

/*
 * Splits the record t[0..m) (decoded, its last line end left out) from
 * the field that starts at `at` on, as strict libcsv would: a quoted
 * field runs to the quote before a delimiter or the end, "" inside is a
 * quote, and a CR before an LF is dropped, as next_record() drops it
 * before libcsv sees it.  -1 where libcsv would refuse the record (a
 * quote inside an unquoted field, text after a closing quote) or the
 * fields are too many: t is then spoilt past `at`, and libcsv reads the
 * record again from its raw bytes.
 */
static int
split_quoted(struct pc_reader *r, char *t, size_t m, size_t at)
{
	const char d = (char)r->opt.delim;
	size_t rd = at, wr = at, nf = r->nf;
	char c;

	for (;;) {
		if (nf + 1 >= r->fcap) {
			if (nf + 1 >= MAXFIELDS)
				return -1;
			r->fcap = r->fcap ? r->fcap * 2 : 32;
			r->foff = pc_xreallocarray(r->foff, r->fcap,
			    sizeof *r->foff);
		}
		r->foff[nf++] = wr;
		if (rd < m && t[rd] == '"') {
			for (rd++; ; rd++) {
				if (rd == m)
					return -1;	/* not from quoted_extent */
				if ((c = t[rd]) == '"') {
					if (rd + 1 < m && t[rd + 1] == '"')
						rd++;
					else
						break;
				} else if (c == '\r' && rd + 1 < m &&
				    t[rd + 1] == '\n')
					continue;
				t[wr++] = c;
			}
			if (++rd < m && t[rd] != d)
				return -1;	/* text after the closing quote */
		} else {
			for (; rd < m && t[rd] != d; rd++) {
				/* A stray quote; an LF only comes inside quotes. */
				if (t[rd] == '"' || t[rd] == '\n')
					return -1;
				t[wr++] = t[rd];
			}
		}
		t[wr++] = '\0';
		if (rd == m)
			break;
		rd++;
	}
	r->nf = nf;
	r->fbuf.len = wr;
	return 0;
}

/*
 * A record whose first line s[0..n) holds a quote, when it ends in the
 * buffer (s[0..avail)) and libcsv would take it: decoded into fbuf, split,
 * r->past and r->lineno past its lines.  0 if so; -1 otherwise, fbuf and
 * the fields as they were, for libcsv.
 */
static int
fast_quoted(struct pc_reader *r, const char *s, size_t avail)
{
	size_t lines, m;
	long e;
	char *t, *q, *d;

	if ((e = quoted_extent(s, avail, &lines)) == -1)
		return -1;
	m = (size_t)e;
	if (m > 0 && s[m - 1] == '\r')
		m--;
	if (m + 1 > r->opt.maxrecord)
		return -1;
	if (r->dec.enc == PC_ENC_UTF8)
		pc_buf_add(&r->fbuf, s, m);
	else
		pc_decode(&r->dec, s, m, &r->fbuf);
	t = r->fbuf.s;
	/* feed()'s limit, which the fields (fewer bytes) stay within. */
	if ((m = r->fbuf.len) + 1 > r->opt.maxrecord)
		goto libcsv;
	/* The plain fields before the first quote, sixteen bytes a step. */
	q = memchr(t, '"', m);
	if ((d = q > t ? memrchr(t, r->opt.delim, (size_t)(q - t)) : NULL) !=
	    NULL && split(r, t, (size_t)(d - t), 0) == -1)
		goto libcsv;
	if (d != NULL)
		*d = '\0';
	if (split_quoted(r, t, m, d != NULL ? (size_t)(d - t) + 1 : 0) == -1)
		goto libcsv;
	r->lineno += lines;
	r->past = (size_t)e + 1;
	r->done = 1;
	return 0;
libcsv:
	pc_buf_clear(&r->fbuf);
	r->nf = 0;
	return -1;
}

/*
 * Reads the line s[0..n), its line end (LF, or the CR of a CRLF) at s[n],
 * where a record begins, as libcsv would; a record with quotes may go on
 * past it, to s[avail].  0: done (r->done set, or a blank line, which
 * libcsv drops; r->past, when not 0: the bytes the record took from s
 * on, its last line end included, in place of the line's).  -1:
 * libcsv is to read s[*took..n) on: *took is 0, or the fields before the
 * one where the first quote is were split here and libcsv left where it
 * would be after them.
 */
static int
fast_line(struct pc_reader *r, char *s, size_t n, size_t avail,
    size_t *took)
{
	char *quote, *d;
	size_t k;

	*took = 0;
	if (n == 0)
		return 0;
	if ((quote = memchr(s, '"', n)) != NULL) {
		if (fast_quoted(r, s, avail) == 0)
			return 0;
		/*
		 * Up to the last delimiter before the quote the line is
		 * plain fields: split them here, libcsv reads the rest.
		 */
		if ((d = memrchr(s, r->opt.delim, (size_t)(quote - s))) == NULL)
			return -1;
		k = (size_t)(d - s) + 1;
		/* feed() keeps the text for the reject stream. */
		if (r->dec.enc == PC_ENC_UTF8)
			pc_buf_add(&r->raw, s, k);
		else
			pc_decode(&r->dec, s, k, &r->raw);
		pc_buf_add(&r->fbuf, r->raw.s, r->raw.len);
		/* The last delimiter closes the last field: no empty one. */
		if (split(r, r->fbuf.s, r->fbuf.len - 1, 0) == -1) {
			pc_buf_clear(&r->raw);
			pc_buf_clear(&r->fbuf);
			r->nf = 0;
			return -1;
		}
		r->fbuf.s[r->fbuf.len - 1] = '\0';
		r->p.pstate = FIELD_NOT_BEGUN;
		*took = k;
		return -1;
	}
	if (r->dec.enc == PC_ENC_UTF8) {
		/* feed()'s limit: the fields with their NULs. */
		if (n + 1 > r->opt.maxrecord || split(r, s, n, 0) == -1)
			return -1;
		s[n] = '\0';
		r->fbase = s;
		r->fend = n + 1;
		r->fat = r->ioff == -1 ? -1 :
		    r->ioff + (off_t)(s - (char *)r->ibuf);
	} else {
		/*
		 * Decoded whole: the delimiter and the quote are ASCII, which
		 * a single-byte table maps to themselves and to nothing else.
		 */
		pc_decode(&r->dec, s, n, &r->fbuf);
		n = r->fbuf.len;
		pc_buf_addc(&r->fbuf, '\0');
		if (n + 1 > r->opt.maxrecord ||
		    split(r, r->fbuf.s, n, 0) == -1) {
			pc_buf_clear(&r->fbuf);
			return -1;
		}
	}
	r->done = 1;
	return 0;
}

/*
 * Reads until a record is complete.  1: a record (maybe broken, see
 * r->err); 0: end of input; -1: read error.
 */
static int
next_record(struct pc_reader *r, char *err, size_t errsz)
{
	for (;;) {
		unsigned char *s, *nl;
		size_t n, took;
		int line_ends, linestart;

		nl = r->ipos < r->ilen ? memchr(r->ibuf + r->ipos, '\n',
		    r->ilen - r->ipos) : NULL;
		if (r->ipos == r->ilen || (!r->eof && nl == NULL &&
		    r->ilen - r->ipos < CHUNK / 2)) {
			if (fill(r, err, errsz) == -1)
				return -1;
			nl = r->ipos < r->ilen ? memchr(r->ibuf + r->ipos,
			    '\n', r->ilen - r->ipos) : NULL;
		}
		if (r->ipos == r->ilen && r->eof)
			break;
		if ((linestart = r->atstart)) {
			r->lineno++;
			r->atstart = 0;
			r->skipping = 0;
			if (r->p.pstate == ROW_NOT_BEGUN)
				record_begin(r);
		}
		s = r->ibuf + r->ipos;
		n = r->ilen - r->ipos;
		if (nl != NULL) {
			n = (size_t)(nl - s) + 1;
			line_ends = 1;
		} else
			line_ends = 0;
		took = 0;
		if (line_ends && linestart && r->p.pstate == ROW_NOT_BEGUN &&
		    pc_reader_fastpath && fast_line(r, (char *)s,
		    n >= 2 && s[n - 2] == '\r' ? n - 2 : n - 1,
		    r->ilen - r->ipos, &took) == 0) {
			r->ipos += r->past > 0 ? r->past : n;
			r->past = 0;
			r->atstart = 1;
			if (r->done)
				return 1;
			continue;
		}
		r->ipos += n;
		s += took;
		n -= took;
		if (line_ends) {
			r->atstart = 1;
			if (n >= 2 && s[n - 2] == '\r') {
				feed_decoded(r, (const char *)s, n - 2);
				feed(r, "\n", 1);
			} else
				feed_decoded(r, (const char *)s, n);
			if (r->done)
				return 1;
			if (r->skipping) {
				r->skipping = 0;	/* the broken line is over */
				return 1;
			}
			continue;
		}
		/*
		 * A CR at the end of the buffer may be the first half of a
		 * CRLF: leave it for the next round, which reads more.
		 */
		if (!r->eof && s[n - 1] == '\r') {
			r->ipos--;
			n--;
		}
		/* A CR that ends the input ended a CRLF line cut short. */
		if (r->eof && s[n - 1] == '\r')
			n--;
		feed_decoded(r, (const char *)s, n);
	}
	/* End of input. */
	if (r->skipping) {
		r->skipping = 0;
		return 1;
	}
	if (r->p.pstate == ROW_NOT_BEGUN)
		return 0;
	if (r->p.pstate == FIELD_BEGUN && r->p.quoted) {
		if (r->err == PC_ROW_OK) {
			r->err = PC_ROW_QUOTE;
			snprintf(r->why, sizeof r->why,
			    "unterminated quoted field (opened on line %lu, "
			    "runs to the end of the input)", r->start);
		}
		parser_reset(r);
		return 1;
	}
	csv_fini(&r->p, onfield, onrow, r);
	return 1;
}

static int
check_bom(struct pc_reader *r, char *err, size_t errsz)
{
	while (r->ilen < 3 && !r->eof)
		if (fill(r, err, errsz) == -1)
			return -1;
	if (r->ilen >= 3 && memcmp(r->ibuf, "\xef\xbb\xbf", 3) == 0) {
		if (r->dec.enc != PC_ENC_UTF8) {
			snprintf(err, errsz, "%s:1: starts with a UTF-8 "
			    "byte-order mark but the encoding is %s (try -e "
			    "utf-8)", r->name, pc_enc_name(r->dec.enc));
			return -1;
		}
		r->ipos = 3;
	}
	return 0;
}

static int
skip_lines(struct pc_reader *r, char *err, size_t errsz)
{
	unsigned left = r->opt.skip;

	while (left > 0) {
		unsigned char *nl;

		if (r->ipos == r->ilen) {
			if (r->eof)
				break;
			if (fill(r, err, errsz) == -1)
				return -1;
			continue;
		}
		nl = memchr(r->ibuf + r->ipos, '\n', r->ilen - r->ipos);
		if (nl == NULL) {
			r->ipos = r->ilen;
			continue;
		}
		r->ipos = (size_t)(nl - r->ibuf) + 1;
		r->lineno++;
		left--;
	}
	return 0;
}

static void
make_row(struct pc_reader *r)
{
	const char *base = r->fbase != NULL ? r->fbase : r->fbuf.s;
	size_t i, end = r->fbase != NULL ? r->fend : r->fbuf.len;

	if (r->nf > r->fieldcap) {
		r->fieldcap = r->nf;
		r->fields = pc_xreallocarray(r->fields, r->fieldcap,
		    sizeof *r->fields);
	}
	for (i = 0; i < r->nf; i++) {
		r->fields[i].s = base + r->foff[i];
		r->fields[i].len = (i + 1 < r->nf ? r->foff[i + 1] : end) -
		    r->foff[i] - 1;
	}
	r->row.f = r->fields;
	r->row.nf = r->nf;
	r->row.at = r->fbase != NULL ? r->fat : -1;
	r->row.atlen = r->fbase != NULL ? r->fend - 1 : 0;
	r->row.line = r->start;
	r->row.endline = r->lineno;
	r->row.record = ++r->recno;
	r->row.err = r->err;
	r->row.errfield = 0;
	/* Its bytes, not the whole array: it is most often empty. */
	if (r->why[0] == '\0')
		r->row.why[0] = '\0';
	else
		memcpy(r->row.why, r->why, strlen(r->why) + 1);
}

/* A broken record keeps its raw text as its one field. */
static void
make_broken_row(struct pc_reader *r)
{
	r->nf = 0;
	pc_buf_clear(&r->fbuf);
	if (r->raw.len > 0 && r->raw.s[r->raw.len - 1] == '\n')
		r->raw.len--;	/* the line end is not part of the text */
	onfield(r->raw.s, r->raw.len, r);
	make_row(r);
}

static void
check_utf8(struct pc_reader *r)
{
	size_t i, bad;

	if (r->dec.enc != PC_ENC_UTF8)
		return;	/* a table's images are UTF-8 by construction */
	/*
	 * The fields lie end to end, each with its NUL: ASCII, as the
	 * delimiter was, so they are all valid when the whole run is.
	 */
	if (r->row.nf > 0) {
		size_t all = (size_t)(r->row.f[r->row.nf - 1].s -
		    r->row.f[0].s) + r->row.f[r->row.nf - 1].len;

		if (pc_utf8_invalid(r->row.f[0].s, all) == all)
			return;
	}
	for (i = 0; i < r->row.nf; i++) {
		bad = pc_utf8_invalid(r->row.f[i].s, r->row.f[i].len);
		if (bad == r->row.f[i].len)
			continue;
		r->row.err = PC_ROW_UTF8;
		r->row.errfield = i;
		snprintf(r->row.why, sizeof r->row.why,
		    "invalid UTF-8 (byte 0x%02X at byte %zu of the field)",
		    (unsigned char)r->row.f[i].s[bad], bad + 1);
		return;
	}
}

/* Orders column numbers by name, then by number. */
static _Thread_local const struct pc_reader *sort_r;

static int
colcmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(sort_r->cols[x], sort_r->cols[y]);

	return c != 0 ? c : (x > y) - (x < y);
}

/*
 * The first column (in header order) whose non-empty name an earlier one
 * already has, and that earlier one: sorted, so that a header of a
 * million columns costs n log n, not n squared.
 */
static int
dup_column(const struct pc_reader *r, size_t *second, size_t *first)
{
	size_t *ix, k, best = SIZE_MAX, bestfirst = 0;

	if (r->ncols < 2)
		return 0;
	ix = pc_xreallocarray(NULL, r->ncols, sizeof *ix);
	for (k = 0; k < r->ncols; k++)
		ix[k] = k;
	sort_r = r;
	qsort(ix, r->ncols, sizeof *ix, colcmp);
	for (k = 1; k < r->ncols; k++)
		if (r->cols[ix[k]][0] != '\0' &&
		    strcmp(r->cols[ix[k]], r->cols[ix[k - 1]]) == 0 &&
		    (k < 2 || strcmp(r->cols[ix[k]], r->cols[ix[k - 2]]) != 0) &&
		    ix[k] < best) {
			best = ix[k];
			bestfirst = ix[k - 1];
		}
	free(ix);
	if (best == SIZE_MAX)
		return 0;
	*second = best;
	*first = bestfirst;
	return 1;
}

_Thread_local int pc_syserr;

struct pc_reader *
pc_reader_open(const char *path, const struct pc_readopt *opt, char *err,
    size_t errsz)
{
	struct pc_reader *r;
	size_t i, j, len;
	int rc;

	r = pc_xcalloc(1, sizeof *r);
	r->opt = *opt;
	if (r->opt.maxrecord == 0)
		r->opt.maxrecord = PC_MAXRECORD;
	pc_syserr = 0;
	if (path == NULL || strcmp(path, "-") == 0) {
		r->name = pc_xstrdup("stdin");
		r->fd = STDIN_FILENO;
	} else {
		r->name = pc_xstrdup(path);
		if ((r->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			pc_syserr = errno;
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			goto fail;
		}
	}
	{
		struct stat st;

		/* A regular file's rows can be read again (pc_row.at). */
		r->ioff = fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode) ?
		    lseek(r->fd, 0, SEEK_CUR) : -1;
	}
	if (r->opt.delim == 0) {
		len = path ? strlen(path) : 0;
		r->opt.delim = len > 4 && strcmp(path + len - 4, ".tsv") == 0 ?
		    '\t' : ',';
	}
	if (pc_decoder_init(&r->dec, opt->enc) == -1) {
		snprintf(err, errsz, "iconv: %s: %s", pc_enc_name(opt->enc),
		    strerror(errno));
		goto fail;
	}
	csv_init(&r->p, CSV_STRICT | CSV_APPEND_NULL);
	csv_set_delim(&r->p, (unsigned char)r->opt.delim);
	csv_set_space_func(&r->p, nospace);
	csv_set_term_func(&r->p, isterm);
	csv_set_blk_size(&r->p, 64u << 10);
	r->ibuf = pc_xmalloc(CHUNK);
	r->atstart = 1;

	if (check_bom(r, err, errsz) == -1 || skip_lines(r, err, errsz) == -1)
		goto fail;
	if ((rc = next_record(r, err, errsz)) == -1)
		goto fail;
	if (rc == 0) {
		snprintf(err, errsz, "%s: empty input, no header line",
		    r->name);
		goto fail;
	}
	if (r->err != PC_ROW_OK) {
		snprintf(err, errsz, "%s:%lu: header: %s", r->name, r->start,
		    r->why);
		goto fail;
	}
	make_row(r);
	check_utf8(r);
	if (r->row.err != PC_ROW_OK) {
		snprintf(err, errsz, "%s:%lu: header: column %zu: %s", r->name,
		    r->row.line, r->row.errfield + 1, r->row.why);
		goto fail;
	}
	r->ncols = r->row.nf;
	r->cols = pc_xcalloc(r->ncols, sizeof *r->cols);
	for (i = 0; i < r->ncols; i++) {
		r->cols[i] = pc_xstrdup(r->row.f[i].s);
		/* Cut at a NUL, "ins\0x" would be taken for ins. */
		if (strlen(r->cols[i]) != r->row.f[i].len) {
			snprintf(err, errsz, "%s:%lu: header: column %zu: a NUL "
			    "byte in the name", r->name, r->row.line, i + 1);
			goto fail;
		}
		if (strchr(r->cols[i], '\r') != NULL) {
			snprintf(err, errsz, "%s:%lu: header: bare CR in a "
			    "column name (line ends of CR alone are not "
			    "supported)", r->name, r->row.line);
			goto fail;
		}
	}
	if (dup_column(r, &i, &j)) {
		struct pc_buf b = { 0 };

		pc_vis(&b, r->cols[i], strlen(r->cols[i]), 64);
		snprintf(err, errsz, "%s:%lu: header: column %s appears twice "
		    "(columns %zu and %zu)", r->name, r->row.line, b.s, j + 1,
		    i + 1);
		pc_buf_free(&b);
		goto fail;
	}
	return r;
fail:
	pc_reader_close(r);
	return NULL;
}

int
pc_reader_next(struct pc_reader *r, struct pc_row **rowp, char *err,
    size_t errsz)
{
	int rc;

	if ((rc = next_record(r, err, errsz)) <= 0)
		return rc;
	if (r->err == PC_ROW_QUOTE)
		make_broken_row(r);
	else {
		make_row(r);
		if (r->err == PC_ROW_OK && r->row.nf != r->ncols) {
			r->row.err = PC_ROW_RAGGED;
			snprintf(r->row.why, sizeof r->row.why,
			    "row has %zu field%s, the header has %zu",
			    r->row.nf, r->row.nf == 1 ? "" : "s", r->ncols);
		}
		if (r->row.err == PC_ROW_OK)
			check_utf8(r);
	}
	*rowp = &r->row;
	return 1;
}

void
pc_reader_close(struct pc_reader *r)
{
	size_t i;

	if (r == NULL)
		return;
	if (r->fd > STDIN_FILENO)
		close(r->fd);
	csv_free(&r->p);
	for (i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	free(r->cols);
	free(r->ibuf);
	free(r->foff);
	free(r->fields);
	free(r->name);
	pc_buf_free(&r->dline);
	pc_buf_free(&r->fbuf);
	pc_buf_free(&r->raw);
	free(r);
}

const char *
pc_reader_name(const struct pc_reader *r)
{
	return r->name;
}

int
pc_reader_delim(const struct pc_reader *r)
{
	return r->opt.delim;
}

int
pc_reader_dupfd(const struct pc_reader *r)
{
	return r->ioff == -1 ? -1 : fcntl(r->fd, F_DUPFD_CLOEXEC, 0);
}

size_t
pc_reader_ncols(const struct pc_reader *r)
{
	return r->ncols;
}

const char *
pc_reader_colname(const struct pc_reader *r, size_t i)
{
	return i < r->ncols ? r->cols[i] : NULL;
}

long
pc_reader_col(const struct pc_reader *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->ncols; i++)
		if (strcmp(r->cols[i], name) == 0)
			return (long)i;
	return -1;
}

unsigned long
pc_reader_lines(const struct pc_reader *r)
{
	return r->lineno;
}
