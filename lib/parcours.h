/*
 * parcours.h - libparcours: the record formats of the parcours toolchain.
 *
 * One header, one prefix (pc_).  Declarations are grouped by the file that
 * defines them.  Every tool reads and writes records through these calls so
 * that a format rule (BOM, line numbers, quoting, a field type) is decided
 * once, here.
 */
#ifndef PARCOURS_H
#define PARCOURS_H

#include <sys/types.h>

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PC_VERSION "0.1.0"

#define PC_DIGEST	16	/* bytes of a row digest (idset.c, ident.c) */

#ifndef PC_SHAREDIR
#define PC_SHAREDIR "/usr/local/share/parcours"
#endif

/* Exit statuses shared by every tool (parcours(7)). */
enum {
	PC_EXIT_OK = 0,		/* done */
	PC_EXIT_FOUND = 1,	/* the check found something (like grep) */
	PC_EXIT_USAGE = 2,	/* bad options or operands */
	PC_EXIT_REJECT = 3,	/* rows (or a whole input) rejected */
	PC_EXIT_IO = 4		/* system or I/O error, full disk included */
};

/* ---- buf.c: growable byte buffers ------------------------------------ */

struct pc_buf {
	char	*s;		/* always NUL-terminated when cap > 0 */
	size_t	 len;
	size_t	 cap;
};

void	 pc_buf_grow(struct pc_buf *, size_t extra);
void	 pc_buf_adds(struct pc_buf *, const char *);
void	 pc_buf_free(struct pc_buf *);

/*
 * x in decimal at the end of buf, which it returns the start of: a
 * number a row, where snprintf's parsing of its format showed.
 */
#define PC_LTOA_SZ	24
const char *pc_ltoa(long x, char buf[PC_LTOA_SZ]);

/*
 * Inline: every byte of every field goes through these, and the room is
 * nearly always there already.
 */
static inline void
pc_buf_reserve(struct pc_buf *b, size_t extra)
{
	if (b->cap == 0 || extra >= b->cap - b->len)
		pc_buf_grow(b, extra);
}

static inline void
pc_buf_add(struct pc_buf *b, const void *p, size_t n)
{
	pc_buf_reserve(b, n);
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static inline void
pc_buf_addc(struct pc_buf *b, int c)
{
	pc_buf_reserve(b, 1);
	b->s[b->len++] = (char)c;
	b->s[b->len] = '\0';
}

static inline void
pc_buf_set(struct pc_buf *b, const void *p, size_t n)
{
	b->len = 0;
	pc_buf_add(b, p, n);
}

static inline void
pc_buf_clear(struct pc_buf *b)
{
	b->len = 0;
	pc_buf_reserve(b, 0);	/* b->s is a string from here on */
	b->s[0] = '\0';
}

/*
 * Whether the 8 bytes of w (as memcpy read them, in either byte order) are
 * all ASCII digits: fixed-width numbers (dates, NIRs) are checked a word
 * at a time, where a byte at a time showed in the import's profile.  Each
 * byte's high nibble is 3, and adding 6 carries none out of it (0x3A-0x3F
 * would); a byte of 0x30-0x3F plus 6 stays below 0x46, so no carry
 * crosses into the next byte.
 */
static inline int
pc_digits8(uint64_t w)
{
	const uint64_t hi = 0xF0F0F0F0F0F0F0F0ull, d0 = 0x3030303030303030ull;

	return (w & hi) == d0 && ((w + 0x0606060606060606ull) & hi) == d0;
}

/* The same, but for the bytes where skip is 0xFF (separators, letters). */
static inline int
pc_digits8_but(uint64_t w, uint64_t skip)
{
	return pc_digits8((w & ~skip) | (skip & 0x3030303030303030ull));
}

/* The little-endian 64-bit word at p (the hashes' message words). */
static inline uint64_t
pc_load64le(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/*
 * n bytes of s to d, for the short values of a row (most under 16 bytes):
 * a word or two that overlap instead of a call to memcpy each, which
 * showed in the import's profile, and nothing read or written outside
 * the n bytes.
 */
static inline void
pc_copy_small(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	uint64_t w;
	uint32_t a, b;
	size_t i;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&w, s + i, sizeof w);
			memcpy(d + i, &w, sizeof w);
		}
		memcpy(&w, s + n - 8, sizeof w);
		memcpy(d + n - 8, &w, sizeof w);
	} else if (n >= 4) {
		memcpy(&a, s, sizeof a);
		memcpy(&b, s + n - 4, sizeof b);
		memcpy(d, &a, sizeof a);
		memcpy(d + n - 4, &b, sizeof b);
	} else if (n > 0) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}

/* ---- hash.c: the in-memory tables' hash (never 0) --------------------- */

uint64_t pc_hash(const char *, size_t);
/* A checksum of a long string, in four lanes side by side (hash.c). */
uint64_t pc_sum(const char *, size_t);

/* ---- arena.c: pieces freed all at once -------------------------------- */

struct pc_arena_block;
struct pc_arena {
	struct pc_arena_block	*blocks;	/* { NULL }: empty */
};

void	*pc_arena_alloc(struct pc_arena *, size_t n, size_t align);
void	 pc_arena_free(struct pc_arena *);
/* n zeroed elements; from 2 MiB on, on huge pages where the kernel can. */
void	*pc_table_alloc(size_t n, size_t size);
void	*pc_table_grow(void *, size_t oldn, size_t newn, size_t size);
void	 pc_table_free(void *, size_t n, size_t size);

void	*pc_xmalloc(size_t);
void	*pc_xcalloc(size_t, size_t);
#define PC_LINES	128	/* what pc_xcalloc_lines aligns to */
void	*pc_xcalloc_lines(size_t, size_t);
void	*pc_xreallocarray(void *, size_t, size_t);
char	*pc_xstrdup(const char *);

/* ---- diag.c: diagnostics ---------------------------------------------- */

/*
 * Every message goes to stderr as "prog: ..." (getprogname(3)).  Values
 * from the data are shown through pc_vis(), never raw: a field may hold
 * terminal escapes.  pc_mask() shows an identifier's last characters only.
 */
