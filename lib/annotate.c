/*
 * annotate.c - the shape of the tools that add columns to the rows of a
 * table (ald30-check, followup-due): each input read whole with the latest
 * row of each key, the columns it needs checked, its columns passed
 * through in place with the added ones appended (or replaced in place, so
 * that a tool can run again on its own output), one output for all the
 * inputs, which must share a header, and the same statuses everywhere.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parcours.h"

#define ERRSZ	512
/*
 * Rows a thread judges at a time, their events asked for together
 * (pc_events_prefetch).  32, not 256: the chains of 256 pathways are some
 * 3,300 cache lines, each on a page of its own, and with 32 ald30-check
 * took 0.85 and 0.93 of its time (two sets of 12 rounds side by side),
 * followup-due 0.94; 8, 16, 64 and 128 did less well.  We think what was
 * asked for early is no longer in the cache, or its page in the TLB, by
 * the time its row comes.  make check-tsan sets it smaller, so that its
 * few rows meet threads.
 */
#ifndef ANNOTATE_BATCH
#define ANNOTATE_BATCH	32
#endif

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

/*
 * The rows are judged in batches, on as many threads as the tool allows
 * and pc_threads says, each batch formatted whole with what was said of
 * it; the calling thread writes the batches in the rows' order, so the
 * output, the messages and the counts are byte for byte one thread's.
 * Judging is most of a run once the tables are read (the join's look-ups
 * are cache misses, which two cores wait for side by side).
 */
enum { FREE, TAKEN, DONE };

/*
 * Each on cache lines of its own: two threads appending to neighbouring
 * batches' buffers would otherwise pass a line between cores at each cell.
 */
struct batch {
	_Alignas(PC_LINES) int state;
	size_t		 first, n;	/* its rows */
	struct pc_buf	 out;		/* the rows written, formatted */
	struct pc_buf	 msg;		/* what was said of them */
	unsigned long	 nbad;
};

struct pool;

/* A thread's own of everything a row needs. */
struct judge {
	_Alignas(PC_LINES) struct pool *p;
	pthread_t	 tid;
	void		*arg;		/* the tool's, or a fork of it */
	struct pc_latest_cursor *cur;
	struct pc_field	*fv;
	const char	**addv;
	const char	*keys[ANNOTATE_BATCH];
	char		(*ps)[PC_PSEUDO_LEN];
	char		 where[ERRSZ];
	size_t		 plen;
};

struct pool {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;	/* a batch judged or written, or stop */
	struct batch		*ring;
	size_t			 nslot;
	size_t			 nrows, nbatch, next, committed;
	int			 stop;
	struct pc_annotate	*a;
	const struct pc_latest	*l;
	pc_annotate_fn		 fn;
	int			 plain;	/* rows may go out as read */
};

static void
lock(struct pool *p)
{
	pc_mutex_lock(&p->mu);
}

static void
unlock(struct pool *p)
{
	pthread_mutex_unlock(&p->mu);
}

/* The next batch to judge, if its slot is free; under the lock. */
static struct batch *
claim(struct pool *p)
{
	struct batch *b;

	if (p->next >= p->nbatch || p->next >= p->committed + p->nslot)
		return NULL;
	b = &p->ring[p->next % p->nslot];
	b->state = TAKEN;
	b->first = p->next * ANNOTATE_BATCH;
	b->n = p->nrows - b->first < ANNOTATE_BATCH ? p->nrows - b->first :
	    ANNOTATE_BATCH;
	p->next++;
	return b;
}

