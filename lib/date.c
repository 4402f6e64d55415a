/* date.c - calendar dates: day numbers, parsing by format, today */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parcours.h"

#define YEAR_MIN	1800
#define YEAR_MAX	2999
/* 9999-12-31T23:59:59Z: pc_civil() and the 4-digit formats stop there. */
#define EPOCH_MAX	253402300799LL

static const char *const monthname[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int y, int m)
{
	static const int len[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && leap(y) ? 29 : len[m - 1];
}

/*
 * H. Hinnant's days_from_civil: exact integer arithmetic over 400-year
 * eras, so no table and no time_t range issue for old birth dates.
 */
long
pc_days(int y, int m, int d)
{
	long yy, era, yoe, doy, doe;

	yy = (long)y - (m <= 2);
	era = (yy >= 0 ? yy : yy - 399) / 400;
	yoe = yy - era * 400;
	doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
pc_civil(long days, int *y, int *m, int *d)
{
	long z, era, doe, yoe, doy, mp;

	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int
pc_date_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= mdays(y, m);
}

static void
setwhy(char *why, size_t whysz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
setwhy(char *why, size_t whysz, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || whysz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whysz, fmt, ap);
	va_end(ap);
}

/*
 * The format comes from an import map, not from the data, but it still
 * ends up on a terminal: control bytes are shown as '?'.
 */
static void
fmtshow(char *dst, size_t dstsz, const char *fmt)
{
	size_t i;

	strlcpy(dst, fmt, dstsz);
	for (i = 0; dst[i] != '\0'; i++)
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
			dst[i] = '?';
}

enum { F_Y, F_M, F_D, F_HH, F_MM, F_SS, F_N };

/*
 * Matches s[0..n) against fmt.  With a format from a map, %d and %m take
 * one or two digits when a literal character follows them ("1/3/2026"),
 * exactly two otherwise ("01032026" has no separator to tell 1/3 from
 * 10/3).  strict (the ISO default) wants every field at its full width.
 * Returns 0, -1 when the value does not match, -2 when fmt is unusable.
 */
static int
match(const char *s, size_t n, const char *fmt, int strict, int v[F_N],
    int seen[F_N])
{
	const char *f;
	size_t i = 0;
	int k, min, max, cnt, val;

	for (k = 0; k < F_N; k++)
		v[k] = seen[k] = 0;
	for (f = fmt; *f != '\0'; f++) {
		if (*f != '%' || f[1] == '%') {
			if (*f == '%')
				f++;
			if (i >= n || s[i] != *f)
				return -1;
			i++;
			continue;
		}
		f++;
		min = max = 2;
		switch (*f) {
		case 'Y':
			k = F_Y;
			min = max = 4;
			break;
		case 'm':
		case 'd':
			k = *f == 'm' ? F_M : F_D;
			if (!strict && f[1] != '\0' &&
			    (f[1] != '%' || f[2] == '%'))
				min = 1;
			break;
		case 'H':
			k = F_HH;
			break;
		case 'M':
			k = F_MM;
			break;
		case 'S':
			k = F_SS;
			break;
		default:
			return -2;
		}
		if (seen[k]++)
			return -2;
		for (cnt = val = 0; cnt < max && i < n &&
		    s[i] >= '0' && s[i] <= '9'; cnt++, i++)
			val = val * 10 + (s[i] - '0');
		if (cnt < min)
			return -1;
		v[k] = val;
	}
	if (!seen[F_Y] || !seen[F_M] || !seen[F_D])
		return -2;
	return i == n ? 0 : -1;
}

static int
digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/*
 * YYYY-MM-DD, what match() makes of "%Y-%m-%d" when it matches: every
 * date of a table, and every imported one once the map has rewritten it,
 * is read this way, several times a row, so its first eight bytes are
 * checked as one word (the masks are built byte by byte, whatever the
 * byte order).
 */
static int
iso(const char *s, size_t n, int v[F_N])
{
	static const unsigned char dash_at[8] = { 0, 0, 0, 0, 0xff, 0, 0, 0xff };
	static const unsigned char dashes[8] = { 0, 0, 0, 0, '-', 0, 0, '-' };
	uint64_t w, m, dm;

	if (n != 10)
		return 0;
	memcpy(&w, s, 8);
	memcpy(&m, dash_at, 8);
	memcpy(&dm, dashes, 8);
	if ((w & m) != dm || !pc_digits8_but(w, m) || !digit(s[8]) ||
	    !digit(s[9]))
		return 0;
	v[F_Y] = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
	    (s[2] - '0') * 10 + (s[3] - '0');
	v[F_M] = (s[5] - '0') * 10 + (s[6] - '0');
	v[F_D] = (s[8] - '0') * 10 + (s[9] - '0');
	v[F_HH] = v[F_MM] = v[F_SS] = 0;
	return 1;
}

/*
 * The formats of exports are a day, a month and a year at full width with
 * one separator between them ("%d/%m/%Y", "%Y.%m.%d"): a value of ten
 * bytes with its separators where the format has them and digits
 * everywhere else reads at fixed places, as match() would read it.  1 when
 * it does; 0 sends the value to match(), which also says what is wrong.
 */
static int
fixed(const char *s, size_t n, const char *fmt, int v[F_N],
    const char *at3[3])
{
	size_t at = 0, k;
	int f;

	/* Eight bytes, % at 0, 3 and 6: read no further than its NUL. */
	if (n != 10 || fmt[0] != '%' || fmt[1] == '\0' || fmt[2] == '\0' ||
	    fmt[3] != '%' || fmt[4] == '\0' || fmt[5] == '\0' ||
	    fmt[6] != '%' || fmt[7] == '\0' || fmt[8] != '\0')
		return 0;
	v[F_Y] = v[F_M] = v[F_D] = -1;
	for (k = 0; k < 3; k++) {
		const char *p = s + at;

		switch (fmt[3 * k + 1]) {
		case 'Y':
			if (v[F_Y] >= 0 || !digit(p[0]) || !digit(p[1]) ||
			    !digit(p[2]) || !digit(p[3]))
				return 0;
			v[F_Y] = (p[0] - '0') * 1000 + (p[1] - '0') * 100 +
			    (p[2] - '0') * 10 + (p[3] - '0');
			at3[0] = p;
			at += 4;
			break;
		case 'm':
		case 'd':
			f = fmt[3 * k + 1] == 'm' ? F_M : F_D;
			if (v[f] >= 0 || !digit(p[0]) || !digit(p[1]))
				return 0;
			v[f] = (p[0] - '0') * 10 + (p[1] - '0');
			at3[f == F_M ? 1 : 2] = p;
			at += 2;
			break;
		default:
			return 0;
		}
		if (k < 2) {
			/* A literal that is not % or a digit: match() agrees. */
			char sep = fmt[3 * k + 2];

			if (sep == '%' || digit(sep) || s[at] != sep)
				return 0;
			at++;
		}
	}
	/* Three directives, none twice: a day, a month, a year, ten bytes. */
	v[F_HH] = v[F_MM] = v[F_SS] = 0;
	return 1;
}

static int parse(const char *, size_t, const char *, int v[F_N], char *,
    size_t);

/*
 * Whether the fields read are a day (and a time) that exists: -1 with why
 * said if not.  parse() says why; valid_iso() asks without a why.
 */
static int
in_range(const int v[F_N], char *why, size_t whysz)
{
	if (v[F_Y] < YEAR_MIN || v[F_Y] > YEAR_MAX) {
		setwhy(why, whysz, "year %04d out of range (%d-%d)", v[F_Y],
		    YEAR_MIN, YEAR_MAX);
		return -1;
	}
	if (v[F_M] < 1 || v[F_M] > 12) {
		setwhy(why, whysz, "month %02d out of range", v[F_M]);
		return -1;
	}
	if (v[F_D] < 1 || v[F_D] > 31) {
		setwhy(why, whysz, "day %02d out of range", v[F_D]);
		return -1;
	}
	if (v[F_D] > mdays(v[F_Y], v[F_M])) {
		setwhy(why, whysz, "no day %d in %s %04d", v[F_D],
		    monthname[v[F_M] - 1], v[F_Y]);
		return -1;
	}
	/* The time of day is checked but a date is all the callers keep. */
	if (v[F_HH] > 23) {
		setwhy(why, whysz, "hour %02d out of range", v[F_HH]);
		return -1;
	}
	if (v[F_MM] > 59) {
		setwhy(why, whysz, "minute %02d out of range", v[F_MM]);
		return -1;
	}
	if (v[F_SS] > 59) {
		setwhy(why, whysz, "second %02d out of range", v[F_SS]);
		return -1;
	}
	return 0;
}

/*
 * The date of ten bytes that fixed() (or, without fmt, iso()) reads, in
 * range, written YYYY-MM-DD into out: its digits are those of the output,
 * moved, so this is a copy and the checks of parse(), without the
 * arithmetic there and back.  Two dates a row of an import come this way
 * twice, once through the map and once through the field check.  0 for
 * anything else, which parse() then reads and says what is wrong with;
 * fuzz_field holds the two to the same answers.
 */
static int
valid_iso(const char *s, size_t n, const char *fmt, char out[11])
{
	const char *at[3];	/* the year's, month's and day's digits */
	int v[F_N];

	if (fmt == NULL) {
		if (!iso(s, n, v))
			return 0;
		at[0] = s;
		at[1] = s + 5;
		at[2] = s + 8;
	} else if (!fixed(s, n, fmt, v, at))
		return 0;
	if (in_range(v, NULL, 0) == -1)
		return 0;
	memcpy(out, at[0], 4);
	out[4] = '-';
	memcpy(out + 5, at[1], 2);
	out[7] = '-';
	memcpy(out + 8, at[2], 2);
	out[10] = '\0';
	return 1;
}

/* YYYY-MM-DD of a year 0-9999: every imported date, so no snprintf. */
static void
put_iso(char buf[11], int y, int m, int d)
{
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
}

int
pc_date_parse(const char *s, size_t n, const char *fmt, long *days,
    char *why, size_t whysz)
{
	int v[F_N];

	if (parse(s, n, fmt, v, why, whysz) == -1)
		return -1;
	if (days != NULL)
		*days = pc_days(v[F_Y], v[F_M], v[F_D]);
	return 0;
}

/*
 * An import's checks across fields read again the dates its field checks
 * wrote: those are valid, so iso()'s reading is all they need, not
 * parse()'s trimming and ranges.
 */
long
pc_date_canon_days(const char *s, int ymd[3])
{
	int v[F_N];

	if (!iso(s, strlen(s), v))
		return PC_NODATE;
	if (ymd != NULL) {
		ymd[0] = v[F_Y];
		ymd[1] = v[F_M];
		ymd[2] = v[F_D];
	}
	return pc_days(v[F_Y], v[F_M], v[F_D]);
}

int
pc_date_read(const char *s, long *days)
{
	return pc_date_parse(s, strlen(s), NULL, days, NULL, 0);
}

/*
 * pc_date_parse, and the date written YYYY-MM-DD into iso: from the
 * fields read, without the round trip through a day count that every
 * date of an import through a map would otherwise take.
 */
int
pc_date_parse_iso(const char *s, size_t n, const char *fmt, char iso[11],
    char *why, size_t whysz)
{
	int v[F_N];

	if (valid_iso(s, n, fmt, iso)) {
		if (why != NULL && whysz > 0)
			why[0] = '\0';
		return 0;
	}
	if (parse(s, n, fmt, v, why, whysz) == -1)
		return -1;
	put_iso(iso, v[F_Y], v[F_M], v[F_D]);
	return 0;
}

static int
parse(const char *s, size_t n, const char *fmt, int v[F_N], char *why,
    size_t whysz)
{
	const char *at3[3];
	int seen[F_N], r;
	char show[64];

	if (why != NULL && whysz > 0)
		why[0] = '\0';
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (fmt == NULL ? iso(s, n, v) : fixed(s, n, fmt, v, at3))
		r = 0;
	else
		r = match(s, n, fmt != NULL ? fmt : "%Y-%m-%d", fmt == NULL, v,
		    seen);
	if (r == -2) {
		fmtshow(show, sizeof show, fmt);
		setwhy(why, whysz, "bad date format \"%s\" (%%d, %%m and %%Y "
		    "once each, %%H %%M %%S, other characters literal)", show);
		return -1;
	}
	if (r == -1) {
		if (fmt == NULL)
			setwhy(why, whysz, "not a date: expected YYYY-MM-DD");
		else {
			fmtshow(show, sizeof show, fmt);
			setwhy(why, whysz, "not a date: expected %s", show);
		}
		return -1;
	}
	return in_range(v, why, whysz);
}

void
pc_date_fmt(long days, char buf[11])
{
	int y, m, d;

	pc_civil(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		strlcpy(buf, "\?\?\?\?-\?\?-\?\?", 11);
		return;
	}
	put_iso(buf, y, m, d);
}

/*
 * $SOURCE_DATE_EPOCH (reproducible-builds.org) is a decimal count of
 * seconds; anything else in it is ignored rather than half-read, so that
 * a typo cannot silently move "today" to 1970.
 */
static long long
now(void)
{
	const char *e;
	long long t = 0;

	if ((e = getenv("SOURCE_DATE_EPOCH")) != NULL && *e != '\0') {
		for (; *e >= '0' && *e <= '9'; e++) {
			t = t * 10 + (*e - '0');
			if (t > EPOCH_MAX)
				break;
		}
		if (*e == '\0')
			return t;
	}
	return (long long)time(NULL);
}

static long
floordiv(long long a, long long b)
{
	return (long)(a / b - (a % b < 0));
}

long
pc_today(void)
{
	return floordiv(now(), 86400);
}

void
pc_now_iso(char buf[21])
{
	long long t = now();
	long days = floordiv(t, 86400);
	long sec = (long)(t - (long long)days * 86400);
	int y, m, d;

	pc_civil(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		strlcpy(buf, "\?\?\?\?-\?\?-\?\?T\?\?:\?\?:\?\?Z", 21);
		return;
	}
	snprintf(buf, 21, "%04u-%02u-%02uT%02u:%02u:%02uZ",
	    (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u,
	    (unsigned)(sec / 3600) % 100u, (unsigned)(sec / 60 % 60),
	    (unsigned)(sec % 60));
}

/*
 * Someone born on 29 February becomes a year older on 1 March in a common
 * year, not on 28 February: the birthday has not come until the day after
 * 28 February, so an age limit is never reached a day early.  Negative
 * when at is before birth.
 */
int
pc_age(long birth, long at)
{
	int by, bm, bd, ay, am, ad, age;

	pc_civil(birth, &by, &bm, &bd);
	pc_civil(at, &ay, &am, &ad);
	age = ay - by;
	if (am < bm || (am == bm && ad < bd))
		age--;
	return age;
}

/*
 * months after (or before) day, keeping the day of the month; a day the
 * target month lacks becomes its last day, as an anniversary is counted:
 * 2026-01-31 plus one month is 2026-02-28, 2024-02-29 plus a year
 * 2025-02-28.
 */
long
pc_add_months(long day, long months)
{
	int y, m, d, dim;
	long t;

	pc_civil(day, &y, &m, &d);
	t = (long)y * 12 + (m - 1) + months;
	y = (int)(t / 12);
	m = (int)(t % 12) + 1;
	dim = (int)((m == 12 ? pc_days(y + 1, 1, 1) : pc_days(y, m + 1, 1)) -
	    pc_days(y, m, 1));
	return pc_days(y, m, d > dim ? dim : d);
}

/* Whole months from a to b (b >= a): the most n with a + n months <= b. */
long
pc_months_between(long a, long b)
{
	int ay, am, ad, by, bm, bd;
	long n;

	pc_civil(a, &ay, &am, &ad);
	pc_civil(b, &by, &bm, &bd);
	n = ((long)by - ay) * 12 + (bm - am);
	while (n > 0 && pc_add_months(a, n) > b)
		n--;
	return n;
}
