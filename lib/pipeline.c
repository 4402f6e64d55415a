/*
 * pipeline.c - an import on every core, its output as from one.
 *
 * The calling thread reads the input (decode, split) into batches of rows
 * and commits them in input order; worker threads run the checks of whole
 * batches (the map's rewrites and formats, each field's check, the tool's
 * own checks and hashes), which are most of an import's cost and need
 * nothing but the row.  What a check says (its reasons, its warnings, the
 * tool's result) waits in the batch until the row's turn, so the output,
 * the rejects, the messages and the counts are byte for byte those of one
 * thread.  When the ring of batches is full the reading thread checks a
 * batch itself rather than wait: on two cores both stay busy.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parcours.h"

#ifndef BATCH_ROWS
#define BATCH_ROWS	1024
#endif
#define BATCH_BYTES	(256u << 10)	/* a batch stays in a core's cache */
/*
 * A record may hold 8 MiB (PC_MAXRECORD): however many threads, no more
 * than this many bytes of rows are read ahead of the commit, and a batch
 * that grew past KEEP_BYTES for a big record gives its memory back.
 */
#define INFLIGHT_BYTES	(16u << 20)
#define KEEP_BYTES	(1u << 20)
#define MAXTHREADS	64
#define DEFTHREADS	8		/* by default, at most */
#define PREFETCH	8		/* rows ahead of the commit */
#define ERRSZ		512

enum state { FREE, FILLED, CHECKING, CHECKED };

struct brow {
	unsigned long	 line, record;
	size_t		 f0, nf;	/* its fields: f[f0 .. f0 + nf) */
	enum pc_rowerr	 err;
	size_t		 errfield;
	size_t		 why;		/* the reader's why, in text */
	int		 rejected;	/* res holds the reasons */
	size_t		 res, reslen;	/* in res */
	size_t		 warn, warnlen;	/* in res */
};

/*
 * A field, as where it is in the batch's text: a third of a pc_field and
 * its offset, and nothing to fix when the text moves as it grows.  A batch
 * holds BATCH_BYTES and one record of PC_MAXRECORD at most, so 32 bits do.
 */
struct fref {
	uint32_t	 off, len;
};
_Static_assert(BATCH_BYTES + 2 * (size_t)PC_MAXRECORD < UINT32_MAX,
    "a batch's offsets fit in 32 bits");

/*
 * Each on cache lines of its own: the thread that checks a batch appends
 * to its res at each row while the reading thread counts rows into the
 * next one, and with the batches end to end the two shared a line (4 % of
 * an import's time on two cores).
 */
struct batch {
	_Alignas(PC_LINES) enum state state;
	size_t		 n;
	struct brow	 row[BATCH_ROWS];
	struct fref	*fr;
	size_t		 nf, fcap;
	struct pc_buf	 text;		/* the fields, each NUL-terminated */
	struct pc_buf	 res;
};

struct pipeline;

/* Each on lines of its own (pc_xcalloc_lines), like the batches. */
struct worker {
	_Alignas(PC_LINES) struct pipeline *p;
	pthread_t	 tid;
	struct pc_import im;		/* this thread's map and scratch */
	struct pc_map	*map;		/* its own copy, to free */
	struct pc_field	*lf;		/* a row's fields, as check wants them */
	size_t		 lfcap;
};

struct pipeline {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;	/* a batch filled or checked, or stop */
	struct batch		*ring;
	size_t			 nslot;
	unsigned long		 filled, committed;	/* batches so far */
	size_t			 inflight;	/* bytes of rows not committed */
	int			 stop;
	const struct pc_binding	*b;
	pc_check_fn		 check;
	void			*arg;
	struct worker		*w;	/* w[0]: the calling thread's */
	size_t			 nw;
};

int
pc_threads(void)
{
	static int n;
	const char *s, *e = NULL;
	long cpus;

	if (n > 0)
		return n;
	if ((s = getenv("PARCOURS_THREADS")) != NULL && *s != '\0') {
		n = (int)strtonum(s, 1, MAXTHREADS, &e);
		if (e != NULL) {
			pc_warnx("PARCOURS_THREADS=%s: a number of threads "
			    "is 1 to %d", s, MAXTHREADS);
			exit(PC_EXIT_USAGE);
		}
		return n;
	}
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	n = cpus < 1 ? 1 : cpus > DEFTHREADS ? DEFTHREADS : (int)cpus;
	return n;
}