static void
judge_batch(struct judge *j, struct batch *b)
{
	struct pc_annotate *a = j->p->a;
	const struct pc_field *f;
	unsigned long line;
	const char *raw;
	size_t i, k, rawlen;
	int rc;

	pc_buf_clear(&b->out);
	pc_buf_clear(&b->msg);
	b->nbad = 0;
	pc_warn_hold(&b->msg);
	if (a->ev != NULL) {
		for (i = 0; i < b->n; i++)
			j->keys[i] = pc_latest_key(j->p->l, b->first + i);
		pc_events_prefetch(a->ev, j->keys, b->n);
	}
	for (i = b->first; i < b->first + b->n; i++) {
		f = pc_latest_read(j->cur, i, &line);
		place(j->where, sizeof j->where, j->plen, line);
		for (k = 0; k < a->nadd; k++)
			j->addv[k] = "";
		rc = j->p->fn(j->arg, j->p->l, f, j->where, j->addv);
		if (rc & PC_ANNOTATE_BAD)
			b->nbad++;
		if (rc & PC_ANNOTATE_SKIP)
			continue;
		for (k = 0; k < a->nadd; k++) {
			j->fv[a->pos[k]].s = j->addv[k];
			j->fv[a->pos[k]].len = strlen(j->addv[k]);
		}
		/* Plain: every added column follows the input's, in order. */
		if (j->p->plain && (raw = pc_latest_plain(j->cur, a->delim,
		    &rawlen)) != NULL) {
			pc_buf_add(&b->out, raw, rawlen);
			pc_csv_format_more(&b->out, j->fv + a->nin, a->nadd,
			    a->delim, a->safe_csv);
			continue;
		}
		/* Fields by their length: a NUL byte inside stays there. */
		for (k = 0; k < a->nin; k++)
			if (a->kind[k] == PSEUDONYM) {
				j->fv[k].s = pc_pseudonym(a->pseudo, a->hdr[k],
				    f[k].s, f[k].len, j->ps[k]);
				j->fv[k].len = strlen(j->fv[k].s);
			} else if (a->kind[k] == PASS)
				j->fv[k] = f[k];
		pc_csv_format_fields(&b->out, j->fv, a->nhdr, a->delim,
		    a->safe_csv);
	}
	pc_warn_hold(NULL);
}

/* A batch's messages, counts and rows, in turn; -1 if the write failed. */
static int
commit(struct pc_annotate *a, const struct batch *b)
{
	if (b->msg.len > 0)
		fwrite(b->msg.s, 1, b->msg.len, stderr);
	a->nread += b->n;
	a->nbad += b->nbad;
	if (b->nbad > 0)
		pc_annotate_status(a, PC_EXIT_REJECT);
	if (b->out.len > 0 && pc_writer_raw(a->out, b->out.s, b->out.len) == -1)
		return -1;
	return 0;
}

static void *
work(void *arg)
{
	struct judge *j = arg;
	struct pool *p = j->p;
	struct batch *b;

	lock(p);
	while (!p->stop) {
		if ((b = claim(p)) == NULL) {
			pthread_cond_wait(&p->cv, &p->mu);
			continue;
		}
		unlock(p);
		judge_batch(j, b);
		lock(p);
		b->state = DONE;
		pthread_cond_broadcast(&p->cv);
	}
	unlock(p);
	return NULL;
}

static void
judge_init(struct judge *j, struct pool *p, void *arg, const char *name)
{
	struct pc_annotate *a = p->a;

	j->p = p;
	j->arg = arg;
	j->cur = pc_latest_cursor(p->l);
	j->fv = pc_xcalloc(a->nhdr ? a->nhdr : 1, sizeof *j->fv);
	j->addv = pc_xcalloc(a->nadd ? a->nadd : 1, sizeof *j->addv);
	j->ps = pc_xcalloc(a->nin ? a->nin : 1, sizeof *j->ps);
	snprintf(j->where, sizeof j->where, "%s:", name);
	j->plen = strlen(j->where);
}

static void
judge_free(struct judge *j)
{
	pc_latest_cursor_free(j->cur);
	free(j->fv);
	free(j->addv);
	free(j->ps);
}

