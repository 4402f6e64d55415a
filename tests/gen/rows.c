/*
 * rows.c - the invented patients and export records of gen-export and
 * gen-bench: names drawn from lists of common names, NIRs from the PRNG
 * with correct keys, RPPS numbers with correct keys starting 199 (the
 * real ones seen start 10), phone numbers in the blocks ARCEP is
 * understood to set aside for fiction (not confirmed here), e-mail
 * domains under example.org/.net (RFC 2606), real FINESS numbers (they
 * are public), CIM-10 and ICD-O-3 codes for the age and sex, and the
 * defects a row can be broken with.
 *
 * The two generators differ only in how they plan the rows (gen-export: a
 * table of n people and a sidecar of what it broke; gen-bench: one row at
 * a time, for sizes that do not fit in memory) and share everything here,
 * so that a benchmark table is made the way the committed samples are.
 * No dependency beyond libc; the PRNG is splitmix64, never rand(3).
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rows.h"

/*
 * ---- PRNG: splitmix64 -------------------------------------------------
 *
 * The order of draws is the output: never pass two draws as arguments of
 * one call (C leaves their order to the compiler); draw into variables.
 */

uint64_t rng;

static uint64_t
rnext(void)
{
	uint64_t z = (rng += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Uniform in 0..n-1 (n > 0), without modulo bias. */
unsigned
rnd(unsigned n)
{
	uint64_t lim = UINT64_MAX - UINT64_MAX % n, x;

	do
		x = rnext();
	while (x >= lim);
	return (unsigned)(x % n);
}

int
rrange(int lo, int hi)
{
	return lo + (int)rnd((unsigned)(hi - lo + 1));
}

static int
chance(unsigned pct)
{
	return rnd(100) < pct;
}

#define PICK(a)	((a)[rnd(NELEM(a))])

/* ---- small helpers ---------------------------------------------------- */

_Noreturn void
die(const char *msg)
{
	fprintf(stderr, "%s: %s\n", progname, msg);
	exit(1);
}

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (b->len + n + 1 > cap)
			cap *= 2;
		if ((p = realloc(b->s, cap)) == NULL)
			die("out of memory");
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void
buf_addc(struct buf *b, int c)
{
	char ch = (char)c;

	buf_add(b, &ch, 1);
}

/* Copy with a size check: a value that does not fit is a bug here. */
void
scopy(char *dst, size_t sz, const char *src)
{
	if (strlen(src) >= sz)
		die("internal error: value too long");
	memcpy(dst, src, strlen(src) + 1);
}

/* ---- dates (days since 1970-01-01, proleptic Gregorian) --------------- */

long
days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
year_of(long days)
{
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	return y;
}

/* dd/mm/yyyy; pad 0 writes d/m/yyyy (both read by "%d/%m/%Y"). */
void
fmt_date(char *out, size_t sz, long days, int pad)
{
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(out, sz, pad ? "%02d/%02d/%04d" : "%d/%d/%04d", d, m, y);
}

/*
 * Diagnosis dates of valid rows stay well in the past so that the samples
 * keep their verdicts whatever "today" ($SOURCE_DATE_EPOCH) a test uses.
 */
#define DIAG_FIRST	days_from_civil(2019, 1, 1)
#define DIAG_LAST	days_from_civil(2024, 12, 31)

/* ---- check digits ----------------------------------------------------- */

/* The Luhn key digit of d[0..n). */
static int
luhn_key(const char *d, size_t n)
{
	int sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int x = d[n - 1 - i] - '0';

		if (i % 2 == 0 && (x *= 2) > 9)
			x -= 9;
		sum += x;
	}
	return (10 - sum % 10) % 10;
}

/*
 * NIR key of 13 characters: 97 - (N mod 97), 2A -> 19 and 2B -> 18.
 * swapped: the classic bug, 2A -> 18 and 2B -> 19.
 */
static int
nir_key(const char *s13, int swapped)
{
	uint64_t n = 0;
	char t[14];
	int i;

	memcpy(t, s13, 13);
	t[13] = '\0';
	if (t[5] == '2' && (t[6] == 'A' || t[6] == 'B')) {
		t[5] = '1';
		t[6] = ((t[6] == 'A') != (swapped != 0)) ? '9' : '8';
	}
	for (i = 0; i < 13; i++)
		n = n * 10 + (uint64_t)(t[i] - '0');
	return (int)(97 - n % 97);
}

/* ---- UTF-8 ------------------------------------------------------------ */

/* Decodes one character; returns its length (invalid input is a bug). */
static int
utf8_get(const unsigned char *s, unsigned long *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
		*cp = ((unsigned long)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 &&
	    (s[2] & 0xC0) == 0x80) {
		*cp = ((unsigned long)(s[0] & 0x0F) << 12) |
		    ((unsigned long)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
		return 3;
	}
	die("internal error: bad UTF-8 in a generated value");
	return 0;
}

static void
utf8_put(struct buf *b, unsigned long cp)
{
	if (cp < 0x80) {
		buf_addc(b, (int)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (int)(0xC0 | (cp >> 6)));
		buf_addc(b, (int)(0x80 | (cp & 0x3F)));
	} else {
		buf_addc(b, (int)(0xE0 | (cp >> 12)));
		buf_addc(b, (int)(0x80 | ((cp >> 6) & 0x3F)));
		buf_addc(b, (int)(0x80 | (cp & 0x3F)));
	}
}

/* Windows-1252 bytes 0x80-0x9F that are defined (the others are unused). */
static const struct {
	unsigned long	cp;
	unsigned char	byte;
} cp1252_high[] = {
	{ 0x20AC, 0x80 }, { 0x201A, 0x82 }, { 0x0192, 0x83 }, { 0x201E, 0x84 },
	{ 0x2026, 0x85 }, { 0x2020, 0x86 }, { 0x2021, 0x87 }, { 0x02C6, 0x88 },
	{ 0x2030, 0x89 }, { 0x0160, 0x8A }, { 0x2039, 0x8B }, { 0x0152, 0x8C },
	{ 0x017D, 0x8E }, { 0x2018, 0x91 }, { 0x2019, 0x92 }, { 0x201C, 0x93 },
	{ 0x201D, 0x94 }, { 0x2022, 0x95 }, { 0x2013, 0x96 }, { 0x2014, 0x97 },
	{ 0x02DC, 0x98 }, { 0x2122, 0x99 }, { 0x0161, 0x9A }, { 0x203A, 0x9B },
	{ 0x0153, 0x9C }, { 0x017E, 0x9E }, { 0x0178, 0x9F }
};

/* Re-encodes UTF-8 text as Windows-1252, byte by byte, in place. */
static void
to_cp1252(struct buf *b)
{
	const unsigned char *s = (const unsigned char *)b->s;
	size_t i = 0, o = 0, k;
	unsigned long cp;

	while (i < b->len) {
		i += (size_t)utf8_get(s + i, &cp);
		if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) {
			b->s[o++] = (char)cp;
			continue;
		}
		for (k = 0; k < NELEM(cp1252_high); k++)
			if (cp1252_high[k].cp == cp)
				break;
		if (k == NELEM(cp1252_high))
			die("internal error: character not in Windows-1252");
		b->s[o++] = (char)cp1252_high[k].byte;
	}
	b->len = o;
	b->s[o] = '\0';
}

/* Upper case for the Latin-1 letters and oe, the way a DPI stores NOM. */
static void
upper_utf8(char *dst, size_t sz, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	struct buf b = { 0 };
	unsigned long cp;

	while (*s) {
		s += utf8_get(s, &cp);
		if (cp >= 'a' && cp <= 'z')
			cp -= 0x20;
		else if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7)
			cp -= 0x20;
		else if (cp == 0xFF)
			cp = 0x178;
		else if (cp == 0x153)
			cp = 0x152;
		utf8_put(&b, cp);
	}
	scopy(dst, sz, b.s);
	free(b.s);
}

