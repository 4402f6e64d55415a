/*
 * pathway-new - create pathway records, from a hospital export or from
 * field=value operands (pathway-new(1)).
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parcours.h"

#define T	(&pc_pathway_table)
#define ERRSZ	512

struct run {
	struct pc_key	 key;
	struct pc_map	*map;
	struct pc_idset	*known;
	struct pc_writer *out;
	struct pc_writer *rej;
	const char	*rejpath;
	char		**rejcols;	/* the reject stream's input columns */
	size_t		 nrejcols;
	int		 delim_out;
	int		 verbose;
	long		 today;
	char		 now[21];
	unsigned long	 nread, nwritten, nskipped, nrejected, ncorrected;
	int		 refused;	/* an input could not be read whole */
	int		 status;
	struct pc_buf	 val;
	struct pc_buf	 canon[32];
	struct pc_buf	 reasons;
	struct pc_buf	 msg;
	struct pc_buf	 tmp;
};

/* Where a row's values come from: a column of the input, or a constant. */
struct binding {
	long		 src[32];
	const char	*constant[32];
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: pathway-new [-tv] [-m map] [-P pathways] [-r rejects] "
	    "[-o file | -a file]\n"
	    "                   [-e enc] [-d delim] [-k keyfile] [file ...]\n"
	    "       pathway-new [-tv] [-P pathways] [-r rejects] "
	    "[-o file | -a file]\n"
	    "                   [-k keyfile] field=value ...\n");
	exit(PC_EXIT_USAGE);
}

static void
help(void)
{
	printf(
"pathway-new - create pathway records (parcours)\n"
"\n"
"Examples:\n"
"  pathway-new -k site.key -m dpi-cp1252.map -P pathways.csv \\\n"
"      -r rejects.csv -a pathways.csv export.csv\n"
"  pathway-new -k site.key ins=255081416802538 family_name=Martin \\\n"
"      given_names=Jeanne birth_date=1955-08-02 sex=F icd10=C50.9 \\\n"
"      diagnosis_date=2026-10-12\n"
"\n"
"Usage:\n"
"  pathway-new [-tv] [-m map] [-P pathways] [-r rejects] [-o file | -a file]\n"
"              [-e enc] [-d delim] [-k keyfile] [file ...]\n"
"  pathway-new [-tv] [-P pathways] [-r rejects] [-o file | -a file]\n"
"              [-k keyfile] field=value ...\n"
"\n"
"Options:\n"
"  -a file      append to file under a lock (header written if empty)\n"
"  -d delim     input delimiter: , ; tab pipe (default , or tab for .tsv)\n"
"  -e enc       input encoding: utf-8 cp1252 latin1 latin9 (default utf-8)\n"
"  -k keyfile   the site key that derives pathway ids (default $PARCOURS_KEY)\n"
"  -m map       import map for a foreign export (parcours(5))\n"
"  -o file      replace file atomically\n"
"  -P pathways  known pathways: their ids are skipped\n"
"  -r rejects   write rejected rows, with line and reason, to rejects\n"
"  -t           write TSV\n"
"  -v           always print the counts, and each rejected row\n"
"  -h, --help   this help;  --version  the version\n"
"\n"
"Exit status: 0 done, 2 usage, 3 rows rejected, 4 system or I/O error.\n");
	exit(PC_EXIT_OK);
}

/* Ends the run without committing -o or -r: their files stay as they were. */
static void
bail(struct run *r, int status)
{
	if (r->out)
		pc_writer_close(r->out, 0, NULL, 0);
	if (r->rej)
		pc_writer_close(r->rej, 0, NULL, 0);
	exit(status);
}

static void
fatal_io(struct run *r, const char *msg)
{
	pc_warnx("%s", msg);
	bail(r, PC_EXIT_IO);
}

static void
raise_status(struct run *r, int s)
{
	if (s > r->status)
		r->status = s;
}