void
pc_mutex_lock(pthread_mutex_t *mu)
{
	int e;

	if ((e = pthread_mutex_lock(mu)) != 0) {
		pc_warnx("pthread_mutex_lock: %s", strerror(e));
		exit(PC_EXIT_IO);
	}
}

static void
lock(struct pipeline *p)
{
	pc_mutex_lock(&p->mu);
}

static void
unlock(struct pipeline *p)
{
	pthread_mutex_unlock(&p->mu);
}

/* The oldest batch waiting for its checks, or NULL; under the lock. */
static struct batch *
waiting(struct pipeline *p)
{
	unsigned long i;

	for (i = p->committed; i < p->filled; i++)
		if (p->ring[i % p->nslot].state == FILLED)
			return &p->ring[i % p->nslot];
	return NULL;
}

/* A row's fields as pc_fields, in w's scratch. */
static const struct pc_field *
row_fields(struct worker *w, const struct batch *b, const struct brow *r)
{
	const struct fref *fr = b->fr + r->f0;
	struct pc_field *f;
	size_t i;

	if (r->nf > w->lfcap) {
		w->lfcap = r->nf * 2;
		w->lf = pc_xreallocarray(w->lf, w->lfcap, sizeof *w->lf);
	}
	f = w->lf;
	for (i = 0; i < r->nf; i++) {
		f[i].s = b->text.s + fr[i].off;
		f[i].len = fr[i].len;
	}
	return f;
}

static void
check_batch(struct worker *w, struct batch *b)
{
	struct pipeline *p = w->p;
	struct pc_import *im = &w->im;
	size_t i, start, later;

	for (i = 0; i < b->n; i++) {
		struct brow *r = &b->row[i];

		r->rejected = 0;
		r->res = r->warn = b->res.len;
		r->reslen = r->warnlen = 0;
		if (r->err != PC_ROW_OK)
			continue;
		im->line = r->line;
		im->record = r->record;
		pc_buf_clear(&im->reasons);
		pc_buf_clear(&im->warns);
		start = b->res.len;
		later = im->later.len;
		p->check(im, p->b, row_fields(w, b, r), r->nf, p->arg,
		    &b->res);
		if (im->reasons.len > 0) {
			im->later.len = later;
			b->res.len = start;
			pc_buf_add(&b->res, im->reasons.s, im->reasons.len);
			r->rejected = 1;
		}
		r->res = start;
		r->reslen = b->res.len - start;
		r->warn = b->res.len;
		if (im->warns.len > 0)
			pc_buf_add(&b->res, im->warns.s, im->warns.len);
		r->warnlen = b->res.len - r->warn;
	}
	pc_import_digests(im, &b->res);
}

/* Checks the batch taken (CHECKING), then hands it back; under the lock. */
static void
run_batch(struct worker *w, struct batch *b)
{
	struct pipeline *p = w->p;

	b->state = CHECKING;
	unlock(p);
	check_batch(w, b);
	lock(p);
	b->state = CHECKED;
	pthread_cond_broadcast(&p->cv);
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct pipeline *p = w->p;
	struct batch *b;

	lock(p);
	for (;;) {
		if ((b = waiting(p)) != NULL)
			run_batch(w, b);
		else if (p->stop)
			break;
		else
			pthread_cond_wait(&p->cv, &p->mu);
	}
	unlock(p);
	return NULL;
}

/* Whether the fields follow one another, each after the last one's NUL. */
static int
contiguous(const struct pc_field *f, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i + 1 < n; i++)
		if (f[i + 1].s != f[i].s + f[i].len + 1)
			return 0;
	return 1;
}

/*
 * Reads rows into b until it is full: 1 when more may follow, 0 at the end
 * of the input, -1 on a read error (err).  The rows are copied: the
 * reader's next call reuses its own.
 */
