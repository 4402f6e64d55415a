/*
 * map.c - import maps: how a foreign export becomes records (parcours(5)).
 *
 * Rewrites are compiled once, JIT-compiled when the platform allows, and
 * each keeps its own match data, so a row costs matches, not allocations.
 * A match limit bounds what a catastrophic pattern can cost on one value.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "parcours.h"

#define MATCH_LIMIT	1000000u
#define DEPTH_LIMIT	10000u
#define MAXFMT		8

/*
 * The last few short values a rewrite saw and what it made of them: a
 * column a rewrite mends (sex, a code) holds few distinct values, and a
 * match costs far more than a look here.
 */
#define MEMO		4
#define MEMO_IN		16
#define MEMO_OUT	32

struct memo {
	unsigned char	 inlen, outlen;	/* inlen 0: unused */
	char		 in[MEMO_IN], out[MEMO_OUT];
};

struct rewrite {
	pcre2_code		*re;
	pcre2_match_data	*md;
	char			*repl;
	size_t			 line;
	struct rewrite		*next;
	struct memo		 memo[MEMO];
	unsigned		 nextmemo;
};

struct colmap {
	char		*source;
	char		*constant;
	struct rewrite	*rw, **rwtail;
	char		*fmt[MAXFMT];
	size_t		 nfmt;
};

struct pc_map {
	char			*path;
	const struct pc_table	*t;
	int			 delim;
	int			 has_enc;
	enum pc_enc		 enc;
	unsigned		 skip;
	char			*fmt[MAXFMT];
	size_t			 nfmt;
	struct colmap		*cols;
	pcre2_match_context	*mctx;
	struct pc_buf		 tmp;
	char			*text;	/* the file as read, for pc_map_dup */
	size_t			 textlen;
};

/* Splits off one token: blanks separate, "..." quotes with "" for ". */
static int
token(char **pp, char **tok)
{
	char *p = *pp, *o;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return 0;
	if (*p != '"') {
		*tok = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (*p != '\0')
			*p++ = '\0';
		*pp = p;
		return 1;
	}
	*tok = o = ++p;
	for (;;) {
		if (*p == '\0')
			return -1;
		if (*p == '"') {
			if (p[1] != '"')
				break;
			p++;
		}
		*o++ = *p++;
	}
	*o = '\0';
	p++;
	if (*p != '\0' && *p != ' ' && *p != '\t')
		return -1;
	*pp = p;
	return 1;
}

/* The rest of the line, trimmed, or one quoted token. */
static int
rest(char **pp, char **tok)
{
	char *p = *pp, *e;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '"') {
		int rc = token(&p, tok);
		char *extra;

		if (rc != 1 || token(&p, &extra) != 0)
			return -1;
		return 1;
	}
	if (*p == '\0')
		return 0;
	e = p + strlen(p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*e = '\0';
	*tok = p;
	return 1;
}

static int
valid_format(const char *f)
{
	for (; *f; f++)
		if (*f == '%' && (f[1] == '\0' || strchr("dmYHMS", f[1]) == NULL))
			return 0;
		else if (*f == '%')
			f++;
	return 1;
}

void
pc_map_free(struct pc_map *m)
{
	size_t i, k;

	if (m == NULL)
		return;
	for (i = 0; m->cols && i < m->t->ncols; i++) {
		struct colmap *c = &m->cols[i];
		struct rewrite *r, *next;

		free(c->source);
		free(c->constant);
		for (k = 0; k < c->nfmt; k++)
			free(c->fmt[k]);
		for (r = c->rw; r != NULL; r = next) {
			next = r->next;
			pcre2_match_data_free(r->md);
			pcre2_code_free(r->re);
			free(r->repl);
			free(r);
		}
	}
	for (k = 0; k < m->nfmt; k++)
		free(m->fmt[k]);
	free(m->cols);
	pcre2_match_context_free(m->mctx);
	pc_buf_free(&m->tmp);
	free(m->text);
	free(m->path);
	free(m);
}

#define FAIL(...) do {							\
	int o_ = snprintf(err, errsz, "%s:%zu: ", path, lineno);	\
	if (o_ >= 0 && (size_t)o_ < errsz)				\
		snprintf(err + o_, errsz - (size_t)o_, __VA_ARGS__);	\
	goto fail;							\
} while (0)

static long
field_of(const struct pc_table *t, const char *name)
{
	return pc_table_col(t, name);
}

/*
 * Reads the map's text from a buffer, not the file, so that pc_map_dup
 * makes a second map of the very bytes the first was made of.
 */