/* The digest of a row's given (not derived) values, in table order. */
static void
content_digest(const char *const *vals, unsigned char d[PC_DIGEST])
{
	const char *v[32];
	size_t c, n = 0;

	for (c = 0; c < T->ncols; c++)
		if (!(T->cols[c].flags & PC_COL_DERIVED))
			v[n++] = vals[c];
	pc_row_digest(v, n, d);
}

/*
 * Loads the ids of -P with a digest of each one's latest row; refuses ids
 * made with another site key.
 */
static void
load_known(struct run *r, const char *path)
{
	struct pc_readopt ro = { 0 };
	struct pc_reader *rd;
	struct pc_row *row;
	struct stat st;
	char err[ERRSZ];
	const char *vals[32];
	unsigned char d[PC_DIGEST];
	long col, pcol[32];
	size_t c;
	int rc;

	r->known = pc_idset_new();
	if (path == NULL)
		return;
	ro.enc = PC_ENC_UTF8;
	/* Missing, or just created empty by -a: no pathway yet. */
	if (stat(path, &st) == -1 ? errno == ENOENT : st.st_size == 0 &&
	    S_ISREG(st.st_mode))
		return;
	if ((rd = pc_reader_open(path, &ro, err, sizeof err)) == NULL) {
		pc_warnx("%s", err);
		bail(r, PC_EXIT_REJECT);
	}
	for (c = 0; c < T->ncols; c++)
		pcol[c] = pc_reader_col(rd, T->cols[c].name);
	if ((col = pc_reader_col(rd, "pathway_id")) == -1) {
		pc_warnx("%s:1: header: no pathway_id column (is it a "
		    "pathway table?)", path);
		bail(r, PC_EXIT_REJECT);
	}
	while ((rc = pc_reader_next(rd, &row, err, sizeof err)) == 1) {
		const struct pc_field *f;

		if (row->err != PC_ROW_OK) {
			pc_warnx("%s:%lu: %s", path, row->line, row->why);
			bail(r, PC_EXIT_REJECT);
		}
		f = &row->f[col];
		if (f->len < 5 || strncmp(f->s, r->key.fpr, 4) != 0 ||
		    f->s[4] != '-') {
			struct pc_buf b = { 0 };

			pc_vis(&b, f->s, f->len, 32);
			pc_warnx("%s:%lu: pathway_id %s was not made with this "
			    "site key (its ids start %s-)", path, row->line,
			    b.s, r->key.fpr);
			bail(r, PC_EXIT_USAGE);
		}
		for (c = 0; c < T->ncols; c++)
			vals[c] = pcol[c] >= 0 ? row->f[pcol[c]].s : "";
		content_digest(vals, d);
		pc_idset_put(r->known, f->s, f->len, d);
	}
	if (rc == -1) {
		pc_warnx("%s", err);
		bail(r, PC_EXIT_IO);
	}
	pc_reader_close(rd);
}

static void
open_rejects(struct run *r, const char *const *cols, size_t n)
{
	const char **hdr;
	char err[ERRSZ];
	size_t i;
	int st;

	if (r->rejpath == NULL)
		return;
	if (r->rej != NULL) {
		/* One reject stream: later inputs must share its columns. */
		int same = n == r->nrejcols;

		for (i = 0; same && i < n; i++)
			same = strcmp(cols[i], r->rejcols[i]) == 0;
		if (!same) {
			pc_warnx("%s: with -r, every input must have the "
			    "header of the first", r->rejpath);
			bail(r, PC_EXIT_USAGE);
		}
		return;
	}
	hdr = pc_xcalloc(n + 2, sizeof *hdr);
	r->rejcols = pc_xcalloc(n ? n : 1, sizeof *r->rejcols);
	for (i = 0; i < n; i++) {
		hdr[i] = cols[i];
		r->rejcols[i] = pc_xstrdup(cols[i]);
	}
	r->nrejcols = n;
	hdr[n] = "line";
	hdr[n + 1] = "reason";
	r->rej = pc_writer_open(r->rejpath, PC_OUT_REPLACE, r->delim_out, hdr,
	    n + 2, err, sizeof err, &st);
	free(hdr);
	if (r->rej == NULL) {
		pc_warnx("%s", err);
		bail(r, st);
	}
}

