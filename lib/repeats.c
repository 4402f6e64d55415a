/*
 * repeats.c - the rows an import writes, less those met before, in memory
 * of a fixed size.
 *
 * A row is a repeat when its (id, content digest) pair was met before, in
 * this run or in the table the run starts from: it is skipped.  Knowing
 * that takes every pair met so far, 24 bytes each in a pc_idset, which
 * grows with the input: 240 MB for a national file of 10 million rows.
 *
 * Up to PARCOURS_REPEAT_MEMORY (8 MB by default) the pairs are held in
 * memory and each row is decided and written as it comes.  Past it they
 * go to disk: every pair so far, and each pair from then on, is appended
 * to one of NPART temporary files chosen by its hash, so all the pairs of
 * one id share a file.  At the end each part is read back on its own, in
 * input order, into a set of a part's size, which decides exactly as the
 * one set would have, since a row's answer depends only on the pairs of
 * its own id before it.
 *
 * Past the memory, rows still stream as long as each can be decided on
 * the spot.  The memory then holds a 32-bit fingerprint of each pair,
 * eight times as many as the set held, and the last RING pairs in full.  A
 * pair whose fingerprint is not there was never met: its row is new, and
 * written.  One whose fingerprint is there is a repeat when the pair is
 * among the last ones, as the duplicates of an export mostly are, and is
 * skipped.  Only a row that neither can decide (a repeat of an old row,
 * one fingerprint in 4 billion met by chance, or the fingerprints' table
 * full) ends the streaming: from it on, each row is held, after its
 * length, in one more temporary file, decided at the end from the parts,
 * and copied out in input order around the repeats, whose places the
 * parts give back.  Output then comes at the end of the run instead of
 * row by row, and memory stays flat.  The corrections among the rows
 * written as they came are counted at the end, from the parts.
 *
 * The temporary files are made in TMPDIR (or /tmp) with mode 0600 and
 * unlinked at once (O_TMPFILE where the file system has it): held rows
 * are health data, and no kill leaves them behind.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parcours.h"

#define NPART		64		/* 10M distinct rows: 160k a part */
#define PARTBUF		8192		/* a part's write buffer */
#define HELDBUF		(256 * 1024)
#define READBUF		(2048 * sizeof(struct rec))	/* 64 KB */
#define DEFMEMORY	(8UL << 20)
#define SEED		UINT64_MAX	/* a rec's off: no row held */
#define STREAMED	(UINT64_MAX - 1)	/* ...: a row written, new */
#define PREFETCH	8		/* recs ahead */
#define RING		4096		/* the last pairs kept in full */

/* A pair, and where its row is in the held rows (or SEED). */
struct rec {
	uint64_t	 h;
	unsigned char	 d[PC_DIGEST];
	uint64_t	 off;
};

struct pair {
	uint64_t	 h;
	unsigned char	 d[PC_DIGEST];
};

struct part {
	int		 fd;
	size_t		 n;		/* recs */
	size_t		 nskip;		/* repeats' offsets, once decided */
	size_t		 ncorr;		/* corrections, once decided */
	size_t		 next;		/* offsets read back */
	size_t		 buflen;
	size_t		 bufpos;
	unsigned char	 buf[PARTBUF];
};

struct pc_repeats {
	struct pc_import	*im;
	struct pc_idset		*set;
	size_t			 limit;		/* pairs in memory */
	int			 corrections;
	pc_repeats_fn		 emit;
	void			*arg;
	const char		*dir;
	int			 held;		/* fd, -1 until spilled */
	uint64_t		 off;		/* bytes held */
	struct pc_buf		 hbuf;
	struct part		*part;		/* NPART, once spilled */
	size_t			 bytes;		/* PARCOURS_REPEAT_MEMORY */
	uint32_t		*fp;		/* once spilled, until held */
	size_t			 nfp, fpcount;	/* slots, fingerprints */
	struct pair		*ring;		/* the last pairs met */
	size_t			 nring, ringpos;
	uint64_t		 ringfill;
};

