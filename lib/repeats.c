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
 * one id share a file; and each row from then on is held, after its
 * length, in one more temporary file.  At the end each part is read back on its own,
 * in input order, into a set of a part's size.  That decides its held rows
 * exactly as the one set would have, since a row's answer depends only on
 * the pairs of its own id before it.  The repeats' places are written back
 * over the part, and the held rows are copied out in input order around
 * them.  From the switch on, output comes at the end of the run instead
 * of row by row, and memory stays flat.
 *
 * The temporary files are made in TMPDIR (or /tmp) with mode 0600 and
 * unlinked at once (O_TMPFILE where the file system has it): held rows
 * are health data, and no kill leaves them behind.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
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
#define PREFETCH	8		/* recs ahead */

/* A pair, and where its row is in the held rows (or SEED). */
struct rec {
	uint64_t	 h;
	unsigned char	 d[PC_DIGEST];
	uint64_t	 off;
};

struct part {
	int		 fd;
	size_t		 n;		/* recs */
	size_t		 nskip;		/* repeats' offsets, once decided */
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
};

/*
 * PARCOURS_REPEAT_MEMORY: bytes, or with k, M or G (binary multiples).
 * The set is a power of two of entries, three quarters full at most.
 */
static size_t
memory_limit(void)
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
		if (v == 0)
			return 0;	/* every row through the files */
		v *= mul;
	}
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
	rs->limit = memory_limit();
	rs->corrections = corrections;
	rs->emit = emit != NULL ? emit : write_row;
	rs->arg = arg;
	rs->dir = t != NULL && *t != '\0' ? t : "/tmp";
	rs->held = -1;
	rs->set = pc_idset_new();
	return rs;
}

const struct pc_idset *
pc_repeats_set(const struct pc_repeats *rs)
{
	return rs->set;
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

static void
write_all(struct pc_repeats *rs, int fd, const void *p, size_t n, off_t at)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		w = at >= 0 ? pwrite(fd, s, n, at) : write(fd, s, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			tmp_failed(rs);
		}
		s += w;
		n -= (size_t)w;
		if (at >= 0)
			at += w;
	}
}

/* n bytes at `at`, which are there: fewer is an error. */
static void
read_all(struct pc_repeats *rs, int fd, void *p, size_t n, off_t at)
{
	ssize_t r = pc_pread_upto(fd, p, n, at);

	if (r != -1 && (size_t)r < n)
		errno = EIO;	/* shorter than written */
	if (r == -1 || (size_t)r < n)
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
seed_part(uint64_t h, const unsigned char *d, void *arg)
{
	part_add(arg, h, d, SEED);
}

/* The set is full: its pairs, and every pair from now on, go to disk. */
static void
spill(struct pc_repeats *rs)
{
	size_t i;

	_Static_assert(NPART == 64, "part_add takes the top 6 bits");
	rs->part = pc_xcalloc(NPART, sizeof *rs->part);
	for (i = 0; i < NPART; i++)
		rs->part[i].fd = tmp_open(rs);
	rs->held = tmp_open(rs);
	pc_idset_walk(rs->set, seed_part, rs);
	pc_idset_clear(rs->set);
}

void
pc_repeats_seed(struct pc_repeats *rs, uint64_t h, const unsigned char *d)
{
	if (rs->part == NULL && pc_idset_count(rs->set) >= rs->limit)
		spill(rs);
	if (rs->part == NULL)
		(void)pc_idset_put_hash(rs->set, h, d);
	else
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
 * smaller than a rec, so never past what has been read).
 */
static void
decide(struct pc_repeats *rs, struct part *p, unsigned char *buf)
{
	uint64_t sk[1024];
	struct rec r;
	size_t i, n, k = 0, done = 0;
	off_t wpos = 0;

	pc_idset_empty(rs->set);
	pc_idset_reserve(rs->set, p->n);
	while (done < p->n) {
		n = p->n - done < READBUF / sizeof r ? p->n - done :
		    READBUF / sizeof r;
		read_all(rs, p->fd, buf, n * sizeof r,
		    (off_t)(done * sizeof r));
		for (i = 0; i < n; i++) {
			if (i + PREFETCH < n) {	/* each put is a cache miss */
				memcpy(&r.h, buf + (i + PREFETCH) * sizeof r,
				    sizeof r.h);
				pc_idset_prefetch_hash(rs->set, r.h);
			}
			memcpy(&r, buf + i * sizeof r, sizeof r);
			switch (pc_idset_put_hash(rs->set, r.h, r.d)) {
			case 0:
				if (r.off == SEED)
					break;
				sk[k] = r.off;
				if (++k == sizeof sk / sizeof sk[0]) {
					write_all(rs, p->fd, sk, sizeof sk,
					    wpos);
					wpos += (off_t)sizeof sk;
					k = 0;
				}
				p->nskip++;
				break;
			case 2:
				if (rs->corrections && r.off != SEED)
					rs->im->ncorrected++;
				break;
			}
		}
		done += n;
	}
	write_all(rs, p->fd, sk, k * sizeof sk[0], wpos);
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
	unsigned char *buf;
	size_t i;

	if (rs->part == NULL)
		return;
	write_all(rs, rs->held, rs->hbuf.s, rs->hbuf.len, -1);
	rs->hbuf.len = 0;
	buf = pc_xmalloc(READBUF);
	for (i = 0; i < NPART; i++) {
		part_flush(rs, &rs->part[i]);
		decide(rs, &rs->part[i], buf);
		rs->im->nskipped += rs->part[i].nskip;
	}
	free(buf);
	pc_idset_clear(rs->set);
	write_held(rs, &rs->hbuf);
	pc_buf_free(&rs->hbuf);
	for (i = 0; i < NPART; i++)
		close(rs->part[i].fd);
	close(rs->held);
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
	pc_idset_free(rs->set);
	pc_buf_free(&rs->hbuf);
	free(rs);
}
