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

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "parcours.h"

#define KEY_MIN		32
#define KEY_MAX		4096

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
	return 0;
}

void
pc_pathway_id(const struct pc_key *key, const char *ins, const char *icd10,
    const char *diagnosis_date, char out[26])
{
	crypto_generichash_state st;
	unsigned char h[10];

	/* Fields are separated by a byte none of them can hold. */
	crypto_generichash_init(&st, key->k, sizeof key->k, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)"pathway\x1f", 8);
	crypto_generichash_update(&st, (const unsigned char *)ins, strlen(ins));
	crypto_generichash_update(&st, (const unsigned char *)"\x1f", 1);
	crypto_generichash_update(&st, (const unsigned char *)icd10,
	    strnlen(icd10, 3));
	crypto_generichash_update(&st, (const unsigned char *)"\x1f", 1);
	crypto_generichash_update(&st, (const unsigned char *)diagnosis_date,
	    strlen(diagnosis_date));
	crypto_generichash_final(&st, h, sizeof h);
	memcpy(out, key->fpr, 4);
	out[4] = '-';
	hex(h, sizeof h, out + 5);
}

void
pc_row_digest(const char *const *v, size_t n, unsigned char out[PC_DIGEST])
{
	crypto_generichash_state st;
	size_t i;

	crypto_generichash_init(&st, NULL, 0, PC_DIGEST);
	for (i = 0; i < n; i++) {
		crypto_generichash_update(&st, (const unsigned char *)v[i],
		    strlen(v[i]));
		crypto_generichash_update(&st, (const unsigned char *)"\x1f", 1);
	}
	crypto_generichash_final(&st, out, PC_DIGEST);
}