/*
 * PARCOURS_REPEAT_MEMORY: bytes, or with k, M or G (binary multiples).
 * The set is a power of two of entries, three quarters full at most.
 */
static size_t
memory_limit(size_t *bytes)
{
	const char *s = getenv("PARCOURS_REPEAT_MEMORY");
	unsigned long long v, mul = 1;
	size_t cap;
	char *e;

	v = DEFMEMORY;
	if (s != NULL && *s != '\0') {
		errno = 0;
		v = strtoull(s, &e, 10);
		switch (*e) {
		case 'k': case 'K': mul = 1ULL << 10; e++; break;
		case 'm': case 'M': mul = 1ULL << 20; e++; break;
		case 'g': case 'G': mul = 1ULL << 30; e++; break;
		}
		if (*s < '0' || *s > '9' || *e != '\0' || errno != 0 ||
		    v > (1ULL << 40) / mul || (v > 0 && v * mul < 1024)) {
			pc_warnx("PARCOURS_REPEAT_MEMORY=%s: a size in bytes, "
			    "or with k, M or G, 0 or from 1k to 1024G", s);
			exit(PC_EXIT_USAGE);
		}
		if (v == 0) {
			*bytes = 0;
			return 0;	/* every row through the files */
		}
		v *= mul;
	}
	*bytes = (size_t)v;
	for (cap = 1; cap * 2 <= v / PC_IDSET_ENTRY; cap *= 2)
		;
	return cap / 4 * 3 > 0 ? cap / 4 * 3 : 1;
}

static void
write_row(struct pc_import *im, const char *s, size_t n, void *arg)
{
	(void)arg;
	pc_import_write_raw(im, s, n);
}

struct pc_repeats *
pc_repeats_new(struct pc_import *im, int corrections, pc_repeats_fn emit,
    void *arg)
{
	struct pc_repeats *rs = pc_xcalloc(1, sizeof *rs);
	const char *t = getenv("TMPDIR");

	rs->im = im;
	rs->limit = memory_limit(&rs->bytes);
	/* a ring of an eighth of the set's pairs, for small budgets' sake */
	rs->nring = rs->limit / 8 < 4 ? 4 : rs->limit / 8 > RING ? RING :
	    rs->limit / 8;
	rs->ring = pc_xcalloc(rs->nring, sizeof *rs->ring);
	rs->corrections = corrections;
	rs->emit = emit != NULL ? emit : write_row;
	rs->arg = arg;
	rs->dir = t != NULL && *t != '\0' ? t : "/tmp";
	rs->held = -1;
	rs->set = pc_idset_new();
	return rs;
}

/* Where the pair's fingerprint goes: h's low half, scaled to the slots. */
static size_t
fp_home(const struct pc_repeats *rs, uint64_t h)
{
	return (size_t)(((uint64_t)(uint32_t)h * rs->nfp) >> 32);
}

void
pc_repeats_prefetch(const struct pc_repeats *rs, uint64_t h)
{
	if (rs->part == NULL)
		pc_idset_prefetch_hash(rs->set, h);
	else if (rs->fp != NULL)
		__builtin_prefetch(&rs->fp[fp_home(rs, h)]);
}

void
pc_repeats_reserve(struct pc_repeats *rs, size_t n)
{
	size_t room;

	if (rs->part != NULL)
		return;
	room = rs->limit - pc_idset_count(rs->set);	/* count <= limit */
	pc_idset_reserve(rs->set, n < room ? n : room);
}

static __attribute__((noreturn)) void
tmp_failed(struct pc_repeats *rs)
{
	pc_warnx("temporary file in %s: %s", rs->dir, strerror(errno));
	pc_import_bail(rs->im, PC_EXIT_IO);
}

