/*
 * latest.c - a table read whole, keeping the latest row of each key.
 *
 * The tables are append-only and a correction is a new row: a tool that
 * reports on pathways must see each pathway once, as its latest row says.
 * Rows keep the place of the key's first appearance, so that the report
 * follows the input's order.  Memory grows with the table: a row is one
 * allocation, its fields' lengths then their bytes, and a key points into
 * its row.
 */
#include <stdlib.h>
#include <string.h>

#include "parcours.h"

struct lrow {
	char		*buf;		/* uint32_t len[ncols], then the fields */
	unsigned long	 line;
};

struct pc_latest {
	char		**cols;
	size_t		 ncols;
	struct lrow	*rows;
	size_t		 n, cap;
	const char	**keys;		/* into the rows */
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

/* A row in one allocation; *key is where field kc landed. */
static char *
pack(const struct pc_row *row, long kc, const char **key)
{
	size_t i, total = row->nf * sizeof(uint32_t);
	uint32_t *len;
	char *b, *p;

	*key = "";
	for (i = 0; i < row->nf; i++)
		total += row->f[i].len + 1;
	b = pc_xmalloc(total);
	len = (uint32_t *)(void *)b;
	p = b + row->nf * sizeof(uint32_t);
	for (i = 0; i < row->nf; i++) {
		len[i] = (uint32_t)row->f[i].len;	/* < 8 MiB a record */
		memcpy(p, row->f[i].s, row->f[i].len);
		p[row->f[i].len] = '\0';
		if ((long)i == kc)
			*key = p;
		p += row->f[i].len + 1;
	}
	return b;
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
	l->tmp = pc_xcalloc(l->ncols ? l->ncols : 1, sizeof *l->tmp);
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
		if (row->nf != l->ncols) {	/* a row error, caught above */
			snprintf(err, errsz, "%s:%lu: not %zu fields",
			    pc_reader_name(rd), row->line, l->ncols);
			rc = -1;
			break;
		}
		nr.line = row->line;
		nr.buf = pack(row, kc, &k);
		h = hash(k) & (l->nslot - 1);
		while (l->slot[h] != 0 && strcmp(l->keys[l->slot[h] - 1], k))
			h = (h + 1) & (l->nslot - 1);
		if (l->slot[h] != 0) {
			/* A later row for a known key: it replaces the row. */
			size_t j = l->slot[h] - 1;

			free(l->rows[j].buf);
			l->rows[j] = nr;
			l->keys[j] = k;
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
		l->keys[l->n] = k;
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
	const struct lrow *r = &l->rows[i];
	const uint32_t *len = (const uint32_t *)(const void *)r->buf;
	const char *p = r->buf + l->ncols * sizeof(uint32_t);
	size_t k;

	for (k = 0; k < l->ncols; k++) {
		l->tmp[k].s = p;
		l->tmp[k].len = len[k];
		p += len[k] + 1;
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
	for (i = 0; i < l->n; i++)
		free(l->rows[i].buf);
	for (i = 0; i < l->ncols; i++)
		free(l->cols[i]);
	free(l->cols);
	free(l->rows);
	free(l->keys);
	free(l->slot);
	free(l->tmp);
	free(l);
}
