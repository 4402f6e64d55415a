/*
 * pathway-new - create pathway records, from a hospital export or from
 * field=value operands (pathway-new(1)).
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parcours.h"

#define T	(&pc_pathway_table)
#define ERRSZ	512
/*
 * Bytes a row takes at the least, as far as sizing the set of ids goes:
 * an export's rows (19 columns) and a table's take some 230; fewer rows
 * than this guess cost a larger table, more just grow it.
 */
#define ROWBYTES	200

struct run {
	struct pc_import im;
	struct pc_key	 key;
	struct pc_key	 pseudo;	/* --pseudonymize */
	int		 pseudonymize;
	char		 ps[PC_MAXCOLS][PC_PSEUDO_LEN];
	struct pc_repeats *known;
	int		 delim_out, safe_csv;
	char		 now[21];
	long		 today;
	long		 day1900;	/* no birth before it */
	/* Column numbers, looked up once rather than by name on every row. */
	long		 c_ins, c_sex, c_birth, c_diag, c_icd, c_id, c_rec;
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
"  --safe-csv   make text of cells a spreadsheet would run as formulas\n"
"  --pseudonymize keyfile\n"
"               write keyed pseudonyms for ins, local_id and the names\n"
"  -v           always print the counts, and each rejected row\n"
"  -h, --help   this help;  --version  the version\n"
"\n"
"Exit status: 0 done, 2 usage, 3 rows rejected, 4 system or I/O error.\n");
	exit(PC_EXIT_OK);
}

/*
 * A row's digest is that of its given cells as written (pc_given_digest).
 * An imported row's are hashed where they lie in its output line (check):
 * the table's only derived columns are its first, pathway_id, and its
 * last, recorded_at.
 */
static void
check_layout(void)
{
	size_t c;

	for (c = 0; c < T->ncols; c++)
		if (!(T->cols[c].flags & PC_COL_DERIVED) !=
		    (c > 0 && c < T->ncols - 1))
			errx(PC_EXIT_IO, "the pathway table's derived columns "
			    "are not its first and last");
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
	struct pc_buf line = { 0 };
	char err[ERRSZ];
	const char *vals[32];
	unsigned char d[PC_DIGEST];
	long col, pcol[32];
	size_t c;
	int rc;

	if (path == NULL)
		return;
	ro.enc = PC_ENC_UTF8;
	/* Missing, or just created empty by -a: no pathway yet. */
	if (stat(path, &st) == -1 ? errno == ENOENT : st.st_size == 0 &&
	    S_ISREG(st.st_mode))
		return;
	if (S_ISREG(st.st_mode))
		pc_repeats_reserve(r->known, (size_t)st.st_size / ROWBYTES);
	if ((rd = pc_reader_open(path, &ro, err, sizeof err)) == NULL) {
		pc_warnx("%s", err);
		pc_import_bail(&r->im, PC_EXIT_REJECT);
	}
	for (c = 0; c < T->ncols; c++)
		pcol[c] = pc_reader_col(rd, T->cols[c].name);
	if ((col = pc_reader_col(rd, "pathway_id")) == -1) {
		pc_warnx("%s:1: header: no pathway_id column (is it a "
		    "pathway table?)", path);
		pc_import_bail(&r->im, PC_EXIT_REJECT);
	}
	while ((rc = pc_reader_next(rd, &row, err, sizeof err)) == 1) {
		const struct pc_field *f;

		if (row->err != PC_ROW_OK) {
			pc_warnx("%s:%lu: %s", path, row->line, row->why);
			pc_import_bail(&r->im, PC_EXIT_REJECT);
		}
		f = &row->f[col];
		if (f->len < 5 || strncmp(f->s, r->key.fpr, 4) != 0 ||
		    f->s[4] != '-') {
			struct pc_buf b = { 0 };

			pc_vis(&b, f->s, f->len, 32);
			pc_warnx("%s:%lu: pathway_id %s was not made with this "
			    "site key (its ids start %s-)", path, row->line,
			    b.s, r->key.fpr);
			pc_import_bail(&r->im, PC_EXIT_USAGE);
		}
		for (c = 0; c < T->ncols; c++)
			vals[c] = pcol[c] >= 0 ? row->f[pcol[c]].s : "";
		pc_given_digest(T, vals, NULL, r->delim_out, r->safe_csv,
		    &line, d);
		pc_repeats_seed(r->known, pc_hash(f->s, f->len), d);
	}
	if (rc == -1) {
		pc_warnx("%s", err);
		pc_import_bail(&r->im, PC_EXIT_IO);
	}
	pc_buf_free(&line);
	pc_reader_close(rd);
}

static int
sex_digit_male(int d)
{
	return d == 1 || d == 3 || d == 7;
}

