/*
 * template.c - the document templates of pps-render(1).
 *
 * A small logic-less language, so that an establishment rewrites its
 * documents without a compiler: {{name}} a value, {{#name}}...{{/name}}
 * repeated for each item of a list (or once when a value is not empty),
 * {{^name}}...{{/name}} when it is empty, {{! comment }}.  A tag alone on
 * its line takes its line with it, so that text templates keep their
 * layout.  Values are escaped for the output format and written as they
 * are: a value holding "{{" or "<script>" is never read as template.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parcours.h"

#define MAXTMPL		(1u << 20)	/* bytes of a template file */
#define MAXDEPTH	16		/* sections inside sections */
#define MAXNAME		64

enum { N_TEXT, N_VAR, N_SECTION, N_INVERTED };

struct node {
	int		 kind;
	char		*s;		/* text, or the name of a tag */
	size_t		 len;
	size_t		 end;		/* a section: the node after its body */
	unsigned long	 line;
};

struct pc_tmpl {
	char		*path;
	struct node	*n;
	size_t		 nn, cap;
};

struct tval {
	char		 *name;
	char		 *s;		/* a value, or NULL for a list */
	struct pc_tdata	**items;
	size_t		  nitems;
};

struct pc_tdata {
	struct tval	*v;
	size_t		 n;
	struct pc_tdata	*parent;
};

/* ---- parsing ---------------------------------------------------------- */

static struct node *
add_node(struct pc_tmpl *t, int kind, const char *s, size_t len,
    unsigned long line)
{
	struct node *n;

	if (t->nn == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->n = pc_xreallocarray(t->n, t->cap, sizeof *t->n);
	}
	n = &t->n[t->nn++];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->s = pc_xmalloc(len + 1);
	memcpy(n->s, s, len);
	n->s[len] = '\0';
	n->len = len;
	n->line = line;
	return n;
}

static int
namechar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static unsigned long
count_lines(const char *s, size_t n)
{
	unsigned long k = 0;

	while (n-- > 0)
		if (*s++ == '\n')
			k++;
	return k;
}

#define PFAIL(...) do {							\
	int n_ = snprintf(err, errsz, "%s:%lu: ", name, line);		\
	if (n_ >= 0 && (size_t)n_ < errsz)				\
		snprintf(err + n_, errsz - n_, __VA_ARGS__);		\
	pc_tmpl_free(t);						\
	return NULL;							\
} while (0)

