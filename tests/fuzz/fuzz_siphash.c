/*
 * fuzz_siphash.c - libFuzzer target for lib/siphash.c, SipHash-2-4 with
 * 128 bits out, eight messages at a time in the lanes of a vector.
 *
 * Input layout:
 *	byte 0		the number of messages: byte % 24 + 1
 *	bytes 1-16	the key (zero bytes after the input when it is short)
 *	then, for each message, 2 bytes: its length, little-endian,
 *	modulo 700 (past the 512 bytes a lane takes), then 1 byte: where
 *	it starts in the rest; the rest: the bytes the messages are cut
 *	from, a message cut short where the rest ends
 *
 * Invariant: pc_siphashx24_many gives each message libsodium's
 * crypto_shorthash_siphashx24 under the same key, byte for byte, whatever
 * the mix of lengths, whichever version of its lanes the CPU runs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "parcours.h"

#define MAXN	24

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char key[16] = { 0 }, ours[MAXN][16], theirs[16];
	const unsigned char *msg[MAXN];
	size_t len[MAXN], n, i, k, at[MAXN];
	const uint8_t *rest;
	size_t nrest;

	if (size < 1)
		return 0;
	if (sodium_init() < 0)
		abort();
	n = data[0] % MAXN + 1;
	data++;
	size--;
	k = size < sizeof key ? size : sizeof key;
	memcpy(key, data, k);
	data += k;
	size -= k;
	if (size < 3 * n)
		return 0;
	for (i = 0; i < n; i++) {
		len[i] = (size_t)(data[3 * i] | data[3 * i + 1] << 8) % 700;
		at[i] = data[3 * i + 2];
	}
	rest = data + 3 * n;
	nrest = size - 3 * n;
	for (i = 0; i < n; i++) {
		if (at[i] > nrest)
			at[i] = nrest;
		if (len[i] > nrest - at[i])
			len[i] = nrest - at[i];
		msg[i] = rest + at[i];
	}
	pc_siphashx24_many(msg, len, n, key, ours);
	for (i = 0; i < n; i++) {
		crypto_shorthash_siphashx24(theirs, msg[i], len[i], key);
		if (memcmp(ours[i], theirs, sizeof theirs) != 0) {
			fprintf(stderr, "fuzz_siphash: invariant failed: "
			    "message %zu of %zu (%zu bytes) differs from "
			    "libsodium's\n", i, n, len[i]);
			abort();
		}
	}
	return 0;
}
