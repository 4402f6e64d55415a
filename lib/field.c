/* field.c - field types: one validator each, with the canonical form */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parcours.h"

/* Longest part of a value quoted in a message. */
#define VISMAX		48
#define NAME_MAX_BYTES	100
#define CODE_MAX	64

/* One check in progress: the trimmed value and where the answers go. */
struct chk {
	const char	*s;
	size_t		 n;
	size_t		 lead;		/* blanks trimmed in front */
	struct pc_buf	*out;
	char		*why;
	size_t		 whysz;
	struct pc_buf	 vis;		/* the value as messages show it */
};

static const char *const typenames[] = {
	[PC_T_TEXT] = "text",
	[PC_T_LINE] = "line",
	[PC_T_NAME] = "name",
	[PC_T_CODE] = "code",
	[PC_T_DATE] = "date",
	[PC_T_DATETIME] = "datetime",
	[PC_T_INS] = "ins",
	[PC_T_SEX] = "sex",
	[PC_T_ICD10] = "icd10",
	[PC_T_ICDO_TOPO] = "icdo3-topography",
	[PC_T_ICDO_MORPH] = "icdo3-morphology",
	[PC_T_FINESS] = "finess",
	[PC_T_RPPS] = "rpps",
	[PC_T_PHONE] = "phone",
	[PC_T_EMAIL] = "email",
	[PC_T_CONTACT] = "contact",
	[PC_T_PATHWAY_ID] = "pathway-id",
	[PC_T_WORD] = "word",
	[PC_T_WORDS] = "words"
};

const char *
pc_type_name(enum pc_type t)
{
	if ((size_t)t >= sizeof typenames / sizeof typenames[0])
		return "unknown";
	return typenames[t];
}

int
pc_type_identifying(enum pc_type t)
{
	return t == PC_T_INS || t == PC_T_NAME;
}