/* The rules that tie fields together; each failure is a reason. */
static void
cross_checks(const struct run *r, struct pc_import *im)
{
	const int *ok = im->ok;
	long birth = 0, diag = 0;
	char why[160];
	int bymd[3] = { 0, 0, 0 };
	long c_ins = r->c_ins, c_sex = r->c_sex, c_birth = r->c_birth;
	long c_diag = r->c_diag, c_icd = r->c_icd;

	if (ok[c_birth])
		birth = pc_date_canon_days(im->canon[c_birth].s, bymd);
	if (ok[c_diag])
		diag = pc_date_canon_days(im->canon[c_diag].s, NULL);
	if (ok[c_birth] && birth < r->day1900)
		pc_import_reason(im, "birth_date", "before 1900-01-01");
	if (ok[c_birth] && birth > r->today)
		pc_import_reason(im, "birth_date", "in the future");
	if (ok[c_diag] && diag > r->today)
		pc_import_reason(im, "diagnosis_date", "in the future");
	if (ok[c_birth] && ok[c_diag] && diag < birth)
		pc_import_reason(im, "diagnosis_date", "before the birth date");
	/*
	 * Chapter II of ICD-10 (C00-D48) holds the tumours; a pathway is
	 * opened for one (DOMAIN.md 3.3, WHO ICD-10 chapter II).
	 */
	if (ok[c_icd]) {
		const char *c = im->canon[c_icd].s;
		int num = (c[1] - '0') * 10 + (c[2] - '0');

		if (!(c[0] == 'C' || (c[0] == 'D' && num <= 48))) {
			struct pc_buf b = { 0 };

			pc_vis(&b, c, im->canon[c_icd].len, 16);
			snprintf(why, sizeof why, "%s is not a tumour code "
			    "(chapter II, C00-D48)", b.s);
			pc_buf_free(&b);
			pc_import_reason(im, "icd10", why);
		}
	}
	if (ok[c_ins]) {
		struct pc_nir nir;

		if (pc_nir_parse(im->canon[c_ins].s, &nir) == 0) {
			if (ok[c_sex] && sex_digit_male(nir.sex) !=
			    (im->canon[c_sex].s[0] == 'M')) {
				snprintf(why, sizeof why, "its sex digit %d "
				    "says %s, sex says %s", nir.sex,
				    sex_digit_male(nir.sex) ? "M" : "F",
				    im->canon[c_sex].s);
				pc_import_reason(im, "ins", why);
			}
			if (ok[c_birth]) {
				if (nir.yy != bymd[0] % 100)
					pc_import_reason(im, "ins", "its year of "
					    "birth differs from birth_date's");
				else if (nir.mm >= 1 && nir.mm <= 12 &&
				    nir.mm != bymd[1])
					pc_import_reason(im, "ins", "its month of "
					    "birth differs from birth_date's");
			}
		}
	}
}

/*
 * A row's checks, on any thread (im is that thread's): a row that passes
 * them gets its id and the digest of its content, and res gets the hash
 * of the id, the digest and the output line, all that commit needs.
 */
struct verdict {
	uint64_t	h;	/* first: pc_import_file_mt prefetches its slot */
	unsigned char	d[PC_DIGEST];
};

static void
check(struct pc_import *im, const struct pc_binding *b,
    const struct pc_field *f, size_t nf, void *arg, struct pc_buf *res)
{
	const struct run *r = arg;
	const char *vals[PC_MAXCOLS];
	size_t len[PC_MAXCOLS];
	char ps[PC_MAXCOLS][PC_PSEUDO_LEN];
	struct verdict v = { 0 };
	char id[26];
	size_t c, at, idlen, nowlen;

	pc_import_values(im, b, f, nf);
	cross_checks(r, im);
	if (im->reasons.len > 0)
		return;
	pc_pathway_id(&r->key, im->canon[r->c_ins].s, im->canon[r->c_icd].s,
	    im->canon[r->c_diag].s, id);
	for (c = 0; c < T->ncols; c++) {
		vals[c] = im->canon[c].s ? im->canon[c].s : "";
		len[c] = im->canon[c].s ? im->canon[c].len : 0;
		/* The id comes from the INS; the row holds its pseudonym. */
		if (r->pseudonymize && pc_pseudo_direct(T->cols[c].name)) {
			vals[c] = pc_pseudonym(&r->pseudo, T->cols[c].name,
			    vals[c], len[c], ps[c]);
			len[c] = strlen(vals[c]);
		}
	}
	vals[r->c_id] = id;
	len[r->c_id] = idlen = strlen(id);
	vals[r->c_rec] = r->now;
	len[r->c_rec] = nowlen = strlen(r->now);
	at = res->len;
	pc_buf_add(res, &v, sizeof v);
	pc_csv_format_row(res, vals, len, T->ncols, r->delim_out, r->safe_csv);
	/*
	 * Hex digits and a hyphen, a date and a time: neither the id nor
	 * now is ever quoted or marked, so the given cells lie between the
	 * id and its delimiter, and the delimiter before now.
	 */
	pc_import_digest_later(im, at + sizeof v + idlen + 1,
	    res->len - at - sizeof v - idlen - 1 - nowlen - 2,
	    at + offsetof(struct verdict, d));
	v.h = pc_hash(id, idlen);
	memcpy(res->s + at, &v, sizeof v);
}