struct pc_tmpl *
pc_tmpl_parse(const char *name, const char *s, size_t len, char *err,
    size_t errsz)
{
	struct pc_tmpl *t = pc_xcalloc(1, sizeof *t);
	size_t open[MAXDEPTH], depth = 0, i = 0, text = 0, bad;
	unsigned long line = 1;

	t->path = pc_xstrdup(name);
	if ((bad = pc_utf8_invalid(s, len)) < len) {
		line += count_lines(s, bad);
		PFAIL("not UTF-8 (byte %zu)", bad + 1);
	}
	if (memchr(s, '\0', len) != NULL) {
		line += count_lines(s, (size_t)((const char *)memchr(s, '\0',
		    len) - s));
		PFAIL("a NUL byte");
	}
	while (i < len) {
		const char *p, *q, *e;
		size_t tstart, tend, nl, k;
		int sigil = 0, standalone;

		if (s[i] == '\n')
			line++;
		if (!(s[i] == '{' && i + 1 < len && s[i + 1] == '{')) {
			i++;
			continue;
		}
		tstart = i;
		p = s + i + 2;
		if ((e = memmem(p, len - (size_t)(p - s), "}}", 2)) == NULL)
			PFAIL("{{ without }}");
		tend = (size_t)(e - s) + 2;
		while (p < e && *p == ' ')
			p++;
		if (p < e && strchr("#^/!", *p) != NULL)
			sigil = *p++;
		/* Only a comment spans lines. */
		if (sigil != '!' && memchr(p, '\n', (size_t)(e - p)) != NULL)
			PFAIL("a tag ends on its line: {{ without }}");
		if (sigil == '!')
			line += count_lines(p, (size_t)(e - p));
		while (p < e && *p == ' ')
			p++;
		q = p;
		while (q < e && namechar((unsigned char)*q))
			q++;
		if (sigil != '!') {
			const char *r = q;

			while (r < e && *r == ' ')
				r++;
			if (q == p || r != e)
				PFAIL("a tag holds a name of letters, digits, "
				    "_ and - (%s)", sigil == 0 ? "{{name}}" :
				    sigil == '#' ? "{{#name}}" : sigil == '^' ?
				    "{{^name}}" : "{{/name}}");
			if (q - p > MAXNAME)
				PFAIL("a name longer than %d characters",
				    MAXNAME);
		}

		/* A section or comment tag alone on its line takes it. */
		standalone = 0;
		nl = tend;
		if (sigil != 0) {
			size_t b = tstart;

			while (b > text && (s[b - 1] == ' ' || s[b - 1] == '\t'))
				b--;
			while (nl < len && (s[nl] == ' ' || s[nl] == '\t'))
				nl++;
			if ((b == 0 || s[b - 1] == '\n') &&
			    (nl == len || s[nl] == '\n' || (s[nl] == '\r' &&
			    nl + 1 < len && s[nl + 1] == '\n'))) {
				standalone = 1;
				tstart = b;
				if (nl < len)
					nl += s[nl] == '\r' ? 2 : 1;
			}
		}
		if (tstart > text)
			add_node(t, N_TEXT, s + text, tstart - text, line);
		switch (sigil) {
		case 0:
			add_node(t, N_VAR, p, (size_t)(q - p), line);
			break;
		case '#':
		case '^':
			if (depth == MAXDEPTH)
				PFAIL("sections nested deeper than %d",
				    MAXDEPTH);
			open[depth++] = t->nn;
			add_node(t, sigil == '#' ? N_SECTION : N_INVERTED, p,
			    (size_t)(q - p), line);
			break;
		case '/':
			if (depth == 0)
				PFAIL("{{/%.*s}} closes no section",
				    (int)(q - p), p);
			k = open[--depth];
			if (t->n[k].len != (size_t)(q - p) ||
			    memcmp(t->n[k].s, p, t->n[k].len) != 0)
				PFAIL("{{/%.*s}} closes {{%c%s}} of line %lu",
				    (int)(q - p), p, t->n[k].kind == N_SECTION ?
				    '#' : '^', t->n[k].s, t->n[k].line);
			t->n[k].end = t->nn;
			break;
		}
		i = standalone ? nl : tend;
		if (standalone && nl > tend && s[nl - 1] == '\n')
			line++;
		text = i;
	}
	if (len > text)
		add_node(t, N_TEXT, s + text, len - text, line);
	if (depth > 0) {
		line = t->n[open[depth - 1]].line;
		PFAIL("{{%c%s}} is not closed",
		    t->n[open[depth - 1]].kind == N_SECTION ? '#' : '^',
		    t->n[open[depth - 1]].s);
	}
	return t;
}

struct pc_tmpl *
pc_tmpl_load(const char *path, char *err, size_t errsz)
{
	struct pc_buf b = { 0 };
	struct pc_tmpl *t;
	char chunk[8192];
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY)) == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if ((r = read(fd, chunk, sizeof chunk)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		if (b.len + (size_t)r > MAXTMPL) {
			snprintf(err, errsz, "%s: larger than %u bytes", path,
			    MAXTMPL);
			goto fail;
		}
		pc_buf_add(&b, chunk, (size_t)r);
	}
	close(fd);
	t = pc_tmpl_parse(path, b.len ? b.s : "", b.len, err, errsz);
	pc_buf_free(&b);
	return t;
fail:
	close(fd);
	pc_buf_free(&b);
	return NULL;
}

void
pc_tmpl_free(struct pc_tmpl *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nn; i++)
		free(t->n[i].s);
	free(t->n);
	free(t->path);
	free(t);
}

