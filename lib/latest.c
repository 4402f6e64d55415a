/*
 * latest.c - a table read whole, keeping the latest row of each key.
 *
 * The tables are append-only and a correction is a new row: a tool that
 * reports on pathways must see each pathway once, as its latest row says.
 * Rows keep the place of the key's first appearance, so that the report
 * follows the input's order.  Memory grows with the table: a row is each
 * field's length then its bytes and a NUL, packed into blocks of a
 * megabyte freed at once (a malloc per row costs more than the rest of
 * the load), and a later row takes its key's place when it fits there;
 * one that does not leaves the earlier row's bytes unused until the table
 * is freed.  A length takes one byte below 255, else 255 then four: most
 * fields are short, and every byte of a million rows is a page the kernel
 * must clear first, which showed in ald30-check's profile.
 *
 * A lean table (pc_latest_load_lean) goes further: a key's first row,
 * when it stands in a regular file as its fields, cut at each delimiter,
 * is not copied at all (a correction is kept whole, as before).  Its key
 * and its place in the file are kept, and a cursor reads it again, a
 * window of the file at a time (WINDOW).  The file's bytes are then in
 * the page cache, which costs nothing more; the 260 bytes of a pathway
 * row kept here were half of ald30-check's memory and a tenth of its
 * time.  A row read again must have the same fields, key and bytes (to a
 * 32-bit sum) as when it was read: the file was otherwise rewritten under
 * the run, which ends it.
 * Appending is safe, and so is replacing the file by a rename (the table
 * holds the file it read open).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "parcours.h"


/*
 * A row kept whole (at == -1) is buf, packed.  A row left in the file is
 * atlen bytes at offset at, and buf holds its key alone, packed.
 */
struct lrow {
	char		*buf;
	unsigned long	 line;
	off_t		 at;
	uint32_t	 atlen;		/* < PC_MAXRECORD */
	uint32_t	 sum;		/* of the bytes, cut as they are read */
};

#define LONGLEN	255		/* a length of 4 bytes follows */

struct slot {
	uint32_t	 h;		/* of the key */
	uint32_t	 i;		/* into rows, + 1; 0: free */
};

struct pc_latest {
	char		**cols;
	size_t		 ncols;
	unsigned char	*kept;		/* NULL: every column; else 1 each */
	struct lrow	*rows;
	size_t		 n, cap;
	struct slot	*slot;		/* open addressing over keys */
	size_t		 nslot;
	long		 kc;		/* the key's column */
	struct pc_arena	 arena;
	int		 fd;		/* of a lean table's file, else -1 */
	int		 delim;
	char		*name;
	struct pc_latest_cursor *cur;	/* pc_latest_row()'s */
};

/*
 * A row left in the file is the first of its key (a correction is kept
 * whole), so that rows, asked for in the order of the keys' first rows,
 * come in the file's order: read a window at a time.  make check-asan,
 * check-tsan and the fuzz targets set it small.
 */
#ifndef LATEST_WINDOW
#define LATEST_WINDOW	(256u << 10)
#endif
#define WINDOW	LATEST_WINDOW

struct pc_latest_cursor {
	const struct pc_latest *l;
	struct pc_field	*f;
	char		*win;
	size_t		 wcap, wlen;
	off_t		 wat;		/* win[0]'s offset; -1: empty */
	char		*row;		/* the row read, cut by NULs */
	size_t		 rowcap;
	const char	*raw;		/* its bytes in the window, if read */
	size_t		 rawlen;
};

/* The field at p in a packed row: its bytes, its length; then the next. */
static const char *
field_at(const char *p, size_t *len)
{
	uint32_t n = (unsigned char)*p++;

	if (n == LONGLEN) {
		memcpy(&n, p, sizeof n);
		p += sizeof n;
	}
	*len = n;
	return p;
}

/* A row's key: the key column of a packed row, or its key alone. */
static const char *
key_of(const struct pc_latest *l, const struct lrow *r, size_t *klen)
{
	const char *p = r->buf;
	size_t len;
	long i;

	if (r->at != -1)
		return field_at(p, klen);
	for (i = 0; i < l->kc; i++) {
		p = field_at(p, &len);
		p += len + 1;
	}
	return field_at(p, klen);
}

static size_t
len_size(size_t n)
{
	return n < LONGLEN ? 1 : 1 + sizeof(uint32_t);
}

static void
rehash(struct pc_latest *l, size_t rows)
{
	struct slot *old = l->slot;
	size_t i, j, nold = l->nslot;

	l->nslot = l->nslot ? l->nslot * 2 : 1024;
	/* Most tables are read from a regular file: sized for its rows. */
	while (l->nslot * 3 < rows * 4)
		l->nslot *= 2;
	l->slot = pc_table_alloc(l->nslot, sizeof *l->slot);
	for (i = 0; i < nold; i++) {
		if (old[i].i == 0)
			continue;
		for (j = old[i].h & (l->nslot - 1); l->slot[j].i != 0;
		    j = (j + 1) & (l->nslot - 1))
			;
		l->slot[j] = old[i];
	}
	pc_table_free(old, nold, sizeof *old);
}