/*
 * Lower-case ASCII for an e-mail local part: accents folded, apostrophes
 * dropped, a space becomes sep (or is dropped when sep is 0).
 */
static void
ascii_fold(char *dst, size_t sz, const char *src, int sep)
{
	static const char *const from[] = {
		"àáâäã", "ç", "èéêë", "ìíîï", "ñ", "òóôöõ", "ùúûü", "ýÿ"
	};
	static const char to[] = "acei" "nouy";
	const unsigned char *s = (const unsigned char *)src;
	struct buf b = { 0 };
	unsigned long cp;
	size_t k;

	while (*s) {
		s += utf8_get(s, &cp);
		if (cp >= 0xC0 && cp <= 0xDE)
			cp += 0x20;
		if (cp == 0x152 || cp == 0x153) {
			buf_adds(&b, "oe");
			continue;
		}
		if (cp >= 'A' && cp <= 'Z')
			cp += 0x20;
		if ((cp >= 'a' && cp <= 'z') || cp == '-' || cp == '.') {
			buf_addc(&b, (int)cp);
			continue;
		}
		if (cp == ' ') {
			if (sep)
				buf_addc(&b, sep);
			continue;
		}
		for (k = 0; k < NELEM(from); k++) {
			const unsigned char *f = (const unsigned char *)from[k];
			unsigned long fc = 0;
			int hit = 0;

			while (*f && !hit) {
				f += utf8_get(f, &fc);
				hit = fc == cp;
			}
			if (hit) {
				buf_addc(&b, to[k]);
				break;
			}
		}
	}
	scopy(dst, sz, b.s ? b.s : "");
	free(b.s);
}

/* ---- invented data ---------------------------------------------------- */

static const char *const family_names[] = {
	"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
	"Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel",
	"Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
	"Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
	"François", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc",
	"Guérin", "Muller", "Henry", "Perrin", "Morin", "Clément", "Gauthier",
	"Fontaine", "Chevalier", "Robin", "Masson", "Gérard", "Nguyen",
	"Boyer", "Lemaire", "Duval", "Joly", "Noël", "Meyer", "Lucas",
	"Pérez", "Marchand", "Dufour", "Barbier", "Brunet", "Schmitt",
	"Leroux", "Fernandez", "Renard", "Caron", "Giraud", "Leclerc",
	"Vidal", "Lemoine", "Picard", "Lacroix", "Dupuis", "Da Silva",
	"Rivière", "Le Gall", "Le Goff", "Hoarau", "Payet", "Grondin",
	"N'Diaye", "Lefèvre-Dupré", "Çelik", "Öztürk", "Benali", "Haddad",
	"Bensaïd", "Traoré", "Diallo", "Koné", "Nowak", "Müller",
	"D'Almeida", "Dos Santos", "O'Neill", "Cœuret", "Béranger",
	"Lê", "Ibáñez", "Saint-Éloi", "de Villiers", "Kerjean"
};

static const char *const corsican_names[] = {
	"Santoni", "Casanova", "Leca", "Paoli", "Mattei", "Pietri",
	"Albertini", "Orsini"
};

static const char *const male_classic[] = {
	"Jean", "Pierre", "Michel", "André", "Philippe", "René", "Louis",
	"Alain", "Jacques", "Bernard", "Marcel", "Daniel", "Roger", "Paul",
	"Claude", "Christian", "Henri", "Georges", "François", "Patrick",
	"Gérard", "Joseph", "Éric", "Stéphane", "Frédéric", "Laurent",
	"Jérôme", "Hervé", "Benoît", "Loïc", "Noël", "Joël", "Jean-Baptiste",
	"Jean-François", "Mohamed", "Karim", "Mamadou", "Jean Pierre Marie"
};

static const char *const male_modern[] = {
	"Léo", "Gabriel", "Raphaël", "Hugo", "Lucas", "Théo", "Nathan",
	"Enzo", "Noah", "Adam", "Liam", "Maël", "Mathéo", "Timothée",
	"Yanis", "Ibrahima", "Kévin", "Noé", "Aurélien", "Joachim"
};

static const char *const female_classic[] = {
	"Marie", "Jeanne", "Françoise", "Monique", "Catherine", "Nathalie",
	"Isabelle", "Sylvie", "Martine", "Christine", "Nicole", "Anne",
	"Valérie", "Sandrine", "Véronique", "Sophie", "Céline", "Hélène",
	"Thérèse", "Germaine", "Geneviève", "Odette", "Renée",
	"Marie-Hélène", "Anne-Sophie", "Aïcha", "Fatoumata", "Agnès",
	"Béatrice", "Cécile", "Gaëlle", "Marie Louise"
};

static const char *const female_modern[] = {
	"Chloé", "Léa", "Manon", "Camille", "Inès", "Zoé", "Anaïs", "Maëlys",
	"Lucie", "Clémence", "Élodie", "Émilie", "Noémie", "Éloïse",
	"Maïwenn", "Louise", "Jade", "Ambre", "Awa", "Héloïse"
};

/* Real FINESS numbers (DOMAIN.md 5.2, all pass the Luhn key). */
static const char *const finess_dpi[] = {
	"750100125", "750100125", "750100125", "750100125", "750100018",
	"750041543", "750160012", "940000664", "750712184"
};
static const char *const finess_web[] = {
	"130786049", "690781810", "310781406", "830100558", "600100101",
	"010000024", "010780054"
};

/*
 * Blocks that ARCEP is understood to set aside for fiction (the first six
 * digits; not confirmed against its decision here); the last four are
 * drawn.
 */
static const char *const phone_blocks[] = {
	"019900", "026191", "035301", "046571", "053649", "063998"
};

/* INSEE country codes for births abroad (99 + 3 digits). */
static const char *const countries[] = {
	"109", "127", "134", "139", "350", "351", "352"
};

static const char *const streets[] = {
	"rue des Lilas", "avenue Jean-Jaurès", "place de l'Église",
	"chemin du Moulin", "impasse des Tilleuls", "boulevard Pasteur",
	"allée des Châtaigniers", "rue du Général-Leclerc",
	"route de la Forêt", "quai des Bateliers", "rue Émile-Zola",
	"rue de la Paix", "cours Napoléon", "lotissement Les Genêts"
};

static const char *const towns[] = {
	"75013 Paris", "13005 Marseille", "69003 Lyon", "20000 Ajaccio",
	"20200 Bastia", "97400 Saint-Denis", "59000 Lille", "33000 Bordeaux",
	"31000 Toulouse", "44000 Nantes", "67000 Strasbourg", "35000 Rennes",
	"29200 Brest", "63000 Clermont-Ferrand", "21000 Dijon",
	"94000 Créteil", "91000 Évry-Courcouronnes", "60000 Beauvais",
	"80000 Amiens", "76000 Rouen"
};

static const char *const notes_plain[] = {
	"Adressé par le médecin traitant",
	"Consultation d'annonce faite",
	"PPS remis au patient",
	"Dossier présenté en RCP",
	"Consultation infirmière d'annonce prévue",
	"Soins de support proposés"
};

