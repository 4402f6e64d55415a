/*
 * io.c - reading a regular file at an offset, through interruptions and
 * short reads, for the temporary files of repeats.c and the rows that
 * latest.c reads again.
 */
#include <errno.h>
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
