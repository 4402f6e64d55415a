/*
 * gen-bench.c - synthetic tables of any size for `make bench'
 *
 *	gen-bench [-s seed] [-n rows] [-b permille] export
 *	gen-bench [-s seed] events [pathways.csv]
 *	gen-bench [-s seed] rcp [pathways.csv]
 *
 * export writes on stdout a hospital export of n rows in the shape of
 * share/parcours/dpi-cp1252.map (Windows-1252, ';', CRLF, dd/mm/yyyy,
 * NIRs with or without spaces, CIM-10 codes in their PMSI forms, a free
 * ADRESSE column holding ';', quotes and line breaks), about permille per
 * thousand of its rows (default 10, i.e. 1 %) broken with the defects of
 * tests/gen/gen-export.c, one per row: a bad NIR key or length, a Corsican
 * key computed the wrong way, a sex that contradicts the NIR, an empty,
 * future or impossible date, a mistyped or non-tumour CIM-10 code, a bad
 * FINESS or RPPS key, a birth after the diagnosis, a ';' typed unquoted;
 * plus exact duplicates and second primary cancers of recent patients.
 * The unterminated quote of gen-export is left out: it swallows the rest
 * of the file, so a peer that stops at the first structural error would
 * have nothing left to do and the comparison would mean nothing.
 *
 * events reads a pathway table (as pathway-new writes it) and writes an
 * event table of parcours(5) with five events per pathway: ald-request
 * (its detail the RPPS of the GP, or of the referent for about one
 * pathway in eight), ald-granted, treatment-start, treatment-end and a
 * follow-up visit, none after 2026-11-23 (the tests' today), in date
 * order as an append-only table grows, not grouped by pathway.
 *
 * rcp reads a pathway table too and writes an rcp table of parcours(5)
 * that rcp-record accepts whole, with that table and the rules of
 * share/parcours/rcp-rules.csv, without a warning: one initial case per
 * pathway a few days to six weeks after the diagnosis, and for about one
 * pathway in five a later one for a change of strategy or a relapse,
 * none after 2026-11-23, in meeting date order.  The age at each meeting
 * picks the meeting (the pediatric RCPPI under 18, never registered,
 * consent by a parent or guardian; the double pediatric and adult
 * opinion from 15 to 24), the cancer the specialties (a surgeon outside
 * haematology, an oncologist or haematologist for chemotherapy, 3 to 5
 * with a quorum of 3), and rcp_id is the one rcp-record derives
 * (pc_rcp_id, which gen-bench links from libparcours), so that
 * it writes the table back byte for byte (SOURCE_DATE_EPOCH set to that
 * day) and skips every row of it when appending it to itself.  Like
 * events it keeps its rows to sort them, about 120 bytes a pathway.
 *
 * The person and record code is tests/gen/rows.c, which gen-export
 * shares; what is this file's is the plan: rows are made one at a time,
 * with no table of n people, so that ten million rows fit in memory (only
 * the set of NIRs drawn grows, 8 bytes a row at most twice over).  Same
 * seed, same options: same bytes.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/parcours.h"
#include "../gen/rows.h"

const char *const progname = "gen-bench";

/* ---- export ----------------------------------------------------------- */

/*
 * Recent valid patients, for the duplicates and second cancers to
 * repeat: a window, not the whole file, so that memory stays flat.
 */
#define RING	64

static struct recent {
	struct person	p;
	struct rec	r;
} ring[RING];
static size_t nring;

static void
export(size_t n, unsigned permille)
{
	const struct shape *sh = &shapes[0];
	struct buf out = { 0 };
	int count[NKIND] = { 0 };
	size_t i, nbad = 0;

	make_doctors();
	put_header(&out, sh);

	for (i = 0; i < n; i++) {
		struct person p;
		struct rec r;
		enum kind k = K_VALID;
		unsigned draw = rnd(1000);
		size_t src = nring ? rnd((unsigned)(nring < RING ? nring :
		    RING)) : 0;

		/* one in a thousand each: a duplicate, a second cancer */
		if (draw < permille)
			k = recurring[nbad++ % NELEM(recurring)];
		else if (draw < permille + 1 && nring)
			k = K_DUP;
		else if (draw < permille + 2 && nring)
			k = K_SECOND;
		else if (i % 1000 == 500)
			k = specials[(i / 1000) % NELEM(specials)];

		(void)make_row(&r, &p, &k, count[k], &ring[src].p,
		    &ring[src].r, sh);
		count[k]++;
		if (k == K_VALID) {	/* as made: neither padded nor broken */
			ring[nring % RING].p = p;
			ring[nring % RING].r = r;
			nring++;
		}
		put_rec(&out, &r, sh);
		if (out.len > 1 << 16)
			flush_out(&out, sh);
	}
	flush_out(&out, sh);
	free(out.s);
	rows_free();
}

