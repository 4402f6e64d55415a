/*
 * writer.c - CSV and TSV output that cannot half-happen.
 *
 * -o writes a temporary file beside the destination and renames it only
 * once everything is on disk, so a full disk or a kill leaves the old file
 * whole; the temporary is locked while its writer lives, so the next run
 * removes one a kill left behind.  -a appends under flock(2), so concurrent
 * writers serialise whole runs and never interleave rows, and a run that
 * fails takes its rows back out.  Everything goes through one buffer and
 * write(2), so every error, EPIPE and ENOSPC included, is seen.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parcours.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define WBUF	(256u << 10)

struct pc_writer {
	char		*path;		/* destination, or "stdout" */
	char		*tmp;		/* -o: the temporary file */
	enum pc_outmode	 mode;
	int		 fd;
	int		 delim;
	int		 failed;
	int		 safe;		/* --safe-csv */
	int		 err;		/* errno of the first failure */
	off_t		 base;		/* -a: the size before this run */
	struct pc_buf	 out;
};

/* A byte of w is zero (exact as a yes or no; Hacker's Delight 6-1). */
#define ONES		0x0101010101010101ULL
#define HASZERO(w)	(((w) - ONES) & ~(w) & 0x8080808080808080ULL)

/* Whether a byte of w is a quote, LF, CR or the delimiter (dl: ONES *). */
static inline int
special8(uint64_t w, uint64_t dl)
{
	return (HASZERO(w ^ (ONES * '"')) | HASZERO(w ^ (ONES * '\n')) |
	    HASZERO(w ^ (ONES * '\r')) | HASZERO(w ^ dl)) != 0;
}

#ifdef __SSE2__
/* The same for 16 bytes (dv: the delimiter in each), in a few instructions. */
static inline int
special16(__m128i v, __m128i dv)
{
	__m128i m = _mm_or_si128(
	    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
	    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\r')),
	    _mm_cmpeq_epi8(v, dv)));

	return _mm_movemask_epi8(m) != 0;
}
#endif

static inline int
special1(unsigned char ch, int delim)
{
	return ch == '"' || ch == '\n' || ch == '\r' || ch == delim;
}

/*
 * Whether s[0..n) holds the delimiter, a quote, LF or CR: a header's
 * name, eight bytes at a time (the cells of rows go through copy_scan).
 */
static int
needs_quotes(const char *s, size_t n, int delim)
{
	uint64_t w, dl = ONES * (unsigned char)delim;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		if (special8(w, dl))
			return 1;
	}
	for (; i < n; i++)
		if (special1((unsigned char)s[i], delim))
			return 1;
	return 0;
}

void
pc_csv_quote(struct pc_buf *b, const char *s, size_t n, int delim)
{
	size_t i;

	if (!needs_quotes(s, n, delim)) {
		pc_buf_add(b, s, n);
		return;
	}
	pc_buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			pc_buf_addc(b, '"');
		pc_buf_addc(b, s[i]);
	}
	pc_buf_addc(b, '"');
}

