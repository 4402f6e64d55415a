/*
 * rcp-record - record the cases put to multidisciplinary meetings (RCP)
 * from meeting sheets, e-RCP exports or field=value operands, checking
 * each against the pathway and the rules of the RCP (rcp-record(1)).
 *
 * The rules a site may have to change, or that the sources do not settle,
 * are read from a rule table (rcp-rules.csv in the share directory, or -R)
 * rather than written here; the man page lists those not confirmed.
 */
#include <sys/stat.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "parcours.h"

#define ERRSZ	512

/*
 * The columns read: the rcp table's, and the INS and ICD-10 with which an
 * export names its pathway instead of pathway_id.  trial_id is read as a
 * line so that its own check, not the code type's, says what is wrong.
 */
static const struct pc_column input_cols[] = {
	{ "rcp_id",		PC_T_CODE,	PC_COL_DERIVED, NULL },
	{ "pathway_id",		PC_T_PATHWAY_ID, 0, NULL },
	{ "ins",		PC_T_INS,	0, NULL },
	{ "icd10",		PC_T_ICD10,	0, NULL },
	{ "meeting_date", PC_T_DATE, PC_COL_REQUIRED | PC_COL_DATE, NULL },
	{ "meeting_kind",	PC_T_WORD, PC_COL_REQUIRED, "meeting_kind" },
	{ "mode",		PC_T_WORD,	PC_COL_REQUIRED, "mode" },
	{ "motive",		PC_T_WORD,	PC_COL_REQUIRED, "motive" },
	{ "specialties",	PC_T_WORDS, PC_COL_REQUIRED, "specialties" },
	{ "proposal",		PC_T_WORDS,	PC_COL_REQUIRED, "proposal" },
	{ "trial_id",		PC_T_LINE,	0, NULL },
	{ "guideline",		PC_T_LINE,	0, NULL },
	{ "guideline_conform",	PC_T_WORD,	0, "guideline_conform" },
	{ "consent_by",		PC_T_WORD,	0, "consent_by" },
	{ "patient_decision",	PC_T_WORD,	0, "patient_decision" },
	{ "decision_date",	PC_T_DATE,	PC_COL_DATE, NULL },
	{ "notes",		PC_T_TEXT,	0, NULL },
	{ "recorded_at",	PC_T_DATETIME,	PC_COL_DERIVED, NULL },
};
static const struct pc_table input = {
	"rcp", input_cols, sizeof input_cols / sizeof input_cols[0]
};
#define T	(&pc_rcp_table)
#define NOUT	16		/* columns of the rcp table */

/*
 * The rule table.  Each rule is a number, a |-list of words of a
 * vocabulary, or a |-list of ICD-10 category ranges.
 */
enum rtype { R_INT, R_WORDS, R_ICD };

static const struct ruledef {
	const char	*name;
	enum rtype	 type;
	const char	*vocab;		/* R_WORDS */
} ruledefs[] = {
	{ "child_under",	 R_INT,	  NULL },
	{ "aya_from",		 R_INT,	  NULL },
	{ "aya_to",		 R_INT,	  NULL },
	{ "aya_pediatric",	 R_WORDS, "specialties" },
	{ "aya_adult",		 R_WORDS, "specialties" },
	{ "quorum_min",		 R_INT,	  NULL },
	{ "quorum_specialties",	 R_WORDS, "specialties" },
	{ "surgeon_kinds",	 R_WORDS, "meeting_kind" },
	{ "surgeon_specialties", R_WORDS, "specialties" },
	{ "haematology_icd10",	 R_ICD,	  NULL },
	{ "child_consent",	 R_WORDS, "consent_by" },
	{ "adult_consent",	 R_WORDS, "consent_by" },
	{ "chemo_proposals",	 R_WORDS, "proposal" },
	{ "chemo_specialties",	 R_WORDS, "specialties" },
};
enum {
	CHILD_UNDER, AYA_FROM, AYA_TO, AYA_PEDIATRIC, AYA_ADULT, QUORUM_MIN,
	QUORUM_SPECIALTIES, SURGEON_KINDS, SURGEON_SPECIALTIES,
	HAEMATOLOGY_ICD10, CHILD_CONSENT, ADULT_CONSENT, CHEMO_PROPOSALS,
	CHEMO_SPECIALTIES, NRULES
};