extern int pc_verbose;

void	 pc_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 pc_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Until called again with NULL, the calling thread's pc_warnx and pc_warn
 * append their lines to b instead of writing them to stderr.
 */
void	 pc_warn_hold(struct pc_buf *b);
void	 pc_vis(struct pc_buf *out, const char *s, size_t n, size_t max);
void	 pc_mask(struct pc_buf *out, const char *s, size_t n, size_t keep);
/* "file:line" or "file:line (record N)" when the record number differs. */
void	 pc_where(struct pc_buf *out, const char *file, unsigned long line,
	    unsigned long record);

/* ---- encoding.c: input encodings -------------------------------------- */

enum pc_enc {
	PC_ENC_UTF8,
	PC_ENC_CP1252,
	PC_ENC_LATIN1,
	PC_ENC_LATIN9
};

/* "utf-8", "cp1252", "latin1", "latin9" and their usual aliases. */
int	 pc_enc_parse(const char *, enum pc_enc *);
const char *pc_enc_name(enum pc_enc);

/*
 * A single-byte decoder: its table is built once from iconv(3), so the
 * bytes are converted per buffer, not per call.  Bytes iconv leaves
 * undefined in cp1252 (0x81 0x8D 0x8F 0x90 0x9D) map to the C1 control of
 * the same value, as the WHATWG Encoding Standard does; the field checks
 * then refuse them where a control character cannot stand.
 */
struct pc_decoder {
	enum pc_enc	 enc;
	unsigned char	 len[256];	/* UTF-8 length of each byte's image */
	unsigned char	 seq[256][4];	/* that image */
};

int	 pc_decoder_init(struct pc_decoder *, enum pc_enc);
/* Appends the UTF-8 image of in[0..n) to out. */
void	 pc_decode(const struct pc_decoder *, const void *in, size_t n,
	    struct pc_buf *out);
/* Offset of the first byte that is not well-formed UTF-8, or n. */
size_t	 pc_utf8_invalid(const char *, size_t n);

/* ---- reader.c: CSV and TSV records over libcsv ------------------------ */

struct pc_field {
	const char	*s;	/* NUL-terminated */
	size_t		 len;
};

enum pc_rowerr {
	PC_ROW_OK,
	PC_ROW_RAGGED,		/* field count differs from the header's */
	PC_ROW_QUOTE,		/* stray or unterminated quote */
	PC_ROW_UTF8,		/* not UTF-8 after decoding */
	PC_ROW_TOOBIG		/* longer than the record limit */
};

struct pc_row {
	struct pc_field	*f;
	size_t		 nf;
	unsigned long	 line;		/* physical line where it starts */
	unsigned long	 endline;	/* physical line where it ends */
	unsigned long	 record;	/* 1 is the header */
	enum pc_rowerr	 err;
	char		 why[160];	/* why err, for the reject stream */
	size_t		 errfield;	/* field of a PC_ROW_UTF8 error */
	/*
	 * Where the row's bytes are in a regular file, when they are its
	 * fields as they stand (one line, no quote, UTF-8), cut at each
	 * delimiter: atlen bytes, the line end not counted.  -1: elsewise.
	 */
	off_t		 at;
	size_t		 atlen;
};

struct pc_readopt {
	int		 delim;		/* 0: tab for *.tsv, else ',' */
	enum pc_enc	 enc;
	unsigned	 skip;		/* lines before the header */
	size_t		 maxrecord;	/* 0: PC_MAXRECORD */
};

#define PC_MAXRECORD	(8u << 20)

/*
 * The errno of the last system call that failed while reading (open,
 * read): 0 since pc_reader_open when the trouble, if any, was the data's.
 * A tool tells a system error (status 4) from a rejected input (3) by it.
 */
extern _Thread_local int pc_syserr;

struct pc_reader;

/*
 * Opens path ("-" or NULL: stdin) and reads its header.  On failure
 * returns NULL and puts the message, with file and line, in err.
 */
struct pc_reader *pc_reader_open(const char *path, const struct pc_readopt *,
	    char *err, size_t errsz);
/*
 * 1: a row; 0: end of input; -1: read error (message in err).  The row and
 * its fields belong to the reader until the next call (they may point
 * into its input buffer): copy what must outlive it.
 */
int	 pc_reader_next(struct pc_reader *, struct pc_row **, char *err,
	    size_t errsz);
void	 pc_reader_close(struct pc_reader *);
const char *pc_reader_name(const struct pc_reader *);
/*
 * Up to n bytes of fd at offset at, fewer only at the end of the file:
 * the count, or -1 with errno (io.c).
 */
ssize_t	 pc_pread_upto(int fd, void *, size_t n, off_t at);
/*
 * About how many lines a regular file holds, from samples of it; 0 if it
 * is not one (io.c).  A hint for sizing tables, never a count: at most
 * 2^24.
 */
size_t	 pc_rows_guess_fd(int fd);
size_t	 pc_rows_guess(const char *path);
/* The delimiter in use (the option's, else the file name's). */
int	 pc_reader_delim(const struct pc_reader *);
/* A descriptor of the input to pread rows again from (pc_row.at), or -1. */
int	 pc_reader_dupfd(const struct pc_reader *);
size_t	 pc_reader_ncols(const struct pc_reader *);
const char *pc_reader_colname(const struct pc_reader *, size_t);
/* Column index by header name, or -1. */
long	 pc_reader_col(const struct pc_reader *, const char *);
unsigned long pc_reader_lines(const struct pc_reader *);
/* Delimiter from a name: ",", ";", "tab", "pipe" (and the characters). */
int	 pc_delim_parse(const char *, int *);

/* ---- reader.c: the fast path's switch ---------------------------------- */

/*
 * 1 (the default): lines without a quote are split without libcsv; 0:
 * every line goes through libcsv.  For tests/fuzz/fuzz_reader.c, which
 * holds the two to the same rows.
 */
extern int pc_reader_fastpath;

/* ---- writer.c: CSV and TSV output, atomic replace, locked append ------- */

