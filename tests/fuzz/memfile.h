/*
 * memfile.h - a fuzz target's input as a file: the library's loaders take
 * a path, so each input is written to a memfd opened by its name,
 * fdpath (/proc/self/fd/N), with no file on disk.  Included by the
 * targets, each a program of its own.
 */
#ifndef FUZZ_MEMFILE_H
#define FUZZ_MEMFILE_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static int memfd = -1;
static char fdpath[64];

/* From LLVMFuzzerInitialize (or the first input): name as in /proc. */
__attribute__((no_sanitize("coverage"))) static void
memfile_init(const char *name)
{
	if ((memfd = memfd_create(name, MFD_CLOEXEC)) == -1) {
		perror("memfd_create");
		abort();
	}
	snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", memfd);
}

/* The file becomes p[0..n), whatever it held before. */
__attribute__((no_sanitize("coverage"))) static void
memfile_set(const void *p, size_t n)
{
	const unsigned char *s = p;
	ssize_t w;

	if (ftruncate(memfd, 0) == -1 || lseek(memfd, 0, SEEK_SET) == -1) {
		perror("memfile");
		abort();
	}
	while (n > 0) {
		if ((w = write(memfd, s, n)) <= 0) {
			perror("memfile: write");
			abort();
		}
		s += w;
		n -= (size_t)w;
	}
}

#endif
