/*
 * fuzz_blake2b.c - libFuzzer target for lib/blake2b.c, the pathway id's
 * keyed BLAKE2b with the key's block compressed once.
 *
 * Input layout:
 *	byte 0	key length: byte % 64 + 1
 *	byte 1	digest length: byte % 64 + 1
 *	rest	the key (zero bytes after the input when it is short),
 *		then the message, cut to one block (128 bytes)
 *
 * Invariant: for a message of 1 to 128 bytes, pc_blake2b_keyblock then
 * pc_blake2b_last give libsodium's crypto_generichash_blake2b of the same
 * message, key and length, byte for byte: the ids issued before the
 * shortcut are the ids issued after it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "parcours.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char key[64] = { 0 }, ours[64], theirs[64];
	uint64_t kh[8];
	size_t keylen, outlen, n, len;
	const uint8_t *msg;

	if (size < 2)
		return 0;
	if (sodium_init() < 0)
		abort();
	keylen = data[0] % 64 + 1;
	outlen = data[1] % 64 + 1;
	data += 2;
	size -= 2;
	n = size < keylen ? size : keylen;
	memcpy(key, data, n);
	msg = data + n;
	len = size - n;
	if (len > PC_BLAKE2B_BLOCK)
		len = PC_BLAKE2B_BLOCK;
	if (len == 0)
		return 0;	/* the key's block would be the last */
	pc_blake2b_keyblock(kh, key, keylen, outlen);
	pc_blake2b_last(kh, msg, len, ours, outlen);
	if (crypto_generichash_blake2b(theirs, outlen, msg, len, key,
	    keylen) != 0)
		abort();
	if (memcmp(ours, theirs, outlen) != 0) {
		fprintf(stderr, "fuzz_blake2b: invariant failed: digest "
		    "differs from libsodium's (key %zu, out %zu, message %zu "
		    "bytes)\n", keylen, outlen, len);
		abort();
	}
	return 0;
}