static int
fill(struct batch *b, struct pc_reader *rd, char *err, size_t errsz)
{
	struct pc_row *row;
	size_t i;
	int rc = 1;

	b->n = b->nf = 0;
	pc_buf_clear(&b->text);
	pc_buf_clear(&b->res);
	while (b->n < BATCH_ROWS && b->text.len < BATCH_BYTES) {
		struct brow *r;

		if ((rc = pc_reader_next(rd, &row, err, errsz)) != 1)
			break;
		r = &b->row[b->n++];
		r->line = row->line;
		r->record = row->record;
		r->err = row->err;
		r->errfield = row->errfield;
		r->why = b->text.len;
		if (row->err != PC_ROW_OK)
			pc_buf_add(&b->text, row->why, strlen(row->why) + 1);
		if (b->nf + row->nf > b->fcap) {
			b->fcap = (b->nf + row->nf) * 2;
			b->fr = pc_xreallocarray(b->fr, b->fcap, sizeof *b->fr);
		}
		r->f0 = b->nf;
		r->nf = row->nf;
		if (contiguous(row->f, row->nf)) {
			/* One copy for the row: its fields, NULs and all. */
			const char *s0 = row->f[0].s;
			size_t span = (size_t)(row->f[row->nf - 1].s - s0) +
			    row->f[row->nf - 1].len + 1, base = b->text.len;

			struct fref *fr = b->fr + b->nf;

			pc_buf_add(&b->text, s0, span);
			/* Through a local: b->nf in the loop is a store a field. */
			for (i = 0; i < row->nf; i++) {
				fr[i].off = (uint32_t)(base +
				    (size_t)(row->f[i].s - s0));
				fr[i].len = (uint32_t)row->f[i].len;
			}
			b->nf += row->nf;
			continue;
		}
		for (i = 0; i < row->nf; i++) {
			b->fr[b->nf].off = (uint32_t)b->text.len;
			b->fr[b->nf++].len = (uint32_t)row->f[i].len;
			pc_buf_reserve(&b->text, row->f[i].len + 1);
			if (row->f[i].len > 0)
				memcpy(b->text.s + b->text.len, row->f[i].s,
				    row->f[i].len);
			b->text.len += row->f[i].len;
			b->text.s[b->text.len++] = '\0';
		}
	}
	return rc;
}

static void
commit_batch(struct pc_import *im, struct pc_reader *rd, struct batch *b,
    pc_commit_fn commit, const struct pc_repeats *seen, void *arg,
    struct worker *w)
{
	size_t i, j;
	uint64_t h;

	for (i = 0; i < b->n; i++) {
		struct brow *r = &b->row[i];
		const char *s, *e, *end;

		if (seen != NULL && (j = i + PREFETCH) < b->n &&
		    b->row[j].err == PC_ROW_OK && !b->row[j].rejected &&
		    b->row[j].reslen >= sizeof h) {
			memcpy(&h, b->res.s + b->row[j].res, sizeof h);
			pc_repeats_prefetch(seen, h);
		}
		im->nread++;
		im->line = r->line;
		im->record = r->record;
		if (r->err != PC_ROW_OK) {
			pc_import_unreadable(im, rd, r->err, r->errfield,
			    b->text.s + r->why, row_fields(w, b, r), r->nf);
			continue;
		}
		for (s = b->res.s + r->warn, end = s + r->warnlen; s < end;
		    s = e + 1) {
			e = memchr(s, '\n', (size_t)(end - s));
			pc_warnx("%.*s", (int)(e - s), s);
		}
		if (r->rejected) {
			pc_buf_set(&im->reasons, b->res.s + r->res, r->reslen);
			pc_import_reject(im, row_fields(w, b, r), r->nf);
			continue;
		}
		commit(im, b->res.s + r->res, r->reslen, arg);
	}
}

/*
 * Under the lock: until the oldest batch is checked, check the oldest
 * waiting one here rather than wait for a worker.
 */
static struct batch *
oldest_checked(struct pipeline *p)
{
	struct batch *old = &p->ring[p->committed % p->nslot], *b;

	while (old->state != CHECKED) {
		if ((b = waiting(p)) != NULL)
			run_batch(&p->w[0], b);
		else
			pthread_cond_wait(&p->cv, &p->mu);
	}
	return old;
}