static int
say(struct chk *c, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
say(struct chk *c, int status, const char *fmt, ...)
{
	va_list ap;

	if (c->why != NULL && c->whysz > 0) {
		va_start(ap, fmt);
		vsnprintf(c->why, c->whysz, fmt, ap);
		va_end(ap);
	}
	return status;
}

/* The value, quoted and made safe for a terminal; never for ins or name. */
static const char *
q(struct chk *c)
{
	if (c->vis.len == 0)
		pc_vis(&c->vis, c->s, c->n, VISMAX);
	return c->vis.s;
}

static int
isdig(int ch)
{
	return ch >= '0' && ch <= '9';
}

static int
isalpha_ascii(int ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

static int
upper(int ch)
{
	return ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch;
}

static int
lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

static int
alldigits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdig((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Decodes the character at s (known well-formed); returns its length. */
static size_t
u8dec(const char *s, unsigned *cp)
{
	const unsigned char *p = (const unsigned char *)s;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] < 0xe0) {
		*cp = (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu);
		return 2;
	}
	if (p[0] < 0xf0) {
		*cp = (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 |
		    (p[2] & 0x3fu);
		return 3;
	}
	*cp = (p[0] & 0x07u) << 18 | (p[1] & 0x3fu) << 12 |
	    (p[2] & 0x3fu) << 6 | (p[3] & 0x3fu);
	return 4;
}

static size_t
nchars(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			k++;
	return k;
}

static int
iscontrol(unsigned cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
}

/*
 * Characters that print as nothing, or reorder what follows (bidi
 * controls): in a name they make two spellings of one person differ.
 */
static int
isformat(unsigned cp)
{
	return cp == 0xad || cp == 0x61c || cp == 0x180e ||
	    (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
	    (cp >= 0xfff9 && cp <= 0xfffb) ||
	    (cp >= 0xe0000 && cp <= 0xe007f);
}

/*
 * Non-ASCII characters that are punctuation, symbols or spaces where
 * letters are wanted: Latin-1 signs (but ª µ º) and General Punctuation.
 */
static int
isnonletter(unsigned cp)
{
	if (cp >= 0xa0 && cp <= 0xbf)
		return cp != 0xaa && cp != 0xb5 && cp != 0xba;
	return cp == 0xd7 || cp == 0xf7 || (cp >= 0x2000 && cp <= 0x206f);
}

/* ---- text, line, name, code ------------------------------------------- */

static int
check_text(struct chk *c, int tabnl)
{
	size_t i, len, pos;
	unsigned cp;

	for (i = 0, pos = c->lead + 1; i < c->n; i += len, pos++) {
		len = u8dec(c->s + i, &cp);
		if (iscontrol(cp) && !(tabnl && (cp == '\t' || cp == '\n')))
			return say(c, PC_CHECK_BAD,
			    "control character U+%04X at character %zu",
			    cp, pos);
	}
	pc_buf_set(c->out, c->s, c->n);
	return PC_CHECK_OK;
}

/* Positions count characters of the field as given, leading spaces too. */
static int
check_name(struct chk *c)
{
	struct pc_buf *o;
	size_t i, len, pos, letters = 0;
	unsigned cp;

	pc_buf_clear(c->out);
	/* The name only shrinks: room once, not a check per character. */
	pc_buf_reserve(c->out, c->n);
	o = c->out;
	for (i = 0, pos = c->lead + 1; i < c->n; i += len, pos++) {
		if (isalpha_ascii((unsigned char)c->s[i])) {
			/* A run of ASCII letters, most of a name: at once. */
			for (len = 1; i + len < c->n &&
			    isalpha_ascii((unsigned char)c->s[i + len]); len++)
				;
			pc_copy_small(o->s + o->len, c->s + i, len);
			o->len += len;
			o->s[o->len] = '\0';
			letters += len;
			pos += len - 1;
			continue;
		}
		len = u8dec(c->s + i, &cp);
		if (cp == ' ') {
			if (o->len > 0 && o->s[o->len - 1] != ' ') {
				o->s[o->len++] = ' ';
				o->s[o->len] = '\0';
			}
			continue;
		}
		if (isalpha_ascii((int)cp))
			letters++;
		else if (cp == '\'' || cp == '-' || cp == '.' || cp == 0x2019)
			;
		else if (isdig((int)cp))
			return say(c, PC_CHECK_BAD,
			    "character %zu is a digit", pos);
		else if (iscontrol(cp))
			return say(c, PC_CHECK_BAD,
			    "character %zu is a control character", pos);
		else if (isformat(cp))
			return say(c, PC_CHECK_BAD, "character %zu is an "
			    "invisible format character (U+%04X)", pos, cp);
		else if (cp == 0xa0)
			return say(c, PC_CHECK_BAD,
			    "character %zu is a no-break space", pos);
		else if (cp < 0x80 || isnonletter(cp))
			return say(c, PC_CHECK_BAD, "character %zu is not a "
			    "letter, space, apostrophe, hyphen or period", pos);
		else
			letters++;
		memcpy(o->s + o->len, c->s + i, len);
		o->len += len;
		o->s[o->len] = '\0';
	}
	if (letters == 0)
		return say(c, PC_CHECK_BAD, "has no letter");
	if (c->out->len > NAME_MAX_BYTES)
		return say(c, PC_CHECK_BAD, "has %zu bytes, at most %d",
		    c->out->len, NAME_MAX_BYTES);
	return PC_CHECK_OK;
}

/* A local_id is a patient's hospital number: not quoted either. */
static int
check_code(struct chk *c)
{
	size_t i, len, pos;
	unsigned cp;

	for (i = 0, pos = c->lead + 1; i < c->n; i += len, pos++) {
		len = u8dec(c->s + i, &cp);
		if (!isalpha_ascii((int)cp) && !isdig((int)cp) &&
		    cp != '.' && cp != '_' && cp != '/' && cp != '-')
			return say(c, PC_CHECK_BAD, "character %zu is not "
			    "allowed in a code (letters, digits, . _ / -)",
			    pos);
	}
	if (c->n > CODE_MAX)
		return say(c, PC_CHECK_BAD, "has %zu characters, at most %d",
		    c->n, CODE_MAX);
	pc_buf_set(c->out, c->s, c->n);
	return PC_CHECK_OK;
}

/* ---- dates ------------------------------------------------------------- */

static int
check_date(struct chk *c)
{
	char buf[11];

	if (pc_date_parse_iso(c->s, c->n, NULL, buf, c->why, c->whysz) == -1)
		return PC_CHECK_BAD;
	pc_buf_set(c->out, buf, 10);
	return PC_CHECK_OK;
}

static int
check_datetime(struct chk *c)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t i;

	if (c->n != sizeof shape - 1)
		goto bad;
	for (i = 0; i < c->n; i++)
		if (shape[i] == 'd' ? !isdig((unsigned char)c->s[i]) :
		    c->s[i] != shape[i])
			goto bad;
	if (pc_date_parse(c->s, c->n, "%Y-%m-%dT%H:%M:%SZ", NULL,
	    c->why, c->whysz) == -1)
		return PC_CHECK_BAD;
	pc_buf_set(c->out, c->s, c->n);
	return PC_CHECK_OK;
bad:
	return say(c, PC_CHECK_BAD,
	    "not a date and time: expected YYYY-MM-DDTHH:MM:SSZ");
}

/* ---- NIR / NIA ------------------------------------------------------- */

/* v then the n digits at s, in decimal: 0 when one is not a digit. */
static int
decimal(const char *s, int n, uint64_t *v)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!isdig((unsigned char)s[i]))
			return 0;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return 1;
}

int
pc_nir_key(const char *s)
{
	uint64_t v = 0;		/* 13 digits fit: one division, not 13 */
	int d6 = upper((unsigned char)s[6]);

	if (!decimal(s, 5, &v))
		return -1;
	/* A letter has no value mod 97: 2A is 19, 2B 18. */
	if (s[5] == '2' && (d6 == 'A' || d6 == 'B'))
		v = v * 100 + (d6 == 'A' ? 19 : 18);
	else if (!decimal(s + 5, 2, &v))
		return -1;
	if (!decimal(s + 7, 6, &v))
		return -1;
	return 97 - (int)(v % 97);
}

static int
nir_month_ok(int m)
{
	return (m >= 1 && m <= 12) || m == 20 || (m >= 30 && m <= 42) ||
	    m >= 50;
}

/*
 * p holds 15 characters, no space, upper-case.  Positions in messages are
 * those of the NIR layout (1 = sex, 6-7 = département), never its digits.
 * keyed: the key is checked too, which the parts of a NIR that passed its
 * check need not be again.
 */
static int
nir_check(const char *p, struct pc_nir *nir, char *why, size_t whysz,
    int keyed)
{
	/* The département, 6-7, is read apart: 2A and 2B are not digits. */
	static const unsigned char dept_at[8] = { 0, 0, 0, 0, 0, 0xff, 0xff, 0 };
	struct chk c = { .why = why, .whysz = whysz };
	uint64_t lo, hi, m;
	int i, sex, mm, key, want;

	/* Two words, 1-8 and 8-15; a byte at a time to say which is not. */
	memcpy(&lo, p, 8);
	memcpy(&hi, p + 7, 8);
	memcpy(&m, dept_at, 8);
	if (!pc_digits8_but(lo, m) || !pc_digits8(hi))
		for (i = 0; i < 15; i++)
			if (i != 5 && i != 6 && !isdig((unsigned char)p[i]))
				return say(&c, PC_CHECK_BAD,
				    "character %d is not a digit", i + 1);
	if (!(isdig((unsigned char)p[5]) && isdig((unsigned char)p[6])) &&
	    !(p[5] == '2' && (p[6] == 'A' || p[6] == 'B')))
		return say(&c, PC_CHECK_BAD, "characters 6-7 are not a "
		    "département (2 digits, 2A or 2B)");
	sex = p[0] - '0';
	if (sex != 1 && sex != 2 && sex != 3 && sex != 4 && sex != 7 &&
	    sex != 8)
		return say(&c, PC_CHECK_BAD,
		    "sex digit %d is not 1, 2, 3, 4, 7 or 8", sex);
	mm = (p[3] - '0') * 10 + (p[4] - '0');
	if (!nir_month_ok(mm))
		return say(&c, PC_CHECK_BAD, "month %02d is not a month "
		    "(01-12, or 20, 30-42, 50-99 when unknown)", mm);
	key = (p[13] - '0') * 10 + (p[14] - '0');
	want = keyed ? pc_nir_key(p) : key;
	if (key != want)
		return say(&c, PC_CHECK_BAD, "bad key %02d, expected %02d",
		    key, want);
	if (nir != NULL) {
		nir->sex = sex;
		nir->yy = (p[1] - '0') * 10 + (p[2] - '0');
		nir->mm = mm;
		nir->dept[0] = p[5];
		nir->dept[1] = p[6];
		nir->dept[2] = '\0';
	}
	return PC_CHECK_OK;
}

int
pc_nir_parse(const char *canon, struct pc_nir *nir)
{
	if (strlen(canon) != 15)
		return -1;
	return nir_check(canon, nir, NULL, 0, 0) == PC_CHECK_OK ? 0 : -1;
}

/* Messages here never show the number, a digit of it at most. */
static int
check_ins(struct chk *c)
{
	size_t i, k;

	pc_buf_clear(c->out);
	for (i = 0; i < c->n; i++)
		if (c->s[i] != ' ')
			pc_buf_addc(c->out, upper((unsigned char)c->s[i]));
	if ((k = nchars(c->out->s, c->out->len)) != 15)
		return say(c, PC_CHECK_BAD, "has %zu characters, a NIR or NIA "
		    "has 15 (13 and a 2-digit key)", k);
	if (c->out->len != 15) {
		/* 15 characters, some not ASCII: name the first one. */
		for (i = k = 0; (unsigned char)c->out->s[i] < 0x80; i++)
			k++;
		return say(c, PC_CHECK_BAD, "character %zu is not a digit",
		    k + 1);
	}
	return nir_check(c->out->s, NULL, c->why, c->whysz, 1);
}

/* ---- sex, ICD-10, ICD-O-3 ---------------------------------------------- */

static int
check_sex(struct chk *c)
{
	int ch = upper((unsigned char)c->s[0]);

	if (c->n != 1 || (ch != 'M' && ch != 'F'))
		return say(c, PC_CHECK_BAD, "%s is not a sex (M or F)", q(c));
	pc_buf_clear(c->out);
	pc_buf_addc(c->out, ch);
	return PC_CHECK_OK;
}

static int
icd_sub(int ch)
{
	return isdig(ch) || ch == '+';
}

/*
 * The PMSI writes "C509" padded to 8, documents "C50.9", and a map's
 * rewrite "$1.$2" leaves "C50." when there is no subdivision: all three
 * are the same code.  "-" is the documentation's wildcard, never a code.
 */
static int
check_icd10(struct chk *c)
{
	char u[16];
	size_t i, j, k;

	if (c->n >= sizeof u)
		goto bad;
	for (i = 0; i < c->n; i++)
		u[i] = (char)upper((unsigned char)c->s[i]);
	u[c->n] = '\0';
	if (c->n < 3 || !isalpha_ascii(u[0]) || !isdig(u[1]) || !isdig(u[2]))
		goto bad;
	if (strchr(u + 3, '-') != NULL)
		return say(c, PC_CHECK_BAD, "%s is a wildcard, not a code",
		    q(c));
	j = u[3] == '.' ? 4 : 3;
	for (k = j; k < c->n; k++)
		if (!icd_sub(u[k]))
			goto bad;
	if (c->n - j > 3)
		goto bad;
	pc_buf_set(c->out, u, 3);
	if (c->n > j) {
		pc_buf_addc(c->out, '.');
		pc_buf_add(c->out, u + j, c->n - j);
	}
	return PC_CHECK_OK;
bad:
	return say(c, PC_CHECK_BAD, "%s is not a CIM-10 code (a letter, "
	    "2 digits, then an optional dot and up to 3 characters)", q(c));
}

static int
check_topo(struct chk *c)
{
	const char *s = c->s;
	char canon[6];
	int site;

	if (!((c->n == 5 && s[3] == '.' && isdig((unsigned char)s[4])) ||
	    (c->n == 4 && isdig((unsigned char)s[3]))) ||
	    upper((unsigned char)s[0]) != 'C' ||
	    !isdig((unsigned char)s[1]) || !isdig((unsigned char)s[2]))
		return say(c, PC_CHECK_BAD, "%s is not an ICD-O-3 topography "
		    "code (C, 2 digits, a dot and a digit)", q(c));
	site = (s[1] - '0') * 10 + (s[2] - '0');
	if (site > 80)
		return say(c, PC_CHECK_BAD,
		    "%s is out of the topography range C00.0-C80.9", q(c));
	canon[0] = 'C';
	canon[1] = s[1];
	canon[2] = s[2];
	canon[3] = '.';
	canon[4] = s[c->n - 1];
	pc_buf_set(c->out, canon, 5);
	return PC_CHECK_OK;
}

static int
check_morph(struct chk *c)
{
	const char *s = c->s;
	size_t j, rest;
	int hist, beh;

	j = c->n > 4 && s[4] == '/' ? 5 : 4;
	rest = c->n >= j ? c->n - j : 0;
	if (c->n < 5 || !alldigits(s, 4) || rest < 1 || rest > 2 ||
	    !alldigits(s + j, rest))
		return say(c, PC_CHECK_BAD, "%s is not an ICD-O-3 morphology "
		    "code (4 digits, /, a behaviour digit and an optional "
		    "grade)", q(c));
	hist = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	if (hist < 8000 || hist > 9993)
		return say(c, PC_CHECK_BAD,
		    "histology %04d out of range (8000-9993)", hist);
	beh = s[j] - '0';
	if (beh != 0 && beh != 1 && beh != 2 && beh != 3 && beh != 6 &&
	    beh != 9)
		return say(c, PC_CHECK_BAD,
		    "behaviour %d is not 0, 1, 2, 3, 6 or 9", beh);
	if (rest == 2 && s[j + 1] == '0')
		return say(c, PC_CHECK_BAD, "grade 0 is not 1-9");
	pc_buf_set(c->out, s, 4);
	pc_buf_addc(c->out, '/');
	pc_buf_add(c->out, s + j, rest);
	return PC_CHECK_OK;
}

/* ---- FINESS, RPPS ------------------------------------------------------ */

/*
 * Luhn's sum of the n digits from the right, the first of them doubled
 * when dbl (the payload of a key to come), in pairs: a digit as it is,
 * one doubled through a table.  -1 if one is not a digit.
 */
static int
luhn_sum(const char *d, size_t n, int dbl)
{
	/* A doubled digit's digits summed: 2v, or 2v - 9 from 5 on. */
	static const unsigned char twice[10] = { 0, 2, 4, 6, 8, 1, 3, 5, 7, 9 };
	size_t i = n;
	int sum = 0;

	if (dbl && i > 0) {
		if (!isdig((unsigned char)d[--i]))
			return -1;
		sum += twice[d[i] - '0'];
	}
	while (i > 0) {
		if (!isdig((unsigned char)d[--i]))
			return -1;
		sum += d[i] - '0';
		if (i == 0)
			break;
		if (!isdig((unsigned char)d[--i]))
			return -1;
		sum += twice[d[i] - '0'];
	}
	return sum;
}

int
pc_luhn_ok(const char *d, size_t n)
{
	int sum = n > 0 ? luhn_sum(d, n, 0) : -1;

	return sum >= 0 && sum % 10 == 0;
}

/* The Luhn key that would follow the n digits of payload. */
static int
luhn_key(const char *d, size_t n)
{
	return (10 - luhn_sum(d, n, 1) % 10) % 10;
}

static int
check_finess(struct chk *c)
{
	char u[10];
	size_t i, k;

	if (c->n != 9) {
		k = nchars(c->s, c->n);
		/* Spreadsheets drop the 0 of 010000024; Luhn does not. */
		if (c->n == 8 && pc_luhn_ok(c->s, 8))
			return say(c, PC_CHECK_BAD, "has 8 characters, a "
			    "FINESS number has 9 (leading 0 lost?)");
		return say(c, PC_CHECK_BAD,
		    "has %zu characters, a FINESS number has 9", k);
	}
	for (i = 0; i < 9; i++)
		u[i] = (char)upper((unsigned char)c->s[i]);
	u[9] = '\0';
	/* No source says how a letter enters the key: accept, but say so. */
	if (u[0] == '2' && (u[1] == 'A' || u[1] == 'B') &&
	    alldigits(u + 2, 7)) {
		pc_buf_set(c->out, u, 9);
		return say(c, PC_CHECK_WARN,
		    "Corsican FINESS: key not verified");
	}
	if (!alldigits(u, 9))
		return say(c, PC_CHECK_BAD, "%s is not a FINESS number "
		    "(9 digits, or 2A or 2B and 7 digits)", q(c));
	if (!pc_luhn_ok(u, 9))
		return say(c, PC_CHECK_BAD, "bad key %c, expected %d", u[8],
		    luhn_key(u, 8));
	pc_buf_set(c->out, u, 9);
	return PC_CHECK_OK;
}

static int
check_rpps(struct chk *c)
{
	const char *d = c->s;
	size_t n = c->n;

	if (!alldigits(d, n))
		return say(c, PC_CHECK_BAD, "%s is not an RPPS number "
		    "(11 digits)", q(c));
	if (n == 12 && d[0] == '8') {
		/* IDNPS: 8 and the RPPS. */
		d++;
		n--;
	} else if (n == 12)
		return say(c, PC_CHECK_BAD, "has 12 digits but does not start "
		    "with 8 (an IDNPS is 8 and the RPPS)");
	else if (n == 10 && d[0] == '0')
		return say(c, PC_CHECK_BAD, "has 10 digits, an RPPS number "
		    "has 11 (0 and 9 digits is an ADELI-based IDNPS)");
	if (n != 11)
		return say(c, PC_CHECK_BAD,
		    "has %zu digits, an RPPS number has 11", n);
	if (!pc_luhn_ok(d, 11))
		return say(c, PC_CHECK_BAD, "bad key %c, expected %d", d[10],
		    luhn_key(d, 10));
	pc_buf_set(c->out, d, 11);
	return PC_CHECK_OK;
}

/* ---- phone, e-mail, contact -------------------------------------------- */

static void
addgrouped(struct pc_buf *b, const char *d, size_t n, size_t first)
{
	size_t i;
	char *o;

	/* At most 15 digits and their spaces: room once, then bytes. */
	pc_buf_reserve(b, n + n / 2 + 1);
	o = b->s + b->len;
	memcpy(o, d, first);
	o += first;
	for (i = first; i < n; i += 2) {
		o[0] = ' ';
		o[1] = d[i];
		o[2] = d[i + 1];
		o += 3;
	}
	*o = '\0';
	b->len = (size_t)(o - b->s);
}

static int
check_phone(struct chk *c)
{
	char d[16];
	size_t i, nd = 0;
	int plus = c->s[0] == '+';

	for (i = (size_t)plus; i < c->n; i++) {
		char ch = c->s[i];

		if (isdig((unsigned char)ch)) {
			if (nd < sizeof d)
				d[nd] = ch;
			nd++;
		} else if (ch != ' ' && ch != '.' && ch != '-')
			break;
	}
	if (i < c->n || nd == 0)
		return say(c, PC_CHECK_BAD, "%s is not a telephone number "
		    "(digits with spaces, dots or hyphens)", q(c));
	if (!plus) {
		if (nd >= 2 && d[0] == '0' && d[1] == '0')
			return say(c, PC_CHECK_BAD, "%s: write + and the "
			    "country code, not 00", q(c));
		if (nd != 10)
			return say(c, PC_CHECK_BAD, "%s has %zu digits, a "
			    "French number has 10", q(c), nd);
		if (d[0] != '0')
			return say(c, PC_CHECK_BAD, "%s does not start with 0 "
			    "(or + and the country code)", q(c));
		pc_buf_clear(c->out);
		addgrouped(c->out, d, 10, 2);
		return PC_CHECK_OK;
	}
	if (nd >= 2 && d[0] == '3' && d[1] == '3') {
		if (nd == 12 && d[2] == '0')
			return say(c, PC_CHECK_BAD,
			    "%s: no 0 after +33", q(c));
		if (nd != 11)
			return say(c, PC_CHECK_BAD, "%s has %zu digits after "
			    "+33, a French number has 9", q(c), nd - 2);
		if (d[2] == '0')
			return say(c, PC_CHECK_BAD,
			    "%s: no 0 after +33", q(c));
		pc_buf_set(c->out, "+33 ", 4);
		addgrouped(c->out, d + 2, 9, 1);
		return PC_CHECK_OK;
	}
	if (nd < 8 || nd > 15)
		return say(c, PC_CHECK_BAD, "%s has %zu digits, an "
		    "international number has 8 to 15", q(c), nd);
	pc_buf_set(c->out, "+", 1);
	pc_buf_add(c->out, d, nd);
	return PC_CHECK_OK;
}

/* RFC 5322 atext: what a dot-atom local part may hold besides dots. */
static int
isatext(int ch)
{
	return isalpha_ascii(ch) || isdig(ch) ||
	    (ch != '\0' && strchr("!#$%&'*+/=?^_`{|}~-", ch) != NULL);
}

static int
check_email(struct chk *c)
{
	const char *s = c->s, *at, *dom;
	size_t i, nl, nd, lab;

	if ((at = memchr(s, '@', c->n)) == NULL)
		return say(c, PC_CHECK_BAD,
		    "%s is not an e-mail address (no @)", q(c));
	nl = (size_t)(at - s);
	dom = at + 1;
	nd = c->n - nl - 1;
	if (memchr(dom, '@', nd) != NULL)
		return say(c, PC_CHECK_BAD,
		    "%s is not an e-mail address (more than one @)", q(c));
	if (c->n > 254)
		return say(c, PC_CHECK_BAD, "has %zu characters, an e-mail "
		    "address has at most 254", c->n);
	if (nl == 0 || nl > 64 || s[0] == '.' || s[nl - 1] == '.')
		goto badlocal;
	for (i = 0; i < nl; i++)
		if (!(isatext((unsigned char)s[i]) ||
		    (s[i] == '.' && s[i + 1] != '.')))
			goto badlocal;
	for (i = lab = 0; i <= nd; i++) {
		if (i == nd || dom[i] == '.') {
			if (lab == 0 || lab > 63 || dom[i - 1] == '-' ||
			    dom[i - lab] == '-')
				goto baddomain;
			lab = 0;
			continue;
		}
		if (!isalpha_ascii((unsigned char)dom[i]) &&
		    !isdig((unsigned char)dom[i]) && dom[i] != '-')
			goto baddomain;
		lab++;
	}
	if (memchr(dom, '.', nd) == NULL)
		return say(c, PC_CHECK_BAD,
		    "%s is not an e-mail address (no dot in the domain)", q(c));
	pc_buf_set(c->out, s, nl + 1);
	for (i = 0; i < nd; i++)
		pc_buf_addc(c->out, lower((unsigned char)dom[i]));
	return PC_CHECK_OK;
badlocal:
	return say(c, PC_CHECK_BAD,
	    "%s is not an e-mail address (bad part before @)", q(c));
baddomain:
	return say(c, PC_CHECK_BAD,
	    "%s is not an e-mail address (bad domain after @)", q(c));
}

/* ---- pathway_id ------------------------------------------------------ */

/*
 * Lower-case hex digits.  An id's digits are random: a branch a digit,
 * digit or letter, was mispredicted half the time, and the check took 3 %
 * of ald30-check's samples; a table and an AND have no branch.
 */
static const unsigned char hexlower[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1
};

static int
check_pathway_id(struct chk *c)
{
	const unsigned char *u = (const unsigned char *)c->s;
	unsigned hex = 1;
	size_t i;

	if (c->n != 25 || u[4] != '-')
		goto bad;
	for (i = 0; i < 4; i++)
		hex &= hexlower[u[i]];
	for (i = 5; i < 25; i++)
		hex &= hexlower[u[i]];
	if (!hex)
		goto bad;
	pc_buf_set(c->out, c->s, c->n);
	return PC_CHECK_OK;
bad:
	return say(c, PC_CHECK_BAD, "%s is not a pathway id (4 hex digits, "
	    "-, then 20 lower-case hex digits)", q(c));
}

/* ---- the entry point -------------------------------------------------- */

static int check(enum pc_type, const char *, size_t, struct pc_buf *,
    char *, size_t, int);

int
pc_check(enum pc_type t, const char *s, size_t n, struct pc_buf *out,
    char *why, size_t whysz)
{
	return check(t, s, n, out, why, whysz, 0);
}

/*
 * pc_check of a value the reader has decoded, so known to be UTF-8, and
 * that the import has trimmed: the fields of every row of an import,
 * which need not be scanned again (the two passes showed in its profile).
 */
int
pc_check_decoded(enum pc_type t, const char *s, size_t n, struct pc_buf *out,
    char *why, size_t whysz)
{
	return check(t, s, n, out, why, whysz, 1);
}

static int
check(enum pc_type t, const char *s, size_t n, struct pc_buf *out,
    char *why, size_t whysz, int decoded)
{
	struct chk c = { .why = why, .whysz = whysz };
	struct pc_buf scratch = { NULL, 0, 0 };
	size_t bad;
	int r;

	if (why != NULL && whysz > 0)
		why[0] = '\0';
	if (out != NULL)
		pc_buf_clear(out);
	/*
	 * Blanks around a value are padding (PMSI, spreadsheets), not data;
	 * the import has taken them off its values already.
	 */
	if (!decoded) {
		while (n > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
			c.lead++;
		}
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
	}
	c.s = s;
	c.n = n;
	if (n == 0)
		return say(&c, PC_CHECK_BAD, "missing");
	/* Command-line values do not go through the reader's check. */
	if (!decoded && (bad = pc_utf8_invalid(s, n)) != n)
		return say(&c, PC_CHECK_BAD, "invalid UTF-8 (byte 0x%02X at "
		    "byte %zu of the field)", (unsigned char)s[bad],
		    c.lead + bad + 1);
	c.out = out != NULL ? out : &scratch;
	switch (t) {
	case PC_T_TEXT:
		r = check_text(&c, 1);
		break;
	case PC_T_LINE:
		r = check_text(&c, 0);
		break;
	case PC_T_NAME:
		r = check_name(&c);
		break;
	case PC_T_CODE:
		r = check_code(&c);
		break;
	case PC_T_DATE:
		r = check_date(&c);
		break;
	case PC_T_DATETIME:
		r = check_datetime(&c);
		break;
	case PC_T_INS:
		r = check_ins(&c);
		break;
	case PC_T_SEX:
		r = check_sex(&c);
		break;
	case PC_T_ICD10:
		r = check_icd10(&c);
		break;
	case PC_T_ICDO_TOPO:
		r = check_topo(&c);
		break;
	case PC_T_ICDO_MORPH:
		r = check_morph(&c);
		break;
	case PC_T_FINESS:
		r = check_finess(&c);
		break;
	case PC_T_RPPS:
		r = check_rpps(&c);
		break;
	case PC_T_PHONE:
		r = check_phone(&c);
		break;
	case PC_T_EMAIL:
		r = check_email(&c);
		break;
	case PC_T_CONTACT:
		r = memchr(s, '@', n) != NULL ? check_email(&c) :
		    check_phone(&c);
		break;
	case PC_T_PATHWAY_ID:
		r = check_pathway_id(&c);
		break;
	default:
		r = say(&c, PC_CHECK_BAD, "unknown field type %d", (int)t);
		break;
	}
	if (r == PC_CHECK_BAD)
		pc_buf_clear(c.out);
	if (c.vis.s != NULL)
		pc_buf_free(&c.vis);
	if (scratch.s != NULL)
		pc_buf_free(&scratch);
	return r;
}
