/*
 * pathway-event - record dated events of pathways (visits, treatment
 * dates, ALD decisions...) from exports or field=value operands
 * (pathway-event(1)).
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parcours.h"

#define ERRSZ	512
/*
 * Bytes an event takes at the least, as far as sizing the set of events
 * seen goes: a row of the event table takes some 85 (an id of 25, a date,
 * a kind, a source); fewer rows than this guess cost a larger set, more
 * just grow it, and growing holds the old set and the new one at once.
 */
#define ROWBYTES	80

/*
 * The columns read: the event table's, and the pathway's INS and ICD-10
 * with which an export names its pathway instead of pathway_id.
 */
static const struct pc_column input_cols[] = {
	{ "pathway_id",	PC_T_PATHWAY_ID, 0, NULL },
	{ "ins",	PC_T_INS,	0, NULL },
	{ "icd10",	PC_T_ICD10,	0, NULL },
	{ "date",	PC_T_DATE,	PC_COL_REQUIRED | PC_COL_DATE, NULL },
	{ "kind",	PC_T_WORD,	PC_COL_REQUIRED, "event_kind" },
	{ "until",	PC_T_DATE,	PC_COL_DATE, NULL },
	{ "detail",	PC_T_LINE,	0, NULL },
	{ "source",	PC_T_LINE,	0, NULL },
	{ "recorded_at", PC_T_DATETIME,	PC_COL_DERIVED, NULL },
};
static const struct pc_table input = {
	"event", input_cols, sizeof input_cols / sizeof input_cols[0]
};
#define E	(&pc_event_table)

struct run {
	struct pc_import im;
	struct pc_pathways *pw;		/* -P, or NULL */
	struct pc_repeats *seen;	/* (pathway_id, event digest) */
	char		 now[21];
	long		 today;
	int		 delim_out, safe_csv;
	/* Columns of the input table, found once for every row. */
	long		 c_date, c_until, c_out[8];	/* c_out: E's */
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: pathway-event [-tv] [-m map] [-P pathways] [-r rejects] "
	    "[-o file | -a file]\n"
	    "                     [-e enc] [-d delim] [file ...]\n"
	    "       pathway-event [-tv] [-P pathways] [-r rejects] "
	    "[-o file | -a file]\n"
	    "                     field=value ...\n");
	exit(PC_EXIT_USAGE);
}

static void
help(void)
{
	printf(
"pathway-event - record dated events of pathways (parcours)\n"
"\n"
"Examples:\n"
"  pathway-event -m visits -P pathways.csv -r rejects.csv \\\n"
"      -a events.csv visits-export.csv\n"
"  pathway-event -P pathways.csv -a events.csv pathway_id=4e0a-... \\\n"
"      date=2026-11-02 kind=treatment-end\n"
"\n"
"Usage:\n"
"  pathway-event [-tv] [-m map] [-P pathways] [-r rejects] [-o file | -a file]\n"
"                [-e enc] [-d delim] [file ...]\n"
"  pathway-event [-tv] [-P pathways] [-r rejects] [-o file | -a file]\n"
"                field=value ...\n"
"\n"
"Options:\n"
"  -a file      append to file under a lock; events already there are skipped\n"
"  -d delim     input delimiter: , ; tab pipe (default , or tab for .tsv)\n"
"  -e enc       input encoding: utf-8 cp1252 latin1 latin9 (default utf-8)\n"
"  -m map       import map for a foreign export (parcours(5))\n"
"  -o file      replace file atomically\n"
"  -P pathways  the pathway table: checks pathway_id, resolves ins and icd10\n"
"  -r rejects   write rejected rows, with line and reason, to rejects\n"
"  -t           write TSV\n"
"  --safe-csv   make text of cells a spreadsheet would run as formulas\n"
"  -v           always print the counts, and each rejected row\n"
"  -h, --help   this help;  --version  the version\n"
"\n"
"Exit status: 0 done, 2 usage, 3 rows rejected, 4 system or I/O error.\n");
	exit(PC_EXIT_OK);
}

static long
day_of(const char *s)
{
	char why[128];
	long d;

	if (s == NULL || *s == '\0' ||
	    pc_date_parse(s, strlen(s), NULL, &d, why, sizeof why) == -1)
		return PC_NODATE;
	return d;
}