static struct pc_map *
parse(const char *path, const char *text, size_t len,
    const struct pc_table *t, char *err, size_t errsz)
{
	struct pc_map *m;
	const char *q = text, *end = text + len, *nl;
	char *line = NULL, *p, *dir, *a, *b, *c;
	size_t cap = 0, lineno = 0, n;
	long col;

	m = pc_xcalloc(1, sizeof *m);
	m->path = pc_xstrdup(path);
	path = m->path;
	m->t = t;
	m->delim = 0;
	m->cols = pc_xcalloc(t->ncols, sizeof *m->cols);
	for (size_t i = 0; i < t->ncols; i++)
		m->cols[i].rwtail = &m->cols[i].rw;
	if ((m->mctx = pcre2_match_context_create(NULL)) == NULL)
		FAIL("out of memory");
	pcre2_set_match_limit(m->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(m->mctx, DEPTH_LIMIT);

	while (q < end) {
		nl = memchr(q, '\n', (size_t)(end - q));
		n = (size_t)((nl ? nl : end) - q);
		if (n + 1 > cap) {
			cap = n + 1;
			line = pc_xreallocarray(line, cap, 1);
		}
		memcpy(line, q, n);
		line[n] = '\0';
		q = nl ? nl + 1 : end;
		lineno++;
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (pc_utf8_invalid(line, n) != n)
			FAIL("not UTF-8");
		p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		if (token(&p, &dir) != 1)
			FAIL("bad directive");

		if (strcmp(dir, "delimiter") == 0) {
			if (token(&p, &a) != 1 || pc_delim_parse(a, &m->delim))
				FAIL("delimiter takes , ; tab or pipe");
		} else if (strcmp(dir, "encoding") == 0) {
			if (token(&p, &a) != 1 || pc_enc_parse(a, &m->enc))
				FAIL("encoding takes utf-8, cp1252, latin1 or "
				    "latin9");
			m->has_enc = 1;
		} else if (strcmp(dir, "skip") == 0) {
			const char *e = NULL;

			if (token(&p, &a) != 1)
				FAIL("skip takes a number of lines");
			m->skip = (unsigned)strtonum(a, 0, 1000, &e);
			if (e != NULL)
				FAIL("skip: %s is %s (0-1000)", a, e);
		} else if (strcmp(dir, "date-format") == 0) {
			char **fmt = m->fmt, *save = p;
			size_t *nfmt = &m->nfmt;

			while (*save == ' ' || *save == '\t')
				save++;
			if (token(&p, &a) != 1)
				FAIL("date-format takes a format");
			if (*save != '"' && strchr(a, '%') == NULL) {
				if ((col = field_of(t, a)) == -1)
					FAIL("no column %s in the %s table", a,
					    t->name);
				if (!(t->cols[col].flags & PC_COL_DATE))
					FAIL("%s is not a date column", a);
				fmt = m->cols[col].fmt;
				nfmt = &m->cols[col].nfmt;
				if (rest(&p, &a) != 1)
					FAIL("date-format takes a format");
			} else if (*save == '"') {
				if (token(&p, &b) != 0)
					FAIL("date-format: text after the "
					    "quoted format");
			} else {
				/* Unquoted, the format is the rest of the line. */
				if (p > a + strlen(a))
					a[strlen(a)] = ' ';
				p = save;
				if (rest(&p, &a) != 1)
					FAIL("date-format takes a format");
			}
			if (!valid_format(a))
				FAIL("date format %s: only %%d %%m %%Y %%H "
				    "%%M %%S are known", a);
			if (*nfmt == MAXFMT)
				FAIL("more than %d date formats", MAXFMT);
			fmt[(*nfmt)++] = pc_xstrdup(a);
		} else if (strcmp(dir, "column") == 0 ||
		    strcmp(dir, "set") == 0) {
			int isset = dir[0] == 's';

			if (token(&p, &a) != 1 || rest(&p, &b) != 1)
				FAIL("%s takes a column and a %s", dir,
				    isset ? "value" : "source header");
			if ((col = field_of(t, a)) == -1)
				FAIL("no column %s in the %s table", a,
				    t->name);
			if (t->cols[col].flags & PC_COL_DERIVED)
				FAIL("%s is derived by the tool, not read", a);
			if (m->cols[col].source || m->cols[col].constant)
				FAIL("%s is already mapped", a);
			if (isset)
				m->cols[col].constant = pc_xstrdup(b);
			else
				m->cols[col].source = pc_xstrdup(b);
		} else if (strcmp(dir, "rewrite") == 0) {
			struct rewrite *rw;
			int ec;
			PCRE2_SIZE eo;

			if (token(&p, &a) != 1 || token(&p, &b) != 1 ||
			    token(&p, &c) != 1)
				FAIL("rewrite takes a column, a pattern and a "
				    "replacement (\"\" for none)");
			if (token(&p, &dir) != 0)
				FAIL("rewrite: text after the replacement "
				    "(quote a pattern that holds blanks)");
			if ((col = field_of(t, a)) == -1)
				FAIL("no column %s in the %s table", a,
				    t->name);
			rw = pc_xcalloc(1, sizeof *rw);
			rw->line = lineno;
			rw->repl = pc_xstrdup(c);
			*m->cols[col].rwtail = rw;
			m->cols[col].rwtail = &rw->next;
			rw->re = pcre2_compile((PCRE2_SPTR)b,
			    PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec, &eo, NULL);
			if (rw->re == NULL) {
				PCRE2_UCHAR msg[160];

				pcre2_get_error_message(ec, msg, sizeof msg);
				FAIL("rewrite pattern: %s at offset %zu",
				    (char *)msg, (size_t)eo);
			}
			/* No JIT on this platform is fine: it is a speed-up. */
			(void)pcre2_jit_compile(rw->re, PCRE2_JIT_COMPLETE);
			rw->md = pcre2_match_data_create_from_pattern(rw->re,
			    NULL);
			if (rw->md == NULL)
				FAIL("out of memory");
		} else
			FAIL("unknown directive %s", dir);
	}
	free(line);
	return m;
fail:
	free(line);
	pc_map_free(m);
	return NULL;
}

struct pc_map *
pc_map_load(const char *opath, const struct pc_table *t, char *err,
    size_t errsz)
{
	const char *path = opath;
	char alt[1024];
	struct pc_buf text = { 0 };
	struct pc_map *m;
	FILE *fp;
	size_t n;

	if ((fp = fopen(path, "re")) == NULL && errno == ENOENT &&
	    strchr(path, '/') == NULL) {
		/* A bare name is one of the maps in the share directory. */
		char name[512];

		snprintf(name, sizeof name, "%s%s", path,
		    strstr(path, ".map") ? "" : ".map");
		if (pc_share_path(name, alt, sizeof alt) == 0 &&
		    (fp = fopen(alt, "re")) != NULL)
			path = alt;
		else
			errno = ENOENT;
	}
	if (fp == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		pc_buf_reserve(&text, 8192);
		n = fread(text.s + text.len, 1, text.cap - text.len - 1, fp);
		text.len += n;
	} while (n > 0);
	if (ferror(fp)) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		fclose(fp);
		pc_buf_free(&text);
		return NULL;
	}
	fclose(fp);
	if ((m = parse(path, text.s, text.len, t, err, errsz)) == NULL) {
		pc_buf_free(&text);
		return NULL;
	}
	m->text = text.s;
	m->textlen = text.len;
	return m;
}

