/*
 * import.c - what every record-making tool does with its input: find each
 * column's source (a map or the table's own names), take a value through
 * the map's rewrites and date formats and its field check, collect every
 * reason a row fails, and account for every row: written, skipped or in
 * the reject stream with its line and reasons.  The tool itself only adds
 * its own checks across fields and what it makes of a good row.
 */
#include <stdlib.h>
#include <string.h>

#include "parcours.h"

#define ERRSZ	512

void
pc_import_init(struct pc_import *im, const struct pc_table *t,
    struct pc_map *map, const struct pc_vocab *vocab)
{
	size_t c;

	memset(im, 0, sizeof *im);
	im->t = t;
	im->map = map;
	im->vocab = vocab;
	im->delim_out = ',';
	/* Asked for every column of every row: asked once. */
	for (c = 0; map != NULL && c < t->ncols; c++)
		im->mapchg[c] = (unsigned char)pc_map_changes(map, c);
}

void
pc_import_status(struct pc_import *im, int s)
{
	if (s > im->status)
		im->status = s;
}

void
pc_import_bail(struct pc_import *im, int status)
{
	if (im->out)
		pc_writer_close(im->out, 0, NULL, 0);
	if (im->rej)
		pc_writer_close(im->rej, 0, NULL, 0);
	exit(status);
}

static void
write_failed(struct pc_import *im)
{
	char err[ERRSZ];
	int rc;

	rc = pc_writer_close(im->out, 1, err, sizeof err);
	im->out = NULL;
	if (rc == 1)
		pc_import_bail(im, im->status);	/* the reader went away */
	pc_warnx("%s", err);
	pc_import_bail(im, PC_EXIT_IO);
}

void
pc_import_write(struct pc_import *im, const char *const *v, size_t n)
{
	if (pc_writer_rowv(im->out, v, n) == -1)
		write_failed(im);
	im->nwritten++;
}

/* One row formatted by pc_csv_format_row. */
void
pc_import_write_raw(struct pc_import *im, const char *s, size_t n)
{
	if (pc_writer_raw(im->out, s, n) == -1)
		write_failed(im);
	im->nwritten++;
}

void
pc_import_reason(struct pc_import *im, const char *col, const char *why)
{
	if (im->reasons.len > 0)
		pc_buf_adds(&im->reasons, "; ");
	if (col != NULL) {
		pc_buf_adds(&im->reasons, col);
		pc_buf_adds(&im->reasons, ": ");
	}
	pc_buf_adds(&im->reasons, why);
}

/* "file:line: " for the row at hand, or nothing for operands. */
static void
where(struct pc_import *im, struct pc_buf *b)
{
	pc_buf_clear(b);
	if (im->file != NULL) {
		pc_where(b, im->file, im->line, im->record);
		pc_buf_adds(b, ": ");
	}
}

static void
open_rejects(struct pc_import *im, const char *const *cols, size_t n)
{
	const char **hdr;
	char err[ERRSZ];
	size_t i;
	int st;

	if (im->rejpath == NULL)
		return;
	if (im->rej != NULL) {
		/* One reject stream: later inputs must share its columns. */
		int same = n == im->nrejcols;

		for (i = 0; same && i < n; i++)
			same = strcmp(cols[i], im->rejcols[i]) == 0;
		if (!same) {
			pc_warnx("%s: with -r, every input must have the "
			    "header of the first", im->rejpath);
			pc_import_bail(im, PC_EXIT_USAGE);
		}
		return;
	}
	hdr = pc_xcalloc(n + 2, sizeof *hdr);
	im->rejcols = pc_xcalloc(n ? n : 1, sizeof *im->rejcols);
	for (i = 0; i < n; i++) {
		hdr[i] = cols[i];
		im->rejcols[i] = pc_xstrdup(cols[i]);
	}
	im->nrejcols = n;
	hdr[n] = "line";
	hdr[n + 1] = "reason";
	im->rej = pc_writer_open(im->rejpath, PC_OUT_REPLACE, im->delim_out,
	    hdr, n + 2, err, sizeof err, &st);
	free(hdr);
	if (im->rej == NULL) {
		pc_warnx("%s", err);
		pc_import_bail(im, st);
	}
	pc_writer_safe_csv(im->rej, im->safe_csv);
}

