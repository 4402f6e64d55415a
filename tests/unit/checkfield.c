/*
 * checkfield - drives the field validators and date functions of
 * libparcours from the command line, for tests/fields.bats.
 *
 *	checkfield TYPE VALUE		ok CANON | warn CANON: WHY | bad: WHY
 *	checkfield date-parse FORMAT VALUE
 *	checkfield nir-key 13CHARS
 *	checkfield luhn DIGITS
 *	checkfield age BIRTH AT
 *	checkfield today | now		(honour $SOURCE_DATE_EPOCH)
 *	checkfield word VOCABULARY VALUE	a word of share's vocabularies.csv
 *	checkfield words VOCABULARY VALUE	a |-list of them
 *
 * Exit 0 when valid, 1 when not, 2 on a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parcours.h"

static void usage(void) __attribute__((__noreturn__));

static void
usage(void)
{
	fprintf(stderr, "usage: %s TYPE VALUE\n"
	    "       %s date-parse FORMAT VALUE\n"
	    "       %s nir-key 13CHARS\n"
	    "       %s luhn DIGITS\n"
	    "       %s age BIRTH AT\n"
	    "       %s today | now\n"
	    "       %s word|words VOCABULARY VALUE\n", getprogname(),
	    getprogname(), getprogname(), getprogname(), getprogname(),
	    getprogname(), getprogname());
	exit(PC_EXIT_USAGE);
}

static int
typebyname(const char *name, enum pc_type *t)
{
	int i;

	for (i = PC_T_TEXT; i <= PC_T_PATHWAY_ID; i++)
		if (strcmp(name, pc_type_name((enum pc_type)i)) == 0) {
			*t = (enum pc_type)i;
			return 0;
		}
	return -1;
}

static int
dateparse(const char *fmt, const char *v, long *days)
{
	char why[160];

	if (pc_date_parse(v, strlen(v), fmt, days, why, sizeof why) == -1) {
		printf("bad: %s\n", why);
		return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct pc_buf out = { NULL, 0, 0 };
	enum pc_type t;
	char why[256], date[11], iso[21];
	long d1, d2;
	int k, r;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "word") == 0 || strcmp(argv[1], "words") == 0) {
		struct pc_vocab *v;

		if (argc != 4)
			usage();
		if ((v = pc_vocab_load(NULL, why, sizeof why)) == NULL) {
			fprintf(stderr, "%s: %s\n", getprogname(), why);
			return PC_EXIT_IO;
		}
		r = pc_vocab_check(v, argv[2], argv[1][4] == 's', argv[3],
		    strlen(argv[3]), &out, why, sizeof why);
		if (r == PC_CHECK_BAD)
			printf("bad: %s\n", why);
		else
			printf("ok %s\n", out.s);
		pc_vocab_free(v);
		pc_buf_free(&out);
		return r == PC_CHECK_BAD;
	}
	if (strcmp(argv[1], "date-parse") == 0) {
		if (argc != 4)
			usage();
		if (dateparse(argv[2], argv[3], &d1) == -1)
			return 1;
		pc_date_fmt(d1, date);
		printf("%s\n", date);
		return 0;
	}
	if (strcmp(argv[1], "nir-key") == 0) {
		if (argc != 3)
			usage();
		if ((k = pc_nir_key(argv[2])) == -1) {
			printf("bad\n");
			return 1;
		}
		printf("%02d\n", k);
		return 0;
	}
	if (strcmp(argv[1], "luhn") == 0) {
		if (argc != 3)
			usage();
		r = pc_luhn_ok(argv[2], strlen(argv[2]));
		printf("%s\n", r ? "ok" : "bad");
		return r ? 0 : 1;
	}
	if (strcmp(argv[1], "age") == 0) {
		if (argc != 4)
			usage();
		if (dateparse(NULL, argv[2], &d1) == -1 ||
		    dateparse(NULL, argv[3], &d2) == -1)
			return 1;
		printf("%d\n", pc_age(d1, d2));
		return 0;
	}
	if (strcmp(argv[1], "today") == 0 || strcmp(argv[1], "now") == 0) {
		if (argc != 2)
			usage();
		if (argv[1][0] == 't')
			pc_date_fmt(pc_today(), date);
		else
			pc_now_iso(iso);
		printf("%s\n", argv[1][0] == 't' ? date : iso);
		return 0;
	}
	if (argc != 3 || typebyname(argv[1], &t) == -1)
		usage();
	r = pc_check(t, argv[2], strlen(argv[2]), &out, why, sizeof why);
	switch (r) {
	case PC_CHECK_OK:
		printf("ok %s\n", out.s);
		break;
	case PC_CHECK_WARN:
		printf("warn %s: %s\n", out.s, why);
		break;
	default:
		printf("bad: %s\n", why);
		break;
	}
	pc_buf_free(&out);
	return r == PC_CHECK_BAD ? 1 : 0;
}