/* A column's length as kept: a column not kept is empty. */
static size_t
kept_len(const struct pc_latest *l, const struct pc_row *row, size_t i)
{
	return l->kept == NULL || l->kept[i] ? row->f[i].len : 0;
}

/* The bytes a packed row takes. */
static size_t
packed_size(const struct pc_latest *l, const struct pc_row *row)
{
	size_t i, n, total = 0;

	for (i = 0; i < row->nf; i++) {
		n = kept_len(l, row, i);
		total += len_size(n) + n + 1;
	}
	return total;
}

static size_t
row_size(const struct pc_latest *l, const char *buf)
{
	const char *p = buf;
	size_t i, n;

	for (i = 0; i < l->ncols; i++) {
		p = field_at(p, &n);
		p += n + 1;
	}
	return (size_t)(p - buf);
}

/* A field's length, then its bytes and a NUL, at p; the next place. */
static char *
pack_field(char *p, const char *s, size_t n)
{
	uint32_t n32 = (uint32_t)n;	/* < 8 MiB a record */

	if (n < LONGLEN)
		*p++ = (char)n;
	else {
		*p++ = (char)LONGLEN;
		memcpy(p, &n32, sizeof n32);
		p += sizeof n32;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p + n + 1;
}

static void
pack(const struct pc_latest *l, char *p, const struct pc_row *row)
{
	size_t i;

	for (i = 0; i < row->nf; i++)
		p = pack_field(p, row->f[i].s, kept_len(l, row, i));
}

/* A key alone, packed as a row's field is: a row left in the file. */
static char *
pack_key(struct pc_latest *l, const struct pc_field *k)
{
	char *buf = pc_arena_alloc(&l->arena, len_size(k->len) + k->len + 1,
	    1);

	pack_field(buf, k->s, k->len);
	return buf;
}

/*
 * Row r takes row's fields: left in the file when it can be (lean), else
 * packed, in r's bytes when they are packed and large enough.
 */
static void
put(struct pc_latest *l, struct lrow *r, const struct pc_row *row, int fresh)
{
	size_t need;

	r->line = row->line;
	/*
	 * Only a key's first row: corrections, appended in any order,
	 * would make the reading jump about the file.
	 */
	if (l->fd != -1 && row->at != -1 && fresh) {
		r->buf = pack_key(l, &row->f[l->kc]);
		r->at = row->at;
		r->atlen = (uint32_t)row->atlen;
		/* Its fields lie end to end, each cut by a NUL. */
		r->sum = (uint32_t)pc_sum(row->f[0].s, row->atlen);
		return;
	}
	need = packed_size(l, row);
	if (fresh || r->at != -1 || need > row_size(l, r->buf))
		r->buf = pc_arena_alloc(&l->arena, need, 1);
	r->at = -1;
	pack(l, r->buf, row);
}

static struct pc_latest *
load(const char *path, const struct pc_readopt *ro, const char *key,
    const char *const *keep, size_t nkeep, int lean, char *err, size_t errsz)
{
	struct pc_reader *rd;
	struct pc_row *row;
	struct pc_latest *l;
	long kc;
	size_t i, h, klen, rows = 0;
	uint32_t hk;
	int rc, fd;

	if ((rd = pc_reader_open(path, ro, err, errsz)) == NULL)
		return NULL;
	if ((kc = pc_reader_col(rd, key)) == -1) {
		snprintf(err, errsz, "%s:1: header: no column %s",
		    pc_reader_name(rd), key);
		pc_reader_close(rd);
		return NULL;
	}
	l = pc_xcalloc(1, sizeof *l);
	l->ncols = pc_reader_ncols(rd);
	l->cols = pc_xcalloc(l->ncols ? l->ncols : 1, sizeof *l->cols);
	for (i = 0; i < l->ncols; i++)
		l->cols[i] = pc_xstrdup(pc_reader_colname(rd, i));
	l->kc = kc;
	l->fd = lean ? pc_reader_dupfd(rd) : -1;
	l->delim = pc_reader_delim(rd);
	l->name = pc_xstrdup(pc_reader_name(rd));
	if (keep != NULL) {
		l->kept = pc_xcalloc(l->ncols ? l->ncols : 1, 1);
		l->kept[kc] = 1;
		for (i = 0; i < nkeep; i++) {
			long c = pc_reader_col(rd, keep[i]);

			if (c >= 0)
				l->kept[c] = 1;
		}
	}
	if ((fd = l->fd != -1 ? l->fd : pc_reader_dupfd(rd)) != -1) {
		rows = pc_rows_guess_fd(fd);
		if (fd != l->fd)
			close(fd);
	}
	rehash(l, rows);
	while ((rc = pc_reader_next(rd, &row, err, errsz)) == 1) {
		const char *k;
		struct slot *sl;

		if (row->err != PC_ROW_OK) {
			snprintf(err, errsz, "%s:%lu: %s", pc_reader_name(rd),
			    row->line, row->why);
			rc = -1;
			break;
		}
		if (row->nf != l->ncols) {	/* a row error, caught above */
			snprintf(err, errsz, "%s:%lu: not %zu fields",
			    pc_reader_name(rd), row->line, l->ncols);
			rc = -1;
			break;
		}
		/* The key as a string: cut at a NUL, as strcmp sees it. */
		k = row->f[kc].s;
		hk = (uint32_t)(pc_hash(k, strlen(k)) >> 32);
		h = hk & (l->nslot - 1);
		while (l->slot[h].i != 0 && (l->slot[h].h != hk ||
		    strcmp(key_of(l, &l->rows[l->slot[h].i - 1], &klen),
		    k) != 0))
			h = (h + 1) & (l->nslot - 1);
		sl = &l->slot[h];
		if (sl->i != 0) {
			/* A later row for a known key: it replaces the row. */
			put(l, &l->rows[sl->i - 1], row, 0);
			continue;
		}
		if (l->n == UINT32_MAX) {
			snprintf(err, errsz, "%s:%lu: more than %lu keys",
			    pc_reader_name(rd), row->line,
			    (unsigned long)UINT32_MAX);
			rc = -1;
			break;
		}
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 1024;

			/* Huge pages, as the arena the rows are in. */
			l->rows = pc_table_grow(l->rows, l->cap, cap,
			    sizeof *l->rows);
			l->cap = cap;
		}
		put(l, &l->rows[l->n], row, 1);
		sl->h = hk;
		sl->i = (uint32_t)++l->n;
		if (l->n * 4 > l->nslot * 3)
			rehash(l, 0);
	}
	pc_reader_close(rd);
	if (rc == -1) {
		pc_latest_free(l);
		return NULL;
	}
	l->cur = pc_latest_cursor(l);
	return l;
}