/*
 * A rejected row goes to the reject stream whole: its fields in the input's
 * columns (a short row padded, a long row's extra fields after the reason),
 * so that nothing read is lost.
 */
static void
reject(struct run *r, const char *file, unsigned long line,
    unsigned long record, const struct pc_field *f, size_t nf)
{
	struct pc_field *out;
	size_t i, n, ncols = r->nrejcols;
	char lbuf[24];

	r->nrejected++;
	raise_status(r, PC_EXIT_REJECT);
	if (r->rej == NULL || r->verbose) {
		/* One diagnostic line a problem. */
		char *s = r->reasons.s, *e;

		for (;;) {
			e = strstr(s, "; ");
			pc_buf_clear(&r->msg);
			if (file != NULL) {
				pc_where(&r->msg, file, line, record);
				pc_buf_adds(&r->msg, ": ");
			}
			pc_buf_add(&r->msg, s, e ? (size_t)(e - s) : strlen(s));
			pc_warnx("%s", r->msg.s);
			if (e == NULL)
				break;
			s = e + 2;
		}
	}
	if (r->rej == NULL)
		return;
	n = (nf > ncols ? nf : ncols) + 2;
	out = pc_xcalloc(n, sizeof *out);
	for (i = 0; i < ncols; i++) {
		out[i].s = i < nf ? f[i].s : "";
		out[i].len = i < nf ? f[i].len : 0;
	}
	snprintf(lbuf, sizeof lbuf, "%lu", line);
	out[ncols].s = lbuf;
	out[ncols].len = strlen(lbuf);
	out[ncols + 1].s = r->reasons.s;
	out[ncols + 1].len = r->reasons.len;
	for (i = ncols; i < nf; i++) {
		out[i + 2].s = f[i].s;
		out[i + 2].len = f[i].len;
	}
	if (pc_writer_row(r->rej, out, nf > ncols ? nf + 2 : ncols + 2) == -1) {
		free(out);
		fatal_io(r, "write error on the reject stream");
	}
	free(out);
}

static void
add_reason(struct run *r, const char *col, const char *why)
{
	if (r->reasons.len > 0)
		pc_buf_adds(&r->reasons, "; ");
	if (col != NULL) {
		pc_buf_adds(&r->reasons, col);
		pc_buf_adds(&r->reasons, ": ");
	}
	pc_buf_adds(&r->reasons, why);
}

static int
sex_digit_male(int d)
{
	return d == 1 || d == 3 || d == 7;
}

