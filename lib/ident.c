/*
 * ident.c - the site key and the identifiers derived with it.
 *
 * A NIR has 13 significant digits, so an unkeyed hash of one is reversed by
 * trying them all in minutes.  The pathway id is therefore a keyed BLAKE2b
 * (libsodium's crypto_generichash with a key): deterministic for one site
 * key, meaningless without it.  Its first four hex digits are a fingerprint
 * of the key, so ids made with another key are recognised, not mixed.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "parcours.h"

#define KEY_MIN		32
#define KEY_MAX		4096
#define ID_BYTES	10	/* of BLAKE2b in a pathway id: 20 hex digits */

static void
hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

int
pc_key_load(const char *path, struct pc_key *key, char *err, size_t errsz)
{
	unsigned char buf[KEY_MAX + 1], fp[2];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd;

	if (sodium_init() < 0) {
		snprintf(err, errsz, "libsodium could not be initialised");
		return -1;
	}
	if (path == NULL && (path = getenv("PARCOURS_KEY")) == NULL) {
		snprintf(err, errsz, "no site key: give -k keyfile or set "
		    "PARCOURS_KEY (pathway-new(1) says how to make one)");
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 077) != 0)
		pc_warnx("%s: the key is readable by others "
		    "(chmod 600 it)", path);
	while (len < sizeof buf) {
		n = read(fd, buf + len, sizeof buf - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len < KEY_MIN || len > KEY_MAX) {
		snprintf(err, errsz, "%s: a key holds %d to %d bytes of "
		    "secret, this file has %zu%s", path, KEY_MIN, KEY_MAX, len,
		    len > KEY_MAX ? " or more" : "");
		sodium_memzero(buf, sizeof buf);
		return -1;
	}
	crypto_generichash(key->k, sizeof key->k, buf, len, NULL, 0);
	sodium_memzero(buf, sizeof buf);
	crypto_generichash(fp, sizeof fp,
	    (const unsigned char *)"parcours key fingerprint", 24,
	    key->k, sizeof key->k);
	hex(fp, sizeof fp, key->fpr);
	pc_blake2b_keyblock(key->idstate, key->k, sizeof key->k, ID_BYTES);
	key->idready = 1;
	return 0;
}

/*
 * Hashes the parts in one update when they fit in a stack buffer:
 * per-update overhead was most of the cost of these short inputs.  The
 * bytes hashed, and so the ids, are the same either way.
 */
static void
hash_parts(crypto_generichash_state *st, const char *const *v,
    const size_t *len, size_t n)
{
	unsigned char buf[2048];
	size_t i, total = 0;

	for (i = 0; i < n; i++)
		total += len[i];
	if (total <= sizeof buf) {
		unsigned char *p = buf;

		for (i = 0; i < n; i++) {
			memcpy(p, v[i], len[i]);
			p += len[i];
		}
		crypto_generichash_update(st, buf, total);
		return;
	}
	for (i = 0; i < n; i++)
		crypto_generichash_update(st, (const unsigned char *)v[i],
		    len[i]);
}

void
pc_pathway_id(const struct pc_key *key, const char *ins, const char *icd10,
    const char *diagnosis_date, char out[26])
{
	crypto_generichash_state st;
	unsigned char h[ID_BYTES];
	/* Fields are separated by a byte none of them can hold. */
	const char *v[] = { "pathway\x1f", ins, "\x1f", icd10, "\x1f",
	    diagnosis_date };
	size_t len[] = { 8, strlen(ins), 1, strnlen(icd10, 3), 1,
	    strlen(diagnosis_date) };
	size_t i, total = 0;

	for (i = 0; i < 6; i++)
		total += len[i];
	if (key->idready && total <= PC_BLAKE2B_BLOCK) {
		/* The usual id: one block after the key's (blake2b.c). */
		unsigned char msg[PC_BLAKE2B_BLOCK], *p = msg;

		for (i = 0; i < 6; i++) {
			memcpy(p, v[i], len[i]);
			p += len[i];
		}
		pc_blake2b_last(key->idstate, msg, total, h, sizeof h);
	} else {
		crypto_generichash_init(&st, key->k, sizeof key->k, sizeof h);
		hash_parts(&st, v, len, 6);
		crypto_generichash_final(&st, h, sizeof h);
	}
	memcpy(out, key->fpr, 4);
	out[4] = '-';
	hex(h, sizeof h, out + 5);
}

/*
 * The digest only ever meets digests of the same run (repeats are found in
 * memory; -P tables are hashed again when loaded), so it need not be
 * stable across runs: SipHash with 128-bit output, keyed at random once a
 * process, costs a fraction of the two BLAKE2b blocks a row used to take,
 * and without the key nobody can make two rows collide.
 */
static unsigned char rowkey[crypto_shorthash_siphashx24_KEYBYTES];
static pthread_once_t rowkey_once = PTHREAD_ONCE_INIT;

/* Once in a process, whichever thread hashes a row first. */
static void
rowkey_make(void)
{
	if (sodium_init() < 0)
		errx(PC_EXIT_IO, "libsodium could not be initialised");
	randombytes_buf(rowkey, sizeof rowkey);
}

void
pc_bytes_digest(const void *s, size_t n, unsigned char out[PC_DIGEST])
{
	pthread_once(&rowkey_once, rowkey_make);
	crypto_shorthash_siphashx24(out, s, n, rowkey);
}

void
pc_bytes_digest_many(const unsigned char *const *msg, const size_t *len,
    size_t n, unsigned char (*out)[PC_DIGEST])
{
	size_t i;

	pthread_once(&rowkey_once, rowkey_make);
	if (pc_siphashx24_lanes_fast())
		pc_siphashx24_many(msg, len, n, rowkey, out);
	else
		for (i = 0; i < n; i++)
			crypto_shorthash_siphashx24(out[i], msg[i], len[i],
			    rowkey);
}

/*
 * rcp_id: "rcp-" and 20 hex digits of BLAKE2b over the pathway, the
 * meeting date, its kind and the motive, so that the same case of the same
 * meeting gets the same id from any sheet.  No key is needed: pathway_id
 * is already a keyed pseudonym.
 */
void
pc_rcp_id(const char *pathway_id, const char *meeting_date,
    const char *meeting_kind, const char *motive, char out[25])
{
	static const char digits[] = "0123456789abcdef";
	const char *part[4] = { pathway_id, meeting_date, meeting_kind,
	    motive };
	crypto_generichash_state st;
	unsigned char h[10];
	size_t i;

	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)"rcp", 3);
	for (i = 0; i < 4; i++) {
		/* fields are separated by a byte none of them can hold */
		crypto_generichash_update(&st,
		    (const unsigned char *)"\x1f", 1);
		crypto_generichash_update(&st, (const unsigned char *)part[i],
		    strlen(part[i]));
	}
	crypto_generichash_final(&st, h, sizeof h);
	memcpy(out, "rcp-", 4);
	for (i = 0; i < sizeof h; i++) {
		out[4 + 2 * i] = digits[h[i] >> 4];
		out[5 + 2 * i] = digits[h[i] & 15];
	}
	out[24] = '\0';
}