/*
 * A rejected row goes to the reject stream whole: its fields in the input's
 * columns (a short row padded, a long row's extra fields after the reason),
 * so that nothing read is lost.  Without -r, or with -v, each reason is a
 * line on stderr.
 */
void
pc_import_reject(struct pc_import *im, const struct pc_field *f, size_t nf)
{
	struct pc_field *out;
	size_t i, n, ncols = im->nrejcols;
	char lbuf[24];

	im->nrejected++;
	pc_import_status(im, PC_EXIT_REJECT);
	if (im->rej == NULL || im->verbose) {
		char *s = im->reasons.s, *e;

		for (;;) {
			e = strstr(s, "; ");
			where(im, &im->msg);
			pc_buf_add(&im->msg, s, e ? (size_t)(e - s) : strlen(s));
			pc_warnx("%s", im->msg.s);
			if (e == NULL)
				break;
			s = e + 2;
		}
	}
	if (im->rej == NULL)
		return;
	n = (nf > ncols ? nf : ncols) + 2;
	out = pc_xcalloc(n, sizeof *out);
	for (i = 0; i < ncols; i++) {
		out[i].s = i < nf ? f[i].s : "";
		out[i].len = i < nf ? f[i].len : 0;
	}
	snprintf(lbuf, sizeof lbuf, "%lu", im->line);
	out[ncols].s = lbuf;
	out[ncols].len = strlen(lbuf);
	out[ncols + 1].s = im->reasons.s;
	out[ncols + 1].len = im->reasons.len;
	for (i = ncols; i < nf; i++)
		out[i + 2] = f[i];
	if (pc_writer_row(im->rej, out, n) == -1) {
		char err[ERRSZ];

		free(out);
		/* Closing says why (a full disk) and drops the temporary. */
		if (pc_writer_close(im->rej, 1, err, sizeof err) == -1)
			pc_warnx("%s", err);
		else
			pc_warnx("%s: write error", im->rejpath);
		im->rej = NULL;
		pc_import_bail(im, PC_EXIT_IO);
	}
	free(out);
}

/*
 * Takes every column's value through the map and its check: canon[c] gets
 * the canonical value, ok[c] says whether there is one, and each failure
 * is a reason.  0 when the row has no reason so far.
 */
int
pc_import_values(struct pc_import *im, const struct pc_binding *b,
    const struct pc_field *f, size_t nf)
{
	const struct pc_table *t = im->t;
	char why[1024];	/* a vocabulary lists its words */
	size_t c;

	pc_buf_clear(&im->reasons);
	for (c = 0; c < t->ncols; c++) {
		const struct pc_column *col = &t->cols[c];
		const char *s;
		size_t a, e, n;
		int rc;

		im->ok[c] = 0;
		im->empty[c] = 0;
		pc_buf_clear(&im->canon[c]);
		if (col->flags & PC_COL_DERIVED)
			continue;
		if (b->constant[c] != NULL) {
			s = b->constant[c];
			n = strlen(s);
		} else if (b->src[c] >= 0 && (size_t)b->src[c] < nf) {
			s = f[b->src[c]].s;
			n = f[b->src[c]].len;
		} else {
			s = "";
			n = 0;
		}
		/* A copy only for the map to rewrite: most columns it leaves. */
		if (im->mapchg[c]) {
			pc_buf_set(&im->val, s, n);
			if (pc_map_value(im->map, c, &im->val, why,
			    sizeof why) == -1) {
				pc_import_reason(im, col->name, why);
				continue;
			}
			s = im->val.s;
			n = im->val.len;
		}
		for (a = 0; a < n && (s[a] == ' ' || s[a] == '\t'); a++)
			;
		for (e = n; e > a && (s[e - 1] == ' ' || s[e - 1] == '\t');
		    e--)
			;
		if (a == e) {
			im->empty[c] = 1;
			if (col->flags & PC_COL_REQUIRED)
				pc_import_reason(im, col->name, "missing");
			continue;
		}
		/*
		 * A file's rows come through the reader, which took every
		 * field to valid UTF-8 (a map's rewrites and formats keep it
		 * so); operands do not.
		 */
		rc = pc_check_column(col, im->vocab, s + a, e - a,
		    &im->canon[c], why, sizeof why, im->file != NULL);
		if (rc == PC_CHECK_BAD) {
			if (col->flags & PC_COL_PERSONAL)
				snprintf(why, sizeof why, "not a valid %s",
				    pc_type_name(col->type));
			pc_import_reason(im, col->name, why);
			continue;
		}
		if (rc == PC_CHECK_WARN) {
			where(im, &im->msg);
			if (im->defer) {
				/* A worker thread's: said when the row's turn comes. */
				pc_buf_adds(&im->warns, im->msg.s);
				pc_buf_adds(&im->warns, col->name);
				pc_buf_adds(&im->warns, ": ");
				pc_buf_adds(&im->warns, why);
				pc_buf_addc(&im->warns, '\n');
			} else
				pc_warnx("%s%s: %s", im->msg.s, col->name, why);
		}
		im->ok[c] = 1;
	}
	return im->reasons.len > 0 ? -1 : 0;
}