static int
tmp_open(struct pc_repeats *rs)
{
	char *path;
	int fd;

	if ((fd = open(rs->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) != -1)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		tmp_failed(rs);
	if (asprintf(&path, "%s/parcours.XXXXXX", rs->dir) == -1)
		err(PC_EXIT_IO, "asprintf");
	if ((fd = mkostemp(path, O_CLOEXEC)) == -1)
		tmp_failed(rs);
	(void)unlink(path);
	free(path);
	return fd;
}

/* 0, or the errno of a failed write: a decider thread cannot bail. */
static int
try_write(int fd, const void *p, size_t n, off_t at)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		w = at >= 0 ? pwrite(fd, s, n, at) : write(fd, s, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return w == 0 ? EIO : errno;
		s += w;
		n -= (size_t)w;
		if (at >= 0)
			at += w;
	}
	return 0;
}

/* n bytes at `at`, which are there: fewer is an error (EIO). */
static int
try_read(int fd, void *p, size_t n, off_t at)
{
	ssize_t r = pc_pread_upto(fd, p, n, at);

	if (r == -1)
		return errno;
	return (size_t)r < n ? EIO : 0;	/* shorter than written */
}

static void
write_all(struct pc_repeats *rs, int fd, const void *p, size_t n, off_t at)
{
	if ((errno = try_write(fd, p, n, at)) != 0)
		tmp_failed(rs);
}

static void
read_all(struct pc_repeats *rs, int fd, void *p, size_t n, off_t at)
{
	if ((errno = try_read(fd, p, n, at)) != 0)
		tmp_failed(rs);
}

static void
part_flush(struct pc_repeats *rs, struct part *p)
{
	write_all(rs, p->fd, p->buf, p->buflen, -1);
	p->buflen = 0;
}

static void
part_add(struct pc_repeats *rs, uint64_t h, const unsigned char *d,
    uint64_t off)
{
	struct part *p = &rs->part[h >> 58];	/* NPART is 2^6 */
	struct rec r;

	r.h = h;
	memcpy(r.d, d, PC_DIGEST);
	r.off = off;
	if (p->buflen + sizeof r > sizeof p->buf)
		part_flush(rs, p);
	memcpy(p->buf + p->buflen, &r, sizeof r);
	p->buflen += sizeof r;
	p->n++;
}

static void
ring_add(struct pc_repeats *rs, uint64_t h, const unsigned char *d)
{
	struct pair *e = &rs->ring[rs->ringpos];

	e->h = h;
	memcpy(e->d, d, PC_DIGEST);
	if (++rs->ringpos == rs->nring)
		rs->ringpos = 0;
	rs->ringfill++;
}

/* Whether the pair is among the last ones met, newest first. */
static int
ring_has(const struct pc_repeats *rs, uint64_t h, const unsigned char *d)
{
	size_t k, n, i = rs->ringpos;
	const struct pair *e;

	n = rs->ringfill < rs->nring ? (size_t)rs->ringfill : rs->nring;
	for (k = 0; k < n; k++) {
		i = i == 0 ? rs->nring - 1 : i - 1;
		e = &rs->ring[i];
		if (e->h == h && memcmp(e->d, d, PC_DIGEST) == 0)
			return 1;
	}
	return 0;
}

enum { FP_NEW, FP_MET, FP_FULL };

/*
 * FP_NEW: the pair was never met, and its fingerprint is in now.  FP_MET:
 * a pair with its fingerprint was (itself, or one in 4 billion by
 * chance).  FP_FULL: neither, and there is no room for it.
 */
static int
fp_put(struct pc_repeats *rs, uint64_t h, const unsigned char *d)
{
	uint32_t f, *e;
	size_t i;

	memcpy(&f, d, sizeof f);
	f ^= (uint32_t)(h >> 32);
	f += f == 0;		/* 0 is a free slot */
	for (i = fp_home(rs, h); *(e = &rs->fp[i]) != 0;
	    i = i + 1 == rs->nfp ? 0 : i + 1)
		if (*e == f)
			return FP_MET;
	if (rs->fpcount >= rs->nfp / 4 * 3)
		return FP_FULL;
	*e = f;
	rs->fpcount++;
	return FP_NEW;
}

static void
fp_free(struct pc_repeats *rs)
{
	if (rs->fp != NULL)
		pc_table_free(rs->fp, rs->nfp, sizeof *rs->fp);
	rs->fp = NULL;
}