/* ---- events ----------------------------------------------------------- */

enum evkind { EV_REQUEST, EV_GRANTED, EV_TSTART, EV_TEND, EV_VISIT, NEV };

static const char *const evname[NEV] = {
	"ald-request", "ald-granted", "treatment-start", "treatment-end",
	"visit"
};

struct pw {
	char	id[40];
	char	rpps[16];		/* who asked for the ALD */
};

struct ev {
	int32_t		date;
	uint32_t	pw;
	uint8_t		kind;
};

static int
evcmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if (x->pw != y->pw)
		return x->pw < y->pw ? -1 : 1;
	return (x->kind > y->kind) - (x->kind < y->kind);
}

/*
 * Splits a CSV line (no line break inside a field: pathway-new writes
 * none) into at most max fields, in place; returns the count.
 */
static size_t
split_csv(char *s, char **fld, size_t max)
{
	size_t n = 0;
	char *o;

	for (;;) {
		if (n == max)
			die("pathway table: too many columns");
		fld[n++] = o = s;
		if (*s == '"') {
			for (s++;; s++) {
				if (*s == '\0')
					die("pathway table: quote left open");
				if (*s == '"' && s[1] == '"')
					*o++ = *s++;
				else if (*s == '"')
					break;
				else
					*o++ = *s;
			}
			s++;
		} else
			while (*s && *s != ',')
				*o++ = *s++;
		if (*s == '\0') {
			*o = '\0';
			return n;
		}
		if (*s != ',')
			die("pathway table: text after a closing quote");
		*o = '\0';
		s++;
	}
}

/*
 * Opens a pathway table (the standard input for NULL or "-") and reads
 * its header: col[i] is the field of need[i].  Returns the count of
 * fields every row must have.
 */