/*
 * A map of its own for each thread of an import: rewrites match into
 * their own match data and the map's scratch buffer, which two threads
 * cannot share.  The bytes parsed once parse again, so this cannot fail
 * but for memory.
 */
struct pc_map *
pc_map_dup(const struct pc_map *m)
{
	struct pc_map *d;
	char err[512];

	if ((d = parse(m->path, m->text, m->textlen, m->t, err,
	    sizeof err)) == NULL)
		errx(PC_EXIT_IO, "%s", err);
	d->text = pc_xmalloc(m->textlen + 1);
	memcpy(d->text, m->text, m->textlen);
	d->text[m->textlen] = '\0';
	d->textlen = m->textlen;
	return d;
}

int
pc_map_delim(const struct pc_map *m)
{
	return m->delim;
}

int
pc_map_enc(const struct pc_map *m, enum pc_enc *e)
{
	if (!m->has_enc)
		return -1;
	*e = m->enc;
	return 0;
}

unsigned
pc_map_skip(const struct pc_map *m)
{
	return m->skip;
}

const char *
pc_map_source(const struct pc_map *m, size_t col)
{
	return m->cols[col].source;
}

const char *
pc_map_constant(const struct pc_map *m, size_t col)
{
	return m->cols[col].constant;
}

int
pc_map_changes(const struct pc_map *m, size_t col)
{
	const struct colmap *c = &m->cols[col];

	return c->rw != NULL || ((m->t->cols[col].flags & PC_COL_DATE) &&
	    (c->nfmt > 0 || m->nfmt > 0));
}

static void
remember(struct rewrite *rw, const char *in, size_t inlen, const char *out,
    size_t outlen)
{
	struct memo *mm;

	if (inlen == 0 || inlen >= MEMO_IN || outlen >= MEMO_OUT)
		return;
	mm = &rw->memo[rw->nextmemo++ % MEMO];
	memcpy(mm->in, in, inlen);
	mm->inlen = (unsigned char)inlen;
	memcpy(mm->out, out, outlen);
	mm->outlen = (unsigned char)outlen;
}

