/*
 * io.c - reading a regular file at an offset, through interruptions and
 * short reads, for the temporary files of repeats.c and the rows that
 * latest.c reads again; and guessing how many rows a file holds.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parcours.h"

ssize_t
pc_pread_upto(int fd, void *p, size_t n, off_t at)
{
	char *s = p;
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = pread(fd, s + got, n - got, at + (off_t)got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * How many lines a regular file holds, about: its size times the lines
 * of three samples (its start, middle and end) over their bytes; 0 when
 * it is not a regular file.  The in-memory tables size their hash tables
 * by it, rather than doubling them as they fill: each doubling is a
 * table the kernel clears and every key moved again (3 to 5 % of
 * followup-due's samples at a million pathways).  Only a hint: a table
 * still grows past it, and so the guess stops at GUESS_MAX, lest short
 * samples of a huge file make a table of gigabytes.
 */
#define SAMPLE		(64u << 10)
#define GUESS_MAX	((size_t)1 << 24)

size_t
pc_rows_guess_fd(int fd)
{
	struct stat st;
	char *buf;
	off_t at[3];
	size_t i, lines = 0, bytes = 0;
	ssize_t got;
	const char *p, *end;
	double guess;

	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	buf = pc_xmalloc(SAMPLE);
	at[0] = 0;
	at[1] = st.st_size / 2;
	at[2] = st.st_size > (off_t)SAMPLE ? st.st_size - (off_t)SAMPLE : 0;
	for (i = 0; i < 3; i++) {
		if ((got = pc_pread_upto(fd, buf, SAMPLE, at[i])) <= 0)
			continue;
		bytes += (size_t)got;
		for (p = buf, end = buf + got; (p = memchr(p, '\n',
		    (size_t)(end - p))) != NULL; p++)
			lines++;
		if (st.st_size <= (off_t)SAMPLE)
			break;	/* the whole file, counted once */
	}
	free(buf);
	if (bytes == 0)
		return 0;
	if (lines == 0)
		lines = 1;
	guess = (double)st.st_size * (double)lines / (double)bytes;
	return guess < (double)GUESS_MAX ? (size_t)guess : GUESS_MAX;
}

/* The same of a file by name, never opening what is not a regular file. */
size_t
pc_rows_guess(const char *path)
{
	struct stat st;
	size_t n;
	int fd;

	if (path == NULL || strcmp(path, "-") == 0 || stat(path, &st) == -1 ||
	    !S_ISREG(st.st_mode))
		return 0;
	/* Not blocking, should a FIFO have taken its place since. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return 0;
	n = pc_rows_guess_fd(fd);
	close(fd);
	return n;
}