/* The rules that tie fields together; each failure is a reason. */
static void
cross_checks(struct run *r, const int *ok)
{
	long birth = 0, diag = 0;
	char why[160];
	int y, m, d;
	long c_ins = pc_table_col(T, "ins"), c_sex = pc_table_col(T, "sex");
	long c_birth = pc_table_col(T, "birth_date");
	long c_diag = pc_table_col(T, "diagnosis_date");
	long c_icd = pc_table_col(T, "icd10");

	if (ok[c_birth])
		pc_date_parse(r->canon[c_birth].s, r->canon[c_birth].len, NULL,
		    &birth, why, sizeof why);
	if (ok[c_diag])
		pc_date_parse(r->canon[c_diag].s, r->canon[c_diag].len, NULL,
		    &diag, why, sizeof why);
	if (ok[c_birth] && birth < pc_days(1900, 1, 1))
		add_reason(r, "birth_date", "before 1900-01-01");
	if (ok[c_birth] && birth > r->today)
		add_reason(r, "birth_date", "in the future");
	if (ok[c_diag] && diag > r->today)
		add_reason(r, "diagnosis_date", "in the future");
	if (ok[c_birth] && ok[c_diag] && diag < birth)
		add_reason(r, "diagnosis_date", "before the birth date");
	/*
	 * Chapter II of ICD-10 (C00-D48) holds the tumours; a pathway is
	 * opened for one (DOMAIN.md 3.3, WHO ICD-10 chapter II).
	 */
	if (ok[c_icd]) {
		const char *c = r->canon[c_icd].s;
		int num = (c[1] - '0') * 10 + (c[2] - '0');

		if (!(c[0] == 'C' || (c[0] == 'D' && num <= 48))) {
			struct pc_buf b = { 0 };

			pc_vis(&b, c, r->canon[c_icd].len, 16);
			snprintf(why, sizeof why, "%s is not a tumour code "
			    "(chapter II, C00-D48)", b.s);
			pc_buf_free(&b);
			add_reason(r, "icd10", why);
		}
	}
	if (ok[c_ins]) {
		struct pc_nir nir;

		if (pc_nir_parse(r->canon[c_ins].s, &nir) == 0) {
			if (ok[c_sex] && sex_digit_male(nir.sex) !=
			    (r->canon[c_sex].s[0] == 'M')) {
				snprintf(why, sizeof why, "its sex digit %d "
				    "says %s, sex says %s", nir.sex,
				    sex_digit_male(nir.sex) ? "M" : "F",
				    r->canon[c_sex].s);
				add_reason(r, "ins", why);
			}
			if (ok[c_birth]) {
				pc_civil(birth, &y, &m, &d);
				if (nir.yy != y % 100)
					add_reason(r, "ins", "its year of "
					    "birth differs from birth_date's");
				else if (nir.mm >= 1 && nir.mm <= 12 &&
				    nir.mm != m)
					add_reason(r, "ins", "its month of "
					    "birth differs from birth_date's");
			}
		}
	}
}

/*
 * Checks one row: every column's value through the map and its field
 * type, then the rules across fields; writes it, skips it or rejects it.
 */
static void
process(struct run *r, const struct binding *b, const char *file,
    unsigned long line, unsigned long record, const struct pc_field *f,
    size_t nf)
{
	int ok[32] = { 0 };
	char why[256], id[26];
	size_t c;
	const char *vals[32];
	unsigned char d[PC_DIGEST];

	pc_buf_clear(&r->reasons);
	for (c = 0; c < T->ncols; c++) {
		const struct pc_column *col = &T->cols[c];
		size_t a, e;
		int rc;

		pc_buf_clear(&r->canon[c]);
		if (col->flags & PC_COL_DERIVED)
			continue;
		if (b->constant[c] != NULL)
			pc_buf_set(&r->val, b->constant[c],
			    strlen(b->constant[c]));
		else if (b->src[c] >= 0 && (size_t)b->src[c] < nf)
			pc_buf_set(&r->val, f[b->src[c]].s, f[b->src[c]].len);
		else
			pc_buf_set(&r->val, "", 0);
		if (r->map != NULL && pc_map_value(r->map, c, &r->val, why,
		    sizeof why) == -1) {
			add_reason(r, col->name, why);
			continue;
		}
		for (a = 0; a < r->val.len && (r->val.s[a] == ' ' ||
		    r->val.s[a] == '\t'); a++)
			;
		for (e = r->val.len; e > a && (r->val.s[e - 1] == ' ' ||
		    r->val.s[e - 1] == '\t'); e--)
			;
		if (a == e) {
			if (col->flags & PC_COL_REQUIRED)
				add_reason(r, col->name, "missing");
			else
				ok[c] = 0;
			continue;
		}
		rc = pc_check_column(col, NULL, r->val.s + a, e - a,
		    &r->canon[c], why, sizeof why);
		if (rc == PC_CHECK_BAD) {
			if (col->flags & PC_COL_PERSONAL)
				snprintf(why, sizeof why, "not a valid %s",
				    pc_type_name(col->type));
			add_reason(r, col->name, why);
			continue;
		}
		if (rc == PC_CHECK_WARN) {
			pc_buf_clear(&r->msg);
			if (file != NULL) {
				pc_where(&r->msg, file, line, record);
				pc_buf_adds(&r->msg, ": ");
			}
			pc_warnx("%s%s: %s", r->msg.s, col->name, why);
		}
		ok[c] = 1;
	}
	cross_checks(r, ok);
	if (r->reasons.len > 0) {
		reject(r, file, line, record, f, nf);
		return;
	}
	pc_pathway_id(&r->key, r->canon[pc_table_col(T, "ins")].s,
	    r->canon[pc_table_col(T, "icd10")].s,
	    r->canon[pc_table_col(T, "diagnosis_date")].s, id);
	for (c = 0; c < T->ncols; c++)
		vals[c] = r->canon[c].s ? r->canon[c].s : "";
	content_digest(vals, d);
	switch (pc_idset_put(r->known, id, strlen(id), d)) {
	case 0:
		r->nskipped++;	/* recorded as it is: a repeat */
		return;
	case 2:
		r->ncorrected++;	/* new content: the latest row wins */
		break;
	}
	vals[pc_table_col(T, "pathway_id")] = id;
	vals[pc_table_col(T, "recorded_at")] = r->now;
	if (pc_writer_rowv(r->out, vals, T->ncols) == -1) {
		char err[ERRSZ];
		int rc = pc_writer_close(r->out, 1, err, sizeof err);

		r->out = NULL;
		if (rc == 1)
			bail(r, r->status);	/* the reader went away */
		fatal_io(r, err);
	}
	r->nwritten++;
}