/* In input order: a repeat is skipped, anything else written. */
static void
commit(struct pc_import *im, const char *res, size_t len, void *arg)
{
	struct run *r = arg;
	struct verdict v;

	(void)im;
	memcpy(&v, res, sizeof v);
	pc_repeats_row(r->known, v.h, v.d, res + sizeof v, len - sizeof v);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "safe-csv", no_argument, NULL, PC_OPT_SAFE_CSV },
		{ "pseudonymize", required_argument, NULL, PC_OPT_PSEUDONYMIZE },
		{ NULL, 0, NULL, 0 }
	};
	struct run r = { 0 };
	struct pc_import *im = &r.im;
	struct pc_readopt ro = { 0 };
	struct pc_map *map = NULL;
	struct stat sb;
	const char *mappath = NULL, *known = NULL, *keypath = NULL;
	const char *pseudopath = NULL;
	const char *outpath = NULL, *rejpath = NULL, **hdr;
	enum pc_outmode mode = PC_OUT_STDOUT;
	char err[ERRSZ];
	int safe_csv = 0, ch, i, st, have_enc = 0, verbose = 0, delim_out = ',', status;

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
			rejpath = optarg;
			break;
		case 't':
			delim_out = '\t';
			break;
		case 'v':
			verbose = 1;
			pc_verbose = 1;
			break;
		case PC_OPT_PSEUDONYMIZE:
			pseudopath = optarg;
			break;
		case PC_OPT_SAFE_CSV:
			safe_csv = 1;
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

		if ((map = pc_map_load(mappath, T, err, sizeof err)) == NULL) {
			pc_warnx("%s", err);
			return PC_EXIT_USAGE;
		}
		if (ro.delim == 0)
			ro.delim = pc_map_delim(map);
		if (!have_enc && pc_map_enc(map, &e) == 0)
			ro.enc = e;
		ro.skip = pc_map_skip(map);
	}
	if (argc > 0 && pc_import_is_assignment(T, argv[0]) && map != NULL) {
		pc_warnx("-m reads exports, not field=value operands");
		usage();
	}
	if (pc_key_load(keypath, &r.key, err, sizeof err) == -1) {
		pc_warnx("%s", err);
		return PC_EXIT_USAGE;
	}
	if (pseudopath != NULL) {
		if (pc_key_load(pseudopath, &r.pseudo, err, sizeof err) == -1) {
			pc_warnx("--pseudonymize %s", err);
			return PC_EXIT_USAGE;
		}
		r.pseudonymize = 1;
	}
	r.c_ins = pc_table_col(T, "ins");
	r.c_sex = pc_table_col(T, "sex");
	r.c_birth = pc_table_col(T, "birth_date");
	r.c_diag = pc_table_col(T, "diagnosis_date");
	r.c_icd = pc_table_col(T, "icd10");
	r.c_id = pc_table_col(T, "pathway_id");
	r.c_rec = pc_table_col(T, "recorded_at");
	check_layout();
	r.today = pc_today();
	r.day1900 = pc_days(1900, 1, 1);
	pc_now_iso(r.now);
	r.delim_out = delim_out;
	r.safe_csv = safe_csv;
	(void)pc_threads();	/* a bad PARCOURS_THREADS before any output */
	pc_import_init(im, T, map, NULL);
	r.known = pc_repeats_new(im, 1, NULL, NULL);
	im->rejpath = rejpath;
	im->delim_out = delim_out;
	im->verbose = verbose;
	im->safe_csv = safe_csv;

	/* Take the output (and its lock) before reading what it holds. */
	hdr = pc_table_names(T);
	im->out = pc_writer_open(outpath, mode, delim_out, hdr, T->ncols, err,
	    sizeof err, &st);
	free(hdr);
	if (im->out == NULL) {
		pc_warnx("%s", err);
		pc_map_free(map);
		pc_repeats_free(r.known);
		return st;
	}
	pc_writer_safe_csv(im->out, safe_csv);
	for (i = 0; i < argc && !pc_import_is_assignment(T, argv[i]); i++)
		if (stat(argv[i], &sb) == 0 && S_ISREG(sb.st_mode))
			pc_repeats_reserve(r.known, (size_t)sb.st_size /
			    ROWBYTES);
	load_known(&r, known);

	if (argc > 0 && pc_import_is_assignment(T, argv[0]))
		pc_import_operands_by(im, argc, argv, check, commit, &r);
	else if (argc == 0)
		pc_import_file_mt(im, NULL, &ro, check, commit,
		    r.known, &r);
	else
		for (i = 0; i < argc; i++)
			pc_import_file_mt(im, argv[i], &ro, check, commit,
			    r.known, &r);
	pc_repeats_flush(r.known);

	status = pc_import_finish(im, mode == PC_OUT_REPLACE, outpath);
	pc_map_free(map);
	pc_repeats_free(r.known);
	return status;
}