/* Free text holding the delimiter, quotes or line breaks: always quoted. */
static const char *const notes_quoted[] = {
	"Suivi conjoint avec le CHU, RCP régionale",
	"Patient vu en RCP, accord pour le PPS",
	"Demande \"urgente\" du service",
	"Allergie : pénicilline\nPrévoir un interprète",
	"Famille informée, annonce faite\nRCP de recours prévue le mois prochain",
	"Préférence : « contact par courriel », pas de SMS"
};

/* ---- cancers ---------------------------------------------------------- */

struct cancer {
	const char	*icd10;		/* canonical CIM-10 */
	const char	*topo;		/* ICD-O-3 topography */
	const char	*morph;		/* ICD-O-3 morphology */
	int		 lo, hi;	/* age at diagnosis */
	char		 sex;		/* 0, 'M' or 'F' */
	char		 grade;		/* a grade digit may follow */
};

static const struct cancer child_cancers[] = {	/* 0-14 */
	{ "C91.0", "C42.1", "9836/3", 1, 14, 0, 0 },	/* B-ALL */
	{ "C91.0", "C42.1", "9837/3", 2, 14, 0, 0 },	/* T-ALL */
	{ "C92.0", "C42.1", "9861/3", 0, 14, 0, 0 },	/* AML */
	{ "C71.6", "C71.6", "9470/3", 1, 14, 0, 0 },	/* medulloblastoma */
	{ "C71.7", "C71.7", "9385/3", 3, 14, 0, 0 },	/* midline glioma */
	{ "C74.9", "C74.9", "9500/3", 0, 9, 0, 0 },	/* neuroblastoma */
	{ "C64", "C64.9", "8960/3", 0, 9, 0, 0 },	/* nephroblastoma */
	{ "C69.2", "C69.2", "9510/3", 0, 5, 0, 0 },	/* retinoblastoma */
	{ "C49.0", "C49.0", "8910/3", 1, 14, 0, 0 },	/* embryonal RMS */
	{ "C22.2", "C22.0", "8970/3", 0, 4, 0, 0 },	/* hepatoblastoma */
	{ "C83.7", "C77.2", "9687/3", 3, 14, 0, 0 },	/* Burkitt */
	{ "C81.1", "C77.1", "9663/3", 10, 14, 0, 0 },	/* Hodgkin */
	{ "C40.2", "C40.2", "9180/3", 8, 14, 0, 0 }	/* osteosarcoma */
};

static const struct cancer aya_cancers[] = {	/* 15-24 */
	{ "C81.1", "C77.1", "9663/3", 15, 24, 0, 0 },
	{ "C62.9", "C62.9", "9061/3", 15, 24, 'M', 0 },	/* seminoma */
	{ "C62.9", "C62.9", "9070/3", 15, 24, 'M', 0 },	/* embryonal ca. */
	{ "C73", "C73.9", "8260/3", 15, 24, 0, 0 },
	{ "C40.2", "C40.2", "9180/3", 15, 24, 0, 0 },
	{ "C41.4", "C41.4", "9260/3", 15, 24, 0, 0 },	/* Ewing */
	{ "C43.5", "C44.5", "8720/3", 18, 24, 0, 0 },
	{ "C91.0", "C42.1", "9836/3", 15, 24, 0, 0 },
	{ "C92.0", "C42.1", "9861/3", 15, 24, 0, 0 },
	{ "C71.9", "C71.9", "9400/3", 15, 24, 0, 0 }
};

static const struct cancer adult_cancers[] = {	/* 25 and over */
	{ "C50.4", "C50.4", "8500/3", 25, 95, 'F', 1 },
	{ "C50.9", "C50.9", "8500/3", 25, 95, 'F', 1 },
	{ "C50.8", "C50.8", "8520/3", 30, 95, 'F', 1 },
	{ "D05.1", "C50.9", "8500/2", 30, 85, 'F', 0 },
	{ "C61", "C61.9", "8140/3", 45, 95, 'M', 1 },
	{ "C61", "C61.9", "8140/3", 45, 95, 'M', 1 },
	{ "C34.1", "C34.1", "8140/3", 35, 95, 0, 1 },
	{ "C34.3", "C34.3", "8070/3", 35, 95, 0, 1 },
	{ "C34.9", "C34.9", "8041/3", 35, 95, 0, 0 },
	{ "C18.7", "C18.7", "8140/3", 30, 95, 0, 1 },
	{ "C18.2", "C18.2", "8140/3", 30, 95, 0, 1 },
	{ "C20", "C20.9", "8140/3", 30, 95, 0, 1 },
	{ "C25.0", "C25.0", "8500/3", 35, 95, 0, 1 },
	{ "C64", "C64.9", "8312/3", 30, 95, 0, 1 },
	{ "C67.9", "C67.9", "8120/3", 40, 95, 0, 1 },
	{ "C56", "C56.9", "8441/3", 30, 95, 'F', 0 },
	{ "C53.9", "C53.9", "8070/3", 25, 85, 'F', 1 },
	{ "C54.1", "C54.1", "8380/3", 40, 95, 'F', 1 },
	{ "C16.9", "C16.9", "8140/3", 35, 95, 0, 1 },
	{ "C15.5", "C15.5", "8070/3", 40, 95, 0, 1 },
	{ "C22.0", "C22.0", "8170/3", 40, 95, 0, 0 },
	{ "C83.3", "C77.9", "9680/3", 25, 95, 0, 0 },
	{ "C90.0", "C42.1", "9732/3", 40, 95, 0, 0 },
	{ "C91.1", "C42.1", "9823/3", 45, 95, 0, 0 },
	{ "C92.0", "C42.1", "9861/3", 25, 95, 0, 0 },
	{ "C71.9", "C71.9", "9440/3", 30, 90, 0, 0 },
	{ "C32.9", "C32.9", "8070/3", 35, 95, 0, 1 },
	{ "C01", "C01.9", "8070/3", 35, 95, 0, 1 },
	{ "D46.9", "C42.1", "9989/3", 50, 95, 0, 0 },
	{ "D45", "C42.1", "9950/3", 40, 95, 0, 0 },
	{ "C43.7", "C44.7", "8720/3", 25, 95, 0, 0 },
	{ "C73", "C73.9", "8260/3", 25, 90, 0, 0 },
	{ "C62.9", "C62.9", "9061/3", 25, 45, 'M', 0 }
};

/* A cancer for this age and sex, not in category avoid (3 chars) if set. */
static const struct cancer *
pick_cancer(int age, char sex, const char *avoid)
{
	const struct cancer *t, *ok[64];
	size_t n, i, k = 0;

	if (age < 15) {
		t = child_cancers;
		n = NELEM(child_cancers);
	} else if (age < 25) {
		t = aya_cancers;
		n = NELEM(aya_cancers);
	} else {
		t = adult_cancers;
		n = NELEM(adult_cancers);
	}
	for (i = 0; i < n; i++) {
		if (age < t[i].lo || age > t[i].hi)
			continue;
		if (t[i].sex && t[i].sex != sex)
			continue;
		if (avoid && strncmp(t[i].icd10, avoid, 3) == 0)
			continue;
		ok[k++] = &t[i];
	}
	if (k == 0)
		die("internal error: no cancer for this age");
	return ok[rnd((unsigned)k)];
}