enum pc_outmode {
	PC_OUT_STDOUT,		/* stdout */
	PC_OUT_REPLACE,		/* -o: temporary file, fsync, rename */
	PC_OUT_APPEND		/* -a: exclusive lock, header checked */
};

struct pc_writer;

/*
 * Opens the destination and, for PC_OUT_APPEND, takes its lock, checks
 * its header against cols (refusing a different one) and writes the
 * header only to an empty file.  Files are created mode 0600.
 * Returns NULL with the message in err; *status is the exit status.
 */
struct pc_writer *pc_writer_open(const char *path, enum pc_outmode, int delim,
	    const char *const *cols, size_t ncols, char *err, size_t errsz,
	    int *status);
int	 pc_writer_row(struct pc_writer *, const struct pc_field *, size_t);
/* Like pc_writer_row for NUL-terminated strings. */
int	 pc_writer_rowv(struct pc_writer *, const char *const *, size_t);
/* Whole lines formatted by pc_csv_format_row. */
int	 pc_writer_raw(struct pc_writer *, const char *, size_t);
/*
 * A row as pc_writer_rowv writes it (delim, --safe-csv), into a buffer;
 * len, if not NULL, has the values' lengths.
 */
void	 pc_csv_format_row(struct pc_buf *, const char *const *,
	    const size_t *len, size_t n, int delim, int safe);
/*
 * The digest of a row's given (not derived) cells of table t as that row
 * would be written (delim, safe): rows that would be written the same are
 * repeats.  They are formatted on the end of b, which is cut back after.
 */
struct pc_table;
void	 pc_given_digest(const struct pc_table *t, const char *const *v,
	    const size_t *len, int delim, int safe, struct pc_buf *b,
	    unsigned char out[PC_DIGEST]);
/* The same from fields, as pc_writer_row writes them. */
void	 pc_csv_format_fields(struct pc_buf *, const struct pc_field *,
	    size_t n, int delim, int safe);
/* Cells that go on a row already begun, each after a delimiter; its end. */
void	 pc_csv_format_more(struct pc_buf *, const struct pc_field *,
	    size_t n, int delim, int safe);
/*
 * --safe-csv: cells a spreadsheet would run as formulas are made text.
 * PC_OPT_SAFE_CSV is its getopt_long value in every tool.
 */
#define PC_OPT_SAFE_CSV	0x100
#define PC_OPT_PSEUDONYMIZE 0x101	/* --pseudonymize keyfile */
void	 pc_writer_safe_csv(struct pc_writer *, int on);
/* commit != 0: flush, fsync, rename; 0: drop a temporary file. */
int	 pc_writer_close(struct pc_writer *, int commit, char *err,
	    size_t errsz);
const char *pc_writer_name(const struct pc_writer *);
/* Quote a field for delim when it needs it (RFC 4180). */
void	 pc_csv_quote(struct pc_buf *, const char *, size_t, int delim);

/* ---- date.c: calendar dates ----------------------------------------- */

/* Days since 1970-01-01 (proleptic Gregorian); valid for years 1-9999. */
long	 pc_days(int y, int m, int d);
void	 pc_civil(long days, int *y, int *m, int *d);
int	 pc_date_valid(int y, int m, int d);
/*
 * Parses s[0..n) with fmt (%d %m %Y %H %M %S and literal characters;
 * NULL: "%Y-%m-%d") into days.  0 or -1 with the reason in why.
 */
int	 pc_date_parse(const char *s, size_t n, const char *fmt, long *days,
	    char *why, size_t whysz);
/* A NUL-ended YYYY-MM-DD (an option's value, a cell) into days. */
int	 pc_date_read(const char *s, long *days);
/*
 * The day of a date pc_check already wrote YYYY-MM-DD, its range not
 * checked again; PC_NODATE if it is not of that shape.  ymd, if not NULL,
 * gets its year, month and day as read.
 */
long	 pc_date_canon_days(const char *iso, int ymd[3]);
/* The same as pc_date_parse, the date written YYYY-MM-DD into iso. */
int	 pc_date_parse_iso(const char *s, size_t n, const char *fmt,
	    char iso[11], char *why, size_t whysz);
/* "YYYY-MM-DD" into buf (11 bytes). */
void	 pc_date_fmt(long days, char buf[11]);
/* Today (UTC), or the day of $SOURCE_DATE_EPOCH when it is set. */
long	 pc_today(void);
/* Now as "YYYY-MM-DDTHH:MM:SSZ" (honours $SOURCE_DATE_EPOCH). */
void	 pc_now_iso(char buf[21]);
/* Whole years of age at a date. */
int	 pc_age(long birth, long at);
/* months later, the day kept or else the month's last; whole months. */
long	 pc_add_months(long day, long months);
long	 pc_months_between(long a, long b);

/* ---- field.c: field types, one validator each -------------------------- */

enum pc_type {
	PC_T_TEXT,		/* free text: no control character but TAB, LF */
	PC_T_LINE,		/* one line of text: no control character */
	PC_T_NAME,		/* a person's name: letters, space, ' - . */
	PC_T_CODE,		/* an identifier: [A-Za-z0-9._/-], no space */
	PC_T_DATE,		/* YYYY-MM-DD */
	PC_T_DATETIME,		/* YYYY-MM-DDTHH:MM:SSZ */
	PC_T_INS,		/* NIR or NIA with its key */
	PC_T_SEX,		/* M or F */
	PC_T_ICD10,		/* CIM-10 in its FR PMSI forms */
	PC_T_ICDO_TOPO,		/* ICD-O-3 topography C00.0-C80.9 */
	PC_T_ICDO_MORPH,	/* ICD-O-3 morphology 8000/0-9993/9 */
	PC_T_FINESS,		/* 9 characters, Luhn key */
	PC_T_RPPS,		/* 11 digits, Luhn key */
	PC_T_PHONE,		/* French or international telephone number */
	PC_T_EMAIL,		/* addr-spec */
	PC_T_CONTACT,		/* a phone number or an e-mail address */
	PC_T_PATHWAY_ID,	/* as pc_pathway_id() makes it */
	PC_T_WORD,		/* a word of the column's vocabulary */
	PC_T_WORDS		/* a |-list of distinct words of it */
};