struct rule {
	int	 set;
	int	 n;		/* R_INT */
	char	*words;		/* R_WORDS, R_ICD: "|a|b|", for lookups */
	char	*text;		/* the value as canonical, for messages */
};

struct run {
	struct pc_import im;
	struct pc_pathways *pw;		/* -P, or NULL */
	struct pc_repeats *seen;	/* rcp_id -> content digests */
	struct rule	 rule[NRULES];
	int		 safe;		/* --safe-csv */
	int		 delim_out;
	long		 from[NOUT];	/* each output column's input column */
	long		 c_id, c_trial, c_rec;	/* in T */
	long		 part[4];	/* rcp_id's columns, in T */
	char		 now[21];
	long		 today;
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: rcp-record [-tv] [--safe-csv] [-m map] [-P pathways] "
	    "[-R rules] [-r rejects]\n"
	    "                  [-o file | -a file] [-e enc] [-d delim] "
	    "[file ...]\n"
	    "       rcp-record [-tv] [--safe-csv] [-P pathways] [-R rules] "
	    "[-r rejects]\n"
	    "                  [-o file | -a file] field=value ...\n");
	exit(PC_EXIT_USAGE);
}

static void
help(void)
{
	printf(
"rcp-record - record the cases of multidisciplinary meetings (parcours)\n"
"\n"
"Examples:\n"
"  rcp-record -m ercp -P pathways.csv -r rejects.csv -a rcp.csv export.csv\n"
"  rcp-record -P pathways.csv -a rcp.csv pathway_id=4e0a-... \\\n"
"      meeting_date=2026-11-20 meeting_kind=standard mode=discussed \\\n"
"      motive=initial specialties='surgery|medical-oncology|radiotherapy' \\\n"
"      proposal=surgery\n"
"\n"
"Usage:\n"
"  rcp-record [-tv] [--safe-csv] [-m map] [-P pathways] [-R rules] "
    "[-r rejects]\n"
"             [-o file | -a file] [-e enc] [-d delim] [file ...]\n"
"  rcp-record [-tv] [--safe-csv] [-P pathways] [-R rules] [-r rejects]\n"
"             [-o file | -a file] field=value ...\n"
"\n"
"Options:\n"
"  -a file      append to file under a lock; cases already there are skipped\n"
"  -d delim     input delimiter: , ; tab pipe (default , or tab for .tsv)\n"
"  -e enc       input encoding: utf-8 cp1252 latin1 latin9 (default utf-8)\n"
"  -m map       import map for an e-RCP export (parcours(5))\n"
"  -o file      replace file atomically\n"
"  -P pathways  the pathway table: checks the pathway, the dates and the age\n"
"  -R rules     the rule table instead of the share directory's rcp-rules.csv\n"
"  -r rejects   write rejected rows, with line and reason, to rejects\n"
"  -t           write TSV\n"
"  -v           always print the counts, and each rejected row\n"
"  --safe-csv   make cells a spreadsheet would run as formulas text\n"
"  -h, --help   this help;  --version  the version\n"
"\n"
"Exit status: 0 done, 2 usage, 3 rows rejected, 4 system or I/O error.\n");
	exit(PC_EXIT_OK);
}

/* ---- the rule table ---------------------------------------------------- */

