/*
 * annotate.c - the shape of the tools that add columns to the rows of a
 * table (ald30-check, followup-due): each input read whole with the latest
 * row of each key, the columns it needs checked, its columns passed
 * through in place with the added ones appended (or replaced in place, so
 * that a tool can run again on its own output), one output for all the
 * inputs, which must share a header, and the same statuses everywhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parcours.h"

#define ERRSZ	512

enum { PASS, PSEUDONYM, ADDED };	/* what becomes of an input column */

void
pc_annotate_status(struct pc_annotate *a, int st)
{
	/* 4 before 3 before 2; 1 is the tool's, at the end. */
	if (st > a->status)
		a->status = st;
}

static int
open_output(struct pc_annotate *a, const struct pc_latest *l)
{
	char err[ERRSZ];
	size_t i, k;
	int st;

	a->nin = pc_latest_ncols(l);
	a->hdr = pc_xcalloc(a->nin + a->nadd, sizeof *a->hdr);
	a->pos = pc_xcalloc(a->nadd ? a->nadd : 1, sizeof *a->pos);
	a->kind = pc_xcalloc(a->nin ? a->nin : 1, sizeof *a->kind);
	a->ps = pc_xcalloc(a->nin ? a->nin : 1, sizeof *a->ps);
	a->addv = pc_xcalloc(a->nadd ? a->nadd : 1, sizeof *a->addv);
	for (i = 0; i < a->nin; i++) {
		a->hdr[i] = pc_xstrdup(pc_latest_colname(l, i));
		if (a->pseudo != NULL && pc_pseudo_direct(a->hdr[i]))
			a->kind[i] = PSEUDONYM;
	}
	a->nhdr = a->nin;
	for (k = 0; k < a->nadd; k++) {
		long c = pc_latest_col(l, a->add[k]);

		if (c >= 0) {
			a->pos[k] = (size_t)c;
			a->kind[c] = ADDED;
		} else {
			a->pos[k] = a->nhdr;
			a->hdr[a->nhdr++] = pc_xstrdup(a->add[k]);
		}
	}
	a->fv = pc_xcalloc(a->nhdr, sizeof *a->fv);
	a->out = pc_writer_open(a->outpath, a->outpath ? PC_OUT_REPLACE :
	    PC_OUT_STDOUT, a->delim, (const char *const *)a->hdr, a->nhdr, err,
	    sizeof err, &st);
	if (a->out == NULL) {
		pc_warnx("%s", err);
		pc_annotate_status(a, st);
		return -1;
	}
	pc_writer_safe_csv(a->out, a->safe_csv);
	return 0;
}

static int
same_header(const struct pc_annotate *a, const struct pc_latest *l)
{
	size_t i;

	if (pc_latest_ncols(l) != a->nin)
		return 0;
	for (i = 0; i < a->nin; i++)
		if (strcmp(pc_latest_colname(l, i), a->hdr[i]) != 0)
			return 0;
	return 1;
}

/* An input that cannot be read whole leaves -o's file as it was. */
static int
refuse(struct pc_annotate *a, struct pc_latest *l, int st)
{
	pc_latest_free(l);
	pc_annotate_status(a, st);
	a->refused = 1;
	return -1;
}

/*
 * "file:line" into where, as snprintf would write it, the "file:" part
 * (plen bytes) there already: every row needs its place written, only a
 * bad one prints it, and snprintf for each of millions of rows shows.
 */
static void
place(char *where, size_t sz, size_t plen, unsigned long line)
{
	char d[PC_LTOA_SZ];
	const char *p = pc_ltoa((long)line, d);
	size_t n = strlen(p);

	if (plen >= sz - 1)
		return;
	if (n > sz - 1 - plen)
		n = sz - 1 - plen;
	memcpy(where + plen, p, n);
	where[plen + n] = '\0';
}

