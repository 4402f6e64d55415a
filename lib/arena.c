/*
 * arena.c - memory for millions of small pieces that live as long as the
 * table holding them (the rows of pc_latest, the strings of pc_events):
 * blocks of a megabyte, handed out in order and freed at once, so that
 * neither a malloc nor a free is paid per piece, nor its header.
 */
#include <stdlib.h>

#include "parcours.h"

#define BLOCK	(1u << 20)

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
		size_t cap = n > BLOCK ? n : BLOCK;

		b = pc_xmalloc(sizeof *b + cap);
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
		free(b);
	}
	a->blocks = NULL;
}
