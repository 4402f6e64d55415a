/* buf.c - growable byte buffers and allocation that cannot fail silently */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "parcours.h"

void *
pc_xmalloc(size_t n)
{
	void *p;

	if ((p = malloc(n ? n : 1)) == NULL)
		err(PC_EXIT_IO, "malloc");
	return p;
}

void *
pc_xcalloc(size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n ? n : 1, size ? size : 1)) == NULL)
		err(PC_EXIT_IO, "calloc");
	return p;
}

void *
pc_xreallocarray(void *p, size_t n, size_t size)
{
	if ((p = reallocarray(p, n ? n : 1, size ? size : 1)) == NULL)
		err(PC_EXIT_IO, "reallocarray");
	return p;
}

/*
 * n zeroed elements on cache lines of their own: a struct that threads
 * write at once asks for it (_Alignas(PC_LINES) on its first member), and
 * calloc aligns to 16 only.  Two lines, since a core fetches lines in pairs.
 */
void *
pc_xcalloc_lines(size_t n, size_t size)
{
	void *p;
	size_t total;

	if (__builtin_mul_overflow(n ? n : 1, size ? size : 1, &total) ||
	    posix_memalign(&p, PC_LINES, total) != 0)
		errx(PC_EXIT_IO, "out of memory");
	memset(p, 0, total);
	return p;
}

char *
pc_xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		err(PC_EXIT_IO, "strdup");
	return p;
}

/* The slow path of pc_buf_reserve: room for extra bytes and a NUL. */
void
pc_buf_grow(struct pc_buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		errx(PC_EXIT_IO, "buffer too large");
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap = b->cap > SIZE_MAX / 2 ? need : b->cap * 2;
	b->s = pc_xreallocarray(b->s, b->cap, 1);
}

const char *
pc_ltoa(long x, char buf[PC_LTOA_SZ])
{
	char *p = buf + PC_LTOA_SZ - 1;
	unsigned long u = x < 0 ? -(unsigned long)x : (unsigned long)x;

	*p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (x < 0)
		*--p = '-';
	return p;
}

void
pc_buf_adds(struct pc_buf *b, const char *s)
{
	pc_buf_add(b, s, strlen(s));
}

void
pc_buf_free(struct pc_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}