/* The first cancer with this CIM-10 code for this age, or NULL. */
static const struct cancer *
find_cancer(const char *icd10, int age)
{
	static const struct {
		const struct cancer	*t;
		size_t			 n;
	} tabs[] = {
		{ child_cancers, NELEM(child_cancers) },
		{ aya_cancers, NELEM(aya_cancers) },
		{ adult_cancers, NELEM(adult_cancers) }
	};
	size_t i, j;

	for (i = 0; i < NELEM(tabs); i++)
		for (j = 0; j < tabs[i].n; j++)
			if (strcmp(tabs[i].t[j].icd10, icd10) == 0 &&
			    age >= tabs[i].t[j].lo && age <= tabs[i].t[j].hi)
				return &tabs[i].t[j];
	return NULL;
}

/* ---- doctors ---------------------------------------------------------- */

struct doctor {
	char	name[64];
	char	rpps[12];
	char	phone[11];		/* 10 digits */
	char	email[128];
};

static const char *const ref_adult[] = {
	"Dr Anne Lefort", "Pr Karim Benali", "Dr Sophie Marchetti",
	"Dr Jean-Marc Hébert", "Pr Claire Dubreuil", "Dr Mathieu Le Bihan",
	"Dr Nadia Haddad", "Dr Thomas Vasseur"
};
static const char *const ref_child[] = {
	"Pr Hélène Carrière", "Dr Yann Le Floc’h", "Dr Amélie Rossi"
};

#define NGP	24
static struct doctor adults[NELEM(ref_adult)], children[NELEM(ref_child)];
static struct doctor gps[NGP];

static const char *const team_phones[] = {
	"0199004110", "0199004120", "0199004130", "0199004140"
};
static const char *const team_child_phone = "0199004150";
static const char *const team_emails[] = {
	"onco-secretariat@chu-demo.example.org",
	"Hemato.IDEC@CHU-Demo.Example.ORG",
	"3c-coordination@reseau-onco.example.net",
	"consultation.annonce@chu-demo.example.org"
};
static const char *const team_child_email =
	"oncopediatrie@hopital-enfants.example.org";

static void
make_rpps(char out[12])
{
	int i;

	/* 199...: the real numbers seen in DOMAIN.md 5.3 start with 10. */
	memcpy(out, "199", 3);
	for (i = 3; i < 10; i++)
		out[i] = (char)('0' + rnd(10));
	out[10] = (char)('0' + luhn_key(out, 10));
	out[11] = '\0';
}

static void
make_phone(char out[11])
{
	const char *block = PICK(phone_blocks);
	unsigned last = rnd(10000);

	snprintf(out, 11, "%s%04u", block, last);
}

static void
make_doctor(struct doctor *d, const char *name, const char *domain)
{
	char fold[64];
	const char *sp;

	scopy(d->name, sizeof d->name, name);
	make_rpps(d->rpps);
	make_phone(d->phone);
	/* "Dr Anne Lefort" -> anne.lefort@domain */
	sp = strchr(name, ' ');
	ascii_fold(fold, sizeof fold, sp ? sp + 1 : name, '.');
	snprintf(d->email, sizeof d->email, "%s@%s", fold, domain);
}

void
make_doctors(void)
{
	size_t i;

	for (i = 0; i < NELEM(ref_adult); i++)
		make_doctor(&adults[i], ref_adult[i], "chu-demo.example.org");
	for (i = 0; i < NELEM(ref_child); i++)
		make_doctor(&children[i], ref_child[i],
		    "hopital-enfants.example.org");
	for (i = 0; i < NGP; i++) {
		char name[64];
		const char *g, *f = PICK(family_names);
		int male = chance(50);

		do	/* one given name for a doctor */
			g = male ? PICK(male_classic) : PICK(female_classic);
		while (strchr(g, ' '));
		snprintf(name, sizeof name, "Dr %s %s", g, f);
		make_doctor(&gps[i], name, "medecin.example.net");
		/* a GP's mailbox is the surgery's, half the time */
		if (chance(50)) {
			char fold[64];

			ascii_fold(fold, sizeof fold, f, 0);
			snprintf(gps[i].email, sizeof gps[i].email,
			    "cabinet.%s@sante.example.net", fold);
		}
	}
}

/* ---- people ----------------------------------------------------------- */

enum place {
	PL_RANDOM,
	PL_2A,
	PL_2B,
	PL_CORSICA,		/* 2A or 2B */
	PL_ABROAD
};

struct want {
	int	 age_lo, age_hi;	/* -1: drawn */
	char	 sex;			/* 0: drawn */
	enum place place;
	long	 diag_lo, diag_hi;
	long	 birth;			/* 0: drawn from the age */
	int	 neonate;		/* birth on the day of diagnosis */
	int	 month_unknown;		/* NIR month 20, 30-42 or 50-99 */
	int	 provisional;		/* NIR sex digit 7 or 8 */
	int	 corsica_bug;		/* key with 2A/2B swapped */
	const char *family;		/* forced family name */
	const char *cancer;		/* forced CIM-10 code */
};

static void
want_init(struct want *w)
{
	memset(w, 0, sizeof *w);
	w->age_lo = w->age_hi = -1;
	w->diag_lo = DIAG_FIRST;
	w->diag_hi = DIAG_LAST;
}

/* NIRs already used (13 digits after substitution, and the 2A/2B flag). */
static uint64_t *nirset;
static size_t nirset_cap, nirset_len;

static int
nir_seen(const char *nir13)
{
	uint64_t h = 0;
	size_t i;
	int flag = 0;

	for (i = 0; i < 13; i++) {
		int c = nir13[i];

		if (i == 6 && (c == 'A' || c == 'B')) {
			flag = c == 'A' ? 1 : 2;
			c = c == 'A' ? '9' : '8';
		}
		h = h * 10 + (uint64_t)(c - '0');
	}
	h = h * 4 + (uint64_t)flag;
	if (nirset_len * 2 >= nirset_cap) {
		uint64_t *old = nirset;
		size_t oldcap = nirset_cap, j;

		nirset_cap = oldcap ? oldcap * 2 : 1024;
		if ((nirset = calloc(nirset_cap, sizeof *nirset)) == NULL)
			die("out of memory");
		for (j = 0; j < oldcap; j++) {
			uint64_t v = old[j];

			if (v == 0)
				continue;
			for (i = (size_t)(v % nirset_cap); nirset[i];
			    i = (i + 1) % nirset_cap)
				;
			nirset[i] = v;
		}
		free(old);
	}
	h += 1;			/* 0 marks an empty slot */
	for (i = (size_t)(h % nirset_cap); nirset[i]; i = (i + 1) % nirset_cap)
		if (nirset[i] == h)
			return 1;
	nirset[i] = h;
	nirset_len++;
	return 0;
}

static unsigned long next_ipp = 2400000;