static int
writeall(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
flush(struct pc_writer *w)
{
	if (w->failed)
		return -1;
	if (w->out.len > 0 && writeall(w->fd, w->out.s, w->out.len) == -1) {
		w->failed = 1;
		w->err = errno;
		return -1;
	}
	pc_buf_clear(&w->out);
	return 0;
}

/* The delimiters a writer takes (pc_delim_parse): checked once a row. */
static void
known_delim(int delim)
{
	if (delim != ',' && delim != ';' && delim != '\t' && delim != '|')
		errx(PC_EXIT_IO, "no CSV writer for the delimiter 0x%02X",
		    (unsigned)delim & 0xffu);
}

/*
 * Copies s[0..n) to o while looking for a byte that makes the cell quoted:
 * 1 if there is one (o then holds part of it, to be written again).
 * Cells are mostly short (dates, codes, numbers): from four bytes to
 * seven the two halves are read as overlapping words, and a long cell's
 * last bytes as the word that ends it, so that only a cell under four
 * bytes is scanned byte by byte, and nothing is read past a cell's end.
 * With SSE2 (every x86-64) a cell of 8 bytes or more is read as vectors
 * the same way, its two overlapping halves in one from 8 to 16 bytes:
 * the four comparisons of a word cost some 20 instructions, of a vector 6
 * (4.5 % of an import's instructions).  fuzz_writer holds both to the
 * rules written out a byte at a time.
 */
static inline __attribute__((always_inline)) int
copy_scan(char *o, const unsigned char *s, size_t n, int delim)
{
	uint64_t dl = ONES * (unsigned char)delim;
	uint32_t lo, hi;
	size_t i;

#ifdef __SSE2__
	if (n >= 8) {
		const __m128i dv = _mm_set1_epi8((char)delim);
		__m128i a, b;

		if (n <= 16) {
			a = _mm_loadl_epi64((const __m128i *)s);
			b = _mm_loadl_epi64((const __m128i *)(s + n - 8));
			if (special16(_mm_unpacklo_epi64(a, b), dv))
				return 1;
			_mm_storel_epi64((__m128i *)o, a);
			_mm_storel_epi64((__m128i *)(o + n - 8), b);
			return 0;
		}
		for (i = 0; i + 16 <= n; i += 16) {
			a = _mm_loadu_si128((const __m128i *)(s + i));
			if (special16(a, dv))
				return 1;
			_mm_storeu_si128((__m128i *)(o + i), a);
		}
		if (i < n) {
			a = _mm_loadu_si128((const __m128i *)(s + n - 16));
			if (special16(a, dv))
				return 1;
			_mm_storeu_si128((__m128i *)(o + n - 16), a);
		}
		return 0;
	}
#else
	if (n >= 8) {
		uint64_t w;

		for (i = 0; i + 8 <= n; i += 8) {
			memcpy(&w, s + i, 8);
			if (special8(w, dl))
				return 1;
			memcpy(o + i, &w, 8);
		}
		if (i < n) {
			memcpy(&w, s + n - 8, 8);
			if (special8(w, dl))
				return 1;
			memcpy(o + n - 8, &w, 8);
		}
		return 0;
	}
#endif
	if (n >= 4) {
		memcpy(&lo, s, 4);
		memcpy(&hi, s + n - 4, 4);
		if (special8((uint64_t)lo | (uint64_t)hi << 32, dl))
			return 1;
		memcpy(o, &lo, 4);
		memcpy(o + n - 4, &hi, 4);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (special1(s[i], delim))
			return 1;
		o[i] = (char)s[i];
	}
	return 0;
}

/*
 * A cell, after the delimiter when it is not the first: copied as it is
 * scanned, and written again quoted only if a byte asks for it, so that
 * the common cell costs one pass.  A spreadsheet takes a cell that starts
 * with = + - @ (or a tab or CR before one) for a formula: with --safe-csv
 * such a cell gets a leading apostrophe, which spreadsheets show as text
 * (OWASP, "CSV Injection"); the apostrophe itself never needs quotes.
 */
static inline __attribute__((always_inline)) void
put_cell(struct pc_buf *b, const char *cs, size_t n, int delim, int safe,
    int first)
{
	const unsigned char *s = (const unsigned char *)cs;
	int lead = safe && n > 0 && s[0] != '\0' &&
	    strchr("=+-@\t\r", s[0]) != NULL;
	char *o, *start;
	size_t i;

	pc_buf_reserve(b, 2 * n + 4);
	o = b->s + b->len;
	if (!first)
		*o++ = (char)delim;
	start = o;
	if (lead)
		*o++ = '\'';
	if (!copy_scan(o, s, n, delim))
		o += n;
	else {
		o = start;
		*o++ = '"';
		if (lead)
			*o++ = '\'';
		for (i = 0; i < n; i++) {
			if (s[i] == '"')
				*o++ = '"';
			*o++ = (char)s[i];
		}
		*o++ = '"';
	}
	b->len = (size_t)(o - b->s);
	b->s[b->len] = '\0';
}

/*
 * One row as pc_writer_rowv would write it, into b (len NULL: strlen of
 * each value): a thread that is not the writer's formats rows for
 * pc_writer_raw.
 */
void
pc_csv_format_row(struct pc_buf *b, const char *const *v, const size_t *len,
    size_t n, int delim, int safe)
{
	size_t i;

	known_delim(delim);
	for (i = 0; i < n; i++)
		put_cell(b, v[i], len != NULL ? len[i] : strlen(v[i]), delim,
		    safe, i == 0);
	pc_buf_addc(b, '\n');
}

void
pc_given_digest(const struct pc_table *t, const char *const *v,
    const size_t *len, int delim, int safe, struct pc_buf *b,
    unsigned char out[PC_DIGEST])
{
	size_t c, at = b->len;
	int first = 1;

	known_delim(delim);
	for (c = 0; c < t->ncols; c++)
		if (!(t->cols[c].flags & PC_COL_DERIVED)) {
			put_cell(b, v[c], len != NULL ? len[c] : strlen(v[c]),
			    delim, safe, first);
			first = 0;
		}
	pc_bytes_digest(b->s + at, b->len - at, out);
	b->len = at;
	b->s[at] = '\0';
}

void
pc_csv_format_fields(struct pc_buf *b, const struct pc_field *f, size_t n,
    int delim, int safe)
{
	size_t i;

	known_delim(delim);
	for (i = 0; i < n; i++)
		put_cell(b, f[i].s, f[i].len, delim, safe, i == 0);
	pc_buf_addc(b, '\n');
}

void
pc_csv_format_more(struct pc_buf *b, const struct pc_field *f, size_t n,
    int delim, int safe)
{
	size_t i;

	known_delim(delim);
	for (i = 0; i < n; i++)
		put_cell(b, f[i].s, f[i].len, delim, safe, 0);
	pc_buf_addc(b, '\n');
}

void
pc_writer_safe_csv(struct pc_writer *w, int on)
{
	w->safe = on;
}

static void
format_header(struct pc_buf *b, const char *const *cols, size_t n, int delim)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			pc_buf_addc(b, delim);
		pc_csv_quote(b, cols[i], strlen(cols[i]), delim);
	}
	pc_buf_addc(b, '\n');
}