/* The rows from now on are held, decided at the end. */
static void
hold(struct pc_repeats *rs)
{
	fp_free(rs);
	rs->held = tmp_open(rs);
}

static void
seed_part(uint64_t h, const unsigned char *d, void *arg)
{
	part_add(arg, h, d, SEED);
}

/*
 * The pairs on disk so far into the fingerprints, read back from the
 * parts once the set is gone, so that the two are not in memory at once.
 */
static void
fp_fill(struct pc_repeats *rs)
{
	unsigned char *buf = pc_xmalloc(READBUF);
	struct part *p;
	struct rec r;
	size_t i, j, n, done;

	for (i = 0; i < NPART && rs->fp != NULL; i++) {
		p = &rs->part[i];
		part_flush(rs, p);
		for (done = 0; done < p->n && rs->fp != NULL; done += n) {
			n = p->n - done < READBUF / sizeof r ? p->n - done :
			    READBUF / sizeof r;
			read_all(rs, p->fd, buf, n * sizeof r,
			    (off_t)(done * sizeof r));
			for (j = 0; j < n; j++) {
				memcpy(&r, buf + j * sizeof r, sizeof r);
				if (fp_put(rs, r.h, r.d) == FP_FULL) {
					hold(rs);
					break;
				}
			}
		}
	}
	free(buf);
}

/*
 * The set is full: its pairs, and every pair from now on, go to disk, and
 * their fingerprints to memory of the same size, while there is room.
 */
static void
spill(struct pc_repeats *rs)
{
	size_t i;

	_Static_assert(NPART == 64, "part_add takes the top 6 bits");
	rs->part = pc_xcalloc(NPART, sizeof *rs->part);
	for (i = 0; i < NPART; i++)
		rs->part[i].fd = tmp_open(rs);
	pc_idset_walk(rs->set, seed_part, rs);
	pc_idset_clear(rs->set);
	rs->nfp = rs->bytes / sizeof *rs->fp;
	if (rs->nfp > UINT32_MAX)
		rs->nfp = UINT32_MAX;
	if (rs->nfp < 16) {
		rs->held = tmp_open(rs);	/* 0: every row held */
		return;
	}
	rs->fp = pc_table_alloc(rs->nfp, sizeof *rs->fp);
	fp_fill(rs);
}

void
pc_repeats_seed(struct pc_repeats *rs, uint64_t h, const unsigned char *d)
{
	if (rs->part == NULL && pc_idset_count(rs->set) >= rs->limit)
		spill(rs);
	ring_add(rs, h, d);
	if (rs->part == NULL) {
		(void)pc_idset_put_hash(rs->set, h, d);
		return;
	}
	if (rs->fp != NULL && fp_put(rs, h, d) == FP_FULL)
		hold(rs);
	part_add(rs, h, d, SEED);
}

void
pc_repeats_row(struct pc_repeats *rs, uint64_t h, const unsigned char *d,
    const char *row, size_t len)
{
	struct pc_import *im = rs->im;
	uint32_t n = (uint32_t)len;

	if (rs->part == NULL && pc_idset_count(rs->set) >= rs->limit)
		spill(rs);
	if (rs->part == NULL) {
		ring_add(rs, h, d);
		switch (pc_idset_put_hash(rs->set, h, d)) {
		case 0:
			im->nskipped++;	/* recorded as it is: a repeat */
			return;
		case 2:
			if (rs->corrections)
				im->ncorrected++;
			break;
		}
		rs->emit(im, row, len, rs->arg);
		return;
	}
	if (rs->fp != NULL) {
		switch (fp_put(rs, h, d)) {
		case FP_NEW:
			ring_add(rs, h, d);
			part_add(rs, h, d, STREAMED);
			rs->emit(im, row, len, rs->arg);
			return;
		case FP_MET:
			if (ring_has(rs, h, d)) {
				ring_add(rs, h, d);
				im->nskipped++;
				return;
			}
			break;
		}
		hold(rs);
	}
	if (len > UINT32_MAX)	/* a record is 8 MB at most */
		errx(PC_EXIT_IO, "a row of %zu bytes", len);
	if (rs->hbuf.len + sizeof n + len > HELDBUF && rs->hbuf.len > 0) {
		write_all(rs, rs->held, rs->hbuf.s, rs->hbuf.len, -1);
		rs->hbuf.len = 0;
	}
	pc_buf_add(&rs->hbuf, &n, sizeof n);
	pc_buf_add(&rs->hbuf, row, len);
	part_add(rs, h, d, rs->off);
	rs->off += sizeof n + len;
}