static size_t
pw_open(const char *path, FILE **fpp, const char *const *need, size_t nneed,
    int *col, char **line, size_t *cap)
{
	char *fld[64];
	size_t i, nf;

	*fpp = stdin;
	if (path && strcmp(path, "-") != 0 &&
	    (*fpp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "gen-bench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (getline(line, cap, *fpp) == -1)
		die("pathway table: no header");
	(*line)[strcspn(*line, "\r\n")] = '\0';
	nf = split_csv(*line, fld, NELEM(fld));
	for (i = 0; i < nneed; i++) {
		size_t j;

		for (j = 0; j < nf && strcmp(fld[j], need[i]) != 0; j++)
			;
		if (j == nf)
			die("pathway table: a column is missing");
		col[i] = (int)j;
	}
	return nf;
}

static void
events(const char *path)
{
	static const char *const need[] = {
		"pathway_id", "diagnosis_date", "gp_rpps", "referent_rpps"
	};
	const long today = days_from_civil(2026, 11, 23);
	FILE *fp;
	char *line = NULL, *fld[64];
	size_t cap = 0, npw = 0, pwcap = 0, nev = 0, i, nf;
	int col[NELEM(need)];
	struct pw *pw = NULL;
	struct ev *ev = NULL;
	ssize_t len;

	nf = pw_open(path, &fp, need, NELEM(need), col, &line, &cap);
	while ((len = getline(&line, &cap, fp)) != -1) {
		long diag, req, tstart, tend, visit;
		int y, m, d;
		const char *rpps;

		line[strcspn(line, "\r\n")] = '\0';
		if (split_csv(line, fld, NELEM(fld)) != nf)
			die("pathway table: ragged row");
		if (sscanf(fld[col[1]], "%4d-%2d-%2d", &y, &m, &d) != 3)
			die("pathway table: bad diagnosis_date");
		if (npw == pwcap) {
			pwcap = pwcap ? pwcap * 2 : 4096;
			if (pwcap > SIZE_MAX / (NEV * sizeof *ev) ||
			    (pw = realloc(pw, pwcap * sizeof *pw)) == NULL ||
			    (ev = realloc(ev, pwcap * NEV * sizeof *ev)) == NULL)
				die("out of memory");
		}
		/* one request in eight by the referent, not the GP */
		rpps = fld[col[2]];
		if (*rpps == '\0' || rnd(8) == 0)
			rpps = fld[col[3]];
		scopy(pw[npw].id, sizeof pw[npw].id, fld[col[0]]);
		scopy(pw[npw].rpps, sizeof pw[npw].rpps, rpps);

		diag = days_from_civil(y, m, d);
		req = diag + rrange(5, 30);
		tstart = diag + rrange(14, 60);
		tend = tstart + rrange(60, 240);
		/* half seen lately, half at some point since the end */
		if (rnd(2))
			visit = today - rrange(0, 240);
		else
			visit = tend + rrange(30, 1100);
		if (visit > today)
			visit = today - rnd(30);
		if (visit < tend)
			visit = tend;
		if (tend > today || visit < tend)
			die("internal error: events after today");
		ev[nev++] = (struct ev){ (int32_t)req, (uint32_t)npw,
		    EV_REQUEST };
		ev[nev++] = (struct ev){ (int32_t)(req + rrange(15, 60)),
		    (uint32_t)npw, EV_GRANTED };
		ev[nev++] = (struct ev){ (int32_t)tstart, (uint32_t)npw,
		    EV_TSTART };
		ev[nev++] = (struct ev){ (int32_t)tend, (uint32_t)npw, EV_TEND };
		ev[nev++] = (struct ev){ (int32_t)visit, (uint32_t)npw,
		    EV_VISIT };
		npw++;
	}
	if (ferror(fp))
		die("read error");
	qsort(ev, nev, sizeof *ev, evcmp);
	printf("pathway_id,date,kind,until,detail,source,recorded_at\n");
	for (i = 0; i < nev; i++) {
		char date[16];

		fmt_date(date, sizeof date, ev[i].date, 1);
		/* dd/mm/yyyy back to ISO */
		printf("%s,%.4s-%.2s-%.2s,%s,,%s,gen-bench,"
		    "2026-11-23T00:00:00Z\n", pw[ev[i].pw].id, date + 6,
		    date + 3, date, evname[ev[i].kind],
		    ev[i].kind == EV_REQUEST ? pw[ev[i].pw].rpps : "");
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		die("write error");
	if (fp != stdin)
		fclose(fp);
	free(line);
	free(pw);
	free(ev);
}

/* ---- rcp -------------------------------------------------------------- */

/*
 * The words of the rcp columns, as vocabularies.csv spells them; index 0
 * of an optional column's list is the empty field.  The specialties are
 * bits, written in this order; the first eleven are those
 * quorum_specialties of rcp-rules.csv counts.
 */
static const char *const kindw[] = {
	"standard", "recourse", "rare", "pediatric"
};
enum { K_STANDARD, K_RECOURSE, K_RARE, K_PEDIATRIC };
static const char *const modew[] = { "discussed", "registered" };
enum { MO_DISCUSSED, MO_REGISTERED };
static const char *const motivew[] = { "initial", "change", "relapse" };
enum { M_INITIAL, M_CHANGE, M_RELAPSE };
static const char *const conformw[] = { "", "yes", "no" };
enum { G_NONE, G_YES, G_NO };
static const char *const consentw[] = {
	"", "patient", "mother", "father", "guardian"
};
enum { C_NONE, C_PATIENT, C_MOTHER, C_FATHER, C_GUARDIAN };
static const char *const decisionw[] = {
	"", "accepted", "refused", "pending"
};
enum { D_NONE, D_ACCEPTED, D_REFUSED, D_PENDING };

static const char *const specw[] = {
	"surgery", "pediatric-surgery", "medical-oncology",
	"pediatric-oncology", "hematology", "radiotherapy", "radiology",
	"pathology", "nuclear-medicine", "organ-specialist", "geriatrics",
	"pharmacy", "supportive-care", "gp"
};
enum {
	SP_SURG, SP_PSURG, SP_MONC, SP_PONC, SP_HAEM, SP_RADIOTH, SP_RADIOL,
	SP_PATH, SP_NUCL, SP_ORGAN, SP_GERIA, SP_PHARM, SP_SUPP, SP_GP, NSPEC
};
#define SP(s)		(1u << (s))
#define COUNTS		(SP(SP_PHARM) - 1)	/* quorum_specialties */

/*
 * Who else sits at the table, by kind of case, drawn with these weights
 * once the specialties the case needs are there.
 */
static const uint8_t pool_solid[] = {
	SP_MONC, SP_MONC, SP_RADIOTH, SP_RADIOL, SP_RADIOL, SP_PATH, SP_PATH,
	SP_ORGAN, SP_ORGAN, SP_ORGAN, SP_NUCL, SP_SUPP, SP_PHARM, SP_GP
};
static const uint8_t pool_haem[] = {
	SP_PATH, SP_PATH, SP_RADIOL, SP_RADIOL, SP_NUCL, SP_RADIOTH, SP_PHARM,
	SP_PHARM, SP_SUPP
};
static const uint8_t pool_child[] = {
	SP_RADIOL, SP_RADIOL, SP_PATH, SP_PATH, SP_RADIOTH, SP_NUCL, SP_PSURG,
	SP_SUPP, SP_PHARM
};

/*
 * The proposals, by kind of cancer, for a first meeting and a later one;
 * repeats are weights.  A proposal with trial gets a trial_id.
 */
enum { CA_SOLID, CA_HORMONE, CA_HAEM, NGROUP };

static const char *const prop_first[NGROUP][12] = {
	{ "surgery", "surgery", "surgery|radiotherapy",
	    "surgery|chemotherapy", "chemotherapy|surgery",
	    "chemotherapy|radiotherapy", "radiotherapy", "further-tests",
	    "surveillance", "immunotherapy", "targeted-therapy",
	    "trial|chemotherapy" },
	{ "surgery|hormone-therapy", "surgery|hormone-therapy",
	    "surgery|radiotherapy|hormone-therapy",
	    "surgery|radiotherapy|hormone-therapy",
	    "surgery|chemotherapy|radiotherapy", "chemotherapy|surgery",
	    "radiotherapy|hormone-therapy", "surgery", "surveillance",
	    "further-tests", "targeted-therapy|chemotherapy",
	    "trial|hormone-therapy" },
	{ "chemotherapy", "chemotherapy", "chemotherapy|immunotherapy",
	    "chemotherapy|immunotherapy", "targeted-therapy",
	    "targeted-therapy", "surveillance", "chemotherapy|hsct",
	    "chemotherapy|radiotherapy", "further-tests", "supportive-care",
	    "trial|chemotherapy" }
};
static const char *const prop_later[NGROUP][10] = {
	{ "chemotherapy", "chemotherapy", "immunotherapy",
	    "targeted-therapy", "radiotherapy", "surgery",
	    "chemotherapy|targeted-therapy", "supportive-care|palliative-care",
	    "palliative-care", "trial" },
	{ "hormone-therapy", "chemotherapy", "targeted-therapy|hormone-therapy",
	    "radiotherapy", "surgery", "immunotherapy", "chemotherapy",
	    "supportive-care|palliative-care", "surveillance", "trial" },
	{ "chemotherapy", "chemotherapy|immunotherapy", "targeted-therapy",
	    "immunotherapy", "hsct", "chemotherapy|hsct", "radiotherapy",
	    "supportive-care|palliative-care", "palliative-care", "trial" }
};

/* Trial numbers, invented, in the ClinicalTrials.gov, CTIS and EudraCT forms. */
static const char *const trials[] = {
	"NCT04567823", "NCT05102357", "NCT03898752", "NCT05830214",
	"NCT06012345", "2023-503742-18-00", "2024-512096-33-00",
	"2022-500183-40-00", "2025-522006-21-00", "2015-001869-38",
	"2018-002315-52", "2019-003472-11"
};

/*
 * The guideline a proposal follows, by the pathway's ICD-10 category:
 * the first range that holds it.  Names in the style of the French
 * referentials, for the shape of the field only: not a list to rely on.
 */
static const struct guide {
	const char	*lo, *hi, *text;
} guides[] = {
	{ "C00", "C14", "Référentiel GORTEC voies aérodigestives 2024" },
	{ "C15", "C26", "Thésaurus national de cancérologie digestive 2024" },
	{ "C32", "C32", "Référentiel GORTEC larynx 2024" },
	{ "C34", "C34", "Référentiel régional cancer bronchique 2025" },
	{ "C40", "C41", "Recommandations NETSARC+ sarcomes 2023" },
	{ "C43", "C43", "Recommandations SFD mélanome 2024" },
	{ "C48", "C49", "Recommandations NETSARC+ sarcomes 2023" },
	{ "C50", "C50", "Recommandations INCa cancer du sein 2024" },
	{ "C53", "C56", "Recommandations INCa cancers gynécologiques 2024" },
	{ "C61", "C67", "Recommandations CCAFU 2024-2026" },
	{ "C71", "C71", "Référentiel ANOCEF gliomes 2023" },
	{ "C73", "C74", "Référentiel TUTHYREF 2023" },
	{ "C81", "C96", "Référentiel régional d'hématologie 2024" },
	{ "D05", "D05", "Recommandations INCa cancer du sein 2024" },
	{ "D45", "D47", "Référentiel régional d'hématologie 2024" },
	{ "A00", "Z99", "Référentiel régional de cancérologie 2025" }
};
static const char pediatric_guide[] = "Recommandations SFCE 2024";

/* Free notes: some need quotes, one a line break. */
static const char *const notes[] = {
	"", "Dossier complet", "Revoir après le TEP-scanner",
	"Bilan d'extension à compléter: IRM, TEP",
	"Information donnée, temps de réflexion demandé",
	"Second avis demandé au centre de référence",
	"Présenté après la première cure (urgence)",
	"Évaluation \"oncogériatrique\" à programmer",
	"Relecture des lames demandée",
	"Annonce faite le jour même,\nrappel par l'IDE de coordination"
};

struct rcpw {
	char	id[40];
};

/* What the rules ask of a pathway, besides the age. */
struct facts {
	int		 birth[3];	/* year, month, day */
	int		 group;		/* CA_ */
	int		 rare;		/* a rare cancer network's */
	int		 lymphoma;	/* C81-C85: a PET for the staging */
	const char	*icd;
};

/* One case, drawn when its pathway is read, written once sorted. */
struct rcp {
	int32_t		date;
	uint32_t	pw;
	const char	*prop;
	uint16_t	spec;		/* SP() bits */
	uint16_t	decided;	/* days from meeting to decision */
	uint8_t		kind, mode, motive, guide, conform, consent,
			decision, trial, note;
};

static int
rcpcmp(const void *a, const void *b)
{
	const struct rcp *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return (x->pw > y->pw) - (x->pw < y->pw);
}

/* Whether an ICD-10 code's category is in lo..hi. */
static int
icd_in(const char *icd, const char *lo, const char *hi)
{
	return strncmp(icd, lo, 3) >= 0 && strncmp(icd, hi, 3) <= 0;
}

/* Whether a |-list holds a word. */
static int
has_word(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (;;) {
		if (strncmp(list, w, n) == 0 &&
		    (list[n] == '|' || list[n] == '\0'))
			return 1;
		if ((list = strchr(list, '|')) == NULL)
			return 0;
		list++;
	}
}

static int
nbits(unsigned m)
{
	int n = 0;

	for (; m; m &= m - 1)
		n++;
	return n;
}

static void
iso_date(char out[11], long day)
{
	char d[16];

	fmt_date(d, sizeof d, day, 1);
	snprintf(out, 11, "%.4s-%.2s-%.2s", d + 6, d + 3, d);
}

/*
 * Draws one case of pathway pw, met on day: the rules of rcp-rules.csv
 * decide what the case must have, the draws the rest.  The age is
 * counted at the meeting as rcp-record counts it (whole years, 18 on the
 * 18th birthday), so that a second meeting of a child of 17 can be an
 * adult's.
 */
static void
make_rcp(struct rcp *c, uint32_t pw, long day, int motive,
    const struct facts *f, long today)
{
	const int group = f->group;
	const uint8_t *pool;
	size_t npool;
	char meet[11];
	unsigned spec = 0;
	int age, child, target, tries, sp, r;
	size_t g;

	iso_date(meet, day);
	age = atoi(meet) - f->birth[0];
	if (atoi(meet + 5) < f->birth[1] ||
	    (atoi(meet + 5) == f->birth[1] && atoi(meet + 8) < f->birth[2]))
		age--;
	child = age < 18;

	memset(c, 0, sizeof *c);
	c->date = (int32_t)day;
	c->pw = pw;
	c->motive = (uint8_t)motive;

	/* a child goes to the RCPPI; a rare cancer mostly to its network */
	if (child)
		c->kind = K_PEDIATRIC;
	else if (f->rare && rnd(10) < 6)
		c->kind = K_RARE;
	else if (rnd(100) < (motive == M_INITIAL ? 5 : 10))
		c->kind = K_RECOURSE;
	else
		c->kind = K_STANDARD;
	/* registration without discussion: an adult's standard first case */
	if (!child && c->kind == K_STANDARD && motive == M_INITIAL &&
	    rnd(100) < 15)
		c->mode = MO_REGISTERED;

	c->prop = motive == M_INITIAL ?
	    prop_first[group][rnd(NELEM(prop_first[group]))] :
	    prop_later[group][rnd(NELEM(prop_later[group]))];
	if (has_word(c->prop, "trial"))
		c->trial = (uint8_t)(1 + rnd(NELEM(trials)));

	/*
	 * What the case needs: the pediatric oncologist of the RCPPI, the
	 * haematologist of a haematological cancer, the surgeon of a solid
	 * one (surgeon_kinds asks it of a standard meeting only; the others
	 * have one too), an oncologist qualified for the chemotherapy
	 * proposed (chemo_specialties), the double opinion of a 15-24
	 * year-old (aya_pediatric, aya_adult), the radiotherapist of a
	 * radiotherapy.
	 */
	if (child) {
		spec |= SP(SP_PONC);
		if (group != CA_HAEM && (rnd(5) != 0 ||
		    has_word(c->prop, "surgery")))
			spec |= SP(SP_PSURG);
	} else if (group != CA_HAEM)
		spec |= SP(SP_SURG);
	if (group == CA_HAEM)
		spec |= SP(SP_HAEM);
	else if (!child && (has_word(c->prop, "chemotherapy") || rnd(2)))
		spec |= SP(SP_MONC);
	if (age >= 15 && age <= 24)
		spec |= SP(SP_PONC) | SP(group == CA_HAEM ? SP_HAEM : SP_MONC);
	if (has_word(c->prop, "radiotherapy"))
		spec |= SP(SP_RADIOTH);
	if (f->lymphoma && rnd(2))
		spec |= SP(SP_NUCL);
	if (age >= 75 && rnd(3) == 0)
		spec |= SP(SP_GERIA);

	/* then 3 to 5 in all, those that do not count past a quorum */
	if (child) {
		pool = pool_child;
		npool = NELEM(pool_child);
	} else if (group == CA_HAEM) {
		pool = pool_haem;
		npool = NELEM(pool_haem);
	} else {
		pool = pool_solid;
		npool = NELEM(pool_solid);
	}
	target = rrange(3, 5);
	for (tries = 0; nbits(spec) < target && tries < 16; tries++) {
		unsigned s = SP(pool[rnd((unsigned)npool)]);

		if ((s & COUNTS) || nbits(spec & COUNTS) >= 3)
			spec |= s;
	}
	for (sp = SP_RADIOL; nbits(spec & COUNTS) < 3; sp++)
		spec |= SP(sp);
	if (nbits(spec) > 5 || (c->kind == K_STANDARD && group != CA_HAEM &&
	    !(spec & (SP(SP_SURG) | SP(SP_PSURG)))))
		die("internal error: specialties");
	c->spec = (uint16_t)spec;

	/* registered cases follow a guideline by definition */
	if (c->mode == MO_REGISTERED || rnd(10) < 7) {
		for (g = 0; !icd_in(f->icd, guides[g].lo, guides[g].hi); g++)
			;
		c->guide = (uint8_t)(g + 1);
		c->conform = (c->mode == MO_REGISTERED ||
		    rnd(100) >= (motive == M_INITIAL ? 8 : 20)) ? G_YES : G_NO;
	}

	/* child_consent, adult_consent: a tutor for a few of the oldest */
	if (child)
		c->consent = rnd(100) < 55 ? C_MOTHER : rnd(8) ? C_FATHER :
		    C_GUARDIAN;
	else
		c->consent = rnd(100) < (age >= 80 ? 6 : 1) ? C_GUARDIAN :
		    C_PATIENT;

	/* mostly accepted within three weeks; pending when very recent */
	r = (int)rnd(100);
	c->decision = r < 86 ? D_ACCEPTED : r < 90 ? D_REFUSED :
	    r < 96 ? D_PENDING : D_NONE;
	if (today - day < 14 && rnd(2))
		c->decision = D_PENDING;
	if (c->decision == D_ACCEPTED || c->decision == D_REFUSED) {
		long dec = day + rrange(0, 21);

		c->decided = (uint16_t)((dec > today ? today : dec) - day);
	}
	if (rnd(100) < 12)
		c->note = (uint8_t)(1 + rnd(NELEM(notes) - 1));
}

/* A field, quoted when it holds a comma, a quote or a line break. */
static void
put_field(const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void
rcp(const char *path)
{
	static const char *const need[] = {
		"pathway_id", "birth_date", "icd10", "diagnosis_date"
	};
	const long today = days_from_civil(2026, 11, 23);
	FILE *fp;
	char *line = NULL, *fld[64];
	size_t cap = 0, npw = 0, pwcap = 0, nrcp = 0, i, nf;
	int col[NELEM(need)];
	struct rcpw *pw = NULL;
	struct rcp *rc = NULL;

	nf = pw_open(path, &fp, need, NELEM(need), col, &line, &cap);
	while (getline(&line, &cap, fp) != -1) {
		struct facts f;
		long diag, first, second;
		int y, m, d, motive;

		line[strcspn(line, "\r\n")] = '\0';
		if (split_csv(line, fld, NELEM(fld)) != nf)
			die("pathway table: ragged row");
		if (sscanf(fld[col[1]], "%4d-%2d-%2d", &f.birth[0],
		    &f.birth[1], &f.birth[2]) != 3)
			die("pathway table: bad birth_date");
		if (sscanf(fld[col[3]], "%4d-%2d-%2d", &y, &m, &d) != 3)
			die("pathway table: bad diagnosis_date");
		if (strlen(f.icd = fld[col[2]]) < 3)
			die("pathway table: bad icd10");
		diag = days_from_civil(y, m, d);
		if (diag > today)
			continue;	/* no meeting can be recorded yet */
		if (npw == pwcap) {
			pwcap = pwcap ? pwcap * 2 : 4096;
			if (pwcap > SIZE_MAX / (2 * sizeof *rc) ||
			    (pw = realloc(pw, pwcap * sizeof *pw)) == NULL ||
			    (rc = realloc(rc, pwcap * 2 * sizeof *rc)) == NULL)
				die("out of memory");
		}
		scopy(pw[npw].id, sizeof pw[npw].id, fld[col[0]]);

		/* haematology_icd10 of rcp-rules.csv; hormone-driven; rare */
		if (icd_in(f.icd, "C81", "C96") || icd_in(f.icd, "D45", "D47"))
			f.group = CA_HAEM;
		else if (icd_in(f.icd, "C50", "C50") ||
		    icd_in(f.icd, "C54", "C54") ||
		    icd_in(f.icd, "C61", "C61") || icd_in(f.icd, "D05", "D05"))
			f.group = CA_HORMONE;
		else
			f.group = CA_SOLID;
		f.rare = icd_in(f.icd, "C40", "C41") ||
		    icd_in(f.icd, "C49", "C49") ||
		    icd_in(f.icd, "C69", "C69") || icd_in(f.icd, "C74", "C74");
		f.lymphoma = icd_in(f.icd, "C81", "C85");

		first = diag + rrange(5, 42);
		if (first > today)
			first = today;
		make_rcp(&rc[nrcp++], (uint32_t)npw, first, M_INITIAL, &f,
		    today);
		/* one in five back: a change of strategy or a relapse */
		if (rnd(5) == 0) {
			motive = rnd(5) < 3 ? M_CHANGE : M_RELAPSE;
			second = first + (motive == M_CHANGE ? rrange(60, 540) :
			    rrange(180, 1460));
			if (second > today && today > first)
				second = first + 1 +
				    (long)rnd((unsigned)(today - first));
			if (second <= today)
				make_rcp(&rc[nrcp++], (uint32_t)npw, second,
				    motive, &f, today);
		}
		npw++;
	}
	if (ferror(fp))
		die("read error");
	qsort(rc, nrcp, sizeof *rc, rcpcmp);
	printf("rcp_id,pathway_id,meeting_date,meeting_kind,mode,motive,"
	    "specialties,proposal,trial_id,guideline,guideline_conform,"
	    "consent_by,patient_decision,decision_date,notes,recorded_at\n");
	for (i = 0; i < nrcp; i++) {
		const struct rcp *c = &rc[i];
		char id[25], meet[11], dec[11];
		const char *sep = "";
		int s;

		iso_date(meet, c->date);
		dec[0] = '\0';
		if (c->decision == D_ACCEPTED || c->decision == D_REFUSED)
			iso_date(dec, c->date + c->decided);
		/*
		 * The id rcp-record derives: it keys the cases of an -a
		 * file by it, and pps-render keeps an id's last row.
		 */
		pc_rcp_id(pw[c->pw].id, meet, kindw[c->kind],
		    motivew[c->motive], id);
		printf("%s,%s,%s,%s,%s,%s,", id, pw[c->pw].id, meet,
		    kindw[c->kind], modew[c->mode], motivew[c->motive]);
		for (s = 0; s < NSPEC; s++)
			if (c->spec & SP(s)) {
				printf("%s%s", sep, specw[s]);
				sep = "|";
			}
		printf(",%s,%s,", c->prop,
		    c->trial ? trials[c->trial - 1] : "");
		put_field(c->guide == 0 ? "" : c->kind == K_PEDIATRIC ?
		    pediatric_guide : guides[c->guide - 1].text);
		printf(",%s,%s,%s,%s,", conformw[c->conform],
		    consentw[c->consent], decisionw[c->decision], dec);
		put_field(notes[c->note]);
		printf(",2026-11-23T00:00:00Z\n");
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		die("write error");
	if (fp != stdin)
		fclose(fp);
	free(line);
	free(pw);
	free(rc);
}

/* ---- main ------------------------------------------------------------- */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: gen-bench [-s seed] [-n rows] [-b permille] export\n"
	    "       gen-bench [-s seed] events [pathways.csv]\n"
	    "       gen-bench [-s seed] rcp [pathways.csv]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	unsigned long long seed = 1;
	size_t n = 1000;
	unsigned permille = 10;
	int c;

	while ((c = getopt(argc, argv, "b:hn:s:")) != -1) {
		switch (c) {
		case 'b':
			permille = (unsigned)number(optarg, 900, usage);
			break;
		case 'n':
			n = (size_t)number(optarg, 100000000, usage);
			break;
		case 's':
			seed = number(optarg, UINT64_MAX, usage);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	rng = (uint64_t)seed;
	if (argc == 1 && strcmp(argv[0], "export") == 0)
		export(n, permille);
	else if (argc <= 2 && argc >= 1 && strcmp(argv[0], "events") == 0)
		events(argc == 2 ? argv[1] : NULL);
	else if (argc <= 2 && argc >= 1 && strcmp(argv[0], "rcp") == 0)
		rcp(argc == 2 ? argv[1] : NULL);
	else
		usage();
	return 0;
}