struct pc_latest *
pc_latest_load(const char *path, const struct pc_readopt *ro,
    const char *key, char *err, size_t errsz)
{
	return load(path, ro, key, NULL, 0, 0, err, errsz);
}

struct pc_latest *
pc_latest_load_cols(const char *path, const struct pc_readopt *ro,
    const char *key, const char *const *keep, size_t nkeep, int lean,
    char *err, size_t errsz)
{
	return load(path, ro, key, keep, nkeep, lean, err, errsz);
}

struct pc_latest *
pc_latest_load_lean(const char *path, const struct pc_readopt *ro,
    const char *key, char *err, size_t errsz)
{
	return load(path, ro, key, NULL, 0, 1, err, errsz);
}

size_t
pc_latest_ncols(const struct pc_latest *l)
{
	return l->ncols;
}

const char *
pc_latest_colname(const struct pc_latest *l, size_t i)
{
	return i < l->ncols ? l->cols[i] : NULL;
}

long
pc_latest_col(const struct pc_latest *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->ncols; i++)
		if (strcmp(l->cols[i], name) == 0)
			return (long)i;
	return -1;
}

size_t
pc_latest_nrows(const struct pc_latest *l)
{
	return l->n;
}

const char *
pc_latest_key(const struct pc_latest *l, size_t i)
{
	size_t klen;

	return key_of(l, &l->rows[i], &klen);
}

const struct pc_field *
pc_latest_row(struct pc_latest *l, size_t i, unsigned long *line)
{
	return pc_latest_read(l->cur, i, line);
}

struct pc_latest_cursor *
pc_latest_cursor(const struct pc_latest *l)
{
	struct pc_latest_cursor *c = pc_xcalloc(1, sizeof *c);

	c->l = l;
	c->f = pc_xcalloc(l->ncols ? l->ncols : 1, sizeof *c->f);
	c->wat = -1;
	return c;
}

void
pc_latest_cursor_free(struct pc_latest_cursor *c)
{
	if (c == NULL)
		return;
	free(c->f);
	free(c->win);
	free(c->row);
	free(c);
}

static void
changed(const struct pc_latest *l, const struct lrow *r)
{
	pc_warnx("%s:%lu: the file changed under the run (the row is no "
	    "longer where it was read): run again", l->name, r->line);
	exit(PC_EXIT_IO);
}

/*
 * r's bytes and, unless the file ends there, the byte after them (its
 * line end): *avail bytes from the pointer returned.  The window is read
 * again from r's place when it does not hold them.
 */