enum {
	PC_CHECK_OK = 0,	/* valid; out holds the canonical form */
	PC_CHECK_WARN = 1,	/* valid, but why says what to look at */
	PC_CHECK_BAD = -1	/* invalid; why says why */
};

/*
 * Checks s[0..n) as type t.  Surrounding spaces are dropped; out receives
 * the canonical form (ICD-10 "C50.9", NIR without spaces and upper-case,
 * ...).  why receives a message that never quotes the value of an
 * identifying type (PC_T_INS, PC_T_NAME): pc_type_identifying().
 */
int	 pc_check(enum pc_type t, const char *s, size_t n, struct pc_buf *out,
	    char *why, size_t whysz);
/*
 * The same for a value known to be UTF-8 (decoded by the reader) and with
 * no blank (space, tab) at either end (trimmed by the import).
 */
int	 pc_check_decoded(enum pc_type t, const char *s, size_t n,
	    struct pc_buf *out, char *why, size_t whysz);
int	 pc_type_identifying(enum pc_type);
const char *pc_type_name(enum pc_type);

/*
 * The parts of a NIR that passed its check (canonical: its key is not
 * checked again), for the checks across fields.
 */
struct pc_nir {
	int	sex;		/* 1 2 3 4 7 8 */
	int	yy;		/* two-digit year of birth */
	int	mm;		/* month, or 20, 30-42, 50-99 when unknown */
	char	dept[3];	/* "75", "2A", "97" ... */
};
int	 pc_nir_parse(const char *canon, struct pc_nir *);
/* The key of 13 characters (2A -> 19, 2B -> 18), or -1. */
int	 pc_nir_key(const char *s13);
/* Luhn over n digits: 1 if the last digit is the key. */
int	 pc_luhn_ok(const char *digits, size_t n);

/* ---- vocab.c: controlled vocabularies (share/parcours) ------------------ */

struct pc_vocab;

/* $PARCOURS_SHARE/name, else PC_SHAREDIR/name; -1 if it does not fit. */
int	 pc_share_path(const char *name, char *buf, size_t bufsz);
/* The same, allocated; exits (status 2) when the name is too long. */
char	*pc_share_file(const char *name);
/* path NULL: vocabularies.csv of the share directory. */
struct pc_vocab *pc_vocab_load(const char *path, char *err, size_t errsz);
void	 pc_vocab_free(struct pc_vocab *);
/*
 * A word of vocab (case-insensitive in, as listed out), or with list a
 * |-list of distinct words; PC_CHECK_OK or PC_CHECK_BAD with why.
 */
int	 pc_vocab_check(const struct pc_vocab *, const char *vocab, int list,
	    const char *s, size_t n, struct pc_buf *out, char *why,
	    size_t whysz);
/* The label of a word in "fr" or "en", or NULL. */
const char *pc_vocab_label(const struct pc_vocab *, const char *vocab,
	    const char *word, const char *lang);

/* ---- schema.c: the three record tables ------------------------------- */

enum {
	PC_COL_REQUIRED = 1,	/* must be present and non-empty */
	PC_COL_DERIVED = 2,	/* computed by the tool, never read */
	PC_COL_DATE = 4,	/* converted by the map's date formats */
	PC_COL_PERSONAL = 8	/* identifies a person: never shown */
};

struct pc_column {
	const char	*name;
	enum pc_type	 type;
	unsigned	 flags;
	const char	*vocab;		/* PC_T_WORD, PC_T_WORDS */
};

struct pc_table {
	const char		*name;
	const struct pc_column	*cols;
	size_t			 ncols;
};

extern const struct pc_table pc_pathway_table;
extern const struct pc_table pc_rcp_table;
extern const struct pc_table pc_event_table;

long	 pc_table_col(const struct pc_table *, const char *);
const char **pc_table_names(const struct pc_table *);
/*
 * Checks a value of a column: its vocabulary for PC_T_WORD and PC_T_WORDS
 * (vocab may be NULL for a table that has none), else pc_check(), or
 * pc_check_decoded() when decoded says the value is known to be UTF-8
 * and trimmed.
 */
int	 pc_check_column(const struct pc_column *, const struct pc_vocab *,
	    const char *s, size_t n, struct pc_buf *out, char *why,
	    size_t whysz, int decoded);

/* ---- map.c: import maps (parcours(5)) --------------------------------- */

struct pc_map;

/*
 * NULL with "file:line: message" in err.  A bare name that is not a file
 * here ("dpi-cp1252") is looked for in $PARCOURS_SHARE, else PC_SHAREDIR.
 */
struct pc_map *pc_map_load(const char *path, const struct pc_table *,
	    char *err, size_t errsz);
void	 pc_map_free(struct pc_map *);
/* Another map of the same text, for another thread. */
struct pc_map *pc_map_dup(const struct pc_map *);
/* Directives the map set, for pc_readopt; 0/-1 when it did not. */
int	 pc_map_delim(const struct pc_map *);
int	 pc_map_enc(const struct pc_map *, enum pc_enc *);
unsigned pc_map_skip(const struct pc_map *);
/* The source header of a table column, or NULL. */
const char *pc_map_source(const struct pc_map *, size_t col);
/* A constant from a "set" directive, or NULL. */
const char *pc_map_constant(const struct pc_map *, size_t col);
/*
 * Applies the rewrites of a column to v in place, then, for a date
 * column, its date formats: v becomes YYYY-MM-DD.  0, or -1 with why.
 */
int	 pc_map_value(const struct pc_map *, size_t col, struct pc_buf *v,
	    char *why, size_t whysz);
/* Whether pc_map_value can change a value of col: 0 when it never does. */
int	 pc_map_changes(const struct pc_map *, size_t col);

/* ---- ident.c: the site key and derived identifiers --------------------- */

struct pc_key {
	unsigned char	k[32];
	char		fpr[5];		/* 4 hex digits, shown in ids */
	int		idready;	/* idstate holds the key's block */
	uint64_t	idstate[8];	/* pc_blake2b_keyblock, for the ids */
};

