/*
 * latestread - reads a table through lib/latest.c, for tests/latest.bats.
 *
 *	latestread [-l] FILE KEY [NEW]
 *
 * Loads FILE keeping the latest row of each KEY (-l: lean, the rows that
 * can be left in the file are), then, when NEW is given, writes NEW's
 * bytes over FILE in place, as a job rewriting the table under a run
 * would, and prints each row: its line, a tab, its fields joined by '|'.
 * Exit 0; 4 when a row is no longer where it was (lib/latest.c says so).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parcours.h"

static void usage(void) __attribute__((__noreturn__));

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-l] FILE KEY [NEW]\n", getprogname());
	exit(PC_EXIT_USAGE);
}

/* NEW's bytes over FILE, the same file (inode) rewritten. */
static void
rewrite(const char *file, const char *new)
{
	char buf[8192];
	ssize_t n;
	int in, out;

	if ((in = open(new, O_RDONLY)) == -1 ||
	    (out = open(file, O_WRONLY | O_TRUNC)) == -1) {
		perror(new);
		exit(PC_EXIT_IO);
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			perror(file);
			exit(PC_EXIT_IO);
		}
	close(in);
	close(out);
}

int
main(int argc, char *argv[])
{
	struct pc_readopt ro = { 0 };
	struct pc_latest *l;
	struct pc_latest_cursor *c;
	const struct pc_field *f;
	unsigned long line;
	char err[512];
	size_t i, k;
	int ch, lean = 0;

	while ((ch = getopt(argc, argv, "l")) != -1)
		if (ch == 'l')
			lean = 1;
		else
			usage();
	argc -= optind;
	argv += optind;
	if (argc != 2 && argc != 3)
		usage();
	l = lean ? pc_latest_load_lean(argv[0], &ro, argv[1], err, sizeof err) :
	    pc_latest_load(argv[0], &ro, argv[1], err, sizeof err);
	if (l == NULL) {
		fprintf(stderr, "%s\n", err);
		return PC_EXIT_REJECT;
	}
	if (argc == 3)
		rewrite(argv[0], argv[2]);
	c = pc_latest_cursor(l);
	for (i = 0; i < pc_latest_nrows(l); i++) {
		f = pc_latest_read(c, i, &line);
		printf("%lu\t", line);
		for (k = 0; k < pc_latest_ncols(l); k++)
			printf("%s%.*s", k ? "|" : "", (int)f[k].len, f[k].s);
		putchar('\n');
	}
	pc_latest_cursor_free(c);
	pc_latest_free(l);
	return 0;
}