/*
 * A part's pairs in input order into a set of its own: its held rows'
 * answers, the repeats' offsets written back over the part's start (one is
 * smaller than a rec, so never past what has been read), and its
 * corrections counted.  0, or the errno of a failed read or write.
 */
static int
decide(const struct pc_repeats *rs, struct part *p, struct pc_idset *set,
    unsigned char *buf)
{
	uint64_t sk[1024];
	struct rec r;
	size_t i, n, k = 0, done = 0;
	off_t wpos = 0;
	int e;

	pc_idset_empty(set);
	pc_idset_reserve(set, p->n);
	while (done < p->n) {
		n = p->n - done < READBUF / sizeof r ? p->n - done :
		    READBUF / sizeof r;
		if ((e = try_read(p->fd, buf, n * sizeof r,
		    (off_t)(done * sizeof r))) != 0)
			return e;
		for (i = 0; i < n; i++) {
			if (i + PREFETCH < n) {	/* each put is a cache miss */
				memcpy(&r.h, buf + (i + PREFETCH) * sizeof r,
				    sizeof r.h);
				pc_idset_prefetch_hash(set, r.h);
			}
			memcpy(&r, buf + i * sizeof r, sizeof r);
			switch (pc_idset_put_hash(set, r.h, r.d)) {
			case 0:	/* a streamed row was new */
				if (r.off == SEED || r.off == STREAMED)
					break;
				sk[k] = r.off;
				if (++k == sizeof sk / sizeof sk[0]) {
					if ((e = try_write(p->fd, sk,
					    sizeof sk, wpos)) != 0)
						return e;
					wpos += (off_t)sizeof sk;
					k = 0;
				}
				p->nskip++;
				break;
			case 2:
				if (rs->corrections && r.off != SEED)
					p->ncorr++;
				break;
			}
		}
		done += n;
	}
	return try_write(p->fd, sk, k * sizeof sk[0], wpos);
}

/*
 * The parts are decided apart from each other, on as many threads as the
 * import ran on (at the end of a run, nothing else is left to do) and as
 * the memory holds a set of the largest part's size for each.
 */
struct decider {
	const struct pc_repeats	*rs;
	struct pc_idset		*set;
	size_t			*next;		/* the next part to take */
	int			 err;
	pthread_t		 tid;
};

static void *
decide_parts(void *arg)
{
	struct decider *d = arg;
	unsigned char *buf = pc_xmalloc(READBUF);
	size_t i;

	while (d->err == 0 &&
	    (i = __atomic_fetch_add(d->next, 1, __ATOMIC_RELAXED)) < NPART)
		d->err = decide(d->rs, &d->rs->part[i], d->set, buf);
	free(buf);
	return NULL;
}

static void
decide_all(struct pc_repeats *rs)
{
	struct decider d[NPART];
	size_t i, nd = (size_t)pc_threads(), started, next = 0, most = 0;

	for (i = 0; i < NPART; i++)
		if (rs->part[i].n > most)
			most = rs->part[i].n;
	if (nd > rs->bytes / pc_idset_bytes(most))
		nd = rs->bytes / pc_idset_bytes(most);
	if (nd > NPART)
		nd = NPART;
	if (nd == 0)
		nd = 1;
	for (i = 0; i < nd; i++) {
		d[i].rs = rs;
		d[i].set = i == 0 ? rs->set : NULL;
		d[i].next = &next;
		d[i].err = 0;
	}
	for (i = 0; i < NPART; i++)
		part_flush(rs, &rs->part[i]);
	for (started = 1; started < nd; started++) {
		d[started].set = pc_idset_new();
		if (pthread_create(&d[started].tid, NULL, decide_parts,
		    &d[started]) != 0) {
			pc_idset_free(d[started].set);
			break;	/* fewer threads only make it slower */
		}
	}
	decide_parts(&d[0]);
	for (i = 1; i < started; i++) {
		pthread_join(d[i].tid, NULL);
		pc_idset_free(d[i].set);
	}
	for (i = 0; i < started; i++)
		if (d[i].err != 0) {
			errno = d[i].err;
			tmp_failed(rs);
		}
	for (i = 0; i < NPART; i++) {
		rs->im->nskipped += rs->part[i].nskip;
		rs->im->ncorrected += rs->part[i].ncorr;
	}
}