/*
 * Loads the site key from path, or from $PARCOURS_KEY when path is NULL.
 * The file holds at least 32 bytes of secret; the key is their BLAKE2b
 * digest.  -1 with the message in err.
 */
int	 pc_key_load(const char *path, struct pc_key *, char *err,
	    size_t errsz);
/*
 * pathway_id: "ffff-" and 20 hex digits of a keyed BLAKE2b over the
 * canonical INS, the ICD-10 category and the diagnosis date.  Without the
 * key nobody can go back from the id to the NIR, even by enumeration.
 */
void	 pc_pathway_id(const struct pc_key *, const char *ins,
	    const char *icd10, const char *diagnosis_date, char out[26]);
/*
 * rcp_id: "rcp-" and 20 hex digits of an unkeyed BLAKE2b over the
 * pathway, the meeting date, its kind and the motive.
 */
void	 pc_rcp_id(const char *pathway_id, const char *meeting_date,
	    const char *meeting_kind, const char *motive, char out[25]);
/*
 * A digest of n bytes, keyed at random once a process: of a row's cells
 * as written (pc_given_digest), to tell a repeat from a correction.
 */
void	 pc_bytes_digest(const void *s, size_t n, unsigned char out[PC_DIGEST]);
/* The same of n messages: out[i] for msg[i] of len[i] bytes. */
void	 pc_bytes_digest_many(const unsigned char *const *msg,
	    const size_t *len, size_t n, unsigned char (*out)[PC_DIGEST]);

/* ---- siphash.c: SipHash-2-4, 128 bits out, of many messages --------- */

/*
 * libsodium's crypto_shorthash_siphashx24 of each msg[i] into out[i],
 * eight at a time in the lanes of a vector.
 */
void	 pc_siphashx24_many(const unsigned char *const *msg, const size_t *len,
	    size_t n, const unsigned char key[16], unsigned char (*out)[16]);
/* 1 when the CPU runs those eight lanes faster than one by one. */
int	 pc_siphashx24_lanes_fast(void);

/* ---- pseudo.c: --pseudonymize ------------------------------------------ */

#define PC_PSEUDO_LEN	36	/* "ps-", 32 hex digits, NUL */

/* 1 when the column is a direct identifier of the patient. */
int	 pc_pseudo_direct(const char *col);
/*
 * The keyed pseudonym of a column's value, into out; an empty value, or
 * one that is already a pseudonym, is copied as it is.  Returns out.
 */
const char *pc_pseudonym(const struct pc_key *, const char *col,
	    const char *s, size_t n, char out[PC_PSEUDO_LEN]);

/* ---- blake2b.c: the pathway id's keyed hash, a block less a row -------- */

#define PC_BLAKE2B_BLOCK	128

void	 pc_blake2b_keyblock(uint64_t h[8], const unsigned char *key,
	    size_t keylen, size_t outlen);
void	 pc_blake2b_last(const uint64_t kh[8], const unsigned char *msg,
	    size_t len, unsigned char *out, size_t outlen);

/* ---- idset.c: identifiers and a digest of their content ---------------- */

struct pc_idset;

struct pc_idset *pc_idset_new(void);
/*
 * 1: a new id; 0: known with this digest (a repeat); 2: known with other
 * digests only (a correction), now known with this one too.
 */
int	 pc_idset_put(struct pc_idset *, const char *, size_t,
	    const unsigned char *digest);
void	 pc_idset_prefetch(const struct pc_idset *, const char *, size_t);
/* The same with the id's pc_hash computed beforehand. */
int	 pc_idset_put_hash(struct pc_idset *, uint64_t h,
	    const unsigned char *digest);
void	 pc_idset_prefetch_hash(const struct pc_idset *, uint64_t h);
/*
 * The hash to put (id, digest) under with pc_idset_put_hash when an id
 * has many digests and only repeats matter (idset.c says why).
 */
uint64_t pc_idset_pair_hash(const char *, size_t, const unsigned char *);
void	 pc_idset_reserve(struct pc_idset *, size_t n);
/* The table a set of n entries takes once reserved, in bytes. */
size_t	 pc_idset_bytes(size_t n);
/* Bytes an entry takes: the id's 64-bit hash and the digest. */
#define PC_IDSET_ENTRY	(8 + PC_DIGEST)
size_t	 pc_idset_count(const struct pc_idset *);
void	 pc_idset_walk(const struct pc_idset *,
	    void (*)(uint64_t, const unsigned char *, void *), void *);
/* Empty again, and as small as pc_idset_new made it. */
void	 pc_idset_clear(struct pc_idset *);
/* Empty again, as large as it was. */
void	 pc_idset_empty(struct pc_idset *);
void	 pc_idset_free(struct pc_idset *);

/* ---- import.c: the input side of every record-making tool -------------- */

#define PC_MAXCOLS	32

/* Where each column's value comes from: an input column or a constant. */
struct pc_binding {
	long		 src[PC_MAXCOLS];
	const char	*constant[PC_MAXCOLS];
};

struct pc_import {
	const struct pc_table	*t;	/* the columns read */
	struct pc_map		*map;
	const struct pc_vocab	*vocab;
	struct pc_writer	*out;
	struct pc_writer	*rej;
	const char		*rejpath;
	char			**rejcols;
	size_t			 nrejcols;
	int			 delim_out;
	int			 verbose;
	int			 safe_csv;	/* the reject stream too */
	unsigned long		 nread, nwritten, nskipped, nrejected;
	unsigned long		 ncorrected;
	int			 status;
	int			 refused;	/* an input not read whole */
	/* the row at hand */
	const char		*file;		/* NULL for operands */
	unsigned long		 line, record;
	struct pc_buf		 canon[PC_MAXCOLS];
	int			 ok[PC_MAXCOLS];
	int			 empty[PC_MAXCOLS];	/* given no value */
	struct pc_buf		 reasons;
	struct pc_buf		 val, msg;
	unsigned char		 mapchg[PC_MAXCOLS];	/* pc_map_changes */
	int			 defer;	/* warnings into warns, not stderr */
	struct pc_buf		 warns;	/* lines, each ending in \n */
	struct pc_buf		 later;	/* pc_import_digest_later's */
	struct pc_buf		 latermem;	/* pc_import_digests' arrays */
};

