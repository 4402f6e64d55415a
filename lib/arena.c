/*
 * arena.c - memory for millions of small pieces that live as long as the
 * table holding them (the rows of pc_latest, the strings of pc_events):
 * blocks of two megabytes, handed out in order and freed at once, so that
 * neither a malloc nor a free is paid per piece, nor its header.  And the
 * large zeroed arrays of the in-memory tables (pc_table_alloc).
 */
#include <sys/mman.h>

#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "parcours.h"

#define BLOCK		(2u << 20)
#define HUGE_FROM	(2u << 20)

/*
 * n zeroed elements of size bytes.  A hash table of a million entries is
 * probed at random: with 4 KiB pages every probe misses the TLB as well
 * as the cache.  From 2 MiB on, an array is mapped on its own and asked
 * for huge pages (madvise(MADV_HUGEPAGE): the kernel gives them where it
 * can, 2 MiB a TLB entry).  Free with pc_table_free and the same n, size.
 */
void *
pc_table_alloc(size_t n, size_t size)
{
	size_t bytes;
	void *p;

	if (size != 0 && n > SIZE_MAX / size)
		errx(PC_EXIT_IO, "a table of %zu entries is too large", n);
	bytes = n * size;
	if (bytes < HUGE_FROM)
		return pc_xcalloc(n ? n : 1, size ? size : 1);
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		err(PC_EXIT_IO, "mmap of %zu bytes", bytes);
	(void)madvise(p, bytes, MADV_HUGEPAGE);
	return p;
}

/*
 * The table p of oldn elements made one of newn (more), the new ones
 * zeroed.  Mapped, it grows by mremap: no copy, and its pages stay.
 */
void *
pc_table_grow(void *p, size_t oldn, size_t newn, size_t size)
{
	size_t oldb = oldn * size, newb;
	void *q;

	if (p == NULL || oldn == 0) {
		pc_table_free(p, oldn, size);
		return pc_table_alloc(newn, size);
	}
	if (size != 0 && newn > SIZE_MAX / size)
		errx(PC_EXIT_IO, "a table of %zu entries is too large", newn);
	newb = newn * size;
	if (newb < HUGE_FROM) {
		q = pc_xreallocarray(p, newn, size);
		memset((char *)q + oldb, 0, newb - oldb);
		return q;
	}
	if (oldb < HUGE_FROM) {
		q = pc_table_alloc(newn, size);
		memcpy(q, p, oldb);
		free(p);
		return q;
	}
	q = mremap(p, oldb, newb, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		err(PC_EXIT_IO, "mremap to %zu bytes", newb);
	(void)madvise(q, newb, MADV_HUGEPAGE);
	return q;
}

void
pc_table_free(void *p, size_t n, size_t size)
{
	if (p == NULL)
		return;
	if (n * size < HUGE_FROM)
		free(p);
	else
		munmap(p, n * size);
}

struct pc_arena_block {
	struct pc_arena_block	*next;
	size_t			 used, cap;
	char			 data[];	/* 8-byte aligned: after 3 words */
};

/* n bytes, at a multiple of align (a power of two, at most 8). */
void *
pc_arena_alloc(struct pc_arena *a, size_t n, size_t align)
{
	struct pc_arena_block *b = a->blocks;
	size_t at = b != NULL ? (b->used + align - 1) & ~(align - 1) : 0;

	if (b == NULL || at > b->cap || b->cap - at < n) {
		/* A block and its header fill a huge page exactly. */
		size_t cap = n > BLOCK - sizeof *b ? n : BLOCK - sizeof *b;

		b = pc_table_alloc(1, sizeof *b + cap);
		b->cap = cap;
		b->next = a->blocks;
		a->blocks = b;
		at = 0;
	}
	b->used = at + n;
	return b->data + at;
}

void
pc_arena_free(struct pc_arena *a)
{
	struct pc_arena_block *b, *next;

	for (b = a->blocks; b != NULL; b = next) {
		next = b->next;
		pc_table_free(b, 1, sizeof *b + b->cap);
	}
	a->blocks = NULL;
}
