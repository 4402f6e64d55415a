/*
 * pathways.c - the pathway table of -P, as the record-making tools that
 * attach rows to pathways (pathway-event, rcp-record) use it: find a
 * pathway by its id, or by the patient's INS and the ICD-10 category when
 * an export names it so, and give what the tools check rows against (the
 * birth and diagnosis dates, the ICD-10 code).
 *
 * The latest row of each pathway, sorted by INS so that a patient's
 * pathways are a run, with a hash index by id: a national table holds a
 * million pathways, and a binary search of their ids (twenty strcmp
 * calls, each a cache miss) was most of rcp-record's time.  The strings
 * are kept in an arena, not one malloc each.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parcours.h"

struct slot {
	uint32_t	 h;		/* of the id */
	uint32_t	 i;		/* into pw, + 1; 0: free */
};

struct pc_pathways {
	struct pc_pathway	*pw;		/* sorted by INS */
	size_t			 n;
	struct slot		*slot;		/* by id: open addressing */
	size_t			 nslot;		/* a power of two */
	struct pc_arena		 arena;		/* the strings */
};

static int
cmp_ins(const void *a, const void *b)
{
	return strcmp(((const struct pc_pathway *)a)->ins,
	    ((const struct pc_pathway *)b)->ins);
}

/*
 * Sorting a million pathways by INS through strcmp is twenty million
 * calls, each following two pointers into the arena: a tenth of
 * rcp-record's run.  The first eight bytes, big-endian, decide nearly
 * every comparison without leaving the array (a NUL ends an INS, and
 * sorts first, as in strcmp).
 */
struct bykey {
	uint64_t		k;
	struct pc_pathway	p;
};

static uint64_t
ins_key(const char *s)
{
	uint64_t k = 0;
	size_t i;

	for (i = 0; i < 8; i++) {
		k = k << 8 | (unsigned char)*s;
		if (*s != '\0')
			s++;
	}
	return k;
}

static int
cmp_key(const void *a, const void *b)
{
	const struct bykey *x = a, *y = b;

	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return strcmp(x->p.ins, y->p.ins);
}

static void
sort_by_ins(struct pc_pathway *pw, size_t n)
{
	struct bykey *t = pc_xcalloc(n ? n : 1, sizeof *t);
	size_t i;

	for (i = 0; i < n; i++) {
		t[i].k = ins_key(pw[i].ins);
		t[i].p = pw[i];
	}
	qsort(t, n, sizeof *t, cmp_key);
	for (i = 0; i < n; i++)
		pw[i] = t[i].p;
	free(t);
}