typedef void (*pc_import_fn)(struct pc_import *, const struct pc_binding *,
	    const struct pc_field *, size_t, void *);

void	 pc_import_init(struct pc_import *, const struct pc_table *,
	    struct pc_map *, const struct pc_vocab *);
/* Reads one input (path NULL: stdin), calling fn for each readable row. */
void	 pc_import_file(struct pc_import *, const char *path,
	    const struct pc_readopt *, pc_import_fn, void *);
/* One row from field=value operands. */
void	 pc_import_operands(struct pc_import *, int argc, char **argv,
	    pc_import_fn, void *);
int	 pc_import_is_assignment(const struct pc_table *, const char *);
/* Values through the map and the checks; -1 when the row has reasons. */
int	 pc_import_values(struct pc_import *, const struct pc_binding *,
	    const struct pc_field *, size_t);
const char *pc_import_canon(const struct pc_import *, const char *col);
int	 pc_import_ok(const struct pc_import *, const char *col);
/* The same by the column's number, for the values read at every row. */
static inline const char *
pc_import_canon_at(const struct pc_import *im, size_t c)
{
	return im->canon[c].s != NULL ? im->canon[c].s : "";
}
/*
 * From a check (pc_check_fn): the digest (pc_bytes_digest) of the n bytes
 * at from in its result, to be written at to in that result once the
 * batch's rows are checked, since eight digests at a time cost less than
 * eight one by one.  The rows of a batch never move until then; a row
 * that gets a reason loses its digests.
 */
void	 pc_import_digest_later(struct pc_import *, size_t from, size_t n,
	    size_t to);
/* Takes them, in res (pipeline.c). */
void	 pc_import_digests(struct pc_import *, struct pc_buf *res);
/* 1 when the row gave col no value (as opposed to a bad one). */
int	 pc_import_empty(const struct pc_import *, const char *col);
void	 pc_import_reason(struct pc_import *, const char *col, const char *);
void	 pc_import_reject(struct pc_import *, const struct pc_field *, size_t);
void	 pc_import_write(struct pc_import *, const char *const *, size_t);
void	 pc_import_write_raw(struct pc_import *, const char *, size_t);
void	 pc_import_status(struct pc_import *, int);
/* The parts of pc_import_file, for pc_import_file_mt. */
struct pc_reader *pc_import_open(struct pc_import *, const char *path,
	    const struct pc_readopt *, struct pc_binding *);
void	 pc_import_unreadable(struct pc_import *, struct pc_reader *,
	    enum pc_rowerr, size_t errfield, const char *why,
	    const struct pc_field *, size_t);
void	 pc_import_close(struct pc_import *, struct pc_reader *, int rc,
	    const char *err);
void	 pc_import_free_row(struct pc_import *);
void	 pc_import_bail(struct pc_import *, int) __attribute__((noreturn));
int	 pc_import_finish(struct pc_import *, int replacing,
	    const char *outpath);

/* ---- pipeline.c: an import on several threads ------------------------- */

/*
 * check runs on any thread with a pc_import of that thread's own (its
 * map, canon, reasons): it takes the row through pc_import_values and the
 * tool's checks and, for a row without reasons, appends to res what
 * commit needs.  commit runs on the calling thread, one row at a time in
 * input order, with the import itself.  When seen is not NULL, res begins
 * with the uint64_t hash commit will put the row under in seen, whose slot
 * is asked for a few rows ahead: past a few hundred thousand rows each put
 * is a cache miss.
 */
typedef void (*pc_check_fn)(struct pc_import *, const struct pc_binding *,
	    const struct pc_field *, size_t, void *, struct pc_buf *res);
typedef void (*pc_commit_fn)(struct pc_import *, const char *res,
	    size_t len, void *);

/* PARCOURS_THREADS, or the processors online (at most 8); 1 at the least. */
int	 pc_threads(void);
/* pthread_mutex_lock, or exit 4 with why: a run cannot go on unlocked. */
void	 pc_mutex_lock(pthread_mutex_t *);
struct pc_repeats;

/*
 * pc_import_file on pc_threads() threads: output, rejects, messages and
 * counts the same as on one.
 */
void	 pc_import_file_mt(struct pc_import *, const char *path,
	    const struct pc_readopt *, pc_check_fn, pc_commit_fn,
	    const struct pc_repeats *seen, void *);
/* pc_import_operands through the same check and commit, on this thread. */
void	 pc_import_operands_by(struct pc_import *, int argc, char **argv,
	    pc_check_fn, pc_commit_fn, void *);

/* ---- repeats.c: rows recorded before, in memory of a fixed size ------- */

struct pc_repeats;

/* What becomes of a row that is not a repeat: written, by default. */
typedef void (*pc_repeats_fn)(struct pc_import *, const char *row,
	    size_t len, void *);

/*
 * The rows an import writes, less its repeats.  corrections: count the
 * rows put under a known hash with a new digest in im->ncorrected.  emit
 * (NULL: pc_import_write_raw) gets each row that is not a repeat, in input
 * order.  Reads PARCOURS_REPEAT_MEMORY (exits on a bad value): call it
 * before any output.
 */
struct pc_repeats *pc_repeats_new(struct pc_import *, int corrections,
	    pc_repeats_fn emit, void *);
/* About n pairs to come (from the inputs' size). */
void	 pc_repeats_reserve(struct pc_repeats *, size_t n);
/* A pair recorded before this run (the -P or -a table). */
void	 pc_repeats_seed(struct pc_repeats *, uint64_t h,
	    const unsigned char *digest);
/*
 * A row of this run under (h, digest): skipped and counted if the pair was
 * met before, else given to emit, now or by pc_repeats_flush.
 */
void	 pc_repeats_row(struct pc_repeats *, uint64_t h,
	    const unsigned char *digest, const char *row, size_t len);
/*
 * The rows held back, written in input order: once, at the end of the run,
 * before pc_import_finish (the pairs on disk are gone after it).
 */