/*
 * An -a destination must begin with our header and end with a newline: a
 * different header would mix tables, a cut last line would glue our first
 * row to a torn one.
 */
static int
check_append(struct pc_writer *w, const struct pc_buf *hdr, char *err,
    size_t errsz, int *status)
{
	struct stat st;
	char *got, last;
	ssize_t n;
	size_t want = hdr->len;

	if (fstat(w->fd, &st) == -1)
		goto ioerr;
	if (!S_ISREG(st.st_mode)) {
		if (st.st_size == 0)
			return 1;	/* a pipe or a device: just append */
	}
	if (st.st_size == 0)
		return 1;
	got = pc_xmalloc(want + 1);
	n = pread(w->fd, got, want, 0);
	if (n == -1) {
		free(got);
		goto ioerr;
	}
	if ((size_t)n != want || memcmp(got, hdr->s, want) != 0) {
		struct pc_buf b = { 0 };
		char *nl;

		got[n] = '\0';
		if ((nl = memchr(got, '\n', (size_t)n)) != NULL)
			*nl = '\0';
		pc_vis(&b, got, strlen(got), 120);
		snprintf(err, errsz, "%s: its header differs from the one "
		    "this tool writes (%s): refusing to append", w->path, b.s);
		pc_buf_free(&b);
		free(got);
		*status = PC_EXIT_USAGE;
		return -1;
	}
	free(got);
	if (pread(w->fd, &last, 1, st.st_size - 1) != 1)
		goto ioerr;
	if (last != '\n') {
		snprintf(err, errsz, "%s: does not end with a newline (a "
		    "write was cut short?): refusing to append", w->path);
		*status = PC_EXIT_IO;
		return -1;
	}
	return 0;
ioerr:
	snprintf(err, errsz, "%s: %s", w->path, strerror(errno));
	*status = PC_EXIT_IO;
	return -1;
}

/*
 * A run killed by SIGKILL or a power cut leaves its temporary file.  A
 * live writer holds flock(2) on its temporary from before the name exists
 * (see make_temp), and the kernel drops the lock when the process dies, so
 * a temporary of this destination that we can lock is no one's: removed,
 * once we know the name still points at the file we locked.
 */
