/* diag.c - diagnostics that show data safely */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vis.h>

#include "parcours.h"

int pc_verbose;

/*
 * A thread judging rows for another to write (annotate.c) keeps what it
 * says with the rows, so that the messages come out in the rows' order.
 */
static __thread struct pc_buf *held;

void
pc_warn_hold(struct pc_buf *b)
{
	held = b;
}

static void
vmsg(int errnum, const char *fmt, va_list ap)
{
	if (held != NULL) {
		va_list aq;
		int n;

		pc_buf_adds(held, getprogname());
		pc_buf_adds(held, ": ");
		va_copy(aq, ap);
		n = vsnprintf(NULL, 0, fmt, aq);
		va_end(aq);
		if (n > 0) {
			pc_buf_reserve(held, (size_t)n + 1);
			vsnprintf(held->s + held->len, (size_t)n + 1, fmt, ap);
			held->len += (size_t)n;
		}
		if (errnum) {
			pc_buf_adds(held, ": ");
			pc_buf_adds(held, strerror(errnum));
		}
		pc_buf_addc(held, '\n');
		return;
	}
	fprintf(stderr, "%s: ", getprogname());
	vfprintf(stderr, fmt, ap);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

void
pc_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
}

void
pc_warn(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vmsg(e, fmt, ap);
	va_end(ap);
}

/*
 * Shows at most max bytes of s, with control characters, backslashes and
 * invalid UTF-8 encoded by vis(3) so that no byte from the data reaches a
 * terminal as-is; well-formed multibyte characters are kept readable.
 */
void
pc_vis(struct pc_buf *out, const char *s, size_t n, size_t max)
{
	size_t i, bad, cut;
	char tmp[8];

	cut = n > max ? max : n;
	pc_buf_addc(out, '"');
	for (i = 0; i < cut; ) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80) {
			bad = pc_utf8_invalid(s + i, cut - i);
			size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

			if (bad >= len) {
				/* A C1 control is well-formed but not shown. */
				if (c == 0xc2 && (unsigned char)s[i + 1] < 0xa0) {
					snprintf(tmp, sizeof tmp, "\\u%04x",
					    (unsigned char)s[i + 1]);
					pc_buf_adds(out, tmp);
				} else
					pc_buf_add(out, s + i, len);
				i += len;
				continue;
			}
			snprintf(tmp, sizeof tmp, "\\x%02x", c);
			pc_buf_adds(out, tmp);
			i++;
			continue;
		}
		if (c == '"' || c == '\\') {
			pc_buf_addc(out, '\\');
			pc_buf_addc(out, c);
		} else {
			vis(tmp, c, VIS_CSTYLE | VIS_OCTAL | VIS_NOSLASH | VIS_TAB | VIS_NL,
			    i + 1 < cut ? s[i + 1] : 0);
			pc_buf_adds(out, tmp);
		}
		i++;
	}
	pc_buf_addc(out, '"');
	if (cut < n)
		pc_buf_adds(out, "...");
}

/* Shows only the last keep characters: enough to find a row, not a person. */
void
pc_mask(struct pc_buf *out, const char *s, size_t n, size_t keep)
{
	size_t i;

	for (i = 0; i + keep < n; i++)
		pc_buf_addc(out, '*');
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		pc_buf_addc(out, c >= 0x20 && c < 0x7f ? c : '?');
	}
}

void
pc_where(struct pc_buf *out, const char *file, unsigned long line,
    unsigned long record)
{
	char tmp[64];

	pc_buf_adds(out, file);
	snprintf(tmp, sizeof tmp, ":%lu", line);
	pc_buf_adds(out, tmp);
	if (record && record != line) {
		snprintf(tmp, sizeof tmp, " (record %lu)", record);
		pc_buf_adds(out, tmp);
	}
}
