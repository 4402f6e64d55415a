/*
 * pseudo.c - --pseudonymize: the direct identifiers of a pathway row
 * replaced with keyed pseudonyms, so that analysts can join tables
 * without seeing who is who.
 *
 * A pseudonym is "ps-" and the first 32 hex digits of HMAC-SHA-256 under
 * the key (libsodium's crypto_auth_hmacsha256: no home-made construction)
 * of the column name, a NUL, and the value: the same value in the same
 * column gives the same pseudonym in every table and every run with that
 * key, and a family name equal to a given name does not give it away.
 * 128 bits leave no collision to fear among a country's patients.
 */
#include <string.h>

#include <sodium.h>

#include "parcours.h"

/*
 * The direct identifiers of the pathway table (parcours(5)): what names
 * the patient by itself.  The birth date, sex, codes and dates stay: the
 * tools need them, and what they reveal together is why pseudonymised
 * data remains personal data (GDPR recital 26), as parcours(7) says.
 */
static const char *const direct[] = {
	"ins", "local_id", "family_name", "given_names",
};

int
pc_pseudo_direct(const char *col)
{
	size_t i;

	for (i = 0; i < sizeof direct / sizeof direct[0]; i++)
		if (strcmp(col, direct[i]) == 0)
			return 1;
	return 0;
}

/* "ps-" and 32 lower-case hex digits. */
static int
is_pseudonym(const char *s, size_t n)
{
	size_t i;

	if (n != PC_PSEUDO_LEN - 1 || strncmp(s, "ps-", 3) != 0)
		return 0;
	for (i = 3; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return 1;
}

const char *
pc_pseudonym(const struct pc_key *key, const char *col, const char *s,
    size_t n, char out[PC_PSEUDO_LEN])
{
	static const char hexd[] = "0123456789abcdef";
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	size_t i;

	/* Empty stays empty; a pseudonym stays itself, run after run. */
	if (n == 0 || is_pseudonym(s, n)) {	/* n < PC_PSEUDO_LEN */
		memcpy(out, s, n);
		out[n] = '\0';
		return out;
	}
	crypto_auth_hmacsha256_init(&st, key->k, sizeof key->k);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)col,
	    strlen(col) + 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)s, n);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "ps-", 3);
	for (i = 0; i < 16; i++) {
		out[3 + 2 * i] = hexd[mac[i] >> 4];
		out[3 + 2 * i + 1] = hexd[mac[i] & 15];
	}
	out[PC_PSEUDO_LEN - 1] = '\0';
	sodium_memzero(&st, sizeof st);
	return out;
}
