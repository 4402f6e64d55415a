/*
 * csvfloor.c - the least a libcsv reader can do: the bench's floor
 *
 *	csvfloor [-d delim] [file]
 *
 * Parses the file with libcsv, 64 KiB at a time, with callbacks that only
 * count fields and rows, and prints the counts.  No decoding, no copy, no
 * check: whatever pathway-new does costs more than this, so its time over
 * csvfloor's is the price of the work it does on top of splitting.
 */
#define _POSIX_C_SOURCE 200809L

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct counts {
	unsigned long	fields, rows;
	size_t		bytes;		/* of field content: the data is read */
};

static void
on_field(void *s, size_t len, void *data)
{
	struct counts *c = data;

	(void)s;
	c->fields++;
	c->bytes += len;
}

static void
on_row(int term, void *data)
{
	struct counts *c = data;

	(void)term;
	c->rows++;
}

int
main(int argc, char *argv[])
{
	static char buf[1 << 16];
	struct csv_parser p;
	struct counts c = { 0, 0, 0 };
	unsigned char delim = ',';
	int fd = 0, ch;
	ssize_t n;

	while ((ch = getopt(argc, argv, "d:")) != -1) {
		if (ch != 'd' || strlen(optarg) != 1) {
			fprintf(stderr, "usage: csvfloor [-d delim] [file]\n");
			return 2;
		}
		delim = (unsigned char)optarg[0];
	}
	if (optind < argc && (fd = open(argv[optind], O_RDONLY)) == -1) {
		fprintf(stderr, "csvfloor: %s: %s\n", argv[optind],
		    strerror(errno));
		return 1;
	}
	if (csv_init(&p, 0) != 0)
		return 1;
	csv_set_delim(&p, delim);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (csv_parse(&p, buf, (size_t)n, on_field, on_row, &c) !=
		    (size_t)n) {
			fprintf(stderr, "csvfloor: %s\n",
			    csv_strerror(csv_error(&p)));
			return 1;
		}
	if (n == -1) {
		perror("csvfloor: read");
		return 1;
	}
	csv_fini(&p, on_field, on_row, &c);
	csv_free(&p);
	printf("%lu rows, %lu fields, %zu bytes of fields\n", c.rows,
	    c.fields, c.bytes);
	return 0;
}