static int
rule_index(const char *name)
{
	size_t i;

	for (i = 0; i < NRULES; i++)
		if (strcmp(ruledefs[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* "C81-C96|D45-D47": categories, or ranges of them, into "|C81-C96|...|". */
static int
parse_icd_ranges(const char *s, struct pc_buf *out, char *why, size_t whysz)
{
	const char *p = s;

	pc_buf_set(out, "|", 1);
	for (;;) {
		size_t n = strcspn(p, "|");
		char lo[4], hi[4];

		if (n == 3 && p[0] >= 'A' && p[0] <= 'Z' &&
		    p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9') {
			memcpy(lo, p, 3);
			memcpy(hi, p, 3);
		} else if (n == 7 && p[3] == '-' && p[0] >= 'A' &&
		    p[0] <= 'Z' && p[1] >= '0' && p[1] <= '9' &&
		    p[2] >= '0' && p[2] <= '9' && p[4] >= 'A' && p[4] <= 'Z' &&
		    p[5] >= '0' && p[5] <= '9' && p[6] >= '0' && p[6] <= '9' &&
		    memcmp(p, p + 4, 3) <= 0) {
			memcpy(lo, p, 3);
			memcpy(hi, p + 4, 3);
		} else {
			snprintf(why, whysz, "not a |-list of ICD-10 "
			    "categories or ranges such as C81-C96");
			return -1;
		}
		lo[3] = hi[3] = '\0';
		pc_buf_adds(out, lo);
		pc_buf_addc(out, '-');
		pc_buf_adds(out, hi);
		pc_buf_addc(out, '|');
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

/*
 * Reads the rule table: columns rule, value, source and confidence; each
 * rule once; every rule of ruledefs present.  A problem ends the run:
 * status 4 when the file cannot be read, 2 when it is wrong.
 */
static void
load_rules(struct run *r, const char *path, const struct pc_vocab *vocab)
{
	struct pc_readopt ro = { 0 };
	struct pc_reader *rd;
	struct pc_row *row;
	struct pc_buf canon = { 0 };
	char err[ERRSZ], why[256], def[1024];
	long c_rule, c_value;
	int rc, i;

	if (path == NULL) {
		if (pc_share_path("rcp-rules.csv", def, sizeof def) == -1) {
			pc_warnx("rcp-rules.csv: the share directory's path is "
			    "too long");
			exit(PC_EXIT_IO);
		}
		path = def;
	}
	if ((rd = pc_reader_open(path, &ro, err, sizeof err)) == NULL) {
		pc_warnx("%s", err);
		exit(strstr(err, "header") ? PC_EXIT_USAGE : PC_EXIT_IO);
	}
	c_rule = pc_reader_col(rd, "rule");
	c_value = pc_reader_col(rd, "value");
	if (c_rule < 0 || c_value < 0 || pc_reader_col(rd, "source") < 0 ||
	    pc_reader_col(rd, "confidence") < 0) {
		pc_warnx("%s:1: header: a rule table has the columns rule, "
		    "value, source and confidence", path);
		exit(PC_EXIT_USAGE);
	}
	while ((rc = pc_reader_next(rd, &row, err, sizeof err)) == 1) {
		const char *name, *val;
		struct rule *ru;

		if (row->err != PC_ROW_OK) {
			pc_warnx("%s:%lu: %s", path, row->line, row->why);
			exit(PC_EXIT_USAGE);
		}
		name = row->f[c_rule].s;
		val = row->f[c_value].s;
		if ((i = rule_index(name)) == -1) {
			struct pc_buf v = { 0 };

			pc_vis(&v, name, strlen(name), 48);
			pc_warnx("%s:%lu: rule: %s is not a rule of rcp-record",
			    path, row->line, v.s);
			exit(PC_EXIT_USAGE);
		}
		ru = &r->rule[i];
		if (ru->set) {
			pc_warnx("%s:%lu: rule: %s given twice", path,
			    row->line, name);
			exit(PC_EXIT_USAGE);
		}
		ru->set = 1;
		switch (ruledefs[i].type) {
		case R_INT: {
			const char *e = NULL;

			ru->n = (int)strtonum(val, 0, 150, &e);
			if (e != NULL) {
				pc_warnx("%s:%lu: value: %s: not a number of "
				    "years from 0 to 150", path, row->line,
				    name);
				exit(PC_EXIT_USAGE);
			}
			ru->text = pc_xstrdup(val);
			break;
		}
		case R_WORDS:
			if (pc_vocab_check(vocab, ruledefs[i].vocab, 1, val,
			    strlen(val), &canon, why,
			    sizeof why) != PC_CHECK_OK) {
				pc_warnx("%s:%lu: value: %s: %s", path,
				    row->line, name, why);
				exit(PC_EXIT_USAGE);
			}
			ru->text = pc_xstrdup(canon.s);
			pc_buf_set(&canon, "|", 1);
			pc_buf_adds(&canon, ru->text);
			pc_buf_addc(&canon, '|');
			ru->words = pc_xstrdup(canon.s);
			break;
		case R_ICD:
			if (parse_icd_ranges(val, &canon, why,
			    sizeof why) == -1) {
				pc_warnx("%s:%lu: value: %s: %s", path,
				    row->line, name, why);
				exit(PC_EXIT_USAGE);
			}
			ru->text = pc_xstrdup(val);
			ru->words = pc_xstrdup(canon.s);
			break;
		}
	}
	if (rc == -1) {
		pc_warnx("%s", err);
		exit(PC_EXIT_IO);
	}
	pc_reader_close(rd);
	pc_buf_free(&canon);
	for (i = 0; i < NRULES; i++)
		if (!r->rule[i].set) {
			pc_warnx("%s: no rule %s", path, ruledefs[i].name);
			exit(PC_EXIT_USAGE);
		}
}

static void
free_rules(struct run *r)
{
	int i;

	for (i = 0; i < NRULES; i++) {
		free(r->rule[i].words);
		free(r->rule[i].text);
	}
}

/* Whether a word is in a rule's list. */
static int
in_rule(const struct rule *ru, const char *w, size_t n)
{
	const char *p = ru->words;

	while ((p = strchr(p, '|')) != NULL && p[1] != '\0') {
		p++;
		if (strncmp(p, w, n) == 0 && p[n] == '|')
			return 1;
	}
	return 0;
}

/* How many words of a |-list are in a rule's list. */
static int
count_in_rule(const struct rule *ru, const char *list)
{
	const char *p = list;
	int n = 0;

	while (*p != '\0') {
		size_t len = strcspn(p, "|");

		n += in_rule(ru, p, len);
		p += len;
		if (*p == '|')
			p++;
	}
	return n;
}

/* Whether an ICD-10 code's category falls in a rule's ranges. */
static int
icd_in_rule(const struct rule *ru, const char *code)
{
	const char *p = ru->words;

	if (strlen(code) < 3)
		return 0;
	while ((p = strchr(p, '|')) != NULL && p[1] != '\0') {
		p++;
		if (strncmp(code, p, 3) >= 0 && strncmp(code, p + 4, 3) <= 0)
			return 1;
	}
	return 0;
}

/* ---- the row ------------------------------------------------------------ */

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

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * A trial number: NCT and 8 digits (ClinicalTrials.gov); an EU CT number
 * of the Clinical Trials Information System, YYYY-5NNNNN-NN-NN, as in
 * 2025-522006-21-00 (Regulation (EU) 536/2014, CTIS since 31 January
 * 2022); or a EudraCT number, YYYY-NNNNNN-CC (EMA, since 2004), which
 * trials begun under Directive 2001/20/EC carry.  Their check digits are
 * not published: the form is checked, not the key.  nct canonical in out.
 */
static int
trial_ok(const char *s, char *out, size_t outsz)
{
	size_t n = strlen(s);

	if (n == 11 && strncasecmp(s, "NCT", 3) == 0 && all_digits(s + 3, 8)) {
		snprintf(out, outsz, "NCT%s", s + 3);
		return 1;
	}
	snprintf(out, outsz, "%s", s);
	if (n == 17 && all_digits(s, 4) && s[4] == '-' && s[5] == '5' &&
	    all_digits(s + 5, 6) && s[11] == '-' && all_digits(s + 12, 2) &&
	    s[14] == '-' && all_digits(s + 15, 2))
		return 1;
	if (n == 14 && all_digits(s, 4) && s[4] == '-' &&
	    all_digits(s + 5, 6) && s[11] == '-' && all_digits(s + 12, 2))
		return 1;
	return 0;
}

/* The words of a rule as "a, b or c", for messages. */
static void
rule_words(const struct rule *ru, struct pc_buf *b)
{
	const char *p = ru->text;
	size_t total = 1, k = 0;

	pc_buf_clear(b);
	pc_buf_adds(b, "");
	for (; *p; p++)
		total += *p == '|';
	for (p = ru->text; *p != '\0'; k++) {
		size_t len = strcspn(p, "|");

		if (k > 0)
			pc_buf_adds(b, k + 1 == total ? " or " : ", ");
		pc_buf_add(b, p, len);
		p += len;
		if (*p == '|')
			p++;
	}
}

/*
 * A warning about the row at hand, into warning ("file:line: " first, or
 * nothing for operands): said once the row is written (commit()).
 */
static void
warn_row(struct pc_import *im, struct pc_buf *warning, const char *col,
    const char *why)
{
	if (im->file != NULL) {
		pc_where(warning, im->file, im->line, im->record);
		pc_buf_adds(warning, ": ");
	}
	pc_buf_adds(warning, col);
	pc_buf_adds(warning, ": ");
	pc_buf_adds(warning, why);
	pc_buf_addc(warning, '\n');
}

/*
 * The checks that need the patient's age at the meeting: a child is
 * discussed in a pediatric meeting, never registered without discussion,
 * and a legal guardian consents; a 15-24 year-old should have both a
 * pediatric and an adult opinion (a warning only).
 */
static void
check_age(const struct run *r, struct pc_import *im, struct pc_buf *warning,
    int age, const char *kind, const char *mode, const char *consent,
    const char *spec)
{
	const struct rule *ru = r->rule;
	struct pc_buf w = { 0 }, t = { 0 };
	char why[256];

	if (age < ru[CHILD_UNDER].n) {
		if (*kind != '\0' && strcmp(kind, "pediatric") != 0) {
			snprintf(why, sizeof why, "a patient under %d is "
			    "discussed in a pediatric meeting (RCPPI)",
			    ru[CHILD_UNDER].n);
			pc_import_reason(im, "meeting_kind", why);
		}
		if (strcmp(mode, "registered") == 0) {
			snprintf(why, sizeof why, "registration without "
			    "discussion is refused for a patient under %d",
			    ru[CHILD_UNDER].n);
			pc_import_reason(im, "mode", why);
		}
		if (*consent != '\0' &&
		    !in_rule(&ru[CHILD_CONSENT], consent, strlen(consent))) {
			rule_words(&ru[CHILD_CONSENT], &w);
			snprintf(why, sizeof why, "for a patient under %d, a "
			    "legal guardian consents (%s)", ru[CHILD_UNDER].n,
			    w.s);
			pc_import_reason(im, "consent_by", why);
		}
	} else if (*consent != '\0' &&
	    !in_rule(&ru[ADULT_CONSENT], consent, strlen(consent))) {
		rule_words(&ru[ADULT_CONSENT], &w);
		snprintf(why, sizeof why, "a patient of %d or over consents, "
		    "or a legal guardian (%s)", ru[CHILD_UNDER].n, w.s);
		pc_import_reason(im, "consent_by", why);
	}
	if (age >= ru[AYA_FROM].n && age <= ru[AYA_TO].n && *spec != '\0') {
		int ped = count_in_rule(&ru[AYA_PEDIATRIC], spec) > 0;
		int adult = count_in_rule(&ru[AYA_ADULT], spec) > 0;

		if (!ped || !adult) {
			pc_buf_clear(&w);
			pc_buf_adds(&w, "");
			if (!ped) {
				rule_words(&ru[AYA_PEDIATRIC], &t);
				pc_buf_adds(&w, "no ");
				pc_buf_adds(&w, t.s);
			}
			if (!ped && !adult)
				pc_buf_adds(&w, ", and ");
			if (!adult) {
				rule_words(&ru[AYA_ADULT], &t);
				pc_buf_adds(&w, "no ");
				pc_buf_adds(&w, t.s);
			}
			snprintf(why, sizeof why, "a patient aged %d to %d "
			    "gets a pediatric and an adult opinion: %s",
			    ru[AYA_FROM].n, ru[AYA_TO].n, w.s);
			warn_row(im, warning, "specialties", why);
		}
	}
	pc_buf_free(&w);
	pc_buf_free(&t);
}

/*
 * The quorum: enough distinct specialties that count, and a surgeon in
 * the kinds of meeting that need one, except for a haematological cancer.
 */
static void
check_quorum(const struct run *r, struct pc_import *im, const char *kind,
    const char *spec, const char *icd)
{
	const struct rule *ru = r->rule;
	struct pc_buf w = { 0 };
	char why[256];
	int n;

	n = count_in_rule(&ru[QUORUM_SPECIALTIES], spec);
	if (n < ru[QUORUM_MIN].n) {
		snprintf(why, sizeof why, "no quorum: %d specialt%s of those "
		    "that count, %d needed", n, n == 1 ? "y" : "ies",
		    ru[QUORUM_MIN].n);
		pc_import_reason(im, "specialties", why);
	}
	if (*kind != '\0' && in_rule(&ru[SURGEON_KINDS], kind, strlen(kind)) &&
	    count_in_rule(&ru[SURGEON_SPECIALTIES], spec) == 0 &&
	    !icd_in_rule(&ru[HAEMATOLOGY_ICD10], icd)) {
		rule_words(&ru[SURGEON_SPECIALTIES], &w);
		snprintf(why, sizeof why, "a %s meeting outside haematology "
		    "needs a surgeon (%s)", kind, w.s);
		pc_import_reason(im, "specialties", why);
	}
	pc_buf_free(&w);
}

/*
 * A physician qualified for chemotherapy takes part when a patient who may
 * receive it is presented (CSP, decret 2022-693 art. 3).  Which recorded
 * specialties hold that qualification is a guess (an organ specialist may
 * too): a warning, not a rejection.
 */
static void
check_chemo(const struct run *r, struct pc_import *im, struct pc_buf *warning,
    const char *spec, const char *proposal)
{
	const struct rule *ru = r->rule;
	struct pc_buf w = { 0 }, t = { 0 };
	char why[256];

	if (count_in_rule(&ru[CHEMO_PROPOSALS], proposal) == 0 ||
	    count_in_rule(&ru[CHEMO_SPECIALTIES], spec) > 0)
		return;
	rule_words(&ru[CHEMO_PROPOSALS], &t);
	rule_words(&ru[CHEMO_SPECIALTIES], &w);
	snprintf(why, sizeof why, "%s proposed, and no physician qualified "
	    "for it (%s)", t.s, w.s);
	warn_row(im, warning, "specialties", why);
	pc_buf_free(&w);
	pc_buf_free(&t);
}

/* The cases already in the -a file: importing them again adds nothing. */
static void
load_seen(struct run *r, const char *path)
{
	struct pc_readopt ro = { 0 };
	struct pc_reader *rd;
	struct pc_row *row;
	struct stat st;
	struct pc_buf line = { 0 };
	char err[ERRSZ];
	long col[NOUT];
	size_t c;
	int rc;

	if (path == NULL || stat(path, &st) == -1 || st.st_size == 0 ||
	    !S_ISREG(st.st_mode))
		return;
	if ((rd = pc_reader_open(path, &ro, err, sizeof err)) == NULL) {
		pc_warnx("%s", err);
		pc_import_bail(&r->im, PC_EXIT_IO);
	}
	for (c = 0; c < T->ncols; c++)
		col[c] = pc_reader_col(rd, T->cols[c].name);
	while ((rc = pc_reader_next(rd, &row, err, sizeof err)) == 1) {
		const char *v[NOUT];
		unsigned char d[PC_DIGEST];

		if (row->err != PC_ROW_OK) {
			pc_warnx("%s:%lu: %s", path, row->line, row->why);
			pc_import_bail(&r->im, PC_EXIT_REJECT);
		}
		for (c = 0; c < T->ncols; c++)
			v[c] = col[c] >= 0 ? row->f[col[c]].s : "";
		/* As written, so a cell --safe-csv marked meets its value. */
		pc_given_digest(T, v, NULL, r->delim_out, r->safe, &line, d);
		pc_repeats_seed(r->seen, pc_hash(v[0], strlen(v[0])), d);
	}
	if (rc == -1) {
		pc_warnx("%s", err);
		pc_import_bail(&r->im, PC_EXIT_IO);
	}
	pc_buf_free(&line);
	pc_reader_close(rd);
}

/*
 * A case's checks, on any thread (im is that thread's): one that passes
 * them gets, in res, the hash of its rcp_id, the digest of its content,
 * its output line and what it warns of, all that commit needs.
 */
struct verdict {
	uint64_t	h;	/* first: pc_import_file_mt prefetches its slot */
	unsigned char	d[PC_DIGEST];
	size_t		linelen;	/* then the warnings */
};

static void
check(struct pc_import *im, const struct pc_binding *b,
    const struct pc_field *f, size_t nf, void *arg, struct pc_buf *res)
{
	const struct run *r = arg;
	const struct pc_pathway *pw;
	const char *id, *v[NOUT], *kind, *mode, *spec, *consent, *icd;
	struct pc_buf warning = { NULL, 0, 0 };
	struct verdict vd;
	char rid[25], trial[32];
	long meeting, decision;
	size_t c, at;

	pc_import_values(im, b, f, nf);
	id = pc_pathways_resolve(r->pw, im, &pw);
	meeting = pc_import_ok(im, "meeting_date") ?
	    day_of(pc_import_canon(im, "meeting_date")) : PC_NODATE;
	decision = pc_import_ok(im, "decision_date") ?
	    day_of(pc_import_canon(im, "decision_date")) : PC_NODATE;
	kind = pc_import_canon(im, "meeting_kind");
	mode = pc_import_canon(im, "mode");
	spec = pc_import_canon(im, "specialties");
	consent = pc_import_canon(im, "consent_by");
	/* the pathway's code, else the row's own */
	icd = pw != NULL ? pw->icd10 : pc_import_canon(im, "icd10");

	if (meeting != PC_NODATE && meeting > r->today)
		pc_import_reason(im, "meeting_date", "in the future");
	if (meeting != PC_NODATE && pw != NULL &&
	    pw->diagnosis != PC_NODATE && meeting < pw->diagnosis)
		pc_import_reason(im, "meeting_date", "before the diagnosis");
	if (decision != PC_NODATE && decision > r->today)
		pc_import_reason(im, "decision_date", "in the future");
	if (decision != PC_NODATE && meeting != PC_NODATE &&
	    decision < meeting)
		pc_import_reason(im, "decision_date", "before the meeting");
	trial[0] = '\0';
	if (pc_import_ok(im, "trial_id") &&
	    !trial_ok(pc_import_canon(im, "trial_id"), trial, sizeof trial)) {
		struct pc_buf vb = { 0 };
		char why[256];

		pc_vis(&vb, pc_import_canon(im, "trial_id"),
		    strlen(pc_import_canon(im, "trial_id")), 40);
		snprintf(why, sizeof why, "%s is not an NCT number "
		    "(NCT and 8 digits), an EU CT number (YYYY-5NNNNN-NN-NN) "
		    "or a EudraCT number (YYYY-NNNNNN-NN)", vb.s);
		pc_buf_free(&vb);
		pc_import_reason(im, "trial_id", why);
	}
	if (pc_import_ok(im, "specialties"))
		check_quorum(r, im, kind, spec, icd);
	if (pc_import_ok(im, "specialties") && pc_import_ok(im, "proposal"))
		check_chemo(r, im, &warning, spec,
		    pc_import_canon(im, "proposal"));
	if (strcmp(mode, "registered") == 0 &&
	    strcmp(pc_import_canon(im, "guideline_conform"), "no") == 0)
		pc_import_reason(im, "mode", "registration without discussion "
		    "is for a case conforming to the guidelines, and "
		    "guideline_conform is no");
	if (meeting != PC_NODATE && pw != NULL && pw->birth != PC_NODATE &&
	    meeting >= pw->birth)
		check_age(r, im, &warning, pc_age(pw->birth, meeting), kind,
		    mode, consent, spec);
	/* pc_pathways_resolve gives its reason; never write without one. */
	if (id == NULL && im->reasons.len == 0)
		pc_import_reason(im, "pathway_id", "names no pathway");
	if (im->reasons.len > 0) {
		pc_buf_free(&warning);
		return;
	}
	for (c = 0; c < T->ncols; c++) {
		long ic = r->from[c];

		v[c] = ic >= 0 && im->canon[ic].s != NULL ?
		    im->canon[ic].s : "";
	}
	v[r->c_id] = id;
	v[r->c_trial] = trial;
	v[r->c_rec] = r->now;
	pc_rcp_id(v[r->part[0]], v[r->part[1]], v[r->part[2]], v[r->part[3]],
	    rid);
	v[0] = rid;
	pc_given_digest(T, v, NULL, r->delim_out, r->safe, res, vd.d);
	vd.h = pc_hash(rid, strlen(rid));
	at = res->len;
	pc_buf_add(res, &vd, sizeof vd);
	pc_csv_format_row(res, v, NULL, T->ncols, r->delim_out, r->safe);
	vd.linelen = res->len - at - sizeof vd;
	memcpy(res->s + at, &vd, sizeof vd);
	if (warning.len > 0)
		pc_buf_add(res, warning.s, warning.len);
	pc_buf_free(&warning);
}

/* In input order: a case recorded already is skipped, unsaid. */
static void
commit(struct pc_import *im, const char *res, size_t len, void *arg)
{
	struct run *r = arg;
	struct verdict vd;

	(void)im;
	memcpy(&vd, res, sizeof vd);
	pc_repeats_row(r->seen, vd.h, vd.d, res, len);
}

/* A case not recorded before: written, then what was said of it. */
static void
record(struct pc_import *im, const char *res, size_t len, void *arg)
{
	struct verdict vd;
	const char *p, *e, *end = res + len;

	(void)arg;
	memcpy(&vd, res, sizeof vd);
	pc_import_write_raw(im, res + sizeof vd, vd.linelen);
	for (p = res + sizeof vd + vd.linelen; p < end; p = e + 1) {
		e = memchr(p, '\n', (size_t)(end - p));
		pc_warnx("%.*s", (int)(e - p), p);
	}
}

int
main(int argc, char *argv[])
{
	enum { OPT_SAFE = 256 };
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "safe-csv", no_argument, NULL, OPT_SAFE },
		{ NULL, 0, NULL, 0 }
	};
	static struct run r;
	struct pc_import *im = &r.im;
	struct pc_readopt ro = { 0 };
	struct pc_map *map = NULL;
	struct pc_vocab *vocab;
	const char *mappath = NULL, *pathways = NULL, *outpath = NULL;
	const char *rejpath = NULL, *rulespath = NULL, **hdr;
	enum pc_outmode mode = PC_OUT_STDOUT;
	char err[ERRSZ];
	int ch, i, st, have_enc = 0, verbose = 0, delim_out = ',', status;

	while ((ch = getopt_long(argc, argv, "a:d:e:hm:o:P:R:r:tv", longopts,
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
		case 'R':
			rulespath = optarg;
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
		case 'V':
			printf("rcp-record (parcours) %s\n", PC_VERSION);
			return PC_EXIT_OK;
		case OPT_SAFE:
			r.safe = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	if (sodium_init() < 0) {
		pc_warnx("libsodium could not be initialised");
		return PC_EXIT_IO;
	}
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
	load_rules(&r, rulespath, vocab);
	for (i = 0; i < (int)T->ncols; i++)
		r.from[i] = pc_table_col(&input, T->cols[i].name);
	r.c_id = pc_table_col(T, "pathway_id");
	r.c_trial = pc_table_col(T, "trial_id");
	r.c_rec = pc_table_col(T, "recorded_at");
	r.part[0] = pc_table_col(T, "pathway_id");
	r.part[1] = pc_table_col(T, "meeting_date");
	r.part[2] = pc_table_col(T, "meeting_kind");
	r.part[3] = pc_table_col(T, "motive");
	r.today = pc_today();
	pc_now_iso(r.now);
	r.delim_out = delim_out;
	(void)pc_threads();	/* a bad PARCOURS_THREADS before any output */
	pc_import_init(im, &input, map, vocab);
	im->rejpath = rejpath;
	im->delim_out = delim_out;
	im->verbose = verbose;
	r.seen = pc_repeats_new(im, 1, record, &r);

	/* Take the output (and its lock) before reading what it holds. */
	hdr = pc_table_names(T);
	im->out = pc_writer_open(outpath, mode, delim_out, hdr, T->ncols, err,
	    sizeof err, &st);
	free(hdr);
	if (im->out == NULL) {
		pc_warnx("%s", err);
		free_rules(&r);
		pc_map_free(map);
		pc_vocab_free(vocab);
		pc_repeats_free(r.seen);
		return st;
	}
	pc_writer_safe_csv(im->out, r.safe);
	if (pathways != NULL &&
	    (r.pw = pc_pathways_load(pathways, err, sizeof err)) == NULL) {
		pc_warnx("%s", err);
		pc_import_bail(im, PC_EXIT_REJECT);
	}
	if (pathways == NULL)
		pc_warnx("without -P, the patient's age and the diagnosis date "
		    "are not checked");
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
	free_rules(&r);
	pc_map_free(map);
	pc_vocab_free(vocab);
	return status;
}