void	 pc_repeats_flush(struct pc_repeats *);
/* For pc_import_file_mt: where the pair of id hash h will be looked for. */
void	 pc_repeats_prefetch(const struct pc_repeats *, uint64_t h);
void	 pc_repeats_free(struct pc_repeats *);

/* ---- annotate.c: tools that add columns to the rows of a table ------- */

struct pc_latest;

#define PC_ANNOTATE_BAD		1	/* the row could not be judged */
#define PC_ANNOTATE_SKIP	2	/* not written (e.g. -p) */

struct pc_annotate {
	/* set by the tool */
	const char		 *key;		/* the key column: latest row */
	const char		 *table;	/* its name, for messages */
	const char *const	 *need;		/* columns an input must have */
	size_t			  nneed;
	const char *const	 *add;		/* columns added, or replaced */
	size_t			  nadd;
	const char		 *outpath;	/* -o, or NULL: stdout */
	int			  delim;
	int			  safe_csv;
	const struct pc_key	 *pseudo;	/* --pseudonymize, or NULL */
	/*
	 * If not NULL, the event table being read beside the first input
	 * (pc_events_start): waited for once an input is read, before
	 * anything is said of it (a table that failed ends the run, status
	 * 3), then in ev for the row function; the events of each batch's
	 * pathways are asked for together before the row function looks them
	 * up (pc_events_prefetch), so that the cache misses of a batch
	 * overlap instead of following one another.
	 */
	struct pc_events_bg	*events;
	/*
	 * If not NULL, the rows are judged on several threads (pc_threads):
	 * fork makes, once an input is ready, a copy of the tool's argument
	 * that a thread of its own can pass to the row function (its own
	 * scratch, the shared tables read only); join gives back what the
	 * copy found and frees it.  The row function's messages come out in
	 * the rows' order whatever the thread.
	 */
	void			*(*fork)(void *);
	void			 (*join)(void *, void *copy);
	/* kept by annotate.c */
	struct pc_events	*ev;		/* events, once read; or NULL */
	struct pc_writer	 *out;
	char			**hdr;
	size_t			  nin, nhdr;
	size_t			 *pos;		/* of each added column */
	int			 *kind;		/* of each input column */
	unsigned long		  nread, nbad;
	int			  status, refused, failed;
};

/*
 * Called for each row with where ("file:line") for messages; sets add[k],
 * the value of the k-th added column ("" unless set), and returns 0 or
 * PC_ANNOTATE_BAD and PC_ANNOTATE_SKIP ored.
 */
typedef int (*pc_annotate_fn)(void *, const struct pc_latest *,
	    const struct pc_field *, const char *where, const char **add);

/* One input (path NULL or "-": stdin); -2 when the output failed. */
int	 pc_annotate_file(struct pc_annotate *, const char *path,
	    pc_annotate_fn, void *);
void	 pc_annotate_status(struct pc_annotate *, int);
/* Commits the output (unless an input was refused), says the counts. */
int	 pc_annotate_finish(struct pc_annotate *);

/* ---- latest.c: a table read whole, the latest row of each key ---------- */

struct pc_latest;

/*
 * Reads a whole table and keeps, for each value of the key column, its
 * last row, at the place of the key's first row.  NULL with the message.
 */
struct pc_latest *pc_latest_load(const char *path, const struct pc_readopt *,
	    const char *key, char *err, size_t errsz);
/*
 * The same keeping only the key and the columns named in keep (those the
 * table has): the others read as empty, and take no memory.  lean: as
 * pc_latest_load_lean() besides, a row read again from the file having
 * all its fields.
 */
struct pc_latest *pc_latest_load_cols(const char *path,
	    const struct pc_readopt *, const char *key,
	    const char *const *keep, size_t nkeep, int lean, char *err,
	    size_t errsz);
size_t	 pc_latest_ncols(const struct pc_latest *);
const char *pc_latest_colname(const struct pc_latest *, size_t);
long	 pc_latest_col(const struct pc_latest *, const char *);
size_t	 pc_latest_nrows(const struct pc_latest *);
/* Row i's key, as a string (cut at a NUL, as the rows were matched). */
const char *pc_latest_key(const struct pc_latest *, size_t i);
/*
 * Row i's fields (the array valid until the next call; the strings as
 * long as the table, but see pc_latest_load_lean()) and its input line.
 */
const struct pc_field *pc_latest_row(struct pc_latest *, size_t i,
	    unsigned long *line);
void	 pc_latest_free(struct pc_latest *);

/*
 * The same as pc_latest_load(), but a key's first row, when it stands in
 * a regular file as its fields (pc_row.at), stays there: only its key and
 * its place are kept, and it is read again when asked for, through a
 * cursor.  A table from a pipe, a correction, or a row with a quote, is
 * kept whole as before.  A row
 * that is no longer where it was (the file rewritten under the run) ends
 * the program, status 4, with file and line.
 */
struct pc_latest *pc_latest_load_lean(const char *path,
	    const struct pc_readopt *, const char *key, char *err,
	    size_t errsz);
/*
 * One thread's reading of a table's rows: row i's fields (cut by NULs,
 * valid until the cursor's next read) and its line.
 */
struct pc_latest_cursor;
struct pc_latest_cursor *pc_latest_cursor(const struct pc_latest *);
const struct pc_field *pc_latest_read(struct pc_latest_cursor *, size_t i,
	    unsigned long *line);
/*
 * The bytes of the row the cursor read last, as they stand in the file,
 * when a CSV writer with delimiter delim (no --safe-csv) would write its
 * fields to the same bytes; NULL otherwise (a row kept in memory, or one
 * that needs quotes).  Valid until the cursor's next read.
 */
const char *pc_latest_plain(const struct pc_latest_cursor *, int delim,
	    size_t *n);
void	 pc_latest_cursor_free(struct pc_latest_cursor *);

/* ---- events.c: the event table in memory, by pathway -------------------- */

#define PC_NODATE	(-2147483647L - 1)	/* no date: an empty field */

/* The strings belong to the table (pc_events_free frees them). */
struct pc_event {
	const char	*pathway_id;
	long		 date;		/* days, pc_days() */
	const char	*kind;		/* a word of event_kind */
	long		 until;		/* PC_NODATE when empty */
	const char	*detail;
	const char	*source;
	size_t		 seq;		/* its number, in the file's order */
	size_t		 pathway;	/* events.c's index of its pathway */
};

