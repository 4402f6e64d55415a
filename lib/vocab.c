/*
 * vocab.c - the controlled vocabularies of parcours(5).
 *
 * The words are the interface and live in share/parcours/vocabularies.csv
 * with their French and English labels and their source, so that a label
 * or a new word is a change of data, read through the same record reader
 * as everything else.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parcours.h"

struct word {
	char	*vocab, *word, *fr, *en;
	size_t	 len;		/* of word */
};

/* The words of one vocabulary, in the file's order. */
struct range {
	const char	*name;
	size_t		*i;	/* into w */
	size_t		 n;
};

/*
 * A value is looked up for each row (an event's kind, a meeting's
 * specialties): the vocabulary first among a dozen, then its words by
 * length, not every word of every vocabulary by strcmp.
 */
struct pc_vocab {
	struct word	*w;
	size_t		 n;
	struct range	*r;
	size_t		 nr;
};

static void
index_words(struct pc_vocab *v)
{
	struct range *r;
	size_t i, k;

	for (i = 0; i < v->n; i++) {
		for (k = 0; k < v->nr; k++)
			if (strcmp(v->r[k].name, v->w[i].vocab) == 0)
				break;
		if (k == v->nr) {
			v->r = pc_xreallocarray(v->r, v->nr + 1, sizeof *v->r);
			r = &v->r[v->nr++];
			r->name = v->w[i].vocab;
			r->i = NULL;
			r->n = 0;
		}
		r = &v->r[k];
		r->i = pc_xreallocarray(r->i, r->n + 1, sizeof *r->i);
		r->i[r->n++] = i;
	}
}

int
pc_share_path(const char *name, char *buf, size_t bufsz)
{
	const char *dir = getenv("PARCOURS_SHARE");

	if (dir == NULL || *dir == '\0')
		dir = PC_SHAREDIR;
	return snprintf(buf, bufsz, "%s/%s", dir, name) < (int)bufsz ? 0 : -1;
}

char *
pc_share_file(const char *name)
{
	char buf[4096];

	if (pc_share_path(name, buf, sizeof buf) == -1) {
		pc_warnx("share directory name too long");
		exit(PC_EXIT_USAGE);
	}
	return pc_xstrdup(buf);
}

struct pc_vocab *
pc_vocab_load(const char *path, char *err, size_t errsz)
{
	static const char *need[] = { "vocabulary", "word", "label_fr",
	    "label_en" };
	struct pc_readopt ro = { 0 };
	struct pc_reader *rd;
	struct pc_row *row;
	struct pc_vocab *v;
	char def[1024];
	long col[4];
	size_t i;
	int rc;

	if (path == NULL) {
		if (pc_share_path("vocabularies.csv", def, sizeof def) == -1) {
			snprintf(err, errsz, "share directory name too long");
			return NULL;
		}
		path = def;
	}
	if ((rd = pc_reader_open(path, &ro, err, errsz)) == NULL)
		return NULL;
	for (i = 0; i < 4; i++)
		if ((col[i] = pc_reader_col(rd, need[i])) == -1) {
			snprintf(err, errsz, "%s:1: header: no column %s",
			    path, need[i]);
			pc_reader_close(rd);
			return NULL;
		}
	v = pc_xcalloc(1, sizeof *v);
	while ((rc = pc_reader_next(rd, &row, err, errsz)) == 1) {
		struct word *w;

		if (row->err != PC_ROW_OK) {
			snprintf(err, errsz, "%s:%lu: %s", path, row->line,
			    row->why);
			rc = -1;
			break;
		}
		v->w = pc_xreallocarray(v->w, v->n + 1, sizeof *v->w);
		w = &v->w[v->n++];
		w->vocab = pc_xstrdup(row->f[col[0]].s);
		w->word = pc_xstrdup(row->f[col[1]].s);
		w->fr = pc_xstrdup(row->f[col[2]].s);
		w->en = pc_xstrdup(row->f[col[3]].s);
		w->len = strlen(w->word);
	}
	pc_reader_close(rd);
	if (rc == -1) {
		pc_vocab_free(v);
		return NULL;
	}
	index_words(v);
	return v;
}