/* Finds each column's source in the header; 0, or -1 when one is missing. */
static int
bind(struct run *r, struct pc_reader *rd, struct binding *b)
{
	const char *name = pc_reader_name(rd);
	size_t c;

	for (c = 0; c < T->ncols; c++) {
		const struct pc_column *col = &T->cols[c];
		const char *src = col->name;
		struct pc_buf v = { 0 };

		b->src[c] = -1;
		b->constant[c] = NULL;
		if (col->flags & PC_COL_DERIVED)
			continue;
		if (r->map != NULL) {
			b->constant[c] = pc_map_constant(r->map, c);
			if (b->constant[c] != NULL)
				continue;
			src = pc_map_source(r->map, c);
			if (src == NULL) {
				if (!(col->flags & PC_COL_REQUIRED))
					continue;
				pc_warnx("%s: the map maps no column to %s, "
				    "which a pathway needs", name, col->name);
				return -1;
			}
		}
		b->src[c] = pc_reader_col(rd, src);
		if (b->src[c] >= 0)
			continue;
		if (r->map == NULL && !(col->flags & PC_COL_REQUIRED))
			continue;
		pc_vis(&v, src, strlen(src), 64);
		if (r->map != NULL)
			pc_warnx("%s:%lu: header: no column %s (the map reads "
			    "%s from it)", name, pc_reader_lines(rd), v.s,
			    col->name);
		else
			pc_warnx("%s:%lu: header: no column %s (a pathway "
			    "needs it; -m reads other headers)", name,
			    pc_reader_lines(rd), v.s);
		pc_buf_free(&v);
		return -1;
	}
	return 0;
}