static void
make_person(struct person *p, const struct want *w, int web)
{
	char nir13[80], place[40];
	int by, bm, bd, dy, dm, dd, age, sexdigit, month;
	enum place pl;

	p->sex = w->sex ? w->sex : (chance(50) ? 'M' : 'F');
	pl = w->place;
	if (pl == PL_CORSICA)
		pl = chance(50) ? PL_2A : PL_2B;

	for (;;) {
		if (w->birth) {
			p->birth = w->birth;
			p->diag = w->birth + rrange(30, 700);
			if (p->diag > w->diag_hi)
				p->diag = w->diag_hi;
		} else {
			p->diag = w->diag_lo +
			    (long)rnd((unsigned)(w->diag_hi - w->diag_lo + 1));
			if (w->age_lo >= 0) {
				age = rrange(w->age_lo, w->age_hi);
			} else {
				unsigned r = rnd(100);

				if (r < 9)
					age = rrange(0, 14);
				else if (r < 17)
					age = rrange(15, 24);
				else {	/* older ages more likely */
					int a = rrange(0, 70), b = rrange(0, 70);

					age = 25 + (a > b ? a : b);
				}
			}
			civil_from_days(p->diag, &dy, &dm, &dd);
			if (dm == 2 && dd == 29)
				dd = 28;
			p->birth = days_from_civil(dy - age, dm, dd);
			if (w->neonate)
				;
			else if (age == 0)
				p->birth -= rrange(1, (int)(p->diag - 1 -
				    days_from_civil(dy - 1, dm, dd)));
			else
				p->birth -= rnd(365);
		}
		by = year_of(p->birth);
		if ((pl == PL_2A || pl == PL_2B) && by < 1976)
			continue;	/* 2A/2B exist since 1976 */
		if (by < 1924)
			continue;
		break;
	}
	civil_from_days(p->birth, &by, &bm, &bd);
	civil_from_days(p->diag, &dy, &dm, &dd);
	age = dy - by - (dm < bm || (dm == bm && dd < bd));

	/* the cancer */
	p->ca = w->cancer ? find_cancer(w->cancer, age) : NULL;
	if (p->ca == NULL)
		p->ca = pick_cancer(age, p->sex, NULL);

	/* the place of birth */
	if (pl == PL_RANDOM) {
		unsigned r = rnd(100);

		if (r < 4 && by >= 1976)
			pl = chance(50) ? PL_2A : PL_2B;
		else if (r < 12)
			pl = PL_ABROAD;
	}
	if (w->month_unknown || w->provisional)
		pl = PL_ABROAD;
	switch (pl) {
	case PL_2A:
	case PL_2B:
		snprintf(place, sizeof place, "2%c%03d", pl == PL_2A ? 'A' : 'B',
		    rrange(1, 366));
		break;
	case PL_ABROAD:
		snprintf(place, sizeof place, "99%s", PICK(countries));
		break;
	default:
		if (chance(4)) {	/* overseas: 971-976 and a commune */
			int dom = rrange(1, 6);

			snprintf(place, sizeof place, "97%d%02d", dom,
			    rrange(1, 34));
		} else {
			int dept;

			do
				dept = rrange(1, 95);
			while (dept == 20 && by >= 1976);
			snprintf(place, sizeof place, "%02d%03d", dept,
			    rrange(1, 700));
		}
		break;
	}

	if (strlen(place) != 5)
		die("internal error: place of birth not 5 characters");

	/* the NIR */
	sexdigit = p->sex == 'M' ? 1 : 2;
	if (w->provisional)
		sexdigit += 6;
	month = bm;
	if (w->month_unknown) {
		static const int unknown[] = { 20, 31, 50, 99 };

		month = PICK(unknown);
	}
	do {
		snprintf(nir13, sizeof nir13, "%d%02d%02d%.5s%03d", sexdigit,
		    by % 100, month, place, rrange(1, 999));
		if (strlen(nir13) != 13)
			die("internal error: NIR body not 13 characters");
	} while (nir_seen(nir13));
	snprintf(p->nir, sizeof p->nir, "%.13s%02d", nir13,
	    nir_key(nir13, w->corsica_bug));

	/* the names */
	if (w->family)
		scopy(p->family, sizeof p->family, w->family);
	else if ((pl == PL_2A || pl == PL_2B) && chance(60))
		scopy(p->family, sizeof p->family, PICK(corsican_names));
	else
		scopy(p->family, sizeof p->family, PICK(family_names));
	if (p->sex == 'M')
		scopy(p->given, sizeof p->given, by >= 1990 ?
		    PICK(male_modern) : PICK(male_classic));
	else
		scopy(p->given, sizeof p->given, by >= 1990 ?
		    PICK(female_modern) : PICK(female_classic));

	/* the local identifier, the team */
	next_ipp += 1 + rnd(997);
	if (web)
		snprintf(p->id, sizeof p->id, "W%d-%05lu", dy,
		    next_ipp % 100000);
	else
		snprintf(p->id, sizeof p->id, "00%08lu", next_ipp);
	p->peds = age < 18 || (age < 25 && chance(30));
	p->ref = p->peds ? &children[rnd(NELEM(children))] :
	    &adults[rnd(NELEM(adults))];
	p->gp = chance(88) ? &gps[rnd(NGP)] : NULL;
	p->finess = web ? PICK(finess_web) : PICK(finess_dpi);
}

/* ---- formatting -------------------------------------------------------- */

const struct shape shapes[2] = {
	{ "dpi", ';', 1, 1, 0, 0, 19,
	    { F_ID, F_NIR, F_FAMILY, F_GIVEN, F_BIRTH, F_SEX, F_ICD10, F_TOPO,
	      F_MORPH, F_DIAG, F_FINESS, F_REF_RPPS, F_REF_NAME, F_REF_TEL,
	      F_TEAM, F_GP_RPPS, F_GP_NAME, F_GP_TEL, F_FREE },
	    { "IPP", "NIR", "NOM", "PRENOM", "DATE_NAISSANCE", "SEXE", "CIM10",
	      "TOPO_CIMO3", "MORPHO_CIMO3", "DATE_DIAG", "FINESS",
	      "RPPS_REFERENT", "MEDECIN_REFERENT", "TEL_REFERENT",
	      "TEL_EQUIPE", "RPPS_MT", "MEDECIN_TRAITANT", "TEL_MT",
	      "ADRESSE" } },
	{ "web", ',', 0, 0, 1, 1, 16,
	    { F_ID, F_NIR, F_FAMILY, F_GIVEN, F_BIRTH, F_SEX, F_ICD10, F_DIAG,
	      F_FINESS, F_REF_NAME, F_REF_RPPS, F_TEAM, F_GP_NAME, F_GP_RPPS,
	      F_GP_TEL, F_FREE },
	    { "Patient ID", "INS", "Nom de naissance", "Prénoms",
	      "Date de naissance", "Sexe", "Code CIM-10", "Date du diagnostic",
	      "Établissement FINESS", "Médecin référent", "RPPS référent",
	      "Contact équipe", "Médecin traitant", "RPPS médecin traitant",
	      "Contact médecin traitant", "Commentaire" } }
};

/* 2 55 08 14 168 025 38 */
static void
fmt_nir(char *out, size_t sz, const char *nir, int spaced)
{
	if (spaced)
		snprintf(out, sz, "%.1s %.2s %.2s %.2s %.3s %.3s %.2s", nir,
		    nir + 1, nir + 3, nir + 5, nir + 7, nir + 10, nir + 13);
	else
		scopy(out, sz, nir);
}

/* The PMSI forms of a CIM-10 code: C50.9, C509, "C509    ", "C50.9   ". */
static void
fmt_icd10(char *out, size_t sz, const char *code, int form)
{
	char nodot[16];
	size_t i, o = 0;

	for (i = 0; code[i]; i++)
		if (code[i] != '.')
			nodot[o++] = code[i];
	nodot[o] = '\0';
	switch (form) {
	case 0:
		scopy(out, sz, code);
		break;
	case 1:
		scopy(out, sz, nodot);
		break;
	case 2:
		snprintf(out, sz, "%-8s", nodot);
		break;
	case 3:
		snprintf(out, sz, "%-8s", code);
		break;
	default:		/* typed in lower case */
		scopy(out, sz, code);
		out[0] = (char)(out[0] - 'A' + 'a');
		break;
	}
}