const char *
pc_import_canon(const struct pc_import *im, const char *col)
{
	long c = pc_table_col(im->t, col);

	return c >= 0 ? pc_import_canon_at(im, (size_t)c) : "";
}

int
pc_import_ok(const struct pc_import *im, const char *col)
{
	long c = pc_table_col(im->t, col);

	return c >= 0 && im->ok[c];
}

int
pc_import_empty(const struct pc_import *im, const char *col)
{
	long c = pc_table_col(im->t, col);

	return c < 0 || im->empty[c];
}

/* Finds each column's source in the header; 0, or -1 when one is missing. */
static int
bind(struct pc_import *im, struct pc_reader *rd, struct pc_binding *b)
{
	const struct pc_table *t = im->t;
	const char *name = pc_reader_name(rd);
	size_t c;

	for (c = 0; c < t->ncols; c++) {
		const struct pc_column *col = &t->cols[c];
		const char *src = col->name;
		struct pc_buf v = { 0 };

		b->src[c] = -1;
		b->constant[c] = NULL;
		if (col->flags & PC_COL_DERIVED)
			continue;
		if (im->map != NULL) {
			b->constant[c] = pc_map_constant(im->map, c);
			if (b->constant[c] != NULL)
				continue;
			src = pc_map_source(im->map, c);
			if (src == NULL) {
				if (!(col->flags & PC_COL_REQUIRED))
					continue;
				pc_warnx("%s: the map maps no column to %s, "
				    "which a%s %s needs", name, col->name,
				    t->name[0] == 'e' ? "n" : "", t->name);
				return -1;
			}
		}
		b->src[c] = pc_reader_col(rd, src);
		if (b->src[c] >= 0)
			continue;
		if (im->map == NULL && !(col->flags & PC_COL_REQUIRED))
			continue;
		pc_vis(&v, src, strlen(src), 64);
		if (im->map != NULL)
			pc_warnx("%s:%lu: header: no column %s (the map reads "
			    "%s from it)", name, pc_reader_lines(rd), v.s,
			    col->name);
		else
			pc_warnx("%s:%lu: header: no column %s (a%s %s "
			    "needs it; -m reads other headers)", name,
			    pc_reader_lines(rd), v.s,
			    t->name[0] == 'e' ? "n" : "", t->name);
		pc_buf_free(&v);
		return -1;
	}
	return 0;
}

/*
 * Opens an input for an import: the reader, each column's source in its
 * header, the reject stream with its columns.  NULL when the input is
 * refused (said, and the status set).
 */