static void
import(struct run *r, const char *path, const struct pc_readopt *ro)
{
	struct pc_reader *rd;
	struct pc_row *row;
	struct binding b;
	const char **cols;
	char err[ERRSZ];
	size_t i, n;
	int rc;

	if ((rd = pc_reader_open(path, ro, err, sizeof err)) == NULL) {
		pc_warnx("%s", err);
		r->refused = 1;
		raise_status(r, strstr(err, "header") || strstr(err, "empty") ||
		    strstr(err, "byte-order") ? PC_EXIT_REJECT : PC_EXIT_IO);
		return;
	}
	if (bind(r, rd, &b) == -1) {
		r->refused = 1;
		raise_status(r, PC_EXIT_REJECT);
		pc_reader_close(rd);
		return;
	}
	n = pc_reader_ncols(rd);
	cols = pc_xcalloc(n ? n : 1, sizeof *cols);
	for (i = 0; i < n; i++)
		cols[i] = pc_reader_colname(rd, i);
	open_rejects(r, cols, n);
	free(cols);

	while ((rc = pc_reader_next(rd, &row, err, sizeof err)) == 1) {
		r->nread++;
		if (row->err != PC_ROW_OK) {
			pc_buf_clear(&r->reasons);
			if (row->err == PC_ROW_UTF8)
				add_reason(r, pc_reader_colname(rd,
				    row->errfield), row->why);
			else
				add_reason(r, NULL, row->why);
			reject(r, pc_reader_name(rd), row->line, row->record,
			    row->f, row->nf);
			continue;
		}
		process(r, &b, pc_reader_name(rd), row->line, row->record,
		    row->f, row->nf);
	}
	if (rc == -1) {
		pc_warnx("%s", err);
		r->refused = 1;
		raise_status(r, PC_EXIT_IO);
	}
	pc_reader_close(rd);
}

/* field=value operands: one pathway from the command line. */
static int
is_assignment(const char *s)
{
	const char *eq = strchr(s, '=');
	char name[64];

	if (eq == NULL || (size_t)(eq - s) >= sizeof name)
		return 0;
	memcpy(name, s, (size_t)(eq - s));
	name[eq - s] = '\0';
	return pc_table_col(T, name) != -1;
}