static int
icd10_form(void)
{
	unsigned r = rnd(100);

	return r < 40 ? 0 : r < 70 ? 1 : r < 85 ? 2 : r < 97 ? 3 : 4;
}

static void
fmt_phone(char *out, size_t sz, const char *d, int web)
{
	unsigned r = rnd(100);

	if (r < (web ? 70u : 80u))
		snprintf(out, sz, "%.2s %.2s %.2s %.2s %.2s", d, d + 2, d + 4,
		    d + 6, d + 8);
	else if (r < 88)
		scopy(out, sz, d);
	else if (r < 94)
		snprintf(out, sz, "%.2s.%.2s.%.2s.%.2s.%.2s", d, d + 2, d + 4,
		    d + 6, d + 8);
	else if (web && r < 97)
		snprintf(out, sz, "%.2s-%.2s-%.2s-%.2s-%.2s", d, d + 2, d + 4,
		    d + 6, d + 8);
	else
		snprintf(out, sz, "+33 %.1s %.2s %.2s %.2s %.2s", d + 1, d + 2,
		    d + 4, d + 6, d + 8);
}

static const char *
sex_value(char sex, int web)
{
	static const char *const m[] = { "M", "M", "M", "M", "M", "M", "1",
	    "1", "1", "H", "H" };
	static const char *const f[] = { "F", "F", "F", "F", "F", "F", "F",
	    "2", "2", "2" };

	if (web)
		return sex == 'M' ? "Homme" : "Femme";
	return sex == 'M' ? PICK(m) : PICK(f);
}

static void
make_free(char *out, size_t sz, int web, int plain)
{
	char street[96];
	unsigned r = rnd(100);
	const char *town = PICK(towns);
	int number = rrange(1, 150);
	const char *bis = chance(8) ? " bis" : "";
	const char *name = PICK(streets);

	if (web) {
		if (plain || r < 55)
			scopy(out, sz, r < 40 || plain ? "" : PICK(notes_plain));
		else if (r < 75)
			scopy(out, sz, PICK(notes_plain));
		else
			scopy(out, sz, PICK(notes_quoted));
		return;
	}
	snprintf(street, sizeof street, "%d%s %s", number, bis, name);
	if (plain || r < 62)
		snprintf(out, sz, "%s, %s", street, town);
	else if (r < 70)
		scopy(out, sz, "");
	else if (r < 80)	/* the delimiter inside: quoted */
		snprintf(out, sz, "Bât. %c; %s; %s", 'A' + rnd(4), street,
		    town);
	else if (r < 90)	/* a line break inside: quoted */
		snprintf(out, sz, "%s\n%s", street, town);
	else if (r < 95)	/* quotes inside: quoted, doubled */
		snprintf(out, sz, "Résidence \"Les Tilleuls\", %s, %s", street,
		    town);
	else			/* all of it, and two line breaks */
		snprintf(out, sz, "Chez Mme %s; Lieu-dit « Les Granges »\n%s\n%s",
		    PICK(family_names), street, town);
}

static void
fill_rec(struct rec *r, const struct person *p, const struct shape *sh)
{
	const struct cancer *ca = p->ca;
	int web = sh->web;

	memset(r, 0, sizeof *r);
	scopy(r->f[F_ID], sizeof r->f[F_ID], p->id);
	fmt_nir(r->f[F_NIR], sizeof r->f[F_NIR], p->nir,
	    chance(web ? 15 : 25));
	if (!web && chance(30))
		upper_utf8(r->f[F_FAMILY], sizeof r->f[F_FAMILY], p->family);
	else
		scopy(r->f[F_FAMILY], sizeof r->f[F_FAMILY], p->family);
	scopy(r->f[F_GIVEN], sizeof r->f[F_GIVEN], p->given);
	fmt_date(r->f[F_BIRTH], sizeof r->f[F_BIRTH], p->birth,
	    !web || chance(90));
	scopy(r->f[F_SEX], sizeof r->f[F_SEX], sex_value(p->sex, web));
	fmt_icd10(r->f[F_ICD10], sizeof r->f[F_ICD10], ca->icd10,
	    web ? (chance(60) ? 0 : 1) : icd10_form());
	if (!chance(12)) {
		fmt_icd10(r->f[F_TOPO], sizeof r->f[F_TOPO], ca->topo,
		    chance(50) ? 0 : 1);
		if (chance(15))
			snprintf(r->f[F_MORPH], sizeof r->f[F_MORPH], "%.4s%s",
			    ca->morph, ca->morph + 5);
		else if (ca->grade && chance(20))
			snprintf(r->f[F_MORPH], sizeof r->f[F_MORPH], "%s%d",
			    ca->morph, rrange(1, 3));
		else
			scopy(r->f[F_MORPH], sizeof r->f[F_MORPH], ca->morph);
	}
	fmt_date(r->f[F_DIAG], sizeof r->f[F_DIAG], p->diag,
	    !web || chance(90));
	scopy(r->f[F_FINESS], sizeof r->f[F_FINESS], p->finess);

	if (web && chance(15))	/* the IDNPS form, 8 + RPPS */
		snprintf(r->f[F_REF_RPPS], sizeof r->f[F_REF_RPPS], "8%s",
		    p->ref->rpps);
	else
		scopy(r->f[F_REF_RPPS], sizeof r->f[F_REF_RPPS], p->ref->rpps);
	scopy(r->f[F_REF_NAME], sizeof r->f[F_REF_NAME], p->ref->name);
	if (!chance(8))
		fmt_phone(r->f[F_REF_TEL], sizeof r->f[F_REF_TEL],
		    p->ref->phone, web);
	if (web && chance(70))
		scopy(r->f[F_TEAM], sizeof r->f[F_TEAM],
		    p->peds ? team_child_email : PICK(team_emails));
	else
		fmt_phone(r->f[F_TEAM], sizeof r->f[F_TEAM],
		    p->peds ? team_child_phone : PICK(team_phones), web);
	if (p->gp) {
		if (!chance(5))
			scopy(r->f[F_GP_RPPS], sizeof r->f[F_GP_RPPS],
			    p->gp->rpps);
		scopy(r->f[F_GP_NAME], sizeof r->f[F_GP_NAME], p->gp->name);
		if (web && chance(50))
			scopy(r->f[F_GP_TEL], sizeof r->f[F_GP_TEL],
			    p->gp->email);
		else if (!chance(6))
			fmt_phone(r->f[F_GP_TEL], sizeof r->f[F_GP_TEL],
			    p->gp->phone, web);
	}
	make_free(r->f[F_FREE], sizeof r->f[F_FREE], web, 0);
	r->freemode = FREE_QUOTED;
}

static void
put_field(struct buf *b, const char *s, char delim, enum freemode mode)
{
	const char *q;

	if (mode == FREE_RAW) {
		buf_adds(b, s);
		return;
	}
	if (mode == FREE_OPEN || strchr(s, delim) || strpbrk(s, "\"\r\n")) {
		buf_addc(b, '"');
		for (q = s; *q; q++) {
			if (*q == '"')
				buf_addc(b, '"');
			buf_addc(b, *q);
		}
		if (mode != FREE_OPEN)
			buf_addc(b, '"');
		return;
	}
	buf_adds(b, s);
}

