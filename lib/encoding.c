/* encoding.c - input encodings: single-byte tables from iconv(3), UTF-8 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "parcours.h"

static const struct {
	const char	*name;
	enum pc_enc	 enc;
} encnames[] = {
	{ "utf-8", PC_ENC_UTF8 }, { "utf8", PC_ENC_UTF8 },
	{ "cp1252", PC_ENC_CP1252 }, { "windows-1252", PC_ENC_CP1252 },
	{ "latin1", PC_ENC_LATIN1 }, { "iso-8859-1", PC_ENC_LATIN1 },
	{ "latin9", PC_ENC_LATIN9 }, { "iso-8859-15", PC_ENC_LATIN9 },
};

int
pc_enc_parse(const char *s, enum pc_enc *e)
{
	size_t i;

	for (i = 0; i < sizeof encnames / sizeof encnames[0]; i++)
		if (strcasecmp(s, encnames[i].name) == 0) {
			*e = encnames[i].enc;
			return 0;
		}
	return -1;
}

const char *
pc_enc_name(enum pc_enc e)
{
	switch (e) {
	case PC_ENC_CP1252:	return "cp1252";
	case PC_ENC_LATIN1:	return "latin1";
	case PC_ENC_LATIN9:	return "latin9";
	default:		return "utf-8";
	}
}

/*
 * Nearly every byte of an export is ASCII: eight of them are checked at a
 * time and copied as they are.  The length of the ASCII run at p.
 */
static size_t
ascii_run(const unsigned char *p, size_t n)
{
	size_t i = 0;
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
	}
	while (i < n && p[i] < 0x80)
		i++;
	return i;
}

static void
utf8_put(unsigned char seq[4], unsigned char *len, unsigned cp)
{
	if (cp < 0x80) {
		seq[0] = cp;
		*len = 1;
	} else if (cp < 0x800) {
		seq[0] = 0xc0 | cp >> 6;
		seq[1] = 0x80 | (cp & 0x3f);
		*len = 2;
	} else {
		seq[0] = 0xe0 | cp >> 12;
		seq[1] = 0x80 | (cp >> 6 & 0x3f);
		seq[2] = 0x80 | (cp & 0x3f);
		*len = 3;
	}
}

/*
 * The table is asked of iconv(3) once, byte by byte, so that the system's
 * own definition of each charset is the reference while the conversion of
 * a 100 MB export costs a table look-up per byte, not a call per field.
 */
int
pc_decoder_init(struct pc_decoder *d, enum pc_enc enc)
{
	static const char *iconvname[] = {
		[PC_ENC_CP1252] = "CP1252",
		[PC_ENC_LATIN1] = "ISO-8859-1",
		[PC_ENC_LATIN9] = "ISO-8859-15",
	};
	iconv_t cd;
	unsigned c;

	memset(d, 0, sizeof *d);
	d->enc = enc;
	for (c = 0; c < 0x80; c++)
		utf8_put(d->seq[c], &d->len[c], c);
	if (enc == PC_ENC_UTF8)
		return 0;
	if ((cd = iconv_open("UTF-8", iconvname[enc])) == (iconv_t)-1)
		return -1;
	for (c = 0x80; c < 0x100; c++) {
		char in[1] = { (char)c }, out[4];
		char *ip = in, *op = out;
		size_t il = 1, ol = sizeof out;

		iconv(cd, NULL, NULL, NULL, NULL);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
			/* Undefined in the charset: WHATWG maps it to C1. */
			utf8_put(d->seq[c], &d->len[c], c);
			continue;
		}
		d->len[c] = (unsigned char)(op - out);
		memcpy(d->seq[c], out, d->len[c]);
	}
	iconv_close(cd);
	return 0;
}

void
pc_decode(const struct pc_decoder *d, const void *in, size_t n,
    struct pc_buf *out)
{
	const unsigned char *p = in, *end = p + n;
	char *o;

	pc_buf_reserve(out, n * 3);
	o = out->s + out->len;
	while (p < end) {
		size_t k = ascii_run(p, (size_t)(end - p));
		unsigned char c;

		memcpy(o, p, k);
		o += k;
		p += k;
		if (p == end)
			break;
		c = *p++;
		memcpy(o, d->seq[c], 4);
		o += d->len[c];
	}
	out->len = (size_t)(o - out->s);
	out->s[out->len] = '\0';
}

/* Well-formed UTF-8 as RFC 3629 defines it: no overlong form, no surrogate. */
size_t
pc_utf8_invalid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c;
		size_t len;
		unsigned char lo = 0x80, hi = 0xbf;

		if ((i += ascii_run(p + i, n - i)) == n)
			break;
		c = p[i];
		if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else
			return i;
		if (i + len > n || p[i + 1] < lo || p[i + 1] > hi)
			return i;
		for (size_t k = 2; k < len; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return i;
		i += len;
	}
	return n;
}