struct pc_reader *
pc_import_open(struct pc_import *im, const char *path,
    const struct pc_readopt *ro, struct pc_binding *b)
{
	struct pc_reader *rd;
	const char **cols;
	char err[ERRSZ];
	size_t i, n;

	if ((rd = pc_reader_open(path, ro, err, sizeof err)) == NULL) {
		pc_warnx("%s", err);
		im->refused = 1;
		pc_import_status(im, strstr(err, "header") ||
		    strstr(err, "empty") || strstr(err, "byte-order") ?
		    PC_EXIT_REJECT : PC_EXIT_IO);
		return NULL;
	}
	if (bind(im, rd, b) == -1) {
		im->refused = 1;
		pc_import_status(im, PC_EXIT_REJECT);
		pc_reader_close(rd);
		return NULL;
	}
	n = pc_reader_ncols(rd);
	cols = pc_xcalloc(n ? n : 1, sizeof *cols);
	for (i = 0; i < n; i++)
		cols[i] = pc_reader_colname(rd, i);
	open_rejects(im, cols, n);
	free(cols);
	im->file = pc_reader_name(rd);
	return rd;
}

/* A row the reader could not make whole (its why) goes to the rejects. */
void
pc_import_unreadable(struct pc_import *im, struct pc_reader *rd,
    enum pc_rowerr e, size_t errfield, const char *why,
    const struct pc_field *f, size_t nf)
{
	pc_buf_clear(&im->reasons);
	pc_import_reason(im, e == PC_ROW_UTF8 ?
	    pc_reader_colname(rd, errfield) : NULL, why);
	pc_import_reject(im, f, nf);
}

/* The end of an input: a read error, said; the reader closed. */
void
pc_import_close(struct pc_import *im, struct pc_reader *rd, int rc,
    const char *err)
{
	if (rc == -1) {
		pc_warnx("%s", err);
		im->refused = 1;
		pc_import_status(im, PC_EXIT_IO);
	}
	im->file = NULL;
	pc_reader_close(rd);
}

void
pc_import_file(struct pc_import *im, const char *path,
    const struct pc_readopt *ro, pc_import_fn fn, void *arg)
{
	struct pc_reader *rd;
	struct pc_row *row;
	struct pc_binding b;
	char err[ERRSZ];
	int rc;

	if ((rd = pc_import_open(im, path, ro, &b)) == NULL)
		return;
	while ((rc = pc_reader_next(rd, &row, err, sizeof err)) == 1) {
		im->nread++;
		im->line = row->line;
		im->record = row->record;
		if (row->err != PC_ROW_OK) {
			pc_import_unreadable(im, rd, row->err, row->errfield,
			    row->why, row->f, row->nf);
			continue;
		}
		fn(im, &b, row->f, row->nf, arg);
	}
	pc_import_close(im, rd, rc, err);
}

int
pc_import_is_assignment(const struct pc_table *t, const char *s)
{
	const char *eq = strchr(s, '=');
	char name[64];

	if (eq == NULL || (size_t)(eq - s) >= sizeof name)
		return 0;
	memcpy(name, s, (size_t)(eq - s));
	name[eq - s] = '\0';
	return pc_table_col(t, name) != -1;
}

void
pc_import_operands(struct pc_import *im, int argc, char **argv,
    pc_import_fn fn, void *arg)
{
	const struct pc_table *t = im->t;
	struct pc_binding b;
	struct pc_field *f;
	const char **cols;
	int i;
	size_t c;

	f = pc_xcalloc((size_t)argc, sizeof *f);
	cols = pc_xcalloc((size_t)argc, sizeof *cols);
	for (c = 0; c < t->ncols; c++) {
		b.src[c] = -1;
		b.constant[c] = NULL;
	}
	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		long col;

		if (eq == NULL || !pc_import_is_assignment(t, argv[i])) {
			pc_warnx("%s: not field=value with a%s %s field "
			    "(%s -h)", argv[i], t->name[0] == 'e' ? "n" : "",
			    t->name, getprogname());
			pc_import_bail(im, PC_EXIT_USAGE);
		}
		*eq = '\0';
		col = pc_table_col(t, argv[i]);
		if (t->cols[col].flags & PC_COL_DERIVED) {
			pc_warnx("%s is derived by %s, not given", argv[i],
			    getprogname());
			pc_import_bail(im, PC_EXIT_USAGE);
		}
		if (b.src[col] != -1) {
			pc_warnx("%s given twice", argv[i]);
			pc_import_bail(im, PC_EXIT_USAGE);
		}
		b.src[col] = i;
		cols[i] = argv[i];
		f[i].s = eq + 1;
		f[i].len = strlen(eq + 1);
	}
	open_rejects(im, cols, (size_t)argc);
	im->nread++;
	im->file = NULL;
	im->line = im->record = 0;
	fn(im, &b, f, (size_t)argc, arg);
	free(f);
	free(cols);
}

