/*
 * latest.c - a table read whole, keeping the latest row of each key.
 *
 * The tables are append-only and a correction is a new row: a tool that
 * reports on pathways must see each pathway once, as its latest row says.
 * Rows keep the place of the key's first appearance, so that the report
 * follows the input's order.  Memory grows with the table.
 */
#include <stdlib.h>
#include <string.h>

#include "parcours.h"

struct lrow {
	char		**f;
	size_t		 nf;
	unsigned long	 line;
};

struct pc_latest {
	char		**cols;
	size_t		 ncols;
	struct lrow	*rows;
	size_t		 n, cap;
	char		**keys;		/* copies: a replaced row is freed */
	size_t		*slot;		/* open addressing over keys */
	size_t		 nslot;
	struct pc_field	*tmp;
};

static size_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 29));
}

static void
rehash(struct pc_latest *l)
{
	size_t i, h;

	l->nslot = l->nslot ? l->nslot * 2 : 1024;
	free(l->slot);
	l->slot = pc_xcalloc(l->nslot, sizeof *l->slot);
	for (i = 0; i < l->n; i++) {
		h = hash(l->keys[i]) & (l->nslot - 1);
		while (l->slot[h] != 0)
			h = (h + 1) & (l->nslot - 1);
		l->slot[h] = i + 1;
	}
}

static void
row_free(struct lrow *r)
{
	size_t i;

	for (i = 0; i < r->nf; i++)
		free(r->f[i]);
	free(r->f);
}

struct pc_latest *
pc_latest_load(const char *path, const struct pc_readopt *ro,
    const char *key, char *err, size_t errsz)
{
	struct pc_reader *rd;
	struct pc_row *row;
	struct pc_latest *l;
	long kc;
	size_t i, h;
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
	rehash(l);
	while ((rc = pc_reader_next(rd, &row, err, errsz)) == 1) {
		struct lrow nr;
		const char *k;

		if (row->err != PC_ROW_OK) {
			snprintf(err, errsz, "%s:%lu: %s", pc_reader_name(rd),
			    row->line, row->why);
			rc = -1;
			break;
		}
		nr.nf = row->nf;
		nr.line = row->line;
		nr.f = pc_xcalloc(row->nf, sizeof *nr.f);
		for (i = 0; i < row->nf; i++)
			nr.f[i] = pc_xstrdup(row->f[i].s);
		k = row->f[kc].s;
		h = hash(k) & (l->nslot - 1);
		while (l->slot[h] != 0 && strcmp(l->keys[l->slot[h] - 1], k))
			h = (h + 1) & (l->nslot - 1);
		if (l->slot[h] != 0) {
			/* A later row for a known key: it replaces the row. */
			struct lrow *old = &l->rows[l->slot[h] - 1];

			row_free(old);
			*old = nr;
			continue;
		}
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 1024;
			l->rows = pc_xreallocarray(l->rows, l->cap,
			    sizeof *l->rows);
			l->keys = pc_xreallocarray(l->keys, l->cap,
			    sizeof *l->keys);
		}
		l->rows[l->n] = nr;
		l->keys[l->n] = pc_xstrdup(k);
		l->slot[h] = ++l->n;
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

const struct pc_field *
pc_latest_row(struct pc_latest *l, size_t i, unsigned long *line)
{
	struct lrow *r = &l->rows[i];
	size_t k;

	free(l->tmp);
	l->tmp = pc_xcalloc(r->nf ? r->nf : 1, sizeof *l->tmp);
	for (k = 0; k < r->nf; k++) {
		l->tmp[k].s = r->f[k];
		l->tmp[k].len = strlen(r->f[k]);
	}
	if (line != NULL)
		*line = r->line;
	return l->tmp;
}

void
pc_latest_free(struct pc_latest *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		row_free(&l->rows[i]);
		free(l->keys[i]);
	}
	for (i = 0; i < l->ncols; i++)
		free(l->cols[i]);
	free(l->cols);
	free(l->rows);
	free(l->keys);
	free(l->slot);
	free(l->tmp);
	free(l);
}