static const char *
fetch(struct pc_latest_cursor *c, const struct lrow *r, size_t *avail)
{
	size_t want = (size_t)r->atlen + 1;
	ssize_t got;

	if (c->wat != -1 && r->at >= c->wat &&
	    (size_t)(r->at - c->wat) + want <= c->wlen)
		goto found;
	if (want < WINDOW)
		want = WINDOW;
	if (want > c->wcap) {
		free(c->win);
		c->win = pc_xmalloc(want);
		c->wcap = want;
	}
	c->wat = -1;
	if ((got = pc_pread_upto(c->l->fd, c->win, want, r->at)) == -1) {
		pc_warnx("%s: %s", c->l->name, strerror(errno));
		exit(PC_EXIT_IO);
	}
	if ((size_t)got < r->atlen)
		changed(c->l, r);	/* cut short */
	c->wat = r->at;
	c->wlen = (size_t)got;
found:
	*avail = c->wlen - (size_t)(r->at - c->wat);
	return c->win + (r->at - c->wat);
}

/* Cuts field k, row[start..end), at the delimiter at end. */
static inline void
cut(struct pc_latest_cursor *c, const struct lrow *r, size_t *k,
    size_t *start, size_t end)
{
	if (*k == c->l->ncols)
		changed(c->l, r);
	c->row[end] = '\0';
	c->f[*k].s = c->row + *start;
	c->f[*k].len = end - *start;
	++*k;
	*start = end + 1;
}

/* Row r, left in the file: read again, cut, and checked to be the same. */
static const struct pc_field *
reread(struct pc_latest_cursor *c, const struct lrow *r)
{
	const struct pc_latest *l = c->l;
	const char d = (char)l->delim;
	size_t n = r->atlen, i = 0, k = 0, start = 0, klen, avail;
	const char *src = fetch(c, r, &avail), *key;

	/* The line end after it, unless the file ends there. */
	if (avail > n && src[n] != '\n' && src[n] != '\r')
		changed(l, r);
	if (n + 1 > c->rowcap) {
		free(c->row);
		c->rowcap = n + 1 > 256 ? n + 1 : 256;
		c->row = pc_xmalloc(c->rowcap);
	}
	memcpy(c->row, src, n);
	c->row[n] = '\0';
#ifdef __SSE2__
	/* Sixteen bytes at a time, as the reader's split. */
	{
		const __m128i dv = _mm_set1_epi8(d);

		for (; i + 16 <= n; i += 16) {
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			    _mm_loadu_si128((const __m128i *)(c->row + i)),
			    dv));

			for (; m != 0; m &= m - 1)
				cut(c, r, &k, &start, i +
				    (size_t)__builtin_ctz(m));
		}
	}
#endif
	for (; i < n; i++)
		if (c->row[i] == d)
			cut(c, r, &k, &start, i);
	cut(c, r, &k, &start, n);
	/* The same fields, the same key, the same bytes. */
	key = key_of(l, r, &klen);
	if (k != l->ncols || c->f[l->kc].len != klen ||
	    memcmp(c->f[l->kc].s, key, klen) != 0 ||
	    (uint32_t)pc_sum(c->row, n) != r->sum)
		changed(l, r);
	c->raw = src;
	c->rawlen = n;
	return c->f;
}

/*
 * A row read from the file has no quote and no line end (the reader's
 * fast path), and no field holds the delimiter it was cut at: written
 * back with that delimiter, its fields are its bytes, unless one holds a
 * CR, which a writer quotes.
 */
const char *
pc_latest_plain(const struct pc_latest_cursor *c, int delim, size_t *n)
{
	if (c->raw == NULL || delim != c->l->delim ||
	    memchr(c->raw, '\r', c->rawlen) != NULL)
		return NULL;
	*n = c->rawlen;
	return c->raw;
}

const struct pc_field *
pc_latest_read(struct pc_latest_cursor *c, size_t i, unsigned long *line)
{
	const struct lrow *r = &c->l->rows[i];
	const char *p = r->buf;
	size_t k;

	if (line != NULL)
		*line = r->line;
	c->raw = NULL;
	if (r->at != -1)
		return reread(c, r);
	for (k = 0; k < c->l->ncols; k++) {
		c->f[k].s = p = field_at(p, &c->f[k].len);
		p += c->f[k].len + 1;
	}
	return c->f;
}

void
pc_latest_free(struct pc_latest *l)
{
	size_t i;

	if (l == NULL)
		return;
	pc_arena_free(&l->arena);
	for (i = 0; i < l->ncols; i++)
		free(l->cols[i]);
	free(l->cols);
	pc_table_free(l->rows, l->cap, sizeof *l->rows);
	pc_table_free(l->slot, l->nslot, sizeof *l->slot);
	pc_latest_cursor_free(l->cur);
	if (l->fd != -1)
		close(l->fd);
	free(l->name);
	free(l->kept);
	free(l);
}