/* The match in rw->md substituted into m->tmp, as long as it has room. */
static int
substitute(struct pc_map *m, struct rewrite *rw, const struct pc_buf *v,
    PCRE2_SIZE *outlen)
{
	*outlen = m->tmp.cap;
	return pcre2_substitute(rw->re, (PCRE2_SPTR)v->s, v->len, 0,
	    PCRE2_SUBSTITUTE_MATCHED | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH,
	    rw->md, m->mctx, (PCRE2_SPTR)rw->repl, PCRE2_ZERO_TERMINATED,
	    (PCRE2_UCHAR *)m->tmp.s, outlen);
}

static int
rewrite(struct pc_map *m, struct rewrite *rw, struct pc_buf *v, char *why,
    size_t whysz)
{
	PCRE2_SIZE outlen;
	struct memo *mm;
	int rc, k;

	for (k = 0; k < MEMO && v->len > 0 && v->len < MEMO_IN; k++) {
		mm = &rw->memo[k];
		if (mm->inlen == v->len && memcmp(mm->in, v->s, v->len) == 0) {
			pc_buf_set(v, mm->out, mm->outlen);
			return 0;
		}
	}
	/*
	 * Most values do not match (a rewrite mends the odd one): a match
	 * alone says so, and a substitution, which copies the value whether
	 * or not it matches, then reuses that match.
	 */
	rc = pcre2_match(rw->re, (PCRE2_SPTR)v->s, v->len, 0, 0, rw->md,
	    m->mctx);
	if (rc == PCRE2_ERROR_NOMATCH) {
		remember(rw, v->s, v->len, v->s, v->len);
		return 0;
	}
	/*
	 * A match that failed (a limit) is reported as it is.  Otherwise a
	 * substitution that overflows says the length it needs, and the
	 * second try, with that room, cannot overflow again.
	 */
	if (rc >= 0) {
		pc_buf_reserve(&m->tmp, v->len + 64);
		rc = substitute(m, rw, v, &outlen);
		if (rc == PCRE2_ERROR_NOMEMORY) {
			pc_buf_reserve(&m->tmp, outlen + 1);
			rc = substitute(m, rw, v, &outlen);
		}
	}
	if (rc == 0)
		return 0;
	if (rc < 0) {
		PCRE2_UCHAR msg[160];

		pcre2_get_error_message(rc, msg, sizeof msg);
		snprintf(why, whysz, "rewrite of %s line %zu: %s", m->path,
		    rw->line, (char *)msg);
		return -1;
	}
	remember(rw, v->s, v->len, m->tmp.s, outlen);
	pc_buf_set(v, m->tmp.s, outlen);
	return 0;
}

int
pc_map_value(const struct pc_map *cm, size_t col, struct pc_buf *v,
    char *why, size_t whysz)
{
	struct pc_map *m = (struct pc_map *)cm;	/* scratch space only */
	struct colmap *c = &m->cols[col];
	struct rewrite *rw;
	char *const *fmt;
	size_t nfmt, i, a, b;
	char iso[11], first[128];

	for (rw = c->rw; rw != NULL; rw = rw->next)
		if (rewrite(m, rw, v, why, whysz) == -1)
			return -1;
	if (!(m->t->cols[col].flags & PC_COL_DATE))
		return 0;
	fmt = c->nfmt ? c->fmt : m->fmt;
	nfmt = c->nfmt ? c->nfmt : m->nfmt;
	for (a = 0; a < v->len && (v->s[a] == ' ' || v->s[a] == '\t'); a++)
		;
	for (b = v->len; b > a && (v->s[b - 1] == ' ' || v->s[b - 1] == '\t');
	    b--)
		;
	if (nfmt == 0 || a == b)
		return 0;	/* ISO expected; the field check says */
	first[0] = '\0';
	for (i = 0; i < nfmt; i++) {
		char w[128];

		if (pc_date_parse_iso(v->s + a, b - a, fmt[i], iso, w,
		    sizeof w) == 0) {
			pc_buf_set(v, iso, 10);
			return 0;
		}
		if (i == 0)
			strlcpy(first, w, sizeof first);
	}
	if (nfmt == 1)
		snprintf(why, whysz, "%s", first);
	else {
		struct pc_buf list = { 0 };

		for (i = 0; i < nfmt; i++) {
			if (i > 0)
				pc_buf_adds(&list, ", ");
			pc_buf_adds(&list, fmt[i]);
		}
		snprintf(why, whysz, "not a date in any of the map's formats "
		    "(%s)", list.s);
		pc_buf_free(&list);
	}
	return -1;
}