struct later {
	size_t	 from, n, to;
};

void
pc_import_digest_later(struct pc_import *im, size_t from, size_t n,
    size_t to)
{
	struct later *l;

	/* In place: a struct copied in would be read back as one vector. */
	pc_buf_reserve(&im->later, sizeof *l);
	l = (struct later *)(void *)(im->later.s + im->later.len);
	l->from = from;
	l->n = n;
	l->to = to;
	im->later.len += sizeof *l;
}

void
pc_import_digests(struct pc_import *im, struct pc_buf *res)
{
	const struct later *l = (const struct later *)(void *)im->later.s;
	const unsigned char **msg;
	unsigned char (*out)[PC_DIGEST];
	size_t *len, i, n = im->later.len / sizeof *l;

	if (n == 0)
		return;
	/* Kept from batch to batch: nothing allocated a batch. */
	pc_buf_clear(&im->latermem);
	pc_buf_reserve(&im->latermem, n * (sizeof *msg + sizeof *len +
	    sizeof *out));
	msg = (const unsigned char **)(void *)im->latermem.s;
	len = (size_t *)(void *)(msg + n);
	out = (unsigned char (*)[PC_DIGEST])(void *)(len + n);
	for (i = 0; i < n; i++) {
		msg[i] = (const unsigned char *)res->s + l[i].from;
		len[i] = l[i].n;
	}
	pc_bytes_digest_many(msg, len, n, out);
	for (i = 0; i < n; i++)
		memcpy(res->s + l[i].to, out[i], PC_DIGEST);
	im->later.len = 0;
}

/* Frees what holds the row at hand: the values, reasons and messages. */
void
pc_import_free_row(struct pc_import *im)
{
	size_t i;

	for (i = 0; i < PC_MAXCOLS; i++)
		pc_buf_free(&im->canon[i]);
	pc_buf_free(&im->val);
	pc_buf_free(&im->reasons);
	pc_buf_free(&im->msg);
	pc_buf_free(&im->warns);
	pc_buf_free(&im->later);
	pc_buf_free(&im->latermem);
}

/*
 * Commits the reject stream and the output (-o keeps its old file when an
 * input could not be read whole), prints the counts, frees; returns the
 * exit status.
 */
int
pc_import_finish(struct pc_import *im, int replacing, const char *outpath)
{
	char err[ERRSZ];
	size_t i;
	int rc;

	if (im->rej != NULL && pc_writer_close(im->rej, 1, err,
	    sizeof err) == -1) {
		pc_warnx("%s", err);
		pc_import_status(im, PC_EXIT_IO);
	}
	im->rej = NULL;
	if (im->refused && replacing)
		pc_warnx("%s: left as it was: an input could not be read",
		    outpath);
	rc = pc_writer_close(im->out, !(im->refused && replacing), err,
	    sizeof err);
	im->out = NULL;
	if (rc == -1) {
		pc_warnx("%s", err);
		pc_import_status(im, PC_EXIT_IO);
	}
	if (im->verbose || im->nrejected > 0) {
		char corr[64] = "";

		if (im->ncorrected > 0)
			snprintf(corr, sizeof corr, " (%lu correction%s)",
			    im->ncorrected, im->ncorrected == 1 ? "" : "s");
		pc_warnx("%lu read, %lu written%s, %lu skipped, %lu rejected",
		    im->nread, im->nwritten, corr, im->nskipped,
		    im->nrejected);
	}
	pc_import_free_row(im);
	for (i = 0; i < im->nrejcols; i++)
		free(im->rejcols[i]);
	free(im->rejcols);
	return im->status;
}