static void
put_eol(struct buf *b, const struct shape *sh)
{
	buf_adds(b, sh->crlf ? "\r\n" : "\n");
}

/* ---- the defects ------------------------------------------------------ */

const enum kind recurring[K_BIRTHAFTER - K_BADKEY + 1] = {
	K_BADKEY, K_SEXMISMATCH, K_EMPTYDATE, K_RAGGED, K_CORSICA, K_NIRLEN,
	K_FUTURE, K_IMPOSSIBLE, K_BADICD, K_CHAPTER, K_BADFINESS, K_BADRPPS,
	K_BIRTHAFTER
};

const enum kind specials[NKIND - S_NEONATE] = {
	S_NEONATE, S_OLDEST, S_2A, S_2B, S_2A_AGAIN, S_NDIAYE, S_LEFEVRE,
	S_CELIK, S_NGUESSAN, S_AML_CHILD, S_ALL_CHILD, S_TEEN, S_AYA,
	S_MONTH_UNKNOWN, S_PROVISIONAL, S_PADDED
};

/* The wish list for a row of this kind. */
static void
want_for(struct want *w, enum kind k, int nth)
{
	want_init(w);
	switch (k) {
	case K_CORSICA:
		w->place = PL_CORSICA;
		w->corsica_bug = 1;
		break;
	case K_IMPOSSIBLE:
		if (nth % 2 == 0) {	/* diagnosis 30/02/2020: born before */
			w->diag_lo = days_from_civil(2020, 3, 1);
			w->diag_hi = days_from_civil(2021, 12, 31);
			w->age_lo = 2;
			w->age_hi = 80;
		} else			/* born "30/02/2020": NIR 20 02 */
			w->birth = days_from_civil(2020, 2, rrange(1, 28));
		break;
	case K_BADICD:			/* the first one is C5O.9 */
	case K_CHAPTER:			/* Z85.3: history of breast cancer */
		if (nth % 2 == 0) {
			w->sex = 'F';
			w->age_lo = 40;
			w->age_hi = 85;
			w->cancer = "C50.9";
		}
		break;
	case K_BIRTHAFTER:
		w->age_lo = 0;
		w->age_hi = 6;
		w->diag_hi = days_from_civil(2023, 12, 31);
		break;
	case S_NEONATE:
		w->age_lo = w->age_hi = 0;
		w->neonate = 1;
		w->cancer = chance(50) ? "C74.9" : "C69.2";
		break;
	case S_OLDEST:
		w->age_lo = w->age_hi = 95;
		break;
	case S_2A:
	case S_2A_AGAIN:
		w->place = PL_2A;
		w->age_lo = 20;
		w->age_hi = 43;
		break;
	case S_2B:
		w->place = PL_2B;
		w->age_lo = 5;
		w->age_hi = 43;
		break;
	case S_NDIAYE:
		w->family = "N'Diaye";
		break;
	case S_LEFEVRE:
		w->family = "Lefèvre-Dupré";
		break;
	case S_CELIK:
		w->family = "Çelik";
		break;
	case S_NGUESSAN:
		w->family = "N’Guessan";	/* typographic apostrophe */
		break;
	case S_AML_CHILD:
		w->age_lo = 1;
		w->age_hi = 14;
		w->cancer = "C92.0";
		break;
	case S_ALL_CHILD:
		w->age_lo = 2;
		w->age_hi = 10;
		w->cancer = "C91.0";
		break;
	case S_TEEN:			/* a child and an AYA at once */
		w->age_lo = 15;
		w->age_hi = 17;
		break;
	case S_AYA:
		w->age_lo = 18;
		w->age_hi = 24;
		break;
	case S_MONTH_UNKNOWN:
		w->month_unknown = 1;
		w->age_lo = 30;
		w->age_hi = 70;
		break;
	case S_PROVISIONAL:
		w->provisional = 1;
		w->age_lo = 25;
		w->age_hi = 60;
		break;
	default:
		break;
	}
}

/* Changes the last digit of a number written in s. */
static void
bump_last_digit(char *s)
{
	char *q = s + strlen(s);

	while (q > s && (q[-1] < '0' || q[-1] > '9'))
		q--;
	if (q == s)
		die("internal error: no digit to change");
	q[-1] = (char)('0' + (q[-1] - '0' + rrange(1, 9)) % 10);
}

/* A typing slip in the digits of a CIM-10 code: C5O.9, C34.I, C2S. */
static void
mistype(char *code)
{
	static const char digit[] = "015", letter[] = "OIS";
	size_t i;
	char *q;

	for (i = 0; i < sizeof digit - 1; i++)
		if ((q = strchr(code + 1, digit[i])) != NULL) {
			*q = letter[i];
			return;
		}
	code[2] = 'O';
}

/* Applies defect k to a formatted record; returns the faulty field. */
static int
break_rec(struct rec *r, struct person *p, enum kind k, int nth, int web)
{
	char tmp[32];
	int y, m, d;

	switch (k) {
	case K_BADKEY: {
		int key = atoi(p->nir + 13);

		key = (key - 1 + rrange(1, 96)) % 97 + 1;
		snprintf(tmp, sizeof tmp, "%.13s%02d", p->nir, key);
		fmt_nir(r->f[F_NIR], sizeof r->f[F_NIR], tmp, chance(25));
		return F_NIR;
	}
	case K_CORSICA:			/* key computed with 2A/2B swapped */
		scopy(r->f[F_NIR], sizeof r->f[F_NIR], p->nir);
		return F_NIR;
	case K_NIRLEN:			/* a digit of the order number lost */
		snprintf(r->f[F_NIR], sizeof r->f[F_NIR], "%.11s%s", p->nir,
		    p->nir + 12);
		return F_NIR;
	case K_SEXMISMATCH:		/* reported on the NIR's sex digit */
		scopy(r->f[F_SEX], sizeof r->f[F_SEX],
		    sex_value(p->sex == 'M' ? 'F' : 'M', web));
		return F_NIR;
	case K_EMPTYDATE:
		r->f[F_DIAG][0] = '\0';
		return F_DIAG;
	case K_FUTURE:
		civil_from_days(p->diag, &y, &m, &d);
		if (m == 2 && d == 29)
			d = 28;
		snprintf(r->f[F_DIAG], sizeof r->f[F_DIAG], "%02d/%02d/2099",
		    d, m);
		return F_DIAG;
	case K_IMPOSSIBLE:
		if (nth % 2 == 0) {
			scopy(r->f[F_DIAG], sizeof r->f[F_DIAG], "30/02/2020");
			return F_DIAG;
		}
		scopy(r->f[F_BIRTH], sizeof r->f[F_BIRTH], "30/02/2020");
		return F_BIRTH;
	case K_BADICD:
		/* a letter for a digit: O for 0, else I for 1, else S for 5 */
		if (nth % 2 == 0) {
			scopy(r->f[F_ICD10], sizeof r->f[F_ICD10], "C5O.9");
			return F_ICD10;
		}
		mistype(r->f[F_ICD10]);
		return F_ICD10;
	case K_CHAPTER:			/* not a cancer code: chapter XXI */
		scopy(r->f[F_ICD10], sizeof r->f[F_ICD10],
		    nth % 2 ? "Z51.1" : "Z85.3");
		return F_ICD10;
	case K_BADFINESS:
		bump_last_digit(r->f[F_FINESS]);
		return F_FINESS;
	case K_BADRPPS:
		if (nth % 2 == 0 || p->gp == NULL) {
			scopy(r->f[F_REF_RPPS], sizeof r->f[F_REF_RPPS],
			    p->ref->rpps);
			bump_last_digit(r->f[F_REF_RPPS]);
			return F_REF_RPPS;
		}
		scopy(r->f[F_GP_RPPS], sizeof r->f[F_GP_RPPS], p->gp->rpps);
		bump_last_digit(r->f[F_GP_RPPS]);
		return F_GP_RPPS;
	case K_BIRTHAFTER:
		/* the diagnosis dated before the birth; NIR agrees with birth */
		p->diag = p->birth - rrange(20, 400);
		fmt_date(r->f[F_DIAG], sizeof r->f[F_DIAG], p->diag,
		    !web || chance(90));
		return F_DIAG;
	case K_RAGGED:			/* the delimiter typed, unquoted */
		if (web)
			scopy(r->f[F_FREE], sizeof r->f[F_FREE],
			    "Suivi en ville, pas de RCP");
		else {
			int number = rrange(1, 90);

			snprintf(r->f[F_FREE], sizeof r->f[F_FREE],
			    "%d rue Victor-Hugo; appt %d", number,
			    rrange(1, 40));
		}
		r->freemode = FREE_RAW;
		return -1;
	case K_UNTERM:			/* no closing quote, up to the end */
		if (web)
			scopy(r->f[F_FREE], sizeof r->f[F_FREE],
			    "Transfert prévu au CHU, voir le courrier");
		else
			snprintf(r->f[F_FREE], sizeof r->f[F_FREE],
			    "Bât. C; %d impasse du Lavoir; 4e étage",
			    rrange(1, 40));
		r->freemode = FREE_OPEN;
		return -1;
	default:
		return -1;
	}
}