int
pc_annotate_file(struct pc_annotate *a, const char *path, pc_annotate_fn fn,
    void *arg)
{
	struct pc_readopt ro = { 0 };
	struct pc_latest *l;
	char err[ERRSZ], where[ERRSZ];
	const char *name = path == NULL || strcmp(path, "-") == 0 ? "stdin" :
	    path;
	size_t i, k, n, plen;
	int fd, rc, syserr;

	if (a->failed)
		return -2;
	/* A missing file is a system error (4), not a rejected table (3). */
	if (path != NULL && strcmp(path, "-") != 0 &&
	    (fd = open(path, O_RDONLY)) == -1) {
		snprintf(err, sizeof err, "%s: %s", path, strerror(errno));
		l = NULL;
		syserr = 1;
	} else {
		if (path != NULL && strcmp(path, "-") != 0)
			close(fd);
		l = pc_latest_load(path, &ro, a->key, err, sizeof err);
		syserr = pc_syserr != 0;
	}
	if (a->ready != NULL && a->ready(arg) == -1) {
		pc_latest_free(l);
		a->failed = 1;
		return -2;
	}
	if (l == NULL) {
		pc_warnx("%s", err);
		return refuse(a, NULL, syserr ? PC_EXIT_IO : PC_EXIT_REJECT);
	}
	for (k = 0; k < a->nneed; k++)
		if (pc_latest_col(l, a->need[k]) == -1) {
			pc_warnx("%s:1: header: no column %s (is it a %s "
			    "table?)", name, a->need[k], a->table);
			return refuse(a, l, PC_EXIT_REJECT);
		}
	if (a->out == NULL) {
		if (open_output(a, l) == -1) {
			pc_latest_free(l);
			a->failed = 1;
			return -2;
		}
	} else if (!same_header(a, l)) {
		pc_warnx("%s:1: header: differs from the first input's", name);
		return refuse(a, l, PC_EXIT_REJECT);
	}
	n = pc_latest_nrows(l);
	snprintf(where, sizeof where, "%s:", name);
	plen = strlen(where);
	for (i = 0; i < n; i++) {
		const struct pc_field *f;
		unsigned long line;

		f = pc_latest_row(l, i, &line);
		a->nread++;
		place(where, sizeof where, plen, line);
		for (k = 0; k < a->nadd; k++)
			a->addv[k] = "";
		rc = fn(arg, l, f, where, a->addv);
		if (rc & PC_ANNOTATE_BAD) {
			a->nbad++;
			pc_annotate_status(a, PC_EXIT_REJECT);
		}
		if (rc & PC_ANNOTATE_SKIP)
			continue;
		/* Fields by their length: a NUL byte inside stays there. */
		for (k = 0; k < a->nin; k++)
			if (a->kind[k] == PSEUDONYM) {
				a->fv[k].s = pc_pseudonym(a->pseudo, a->hdr[k],
				    f[k].s, f[k].len, a->ps[k]);
				a->fv[k].len = strlen(a->fv[k].s);
			} else
				a->fv[k] = f[k];
		for (k = 0; k < a->nadd; k++) {
			a->fv[a->pos[k]].s = a->addv[k];
			a->fv[a->pos[k]].len = strlen(a->addv[k]);
		}
		if (pc_writer_row(a->out, a->fv, a->nhdr) == -1) {
			/* pc_annotate_finish says why. */
			pc_latest_free(l);
			a->failed = 1;
			return -2;
		}
	}
	pc_latest_free(l);
	return 0;
}

int
pc_annotate_finish(struct pc_annotate *a)
{
	char err[ERRSZ];
	size_t i;
	/*
	 * A failed write is not committed either way: closing with commit
	 * lets the writer say why (a full disk) and remove its temporary.
	 */
	int commit = !(a->refused && a->outpath != NULL);

	/* A closed pipe (1) ends quietly. */
	if (a->out != NULL && pc_writer_close(a->out, commit, err,
	    sizeof err) == -1) {
		pc_warnx("%s", err);
		pc_annotate_status(a, PC_EXIT_IO);
	}
	if (a->refused && a->outpath != NULL)
		pc_warnx("%s: left as it was: an input could not be read",
		    a->outpath);
	if (a->nbad > 0)
		pc_warnx("%lu read, %lu not judged", a->nread, a->nbad);
	for (i = 0; a->hdr != NULL && i < a->nhdr; i++)
		free(a->hdr[i]);
	free(a->hdr);
	free(a->pos);
	free(a->kind);
	free(a->ps);
	free(a->addv);
	free(a->fv);
	a->hdr = NULL;
	a->out = NULL;
	return a->status;
}
