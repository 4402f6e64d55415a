/*
 * rows.h - the invented patients and export records of gen-export and
 * gen-bench (tests/gen/rows.c), one source for both generators so that
 * the committed samples and the benchmark tables cannot drift apart.
 *
 * Every value is drawn from one splitmix64 PRNG: the order of the draws is
 * the output, so a caller that draws (rnd, rrange) between the calls below
 * changes every row after it.  Same seed, same calls: same bytes.
 */

#include <stddef.h>
#include <stdint.h>

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Defined by each main: the name die() puts before its message. */
extern const char *const progname;

/* ---- PRNG, helpers, dates --------------------------------------------- */

extern uint64_t rng;		/* the PRNG state: the seed, set once */

unsigned	rnd(unsigned);	/* uniform in 0..n-1 */
int		rrange(int, int);	/* uniform in lo..hi */
_Noreturn void	die(const char *);
void		scopy(char *, size_t, const char *);
unsigned long long number(const char *, unsigned long long, void (*)(void));

long		days_from_civil(int, int, int);
void		fmt_date(char *, size_t, long, int);

struct buf {
	char	*s;
	size_t	 len, cap;
};

/* ---- records ---------------------------------------------------------- */

enum field {
	F_ID, F_NIR, F_FAMILY, F_GIVEN, F_BIRTH, F_SEX, F_ICD10, F_TOPO,
	F_MORPH, F_DIAG, F_FINESS, F_REF_RPPS, F_REF_NAME, F_REF_TEL, F_TEAM,
	F_GP_RPPS, F_GP_NAME, F_GP_TEL, F_FREE, NFIELD
};

enum freemode {
	FREE_QUOTED,		/* quoted when it needs to be */
	FREE_RAW,		/* written as is: the delimiter makes a field */
	FREE_OPEN		/* an opening quote that is never closed */
};

struct rec {
	char		f[NFIELD][192];
	enum freemode	freemode;
};

/* How an export looks: shapes[0] the hospital EHR's, shapes[1] the web's. */
struct shape {
	const char	*name;
	char		 delim;
	int		 crlf, cp1252, bom, web;
	size_t		 ncols;
	enum field	 order[NFIELD];
	const char	*header[NFIELD];
};

extern const struct shape shapes[2];

struct person {
	char	 sex;			/* 'M' or 'F' */
	long	 birth, diag;
	char	 nir[16];		/* 15 characters, canonical */
	char	 family[64];
	char	 given[64];
	char	 id[24];
	const struct cancer *ca;
	const struct doctor *ref;
	int	 peds;			/* ref is a paediatric oncologist */
	const struct doctor *gp;	/* NULL: none declared */
	const char *finess;
};

/* ---- the kinds of row ------------------------------------------------- */

enum kind {
	K_VALID,
	K_BADKEY, K_SEXMISMATCH, K_EMPTYDATE, K_RAGGED, K_CORSICA, K_NIRLEN,
	K_FUTURE, K_IMPOSSIBLE, K_BADICD, K_CHAPTER, K_BADFINESS, K_BADRPPS,
	K_BIRTHAFTER,
	K_UNTERM, K_DUP, K_SECOND,
	/* valid rows that must be present */
	S_NEONATE, S_OLDEST, S_2A, S_2B, S_2A_AGAIN, S_NDIAYE, S_LEFEVRE,
	S_CELIK, S_NGUESSAN, S_AML_CHILD, S_ALL_CHILD, S_TEEN, S_AYA,
	S_MONTH_UNKNOWN, S_PROVISIONAL, S_PADDED, NKIND
};

/* The recurring defects, in the order they are handed out. */
extern const enum kind recurring[K_BIRTHAFTER - K_BADKEY + 1];
/* The valid rows every sample holds once. */
extern const enum kind specials[NKIND - S_NEONATE];

/* ---- making and writing rows ------------------------------------------ */

void	make_doctors(void);
int	make_row(struct rec *, struct person *, enum kind *, int,
	    const struct person *, const struct rec *, const struct shape *);
void	put_header(struct buf *, const struct shape *);
void	put_rec(struct buf *, const struct rec *, const struct shape *);
void	flush_out(struct buf *, const struct shape *);
void	rows_free(void);