void
pc_vocab_free(struct pc_vocab *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++) {
		free(v->w[i].vocab);
		free(v->w[i].word);
		free(v->w[i].fr);
		free(v->w[i].en);
	}
	for (i = 0; i < v->nr; i++)
		free(v->r[i].i);
	free(v->r);
	free(v->w);
	free(v);
}

static const struct word *
lookup(const struct pc_vocab *v, const char *vocab, const char *s, size_t n)
{
	const struct range *r;
	const struct word *w;
	size_t i, k;

	for (k = 0; k < v->nr; k++)
		if (strcmp(v->r[k].name, vocab) == 0)
			break;
	if (k == v->nr)
		return NULL;
	r = &v->r[k];
	for (i = 0; i < r->n; i++) {
		w = &v->w[r->i[i]];
		if (w->len == n && strncasecmp(w->word, s, n) == 0)
			return w;
	}
	return NULL;
}

const char *
pc_vocab_label(const struct pc_vocab *v, const char *vocab, const char *word,
    const char *lang)
{
	const struct word *w = lookup(v, vocab, word, strlen(word));

	if (w == NULL)
		return NULL;
	return lang != NULL && strcmp(lang, "en") == 0 ? w->en : w->fr;
}

/* "a, b or c": the words of a vocabulary, for messages. */
static void
words_of(const struct pc_vocab *v, const char *vocab, struct pc_buf *b)
{
	size_t i, k = 0, total = 0;

	for (i = 0; i < v->n; i++)
		total += strcmp(v->w[i].vocab, vocab) == 0;
	for (i = 0; i < v->n; i++) {
		if (strcmp(v->w[i].vocab, vocab) != 0)
			continue;
		if (k > 0)
			pc_buf_adds(b, k + 1 == total ? " or " : ", ");
		pc_buf_adds(b, v->w[i].word);
		k++;
	}
}

int
pc_vocab_check(const struct pc_vocab *v, const char *vocab, int list,
    const char *s, size_t n, struct pc_buf *out, char *why, size_t whysz)
{
	const char *p = s, *end = s + n, *bar;
	const struct word *w, *seen[64];
	size_t nseen = 0, i;

	pc_buf_clear(out);
	do {
		const char *a = p, *e;
		struct pc_buf b = { 0 }, all = { 0 };

		bar = list ? memchr(p, '|', (size_t)(end - p)) : NULL;
		e = bar ? bar : end;
		while (a < e && (*a == ' ' || *a == '\t'))
			a++;
		while (e > a && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (a == e) {
			snprintf(why, whysz, list ? "an empty word in the "
			    "list" : "missing");
			pc_buf_clear(out);
			return PC_CHECK_BAD;
		}
		if ((w = lookup(v, vocab, a, (size_t)(e - a))) == NULL) {
			pc_vis(&b, a, (size_t)(e - a), 48);
			words_of(v, vocab, &all);
			snprintf(why, whysz, "%s is not a word of %s (%s)", b.s,
			    vocab, all.s ? all.s : "none");
			pc_buf_free(&b);
			pc_buf_free(&all);
			pc_buf_clear(out);
			return PC_CHECK_BAD;
		}
		for (i = 0; i < nseen; i++)
			if (seen[i] == w) {
				snprintf(why, whysz, "%s appears twice",
				    w->word);
				pc_buf_clear(out);
				return PC_CHECK_BAD;
			}
		if (nseen == sizeof seen / sizeof seen[0]) {
			snprintf(why, whysz, "more than %zu words",
			    sizeof seen / sizeof seen[0]);
			pc_buf_clear(out);
			return PC_CHECK_BAD;
		}
		seen[nseen++] = w;
		if (out->len > 0)
			pc_buf_addc(out, '|');
		pc_buf_adds(out, w->word);
		p = bar ? bar + 1 : end;
	} while (bar != NULL);
	return PC_CHECK_OK;
}