static void
clean_stale(const char *dir, const char *base)
{
	DIR *d;
	struct dirent *e;
	struct stat a, b;
	size_t blen = strlen(base);
	int dfd, fd;

	if ((d = opendir(dir)) == NULL)
		return;
	dfd = dirfd(d);
	while ((e = readdir(d)) != NULL) {
		const char *n = e->d_name;

		if (n[0] != '.' || strncmp(n + 1, base, blen) != 0 ||
		    n[blen + 1] != '.' || strlen(n + blen + 2) != 6)
			continue;
		fd = openat(dfd, n, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC);
		if (fd == -1)
			continue;
		if (fstat(fd, &a) == 0 && S_ISREG(a.st_mode) &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0 &&
		    fstatat(dfd, n, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			(void)unlinkat(dfd, n, 0);
		close(fd);
	}
	closedir(d);
}

/*
 * The temporary .BASE.XXXXXX beside the destination, mode 0600, locked.
 * An O_TMPFILE file is locked before linkat(2) gives it its name, so no
 * other run can see it unlocked; where the file system or /proc does not
 * allow that, mkostemp(3) and the lock right after it leave a window of
 * two system calls, in which only a concurrent -o run of the same
 * destination could take it for stale.
 */
static int
make_temp(struct pc_writer *w, const char *dir, const char *base)
{
	static const char az[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	char proc[64], sfx[7];
	int fd, i, j;

	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd != -1 && flock(fd, LOCK_EX) == 0) {
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
		for (i = 0; i < 100; i++) {	/* a name not taken */
			for (j = 0; j < 6; j++)
				sfx[j] = az[arc4random_uniform(sizeof az - 1)];
			sfx[6] = '\0';
			free(w->tmp);
			if (asprintf(&w->tmp, "%s/.%s.%s", dir, base, sfx) == -1)
				err(PC_EXIT_IO, "asprintf");
			if (linkat(AT_FDCWD, proc, AT_FDCWD, w->tmp,
			    AT_SYMLINK_FOLLOW) == 0)
				goto made;
			if (errno != EEXIST)
				break;
		}
	}
	if (fd != -1)
		close(fd);
	free(w->tmp);
	if (asprintf(&w->tmp, "%s/.%s.XXXXXX", dir, base) == -1)
		err(PC_EXIT_IO, "asprintf");
	if ((fd = mkostemp(w->tmp, O_CLOEXEC)) == -1)
		return -1;
	if (flock(fd, LOCK_EX) == -1) {
		unlink(w->tmp);
		close(fd);
		return -1;
	}
made:
	/* 0600 whatever the umask: the tables hold health data. */
	if (fchmod(fd, 0600) == -1) {
		unlink(w->tmp);
		close(fd);
		return -1;
	}
	return fd;
}

struct pc_writer *
pc_writer_open(const char *path, enum pc_outmode mode, int delim,
    const char *const *cols, size_t ncols, char *err, size_t errsz,
    int *status)
{
	struct pc_writer *w;
	struct pc_buf hdr = { 0 };
	struct stat st;
	char *dir, *base, *dcopy, *bcopy;
	int rc;

	w = pc_xcalloc(1, sizeof *w);
	w->mode = mode;
	w->delim = delim;
	w->fd = -1;
	format_header(&hdr, cols, ncols, delim);
	*status = PC_EXIT_IO;

	switch (mode) {
	case PC_OUT_STDOUT:
		w->path = pc_xstrdup("stdout");
		w->fd = STDOUT_FILENO;
		break;
	case PC_OUT_REPLACE:
		w->path = pc_xstrdup(path);
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			/*
			 * A device or a FIFO (-o /dev/null) is written to, not
			 * renamed over: renaming would replace the node itself.
			 */
			if (S_ISDIR(st.st_mode)) {
				snprintf(err, errsz, "%s: is a directory", path);
				goto fail;
			}
			w->mode = PC_OUT_STDOUT;
			if ((w->fd = open(path, O_WRONLY | O_CLOEXEC)) == -1) {
				snprintf(err, errsz, "%s: %s", path,
				    strerror(errno));
				goto fail;
			}
			break;
		}
		dcopy = pc_xstrdup(path);
		bcopy = pc_xstrdup(path);
		dir = dirname(dcopy);
		base = basename(bcopy);
		clean_stale(dir, base);
		w->fd = make_temp(w, dir, base);
		free(dcopy);
		free(bcopy);
		if (w->fd == -1) {
			snprintf(err, errsz, "%s: %s", w->tmp, strerror(errno));
			free(w->tmp);
			w->tmp = NULL;
			goto fail;
		}
		break;
	case PC_OUT_APPEND:
		w->path = pc_xstrdup(path);
		w->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		    0600);
		if (w->fd == -1) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (flock(w->fd, LOCK_EX) == -1) {
			snprintf(err, errsz, "%s: lock: %s", path,
			    strerror(errno));
			goto fail;
		}
		/* O_WRONLY does not allow pread: reopen to read the head. */
		{
			int rfd = open(path, O_RDONLY | O_CLOEXEC);
			int wfd = w->fd;

			if (rfd == -1) {
				snprintf(err, errsz, "%s: %s", path,
				    strerror(errno));
				goto fail;
			}
			w->fd = rfd;
			rc = check_append(w, &hdr, err, errsz, status);
			w->fd = wfd;
			close(rfd);
		}
		if (rc == -1)
			goto fail;
		if ((w->base = lseek(w->fd, 0, SEEK_END)) == -1)
			w->base = 0;	/* a pipe or a device */
		if (rc == 0) {
			pc_buf_free(&hdr);
			return w;
		}
		break;
	}
	pc_buf_add(&w->out, hdr.s, hdr.len);
	pc_buf_free(&hdr);
	return w;
fail:
	pc_buf_free(&hdr);
	if (w->tmp) {
		unlink(w->tmp);
		free(w->tmp);
	}
	if (w->fd > STDOUT_FILENO)
		close(w->fd);
	free(w->path);
	free(w);
	return NULL;
}