int
pc_tmpl_check(const struct pc_tmpl *t, const char *const *names, char *err,
    size_t errsz)
{
	size_t i, k;

	for (i = 0; i < t->nn; i++) {
		if (t->n[i].kind == N_TEXT)
			continue;
		for (k = 0; names[k] != NULL; k++)
			if (strcmp(names[k], t->n[i].s) == 0)
				break;
		if (names[k] == NULL) {
			snprintf(err, errsz, "%s:%lu: {{%s%s}}: unknown name",
			    t->path, t->n[i].line, t->n[i].kind == N_SECTION ?
			    "#" : t->n[i].kind == N_INVERTED ? "^" : "",
			    t->n[i].s);
			return -1;
		}
	}
	return 0;
}

/* ---- data ------------------------------------------------------------- */

struct pc_tdata *
pc_tdata_new(void)
{
	return pc_xcalloc(1, sizeof(struct pc_tdata));
}

static struct tval *
tval_get(struct pc_tdata *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].name, name) == 0)
			return &d->v[i];
	d->v = pc_xreallocarray(d->v, d->n + 1, sizeof *d->v);
	memset(&d->v[d->n], 0, sizeof *d->v);
	d->v[d->n].name = pc_xstrdup(name);
	return &d->v[d->n++];
}

void
pc_tdata_set(struct pc_tdata *d, const char *name, const char *value)
{
	struct tval *v = tval_get(d, name);

	free(v->s);
	v->s = pc_xstrdup(value != NULL ? value : "");
}

struct pc_tdata *
pc_tdata_add(struct pc_tdata *d, const char *list)
{
	struct tval *v = tval_get(d, list);
	struct pc_tdata *item;

	free(v->s);
	v->s = NULL;
	item = pc_tdata_new();
	item->parent = d;
	v->items = pc_xreallocarray(v->items, v->nitems + 1,
	    sizeof *v->items);
	v->items[v->nitems++] = item;
	return item;
}

size_t
pc_tdata_count(const struct pc_tdata *d, const char *list)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].name, list) == 0)
			return d->v[i].nitems;
	return 0;
}

void
pc_tdata_free(struct pc_tdata *d)
{
	size_t i, k;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].name);
		free(d->v[i].s);
		for (k = 0; k < d->v[i].nitems; k++)
			pc_tdata_free(d->v[i].items[k]);
		free(d->v[i].items);
	}
	free(d->v);
	free(d);
}

/* A name in the item at hand, then in the items around it. */
static const struct tval *
lookup(const struct pc_tdata *d, const char *name)
{
	size_t i;

	for (; d != NULL; d = d->parent)
		for (i = 0; i < d->n; i++)
			if (strcmp(d->v[i].name, name) == 0)
				return &d->v[i];
	return NULL;
}

/* ---- output ----------------------------------------------------------- */

static int
c1(const char *s)
{
	return (unsigned char)s[0] == 0xc2 && (unsigned char)s[1] < 0xa0;
}

/*
 * U+202A-U+202E and U+2066-U+2069 reorder the text around them: a name
 * could make the line it is on read otherwise ("Trojan Source",
 * CVE-2021-42574).
 */
static int
bidi(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	return len == 3 && u[0] == 0xe2 && ((u[1] == 0x80 && u[2] >= 0xaa &&
	    u[2] <= 0xae) || (u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9));
}

/*
 * A value as text: no control character reaches the reader's terminal
 * (C0, DEL, C1 and the bidirectional overrides are dropped, TAB CR LF
 * become spaces) and a byte that is not UTF-8 becomes U+FFFD.  With html, & < > " ' become references, which
 * is safe in element text and in quoted attributes alike.
 */
void
pc_tmpl_escape(struct pc_buf *out, const char *s, size_t n, int html)
{
	size_t i, bad, len;

	for (i = 0; i < n; ) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80) {
			len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			bad = pc_utf8_invalid(s + i, n - i);
			if (bad < len) {
				pc_buf_adds(out, "\xef\xbf\xbd");
				i++;
			} else {
				if (!c1(s + i) && !bidi(s + i, len))
					pc_buf_add(out, s + i, len);
				i += len;
			}
			continue;
		}
		i++;
		if (c == '\t' || c == '\n' || c == '\r')
			pc_buf_addc(out, ' ');
		else if (c < 0x20 || c == 0x7f)
			continue;
		else if (!html)
			pc_buf_addc(out, c);
		else if (c == '&')
			pc_buf_adds(out, "&amp;");
		else if (c == '<')
			pc_buf_adds(out, "&lt;");
		else if (c == '>')
			pc_buf_adds(out, "&gt;");
		else if (c == '"')
			pc_buf_adds(out, "&quot;");
		else if (c == '\'')
			pc_buf_adds(out, "&#39;");
		else
			pc_buf_addc(out, c);
	}
}