/* Every row of l through fn and out; -1 if the output failed. */
static int
judge_all(struct pc_annotate *a, const struct pc_latest *l, const char *name,
    pc_annotate_fn fn, void *arg)
{
	struct pool p = { .a = a, .l = l, .fn = fn };
	struct judge *j;
	struct batch *b;
	size_t i, nj = 1, started;
	int rc = 0;

	p.nrows = pc_latest_nrows(l);
	/*
	 * A row read again from the file is most of a run's output, as it
	 * was read: copied whole, rather than cut and put together again,
	 * when every input column passes through and the added ones follow.
	 */
	p.plain = !a->safe_csv;
	for (i = 0; i < a->nin; i++)
		if (a->kind[i] != PASS)
			p.plain = 0;
	p.nbatch = (p.nrows + ANNOTATE_BATCH - 1) / ANNOTATE_BATCH;
	if (a->fork != NULL && a->join != NULL)
		nj = (size_t)pc_threads();
	if (nj > p.nbatch)
		nj = p.nbatch ? p.nbatch : 1;
	p.nslot = 4 * nj;
	p.ring = pc_xcalloc_lines(p.nslot, sizeof *p.ring);
	j = pc_xcalloc_lines(nj, sizeof *j);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	judge_init(&j[0], &p, arg, name);
	for (started = 1; started < nj; started++) {
		judge_init(&j[started], &p, a->fork(arg), name);
		if (pthread_create(&j[started].tid, NULL, work,
		    &j[started]) != 0) {
			/* fewer threads only make it slower */
			a->join(arg, j[started].arg);
			judge_free(&j[started]);
			break;
		}
	}

	lock(&p);
	while (p.committed < p.nbatch) {
		b = &p.ring[p.committed % p.nslot];
		if (b->state == DONE) {
			unlock(&p);
			rc = commit(a, b);
			lock(&p);
			b->state = FREE;
			p.committed++;
			pthread_cond_broadcast(&p.cv);
			if (rc == -1)
				break;
			continue;
		}
		/* Rather than wait, the writing thread judges too. */
		if ((b = claim(&p)) != NULL) {
			unlock(&p);
			judge_batch(&j[0], b);
			lock(&p);
			b->state = DONE;
			continue;
		}
		pthread_cond_wait(&p.cv, &p.mu);
	}
	p.stop = 1;
	pthread_cond_broadcast(&p.cv);
	unlock(&p);
	for (i = 1; i < started; i++) {
		pthread_join(j[i].tid, NULL);
		a->join(arg, j[i].arg);
	}
	for (i = 0; i < started; i++)
		judge_free(&j[i]);
	for (i = 0; i < p.nslot; i++) {
		pc_buf_free(&p.ring[i].out);
		pc_buf_free(&p.ring[i].msg);
	}
	free(p.ring);
	free(j);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	return rc;
}

int
pc_annotate_file(struct pc_annotate *a, const char *path, pc_annotate_fn fn,
    void *arg)
{
	struct pc_readopt ro = { 0 };
	struct pc_latest *l;
	char err[ERRSZ];
	const char *name = path == NULL || strcmp(path, "-") == 0 ? "stdin" :
	    path;
	size_t k;
	int rc, syserr;

	if (a->failed)
		return -2;
	/*
	 * A missing file is a system error (4), not a rejected table (3).
	 * Asked without opening it: a named pipe opened and closed here
	 * would lose what its writer had written.
	 */
	if (path != NULL && strcmp(path, "-") != 0 &&
	    access(path, R_OK) == -1) {
		snprintf(err, sizeof err, "%s: %s", path, strerror(errno));
		l = NULL;
		syserr = 1;
	} else {
		l = pc_latest_load_lean(path, &ro, a->key, err, sizeof err);
		syserr = pc_syserr != 0;
	}
	if (a->events != NULL && pc_events_ready(a->events, &a->ev, a) == -1) {
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
	rc = judge_all(a, l, name, fn, arg);
	pc_latest_free(l);
	if (rc == -1) {
		a->failed = 1;	/* pc_annotate_finish says why */
		return -2;
	}
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
	a->hdr = NULL;
	a->out = NULL;
	return a->status;
}
