/*
 * fuzz_rules.c - libFuzzer target for the rule tables of the tools that
 * judge pathways: ald30-check's rule table (code ranges, durations by
 * decree date) and followup-due's schedule and cardiac tables.  Those
 * loaders live in the tools, so the tools are compiled in here with their
 * main() renamed (FUZZ_RULES_TOOL picks ald30 or followup; Makefile.inc
 * builds fuzz_rules_ald30 and fuzz_rules_followup).
 *
 * The input is the table, through a memfd.  A table either loads, and
 * then a few codes and dates are judged against it (ald30: the code rules
 * and the terms in force; followup: a rule chosen for a code and an age),
 * or fails with a message that names the file.  Either way everything is
 * freed (LeakSanitizer) and nothing exits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define main tool_main
#if FUZZ_RULES_TOOL == 1
#include "../../cmd/ald30-check.c"
#else
#include "../../cmd/followup-due.c"
#endif
#undef main

#include "memfile.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_rules: invariant failed: %s "	\
		    "(%s:%d)\n", #cond, __FILE__, __LINE__);		\
		abort();						\
	}								\
} while (0)

static const char *const codes[] = { "C50.9", "C00", "C97", "D00.0",
    "D09", "D37.1", "D48.9", "D49", "A00", "Z99.9", "C18.7", "C71.6" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	size_t i;

	if (memfd == -1)
		memfile_init("rules");
	memfile_set(data, size);
	err[0] = '\0';
#if FUZZ_RULES_TOOL == 1
	{
		struct run r;
		int k;

		memset(&r, 0, sizeof r);
		if (load_rules(&r, fdpath, err, sizeof err) == 0) {
			CHECK(r.ncodes > 0);
			for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
				(void)code_rule(&r, codes[i]);
			for (k = 0; k < NKINDS; k++) {
				const struct term *t;

				t = term_at(&r, k, pc_days(2026, 11, 23));
				CHECK(t != NULL);
				(void)add_term(pc_days(2024, 2, 29), t);
				t = term_at(&r, k, pc_days(1900, 1, 1));
				CHECK(t != NULL);
			}
		} else
			CHECK(strstr(err, "/proc/self/fd/") != NULL);
		free(r.codes);
		for (k = 0; k < NKINDS; k++)
			free(r.terms[k]);
	}
#else
	{
		struct run r;
		int e;

		memset(&r, 0, sizeof r);
		if (load_schedules(&r, fdpath, err, sizeof err) == 0) {
			for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
				(void)choose(&r, codes[i], 8, &e);
				(void)choose(&r, codes[i], 40, &e);
			}
		} else
			CHECK(err[0] != '\0');
		err[0] = '\0';
		if (load_cardiac(&r.card, fdpath, err, sizeof err) != 0)
			CHECK(err[0] != '\0');
		free_tables(&r);
	}
#endif
	return 0;
}