void
pc_import_file_mt(struct pc_import *im, const char *path,
    const struct pc_readopt *ro, pc_check_fn check, pc_commit_fn commit,
    const struct pc_repeats *seen, void *arg)
{
	struct pipeline p;
	struct pc_reader *rd;
	struct pc_binding bind;
	struct batch *b;
	char err[ERRSZ];
	size_t i, started;
	int rc = 1;

	if ((rd = pc_import_open(im, path, ro, &bind)) == NULL)
		return;
	memset(&p, 0, sizeof p);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	p.b = &bind;
	p.check = check;
	p.arg = arg;
	p.nw = (size_t)pc_threads();
	/* One thread: one batch, read, checked and committed in turn. */
	p.nslot = p.nw == 1 ? 1 : p.nw + 2;
	p.ring = pc_xcalloc_lines(p.nslot, sizeof *p.ring);
	p.w = pc_xcalloc_lines(p.nw, sizeof *p.w);
	for (i = 0; i < p.nw; i++) {
		struct worker *w = &p.w[i];

		w->p = &p;
		if (i > 0 && im->map != NULL)
			w->map = pc_map_dup(im->map);
		pc_import_init(&w->im, im->t, i > 0 ? w->map : im->map,
		    im->vocab);
		w->im.defer = 1;
		w->im.file = im->file;
	}
	for (started = 1; started < p.nw; started++)
		if (pthread_create(&p.w[started].tid, NULL, work,
		    &p.w[started]) != 0)
			break;	/* fewer threads only make it slower */

	lock(&p);
	while (rc == 1 || p.committed < p.filled) {
		/* Commit what is checked, in order. */
		while (p.committed < p.filled &&
		    p.ring[p.committed % p.nslot].state == CHECKED) {
			b = &p.ring[p.committed % p.nslot];
			unlock(&p);
			commit_batch(im, rd, b, commit, seen, arg, &p.w[0]);
			p.inflight -= b->text.len;
			if (b->text.cap > KEEP_BYTES)
				pc_buf_free(&b->text);
			if (b->res.cap > KEEP_BYTES)
				pc_buf_free(&b->res);
			lock(&p);
			b->state = FREE;
			p.committed++;
		}
		if (p.committed < p.filled && (rc != 1 ||
		    p.filled - p.committed == p.nslot ||
		    p.inflight > INFLIGHT_BYTES)) {
			(void)oldest_checked(&p);
			continue;
		}
		if (rc != 1)
			break;
		/* Only this thread touches a FREE batch. */
		b = &p.ring[p.filled % p.nslot];
		unlock(&p);
		rc = fill(b, rd, err, sizeof err);
		lock(&p);
		if (b->n > 0) {
			b->state = FILLED;
			p.filled++;
			p.inflight += b->text.len;
			pthread_cond_broadcast(&p.cv);
		}
	}
	p.stop = 1;
	pthread_cond_broadcast(&p.cv);
	unlock(&p);
	for (i = 1; i < started; i++)
		pthread_join(p.w[i].tid, NULL);

	for (i = 0; i < p.nslot; i++) {
		free(p.ring[i].fr);
		pc_buf_free(&p.ring[i].text);
		pc_buf_free(&p.ring[i].res);
	}
	for (i = 0; i < p.nw; i++) {
		pc_import_free_row(&p.w[i].im);
		free(p.w[i].lf);
		pc_map_free(p.w[i].map);
	}
	free(p.ring);
	free(p.w);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	pc_import_close(im, rd, rc == -1 ? -1 : 0, err);
}

/* The row of field=value operands through the same check and commit. */
struct operands {
	pc_check_fn	 check;
	pc_commit_fn	 commit;
	void		*arg;
};

static void
operands_row(struct pc_import *im, const struct pc_binding *b,
    const struct pc_field *f, size_t nf, void *arg)
{
	const struct operands *o = arg;
	struct pc_buf res = { NULL, 0, 0 };

	o->check(im, b, f, nf, o->arg, &res);
	if (im->reasons.len > 0) {
		im->later.len = 0;
		pc_import_reject(im, f, nf);
	} else {
		pc_import_digests(im, &res);
		o->commit(im, res.s, res.len, o->arg);
	}
	pc_buf_free(&res);
}

void
pc_import_operands_by(struct pc_import *im, int argc, char **argv,
    pc_check_fn check, pc_commit_fn commit, void *arg)
{
	struct operands o = { check, commit, arg };

	pc_import_operands(im, argc, argv, operands_row, &o);
}