int
pc_writer_row(struct pc_writer *w, const struct pc_field *f, size_t n)
{
	pc_csv_format_fields(&w->out, f, n, w->delim, w->safe);
	if (w->out.len >= WBUF)
		return flush(w);
	return w->failed ? -1 : 0;
}

int
pc_writer_rowv(struct pc_writer *w, const char *const *v, size_t n)
{
	pc_csv_format_row(&w->out, v, NULL, n, w->delim, w->safe);
	if (w->out.len >= WBUF)
		return flush(w);
	return w->failed ? -1 : 0;
}

/* Rows already formatted (pc_csv_format_row), n bytes of whole lines. */
int
pc_writer_raw(struct pc_writer *w, const char *s, size_t n)
{
	pc_buf_add(&w->out, s, n);
	if (w->out.len >= WBUF)
		return flush(w);
	return w->failed ? -1 : 0;
}

static int
fsync_dir(const char *path)
{
	char *copy = pc_xstrdup(path);
	int fd, rc = 0;

	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		rc = fsync(fd);
		close(fd);
	}
	free(copy);
	return rc;
}

int
pc_writer_close(struct pc_writer *w, int commit, char *err, size_t errsz)
{
	struct stat st;
	char undo[128] = "";
	int rc = 0;

	if (commit)
		flush(w);
	if (commit && !w->failed && w->mode != PC_OUT_STDOUT &&
	    fsync(w->fd) == -1 && errno != EINVAL && errno != EROFS) {
		w->failed = 1;
		w->err = errno;
	}
	/*
	 * Still holding the lock: the temporary is renamed before close(2)
	 * drops it, so that no other run takes it for stale; an append that
	 * did not complete is cut back to where it began, so that a run adds
	 * all its rows or none.
	 */
	if (w->mode == PC_OUT_REPLACE) {
		if (commit && !w->failed && rename(w->tmp, w->path) == -1) {
			w->failed = 1;
			w->err = errno;
		}
		if (!commit || w->failed)
			unlink(w->tmp);
	}
	if (w->mode == PC_OUT_APPEND && (!commit || w->failed) &&
	    fstat(w->fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > w->base) {
		if (ftruncate(w->fd, w->base) == -1 || fsync(w->fd) == -1)
			snprintf(undo, sizeof undo, "; the rows of this run "
			    "could not be taken out: %s", strerror(errno));
		else
			snprintf(undo, sizeof undo, "; nothing appended");
	}
	/* After fsync and rename, a close error of -o changes nothing. */
	if (w->fd > STDOUT_FILENO && close(w->fd) == -1 && !w->failed &&
	    w->mode != PC_OUT_REPLACE) {
		w->failed = 1;
		w->err = errno;
	}
	if (w->mode == PC_OUT_REPLACE && commit && !w->failed)
		fsync_dir(w->path);
	if (commit && w->failed) {
		if (w->err == EPIPE && w->mode == PC_OUT_STDOUT)
			rc = 1;	/* the reader went away: end quietly */
		else {
			snprintf(err, errsz, "%s: write error: %s%s", w->path,
			    strerror(w->err), undo);
			rc = -1;
		}
	}
	pc_buf_free(&w->out);
	free(w->tmp);
	free(w->path);
	free(w);
	return rc;
}

const char *
pc_writer_name(const struct pc_writer *w)
{
	return w->path;
}
