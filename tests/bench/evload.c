/*
 * evload.c - the event table's loader alone, on the calling thread
 *
 *	evload [-n runs] events.csv
 *
 * Loads the table with pc_events_load (no other thread helps resolve its
 * pathway ids, as the calling thread of ald30-check or followup-due does
 * once its pathway table is read), frees it, and prints the events and
 * the median seconds of the loads.  The tools' wall time mixes the load
 * with the pathway table and the judging, on two threads, and moves with
 * the machine by more than a change to the loader is worth: this isolates
 * it, for old and new builds run in turn (BENCHMARKS.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "parcours.h"

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
bysecs(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	struct pc_events *e;
	char err[512];
	double *secs, t;
	size_t n = 0;
	int c, i, runs = 1;

	while ((c = getopt(argc, argv, "n:")) != -1)
		switch (c) {
		case 'n':
			runs = atoi(optarg);
			break;
		default:
			goto usage;
		}
	if (argc - optind != 1 || runs < 1 || runs > 1000)
		goto usage;
	secs = calloc((size_t)runs, sizeof *secs);
	if (secs == NULL)
		return 2;
	for (i = 0; i < runs; i++) {
		t = now();
		e = pc_events_load(argv[optind], NULL, NULL, err, sizeof err);
		secs[i] = now() - t;
		if (e == NULL) {
			fprintf(stderr, "evload: %s\n", err);
			return 1;
		}
		n = pc_events_count(e);
		pc_events_free(e);
	}
	qsort(secs, (size_t)runs, sizeof *secs, bysecs);
	printf("%zu events, median %.3f s of %d\n", n, secs[runs / 2], runs);
	free(secs);
	return 0;
usage:
	fprintf(stderr, "usage: evload [-n runs] events.csv\n");
	return 2;
}