static int
empty(const struct tval *v)
{
	return v == NULL || (v->s != NULL ? *v->s == '\0' : v->nitems == 0);
}

static void
render(const struct pc_tmpl *t, size_t from, size_t to,
    const struct pc_tdata *d, int html, struct pc_buf *out)
{
	const struct tval *v;
	size_t i, k;

	for (i = from; i < to; i++) {
		const struct node *n = &t->n[i];

		switch (n->kind) {
		case N_TEXT:
			pc_buf_add(out, n->s, n->len);
			break;
		case N_VAR:
			if ((v = lookup(d, n->s)) != NULL && v->s != NULL)
				pc_tmpl_escape(out, v->s, strlen(v->s), html);
			break;
		case N_SECTION:
			v = lookup(d, n->s);
			if (!empty(v) && v->s == NULL)
				for (k = 0; k < v->nitems; k++)
					render(t, i + 1, n->end, v->items[k],
					    html, out);
			else if (!empty(v))
				render(t, i + 1, n->end, d, html, out);
			i = n->end - 1;
			break;
		case N_INVERTED:
			if (empty(lookup(d, n->s)))
				render(t, i + 1, n->end, d, html, out);
			i = n->end - 1;
			break;
		}
	}
}

void
pc_tmpl_render(const struct pc_tmpl *t, const struct pc_tdata *d, int html,
    struct pc_buf *out)
{
	render(t, 0, t->nn, d, html, out);
}

/* ---- plain text wrapping ---------------------------------------------- */

/* Characters (not bytes) of s[0..n): UTF-8 continuation bytes not counted. */
static size_t
width(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Wraps the lines of in longer than cols characters at spaces; the
 * following lines keep the indentation of the first, and that of the
 * text after a leading "- " or "* ", so that lists stay lists.  A space
 * between two digits does not break ("01 99 00 10 01" stays whole), nor
 * does a word longer than the line.
 */
void
pc_text_wrap(const char *in, size_t n, size_t cols, struct pc_buf *out)
{
	const char *p = in, *end = in + n;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q, *brk;
		size_t ind = 0, w;

		if (eol == NULL)
			eol = end;
		while (p + ind < eol && p[ind] == ' ')
			ind++;
		if (p + ind + 1 < eol && (p[ind] == '-' || p[ind] == '*') &&
		    p[ind + 1] == ' ')
			ind += 2;
		if (ind > 32 || ind >= cols / 2)
			ind = 0;
		q = p;
		while (width(q, (size_t)(eol - q)) + (q == p ? 0 : ind) > cols) {
			w = q == p ? 0 : ind;
			brk = NULL;
			for (const char *r = q + (q == p ? ind : 0); r < eol;
			    r++) {
				if (*r != ' ' || (r > q && r + 1 < eol &&
				    digit(r[-1]) && digit(r[1])))
					continue;
				if (width(q, (size_t)(r - q)) + w > cols)
					break;
				brk = r;
			}
			if (brk == NULL) {
				/* One long word: until the next space. */
				for (brk = q + (q == p ? ind : 0);
				    brk < eol && (*brk != ' ' || (brk > q &&
				    brk + 1 < eol && digit(brk[-1]) &&
				    digit(brk[1]))); brk++)
					;
				if (brk == eol)
					break;
			}
			if (q != p)
				pc_buf_add(out, "                                ",
				    ind);
			while (brk > q && brk[-1] == ' ')
				brk--;
			pc_buf_add(out, q, (size_t)(brk - q));
			pc_buf_addc(out, '\n');
			q = brk;
			while (q < eol && *q == ' ')
				q++;
		}
		if (q != p && q < eol)
			pc_buf_add(out, "                                ", ind);
		pc_buf_add(out, q, (size_t)(eol - q));
		if (eol < end)
			pc_buf_addc(out, '\n');
		p = eol < end ? eol + 1 : end;
	}
}