/*
 * p, a copy of src, becomes the same patient's second primary cancer: a
 * cancer of another CIM-10 category, diagnosed another day, at 95 at most.
 * 0 when there is no such day.
 */
static int
second_primary(struct person *p, const struct person *src)
{
	long lo = p->birth > DIAG_FIRST ? p->birth : DIAG_FIRST, hi;
	int by, bm, bd, y, m, d;

	civil_from_days(p->birth, &by, &bm, &bd);
	if (bm == 2 && bd == 29)
		bd = 28;
	hi = days_from_civil(by + 96, bm, bd) - 1;
	if (hi > DIAG_LAST)
		hi = DIAG_LAST;
	if (hi - lo < 1)
		return 0;
	do
		p->diag = lo + (long)rnd((unsigned)(hi - lo + 1));
	while (p->diag == src->diag);
	civil_from_days(p->diag, &y, &m, &d);
	p->ca = pick_cancer(y - by - (m < bm || (m == bm && d < bd)), p->sex,
	    src->ca->icd10);
	return 1;
}

/*
 * The same record exported again, written another way where the field
 * checks make no difference: the NIR with or without spaces, the CIM-10
 * code with or without its dot or padding, another code for the same sex.
 * Every canonical value is the source row's: pathway-new skips it.
 */
static void
repeat_rec(struct rec *r, const struct person *p, int web)
{
	const char *code = p->ca->icd10;
	int form;

	fmt_nir(r->f[F_NIR], sizeof r->f[F_NIR], p->nir,
	    strchr(r->f[F_NIR], ' ') == NULL);
	if (strchr(r->f[F_ICD10], '.') != NULL)
		form = strchr(r->f[F_ICD10], ' ') ? 1 : 2;	/* C509 */
	else if (strchr(code, '.') != NULL)
		form = 0;					/* C50.9 */
	else
		form = strchr(r->f[F_ICD10], ' ') ? 0 : 2;	/* "C61  " */
	fmt_icd10(r->f[F_ICD10], sizeof r->f[F_ICD10], code, form);
	if (!web) {
		static const char *const next_m[] = { "1", "H", "M" };
		static const char *const next_f[] = { "2", "F" };
		const char *v = r->f[F_SEX];

		if (p->sex == 'M')
			v = next_m[*v == 'M' ? 0 : *v == '1' ? 1 : 2];
		else
			v = next_f[*v == 'F' ? 0 : 1];
		scopy(r->f[F_SEX], sizeof r->f[F_SEX], v);
	}
}

/* ---- rows ------------------------------------------------------------- */

/*
 * Makes the row of kind *k into r and p; returns the field its defect is
 * reported on, or -1 (none, or a structural one).  src and srcrec are
 * the earlier patient and record that a K_SECOND or K_DUP repeats (unused
 * otherwise); a K_SECOND with no day left for a second cancer becomes a
 * new patient, and *k K_VALID.  nth counts the earlier rows of this kind:
 * some defects alternate their forms with it.
 */
int
make_row(struct rec *r, struct person *p, enum kind *k, int nth,
    const struct person *src, const struct rec *srcrec,
    const struct shape *sh)
{
	struct want w;

	if (*k == K_SECOND) {
		*p = *src;
		if (!second_primary(p, src))
			*k = K_VALID;	/* nothing to add: a new patient */
	}
	if (*k == K_DUP) {
		*p = *src;
		*r = *srcrec;
		repeat_rec(r, p, sh->web);
	} else {
		if (*k != K_SECOND) {
			want_for(&w, *k, nth);
			make_person(p, &w, sh->web);
		}
		fill_rec(r, p, sh);
	}
	if (*k == S_PADDED) {	/* spaces the name check drops */
		char t[sizeof r->f[0] + 4];

		snprintf(t, sizeof t, "%s   ", r->f[F_FAMILY]);
		scopy(r->f[F_FAMILY], sizeof r->f[F_FAMILY], t);
		snprintf(t, sizeof t, " %s", p->given);
		scopy(r->f[F_GIVEN], sizeof r->f[F_GIVEN], t);
	}
	if (*k >= K_BADKEY && *k <= K_UNTERM)
		return break_rec(r, p, *k, nth, sh->web);
	return -1;
}

void
put_header(struct buf *b, const struct shape *sh)
{
	size_t i;

	if (sh->bom)
		buf_adds(b, "\xEF\xBB\xBF");
	for (i = 0; i < sh->ncols; i++) {
		if (i)
			buf_addc(b, sh->delim);
		buf_adds(b, sh->header[i]);
	}
	put_eol(b, sh);
}

void
put_rec(struct buf *b, const struct rec *r, const struct shape *sh)
{
	size_t f;

	for (f = 0; f < sh->ncols; f++) {
		enum field fi = sh->order[f];

		if (f)
			buf_addc(b, sh->delim);
		put_field(b, r->f[fi], sh->delim,
		    fi == F_FREE ? r->freemode : FREE_QUOTED);
	}
	put_eol(b, sh);
}

/* Writes b on stdout in the shape's encoding and empties it. */
void
flush_out(struct buf *b, const struct shape *sh)
{
	if (sh->cp1252 && b->len)
		to_cp1252(b);
	if (b->len && fwrite(b->s, 1, b->len, stdout) != b->len)
		die("write error");
	b->len = 0;
}

void
rows_free(void)
{
	free(nirset);
}

/* ---- arguments -------------------------------------------------------- */

/* s as a decimal number of at most max; else bad(), which exits. */
unsigned long long
number(const char *s, unsigned long long max, void (*bad)(void))
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		bad();
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		bad();
	return v;
}