/* The part's next repeat not yet passed, or SEED. */
static uint64_t
next_skip(struct pc_repeats *rs, struct part *p)
{
	uint64_t off;
	size_t n;

	if (p->bufpos == p->buflen) {
		if (p->next == p->nskip)
			return SEED;
		n = (p->nskip - p->next) * sizeof off;
		if (n > sizeof p->buf)
			n = sizeof p->buf;
		read_all(rs, p->fd, p->buf, n, (off_t)(p->next * sizeof off));
		p->buflen = n;
		p->bufpos = 0;
	}
	memcpy(&off, p->buf + p->bufpos, sizeof off);
	return off;
}

/* The earliest repeat of all parts, and its part in *pp. */
static uint64_t
first_skip(struct pc_repeats *rs, struct part **pp)
{
	uint64_t off, best = SEED;
	size_t i;

	for (i = 0; i < NPART; i++)
		if ((off = next_skip(rs, &rs->part[i])) < best) {
			best = off;
			*pp = &rs->part[i];
		}
	return best;
}

/*
 * The held rows in input order, but the repeats.  b holds the bytes from
 * offset pos on, b->len of them; at is where the next row starts in it.
 */
static void
write_held(struct pc_repeats *rs, struct pc_buf *b)
{
	struct part *sp = NULL;
	uint64_t pos = 0, skip;
	size_t at = 0, want, n;
	uint32_t len;

	skip = first_skip(rs, &sp);
	while (pos + at < rs->off) {
		for (want = sizeof len; ; want = sizeof len + len) {
			if (at + want > b->len) {	/* read on */
				memmove(b->s, b->s + at, b->len - at);
				pos += at;
				b->len -= at;
				at = 0;
				pc_buf_reserve(b, want);	/* and its NUL */
				n = rs->off - pos - b->len;
				if (n > b->cap - b->len - 1)
					n = b->cap - b->len - 1;
				read_all(rs, rs->held, b->s + b->len, n,
				    (off_t)(pos + b->len));
				b->len += n;
				b->s[b->len] = '\0';
			}
			memcpy(&len, b->s + at, sizeof len);
			if (want == sizeof len + len)
				break;
		}
		if (pos + at == skip) {
			sp->bufpos += sizeof skip;
			sp->next++;
			skip = first_skip(rs, &sp);
		} else
			rs->emit(rs->im, b->s + at + sizeof len, len, rs->arg);
		at += sizeof len + len;
	}
}

void
pc_repeats_flush(struct pc_repeats *rs)
{
	size_t i;

	if (rs->part == NULL)
		return;
	fp_free(rs);
	if (rs->held != -1)
		write_all(rs, rs->held, rs->hbuf.s, rs->hbuf.len, -1);
	rs->hbuf.len = 0;
	decide_all(rs);
	pc_idset_clear(rs->set);
	if (rs->held != -1) {
		write_held(rs, &rs->hbuf);
		close(rs->held);
	}
	pc_buf_free(&rs->hbuf);
	for (i = 0; i < NPART; i++)
		close(rs->part[i].fd);
	free(rs->part);
	rs->part = NULL;
	rs->held = -1;
	rs->off = 0;
}

void
pc_repeats_free(struct pc_repeats *rs)
{
	if (rs == NULL)
		return;
	fp_free(rs);
	pc_idset_free(rs->set);
	pc_buf_free(&rs->hbuf);
	free(rs->ring);
	free(rs);
}