static void
from_operands(struct run *r, int argc, char **argv)
{
	struct binding b;
	struct pc_field *f;
	const char **cols;
	int i;
	size_t c;

	f = pc_xcalloc((size_t)argc, sizeof *f);
	cols = pc_xcalloc((size_t)argc, sizeof *cols);
	for (c = 0; c < T->ncols; c++) {
		b.src[c] = -1;
		b.constant[c] = NULL;
	}
	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		long col;

		if (eq == NULL || !is_assignment(argv[i])) {
			pc_warnx("%s: not field=value with a pathway field "
			    "(pathway-new -h)", argv[i]);
			bail(r, PC_EXIT_USAGE);
		}
		*eq = '\0';
		col = pc_table_col(T, argv[i]);
		if (T->cols[col].flags & PC_COL_DERIVED) {
			pc_warnx("%s is derived by pathway-new, not given",
			    argv[i]);
			bail(r, PC_EXIT_USAGE);
		}
		if (b.src[col] != -1) {
			pc_warnx("%s given twice", argv[i]);
			bail(r, PC_EXIT_USAGE);
		}
		b.src[col] = i;
		cols[i] = argv[i];
		f[i].s = eq + 1;
		f[i].len = strlen(eq + 1);
	}
	open_rejects(r, cols, (size_t)argc);
	r->nread++;
	process(r, &b, NULL, 0, 0, f, (size_t)argc);
	free(f);
	free(cols);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct run r = { 0 };
	struct pc_readopt ro = { 0 };
	const char *mappath = NULL, *known = NULL, *keypath = NULL;
	const char *outpath = NULL, **hdr;
	enum pc_outmode mode = PC_OUT_STDOUT;
	char err[ERRSZ];
	int ch, i, st, have_enc = 0, rc;

	r.delim_out = ',';
	while ((ch = getopt_long(argc, argv, "a:d:e:hk:m:o:P:r:tv", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
		case 'o':
			if (outpath != NULL) {
				pc_warnx("-a and -o: one output only");
				usage();
			}
			outpath = optarg;
			mode = ch == 'a' ? PC_OUT_APPEND : PC_OUT_REPLACE;
			break;
		case 'd':
			if (pc_delim_parse(optarg, &ro.delim) == -1) {
				pc_warnx("-d %s: a delimiter is , ; tab or "
				    "pipe", optarg);
				usage();
			}
			break;
		case 'e':
			if (pc_enc_parse(optarg, &ro.enc) == -1) {
				pc_warnx("-e %s: an encoding is utf-8, cp1252, "
				    "latin1 or latin9", optarg);
				usage();
			}
			have_enc = 1;
			break;
		case 'h':
			help();
			break;
		case 'k':
			keypath = optarg;
			break;
		case 'm':
			mappath = optarg;
			break;
		case 'P':
			known = optarg;
			break;
		case 'r':
			r.rejpath = optarg;
			break;
		case 't':
			r.delim_out = '\t';
			break;
		case 'v':
			r.verbose = 1;
			pc_verbose = 1;
			break;
		case 'V':
			printf("pathway-new (parcours) %s\n", PC_VERSION);
			return PC_EXIT_OK;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	if (mappath != NULL) {
		enum pc_enc e;

		if ((r.map = pc_map_load(mappath, T, err, sizeof err)) == NULL) {
			pc_warnx("%s", err);
			return PC_EXIT_USAGE;
		}
		if (ro.delim == 0)
			ro.delim = pc_map_delim(r.map);
		if (!have_enc && pc_map_enc(r.map, &e) == 0)
			ro.enc = e;
		ro.skip = pc_map_skip(r.map);
	}
	if (argc > 0 && is_assignment(argv[0]) && mappath != NULL) {
		pc_warnx("-m reads exports, not field=value operands");
		usage();
	}
	if (pc_key_load(keypath, &r.key, err, sizeof err) == -1) {
		pc_warnx("%s", err);
		return PC_EXIT_USAGE;
	}
	r.today = pc_today();
	pc_now_iso(r.now);

	/* Take the output (and its lock) before reading what it holds. */
	hdr = pc_table_names(T);
	r.out = pc_writer_open(outpath, mode, r.delim_out, hdr, T->ncols, err,
	    sizeof err, &st);
	free(hdr);
	if (r.out == NULL) {
		pc_warnx("%s", err);
		return st;
	}
	load_known(&r, known);

	if (argc > 0 && is_assignment(argv[0]))
		from_operands(&r, argc, argv);
	else if (argc == 0)
		import(&r, NULL, &ro);
	else
		for (i = 0; i < argc; i++)
			import(&r, argv[i], &ro);

	if (r.rej != NULL && (rc = pc_writer_close(r.rej, 1, err,
	    sizeof err)) == -1) {
		pc_warnx("%s", err);
		raise_status(&r, PC_EXIT_IO);
	}
	/* -o keeps the old file when an input could not be read whole. */
	if (r.refused && mode == PC_OUT_REPLACE)
		pc_warnx("%s: left as it was: an input could not be read",
		    outpath);
	rc = pc_writer_close(r.out, !(r.refused && mode == PC_OUT_REPLACE),
	    err, sizeof err);
	if (rc == -1) {
		pc_warnx("%s", err);
		raise_status(&r, PC_EXIT_IO);
	}
	if (r.verbose || r.nrejected > 0) {
		char corr[64] = "";

		if (r.ncorrected > 0)
			snprintf(corr, sizeof corr, " (%lu correction%s)",
			    r.ncorrected, r.ncorrected == 1 ? "" : "s");
		pc_warnx("%lu read, %lu written%s, %lu skipped, %lu rejected",
		    r.nread, r.nwritten, corr, r.nskipped, r.nrejected);
	}
	if (rc == 1)
		return r.status;	/* stdout closed by the reader */
	for (i = 0; i < 32; i++)
		pc_buf_free(&r.canon[i]);
	pc_buf_free(&r.val);
	pc_buf_free(&r.reasons);
	pc_buf_free(&r.msg);
	pc_buf_free(&r.tmp);
	for (size_t k = 0; k < r.nrejcols; k++)
		free(r.rejcols[k]);
	free(r.rejcols);
	pc_map_free(r.map);
	pc_idset_free(r.known);
	return r.status;
}