struct pc_events;

/* 1 for the kinds that end a pathway: death, transfer, closed. */
int	 pc_event_ends(const char *kind);

/*
 * Reads a whole event table; with vocab, kinds are checked against
 * event_kind.  A bad row is an error naming file, line and column.  keep,
 * if not NULL, lists (NULL-ended, canonical) the kinds the caller reads:
 * the events of other kinds, those that end a pathway aside, are checked,
 * then left out of the table.
 */
struct pc_events *pc_events_load(const char *path, const struct pc_vocab *,
	    const char *const *keep, char *err, size_t errsz);
/*
 * The events of a pathway sorted by date, then file order; NULL if none.
 * The array is the table's and is reused by the next call.
 */
const struct pc_event *pc_events_of(const struct pc_events *,
	    const char *pathway_id, size_t *n);
/*
 * The same into a buffer of the caller's, grown as needed: threads that
 * judge pathways side by side each have their own.
 */
struct pc_evbuf {
	struct pc_event	*v;
	size_t		 cap;
};
const struct pc_event *pc_events_get(const struct pc_events *,
	    const char *pathway_id, size_t *n, struct pc_evbuf *);
void	 pc_evbuf_free(struct pc_evbuf *);
/*
 * A hint: the events of these pathways will be asked for soon.  Brings
 * what pc_events_get reads of them into the cache, for a batch at once.
 */
void	 pc_events_prefetch(const struct pc_events *,
	    const char *const *pathway_ids, size_t n);
/* The line of the file an event of the table was read at. */
unsigned long pc_events_line(const struct pc_events *,
	    const struct pc_event *);
/* The events kept. */
size_t	 pc_events_count(const struct pc_events *);
void	 pc_events_free(struct pc_events *);
/*
 * pc_events_load on a thread of its own, beside the pathway table's
 * reading; pc_events_ready (pc_annotate's events) waits for the table
 * and puts it in *ev, or says why it failed (status 3) and returns -1;
 * pc_events_stop frees the table too.
 */
struct pc_events_bg;
struct pc_annotate;
/*
 * The pathway tables the events will be joined to (paths, n) size the
 * table's index of pathways from the start (pc_rows_guess).
 */
struct pc_events_bg *pc_events_start(const char *path,
	    const struct pc_vocab *, const char *const *keep,
	    const char *const *paths, size_t n);
int	 pc_events_ready(struct pc_events_bg *, struct pc_events **,
	    struct pc_annotate *);
void	 pc_events_stop(struct pc_events_bg *);

/* ---- pathways.c: the pathway table of -P, by id and by INS ------------- */

/* A pathway as the tools that attach rows to it need it (latest row). */
struct pc_pathway {
	char	*id;
	char	*ins;
	char	*icd10;		/* as in the table, canonical */
	char	*cat;		/* its category: the first three characters */
	long	 birth;		/* days, or PC_NODATE */
	long	 diagnosis;	/* days, or PC_NODATE */
};

struct pc_pathways;

/*
 * Reads a pathway table (it needs pathway_id, ins and icd10).  NULL with
 * "file:line: message" in err.
 */
struct pc_pathways *pc_pathways_load(const char *path, char *err,
	    size_t errsz);
void	 pc_pathways_free(struct pc_pathways *);
size_t	 pc_pathways_count(const struct pc_pathways *);
const struct pc_pathway *pc_pathways_byid(const struct pc_pathways *,
	    const char *id);
/*
 * The number of pathways of an INS whose ICD-10 category is icd10's (all
 * of them when icd10 is NULL or empty); *hit is the first.
 */
size_t	 pc_pathways_byins(const struct pc_pathways *, const char *ins,
	    const char *icd10, const struct pc_pathway **hit);
/*
 * The pathway_id of the row at hand, from its pathway_id, ins and icd10
 * columns, with *pwp its pathway when t (the -P table) holds it; t NULL
 * takes a pathway_id as given.  NULL, with a reason added, when the row
 * names no pathway, none, or several.
 */
const char *pc_pathways_resolve(const struct pc_pathways *t,
	    struct pc_import *im, const struct pc_pathway **pwp);

/* ---- template.c: document templates (pps-render(1)) ---------------------- */

struct pc_tmpl;
struct pc_tdata;

/*
 * {{name}}, {{#list}}...{{/list}} (per item; once for a non-empty value),
 * {{^name}}...{{/name}} (when empty), {{! comment}}.  NULL with
 * "file:line: message" in err.
 */
struct pc_tmpl *pc_tmpl_load(const char *path, char *err, size_t errsz);
struct pc_tmpl *pc_tmpl_parse(const char *name, const char *s, size_t n,
	    char *err, size_t errsz);
/* -1 with "file:line: {{x}}: unknown name" when a tag is not in names. */
int	 pc_tmpl_check(const struct pc_tmpl *, const char *const *names,
	    char *err, size_t errsz);
void	 pc_tmpl_free(struct pc_tmpl *);
/*
 * Values escaped for the format, never read as template: control
 * characters, C1 and bidi overrides dropped; html != 0 escapes & < > " '.
 */
void	 pc_tmpl_render(const struct pc_tmpl *, const struct pc_tdata *,
	    int html, struct pc_buf *out);
void	 pc_tmpl_escape(struct pc_buf *, const char *, size_t, int html);
struct pc_tdata *pc_tdata_new(void);
void	 pc_tdata_set(struct pc_tdata *, const char *name, const char *value);
/* A new item at the end of list name; names not in it are looked up around. */
struct pc_tdata *pc_tdata_add(struct pc_tdata *, const char *list);
size_t	 pc_tdata_count(const struct pc_tdata *, const char *list);
void	 pc_tdata_free(struct pc_tdata *);
/* Lines longer than cols characters wrapped at spaces, indentation kept. */
void	 pc_text_wrap(const char *, size_t, size_t cols, struct pc_buf *out);

#endif /* PARCOURS_H */