/* The pathway table of -P: what resolves and checks a row's pathway. */
static void
load_pathways(struct run *r, const char *path)
{
	char err[ERRSZ];

	if (path == NULL)
		return;
	if ((r->pw = pc_pathways_load(path, err, sizeof err)) == NULL) {
		pc_warnx("%s", err);
		pc_import_bail(&r->im, PC_EXIT_REJECT);
	}
}

/* The events already in the -a file: importing them again adds nothing. */
static void
load_seen(struct run *r, const char *path)
{
	struct pc_readopt ro = { 0 };
	struct pc_reader *rd;
	struct pc_row *row;
	struct stat st;
	struct pc_buf line = { 0 };
	char err[ERRSZ];
	long col[8];
	size_t c;
	int rc;

	if (path == NULL || stat(path, &st) == -1 || st.st_size == 0 ||
	    !S_ISREG(st.st_mode))
		return;
	pc_repeats_reserve(r->seen, (size_t)st.st_size / ROWBYTES);
	if ((rd = pc_reader_open(path, &ro, err, sizeof err)) == NULL) {
		pc_warnx("%s", err);
		pc_import_bail(&r->im, PC_EXIT_IO);
	}
	for (c = 0; c < E->ncols; c++)
		col[c] = pc_reader_col(rd, E->cols[c].name);
	while ((rc = pc_reader_next(rd, &row, err, sizeof err)) == 1) {
		const char *v[8];
		unsigned char d[PC_DIGEST];

		if (row->err != PC_ROW_OK) {
			pc_warnx("%s:%lu: %s", path, row->line, row->why);
			pc_import_bail(&r->im, PC_EXIT_REJECT);
		}
		for (c = 0; c < E->ncols; c++)
			v[c] = col[c] >= 0 ? row->f[col[c]].s : "";
		pc_given_digest(E, v, NULL, r->delim_out, r->safe_csv, &line,
		    d);
		pc_repeats_seed(r->seen, pc_idset_pair_hash(v[0],
		    strlen(v[0]), d), d);
	}
	if (rc == -1) {
		pc_warnx("%s", err);
		pc_import_bail(&r->im, PC_EXIT_IO);
	}
	pc_buf_free(&line);
	pc_reader_close(rd);
}

/*
 * An event's checks, on any thread (im is that thread's): one that passes
 * them gets the hash of its pathway and digest, the digest and its output
 * line in res, all that commit needs.
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
	const struct pc_pathway *pw;
	const char *id, *v[8];
	struct verdict vd;
	long date, until;
	size_t c;

	pc_import_values(im, b, f, nf);
	id = pc_pathways_resolve(r->pw, im, &pw);
	date = im->ok[r->c_date] ?
	    day_of(pc_import_canon_at(im, (size_t)r->c_date)) : PC_NODATE;
	until = im->ok[r->c_until] ?
	    day_of(pc_import_canon_at(im, (size_t)r->c_until)) : PC_NODATE;
	if (date != PC_NODATE && date > r->today)
		pc_import_reason(im, "date", "in the future");
	if (date != PC_NODATE && pw != NULL && pw->birth != PC_NODATE &&
	    date < pw->birth)
		pc_import_reason(im, "date", "before the patient's birth");
	if (date != PC_NODATE && until != PC_NODATE && until < date)
		pc_import_reason(im, "until", "before the date");
	/* pc_pathways_resolve gives its reason; never write without one. */
	if (id == NULL && im->reasons.len == 0)
		pc_import_reason(im, "pathway_id", "names no pathway");
	if (im->reasons.len > 0)
		return;
	for (c = 0; c < E->ncols; c++)
		v[c] = r->c_out[c] >= 0 ?
		    pc_import_canon_at(im, (size_t)r->c_out[c]) : "";
	v[0] = id;
	v[E->ncols - 1] = r->now;
	pc_given_digest(E, v, NULL, r->delim_out, r->safe_csv, res, vd.d);
	vd.h = pc_idset_pair_hash(id, strlen(id), vd.d);
	pc_buf_add(res, &vd, sizeof vd);
	pc_csv_format_row(res, v, NULL, E->ncols, r->delim_out, r->safe_csv);
}

