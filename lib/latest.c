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
 */
#include <stdlib.h>
#include <string.h>

#include "parcours.h"


struct lrow {
	char		*buf;		/* each field: its length, its bytes, NUL */
	unsigned long	 line;
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
	struct pc_field	*tmp;
	long		 kc;		/* the key's column */
	struct pc_arena	 arena;
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

/* Where the key column kc is in a packed row. */
static const char *
key_of(const char *buf, long kc)
{
	const char *p = buf;
	size_t len;
	long i;

	for (i = 0; i < kc; i++) {
		p = field_at(p, &len);
		p += len + 1;
	}
	return field_at(p, &len);
}

static size_t
len_size(size_t n)
{
	return n < LONGLEN ? 1 : 1 + sizeof(uint32_t);
}

static void
rehash(struct pc_latest *l)
{
	struct slot *old = l->slot;
	size_t i, j, nold = l->nslot;

	l->nslot = l->nslot ? l->nslot * 2 : 1024;
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

static void
pack(const struct pc_latest *l, char *p, const struct pc_row *row)
{
	size_t i, n;
	uint32_t n32;

	for (i = 0; i < row->nf; i++) {
		n = kept_len(l, row, i);
		if (n < LONGLEN)
			*p++ = (char)n;
		else {
			*p++ = (char)LONGLEN;
			n32 = (uint32_t)n;	/* < 8 MiB a record */
			memcpy(p, &n32, sizeof n32);
			p += sizeof n32;
		}
		memcpy(p, row->f[i].s, n);
		p[n] = '\0';
		p += n + 1;
	}
}

struct pc_latest *
pc_latest_load(const char *path, const struct pc_readopt *ro,
    const char *key, char *err, size_t errsz)
{
	return pc_latest_load_cols(path, ro, key, NULL, 0, err, errsz);
}

struct pc_latest *
pc_latest_load_cols(const char *path, const struct pc_readopt *ro,
    const char *key, const char *const *keep, size_t nkeep, char *err,
    size_t errsz)
{
	struct pc_reader *rd;
	struct pc_row *row;
	struct pc_latest *l;
	long kc;
	size_t i, h, need;
	uint32_t hk;
	int rc;

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
	l->tmp = pc_xcalloc(l->ncols ? l->ncols : 1, sizeof *l->tmp);
	l->kc = kc;
	if (keep != NULL) {
		l->kept = pc_xcalloc(l->ncols ? l->ncols : 1, 1);
		l->kept[kc] = 1;
		for (i = 0; i < nkeep; i++) {
			long c = pc_reader_col(rd, keep[i]);

			if (c >= 0)
				l->kept[c] = 1;
		}
	}
	rehash(l);
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
		    strcmp(key_of(l->rows[l->slot[h].i - 1].buf, kc),
		    k) != 0))
			h = (h + 1) & (l->nslot - 1);
		sl = &l->slot[h];
		need = packed_size(l, row);
		if (sl->i != 0) {
			/* A later row for a known key: it replaces the row. */
			struct lrow *r = &l->rows[sl->i - 1];

			if (need > row_size(l, r->buf))
				r->buf = pc_arena_alloc(&l->arena, need, 1);
			pack(l, r->buf, row);
			r->line = row->line;
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
		l->rows[l->n].buf = pc_arena_alloc(&l->arena, need, 1);
		l->rows[l->n].line = row->line;
		pack(l, l->rows[l->n].buf, row);
		sl->h = hk;
		sl->i = (uint32_t)++l->n;
		if (l->n * 4 > l->nslot * 3)
			rehash(l);
	}
	pc_reader_close(rd);
	if (rc == -1) {
		pc_latest_free(l);
		return NULL;
	}
	return l;
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
	return key_of(l->rows[i].buf, l->kc);
}

const struct pc_field *
pc_latest_row(struct pc_latest *l, size_t i, unsigned long *line)
{
	return pc_latest_fields(l, i, l->tmp, line);
}

const struct pc_field *
pc_latest_fields(const struct pc_latest *l, size_t i, struct pc_field *f,
    unsigned long *line)
{
	const struct lrow *r = &l->rows[i];
	const char *p = r->buf;
	size_t k;

	for (k = 0; k < l->ncols; k++) {
		f[k].s = p = field_at(p, &f[k].len);
		p += f[k].len + 1;
	}
	if (line != NULL)
		*line = r->line;
	return f;
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
	free(l->tmp);
	free(l->kept);
	free(l);
}