static char *
keep(struct pc_pathways *t, const char *s, size_t n)
{
	char *p = pc_arena_alloc(&t->arena, n + 1, 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static uint32_t
hash_id(const char *id)
{
	return (uint32_t)(pc_hash(id, strlen(id)) >> 32);
}

/* The slot of id: its own, or the free one where it would go. */
static size_t
find(const struct pc_pathways *t, const char *id, uint32_t h)
{
	size_t i;

	for (i = h & (t->nslot - 1); t->slot[i].i != 0;
	    i = (i + 1) & (t->nslot - 1))
		if (t->slot[i].h == h &&
		    strcmp(t->pw[t->slot[i].i - 1].id, id) == 0)
			break;
	return i;
}

/* A table's date, or PC_NODATE when it is empty or not a date. */
static long
day_of(const char *s)
{
	char why[128];
	long d;

	if (s == NULL || *s == '\0' ||
	    pc_date_parse(s, strlen(s), NULL, &d, why, sizeof why) == -1)
		return PC_NODATE;
	return d;
}

struct pc_pathways *
pc_pathways_load(const char *path, char *err, size_t errsz)
{
	static const char *const used[] = { "ins", "icd10", "birth_date",
	    "diagnosis_date" };
	struct pc_readopt ro = { 0 };
	struct pc_pathways *t;
	struct pc_latest *l;
	long c_id, c_ins, c_icd, c_birth, c_diag;
	size_t i;

	/*
	 * Of a table of twenty columns, the five used, not the rest; and
	 * of a file, the rows read again below rather than held meanwhile.
	 */
	if ((l = pc_latest_load_cols(path, &ro, "pathway_id", used,
	    sizeof used / sizeof used[0], 1, err, errsz)) == NULL)
		return NULL;
	c_id = pc_latest_col(l, "pathway_id");
	c_ins = pc_latest_col(l, "ins");
	c_icd = pc_latest_col(l, "icd10");
	c_birth = pc_latest_col(l, "birth_date");
	c_diag = pc_latest_col(l, "diagnosis_date");
	if (c_ins < 0 || c_icd < 0) {
		snprintf(err, errsz, "%s:1: header: no ins or icd10 column "
		    "(is it a pathway table?)", path);
		pc_latest_free(l);
		return NULL;
	}
	t = pc_xcalloc(1, sizeof *t);
	t->n = pc_latest_nrows(l);
	t->pw = pc_xcalloc(t->n ? t->n : 1, sizeof *t->pw);
	for (i = 0; i < t->n; i++) {
		const struct pc_field *f = pc_latest_row(l, i, NULL);
		struct pc_pathway *p = &t->pw[i];

		/* As C strings, cut at a NUL byte as strcmp would. */
		p->id = keep(t, f[c_id].s, strlen(f[c_id].s));
		p->ins = keep(t, f[c_ins].s, strlen(f[c_ins].s));
		p->icd10 = keep(t, f[c_icd].s, strlen(f[c_icd].s));
		p->cat = keep(t, f[c_icd].s, strnlen(f[c_icd].s, 3));
		p->birth = c_birth >= 0 ? day_of(f[c_birth].s) : PC_NODATE;
		p->diagnosis = c_diag >= 0 ? day_of(f[c_diag].s) : PC_NODATE;
	}
	pc_latest_free(l);
	sort_by_ins(t->pw, t->n);
	for (t->nslot = 1024; t->nslot < t->n * 2; t->nslot *= 2)
		;
	t->slot = pc_table_alloc(t->nslot, sizeof *t->slot);
	for (i = 0; i < t->n; i++) {
		uint32_t h = hash_id(t->pw[i].id);
		size_t k = find(t, t->pw[i].id, h);

		/* pc_latest keeps one row an id: never there already */
		t->slot[k].h = h;
		t->slot[k].i = (uint32_t)i + 1;
	}
	return t;
}

void
pc_pathways_free(struct pc_pathways *t)
{
	if (t == NULL)
		return;
	pc_arena_free(&t->arena);
	pc_table_free(t->slot, t->nslot, sizeof *t->slot);
	free(t->pw);
	free(t);
}

size_t
pc_pathways_count(const struct pc_pathways *t)
{
	return t->n;
}

const struct pc_pathway *
pc_pathways_byid(const struct pc_pathways *t, const char *id)
{
	size_t k = find(t, id, hash_id(id));

	return t->slot[k].i != 0 ? &t->pw[t->slot[k].i - 1] : NULL;
}

size_t
pc_pathways_byins(const struct pc_pathways *t, const char *ins,
    const char *icd10, const struct pc_pathway **hit)
{
	struct pc_pathway key = { .ins = (char *)ins };
	const struct pc_pathway *p;
	size_t n = 0;

	*hit = NULL;
	p = bsearch(&key, t->pw, t->n, sizeof *t->pw, cmp_ins);
	if (p == NULL)
		return 0;
	/* back to the first of the run of this INS */
	while (p > t->pw && strcmp(p[-1].ins, ins) == 0)
		p--;
	for (; p < t->pw + t->n && strcmp(p->ins, ins) == 0; p++) {
		if (icd10 != NULL && *icd10 != '\0' &&
		    strncmp(p->cat, icd10, 3) != 0)
			continue;
		if (*hit == NULL)
			*hit = p;
		n++;
	}
	return n;
}

/*
 * The row's pathway from its pathway_id, ins and icd10 columns, with the
 * reasons of pathway-event(1) when it cannot be found.  t NULL: no -P.
 */
const char *
pc_pathways_resolve(const struct pc_pathways *t, struct pc_import *im,
    const struct pc_pathway **pwp)
{
	const char *id = pc_import_canon(im, "pathway_id");
	const char *ins = pc_import_canon(im, "ins");
	const char *icd = pc_import_canon(im, "icd10");
	const struct pc_pathway *hit;
	char why[160];
	size_t n;

	*pwp = NULL;
	if (*id != '\0') {
		if (t == NULL)
			return id;
		if ((*pwp = pc_pathways_byid(t, id)) != NULL)
			return id;
		pc_import_reason(im, "pathway_id", "no such pathway in the "
		    "pathway table");
		return NULL;
	}
	if (*ins == '\0') {
		/* A bad id or INS has its reason already. */
		if (pc_import_empty(im, "pathway_id") &&
		    pc_import_empty(im, "ins"))
			pc_import_reason(im, "pathway_id", "missing (or give "
			    "ins, and -P)");
		return NULL;
	}
	if (t == NULL) {
		pc_import_reason(im, "ins", "naming a pathway by its INS needs "
		    "the pathway table (-P)");
		return NULL;
	}
	n = pc_pathways_byins(t, ins, icd, &hit);
	if (n == 0) {
		pc_import_reason(im, "ins", *icd ? "no pathway for this INS "
		    "and ICD-10 category" : "no pathway for this INS");
		return NULL;
	}
	if (n > 1) {
		if (*icd != '\0')
			snprintf(why, sizeof why, "%zu pathways for this INS "
			    "and ICD-10 category: give pathway_id", n);
		else
			snprintf(why, sizeof why, "%zu pathways for this INS: "
			    "give icd10 to tell them apart", n);
		pc_import_reason(im, "ins", why);
		return NULL;
	}
	*pwp = hit;
	return hit->id;
}