/* In input order: an event recorded already is skipped. */
static void
commit(struct pc_import *im, const char *res, size_t len, void *arg)
{
	struct run *r = arg;
	struct verdict vd;

	(void)im;
	memcpy(&vd, res, sizeof vd);
	pc_repeats_row(r->seen, vd.h, vd.d, res + sizeof vd, len - sizeof vd);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "safe-csv", no_argument, NULL, PC_OPT_SAFE_CSV },
		{ NULL, 0, NULL, 0 }
	};
	struct run r = { 0 };
	struct pc_import *im = &r.im;
	struct pc_readopt ro = { 0 };
	struct pc_map *map = NULL;
	struct pc_vocab *vocab;
	const char *mappath = NULL, *pathways = NULL, *outpath = NULL;
	const char *rejpath = NULL, **hdr;
	enum pc_outmode mode = PC_OUT_STDOUT;
	struct stat sb;
	char err[ERRSZ];
	int safe_csv = 0, ch, i, st, have_enc = 0, verbose = 0, delim_out = ',', status;

	while ((ch = getopt_long(argc, argv, "a:d:e:hm:o:P:r:tv", longopts,
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
		case 'm':
			mappath = optarg;
			break;
		case 'P':
			pathways = optarg;
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
		case PC_OPT_SAFE_CSV:
			safe_csv = 1;
			break;
		case 'V':
			printf("pathway-event (parcours) %s\n", PC_VERSION);
			return PC_EXIT_OK;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	if ((vocab = pc_vocab_load(NULL, err, sizeof err)) == NULL) {
		pc_warnx("%s", err);
		return PC_EXIT_IO;
	}
	if (mappath != NULL) {
		enum pc_enc e;

		if ((map = pc_map_load(mappath, &input, err,
		    sizeof err)) == NULL) {
			pc_warnx("%s", err);
			pc_vocab_free(vocab);
			return PC_EXIT_USAGE;
		}
		if (ro.delim == 0)
			ro.delim = pc_map_delim(map);
		if (!have_enc && pc_map_enc(map, &e) == 0)
			ro.enc = e;
		ro.skip = pc_map_skip(map);
	}
	if (argc > 0 && pc_import_is_assignment(&input, argv[0]) &&
	    map != NULL) {
		pc_warnx("-m reads exports, not field=value operands");
		usage();
	}
	r.today = pc_today();
	pc_now_iso(r.now);
	r.c_date = pc_table_col(&input, "date");
	r.c_until = pc_table_col(&input, "until");
	for (i = 0; i < (int)E->ncols; i++)
		r.c_out[i] = pc_table_col(&input, E->cols[i].name);
	pc_import_init(im, &input, map, vocab);
	im->rejpath = rejpath;
	im->delim_out = delim_out;
	im->verbose = verbose;
	im->safe_csv = safe_csv;
	r.delim_out = delim_out;
	r.safe_csv = safe_csv;
	(void)pc_threads();	/* a bad PARCOURS_THREADS before any output */
	r.seen = pc_repeats_new(im, 0, NULL, NULL);

	/* Take the output (and its lock) before reading what it holds. */
	hdr = pc_table_names(E);
	im->out = pc_writer_open(outpath, mode, delim_out, hdr, E->ncols, err,
	    sizeof err, &st);
	free(hdr);
	if (im->out == NULL) {
		pc_warnx("%s", err);
		pc_map_free(map);
		pc_vocab_free(vocab);
		pc_repeats_free(r.seen);
		return st;
	}
	pc_writer_safe_csv(im->out, safe_csv);
	load_pathways(&r, pathways);
	for (i = 0; i < argc && !pc_import_is_assignment(&input, argv[i]); i++)
		if (stat(argv[i], &sb) == 0 && S_ISREG(sb.st_mode))
			pc_repeats_reserve(r.seen, (size_t)sb.st_size /
			    ROWBYTES);
	load_seen(&r, mode == PC_OUT_APPEND ? outpath : NULL);

	if (argc > 0 && pc_import_is_assignment(&input, argv[0]))
		pc_import_operands_by(im, argc, argv, check, commit, &r);
	else if (argc == 0)
		pc_import_file_mt(im, NULL, &ro, check, commit,
		    r.seen, &r);
	else
		for (i = 0; i < argc; i++)
			pc_import_file_mt(im, argv[i], &ro, check, commit,
			    r.seen, &r);
	pc_repeats_flush(r.seen);

	status = pc_import_finish(im, mode == PC_OUT_REPLACE, outpath);
	pc_pathways_free(r.pw);
	pc_repeats_free(r.seen);
	pc_map_free(map);
	pc_vocab_free(vocab);
	return status;
}
