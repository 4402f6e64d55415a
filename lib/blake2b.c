/*
 * blake2b.c - the BLAKE2b compression function (RFC 7693), for the one
 * keyed hash parcours computes on every row: the pathway id.
 *
 * A keyed BLAKE2b hashes the key, padded to a block, before the message,
 * and that first block is the same for every id a site makes.  libsodium
 * compresses it again for each row; here it is compressed once, when the
 * key is loaded (pc_blake2b_keyblock), and each id costs the one block of
 * its message (pc_blake2b_last).  The bytes out are libsodium's
 * crypto_generichash with the same key and length, which tests/fuzz
 * fuzz_blake2b holds them to; ids issued before stay the same.
 */
#include <stdint.h>
#include <string.h>

#include "parcours.h"

/* RFC 7693, 2.6 and 2.7. */
static const uint64_t iv[8] = {
	0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL,
	0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
	0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
	0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL
};

static const uint8_t sigma[12][16] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
	{ 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3 },
	{ 11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4 },
	{ 7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8 },
	{ 9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13 },
	{ 2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9 },
	{ 12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11 },
	{ 13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10 },
	{ 6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5 },
	{ 10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0 },
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
	{ 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3 }
};

#define ROTR(x, n)	(((x) >> (n)) | ((x) << (64 - (n))))

#define G(a, b, c, d, x, y) do {			\
	v[a] = v[a] + v[b] + (x);			\
	v[d] = ROTR(v[d] ^ v[a], 32);			\
	v[c] = v[c] + v[d];				\
	v[b] = ROTR(v[b] ^ v[c], 24);			\
	v[a] = v[a] + v[b] + (y);			\
	v[d] = ROTR(v[d] ^ v[a], 16);			\
	v[c] = v[c] + v[d];				\
	v[b] = ROTR(v[b] ^ v[c], 63);			\
} while (0)

#define ROUND(r) do {						\
	G(0, 4, 8, 12, m[sigma[r][0]], m[sigma[r][1]]);		\
	G(1, 5, 9, 13, m[sigma[r][2]], m[sigma[r][3]]);		\
	G(2, 6, 10, 14, m[sigma[r][4]], m[sigma[r][5]]);	\
	G(3, 7, 11, 15, m[sigma[r][6]], m[sigma[r][7]]);	\
	G(0, 5, 10, 15, m[sigma[r][8]], m[sigma[r][9]]);	\
	G(1, 6, 11, 12, m[sigma[r][10]], m[sigma[r][11]]);	\
	G(2, 7, 8, 13, m[sigma[r][12]], m[sigma[r][13]]);	\
	G(3, 4, 9, 14, m[sigma[r][14]], m[sigma[r][15]]);	\
} while (0)

/* RFC 7693, 3.2: t is the count of bytes hashed so far, this block's in. */
static void
compress(uint64_t h[8], const unsigned char block[PC_BLAKE2B_BLOCK],
    uint64_t t, int last)
{
	uint64_t v[16], m[16];
	int i;

	for (i = 0; i < 16; i++)
		m[i] = pc_load64le(block + 8 * i);
	for (i = 0; i < 8; i++) {
		v[i] = h[i];
		v[i + 8] = iv[i];
	}
	v[12] ^= t;	/* the high 64 bits of the count stay 0 */
	if (last)
		v[14] = ~v[14];
	/* Unrolled, so that every m[sigma[r][k]] is a constant index. */
	ROUND(0); ROUND(1); ROUND(2); ROUND(3); ROUND(4); ROUND(5);
	ROUND(6); ROUND(7); ROUND(8); ROUND(9); ROUND(10); ROUND(11);
	for (i = 0; i < 8; i++)
		h[i] ^= v[i] ^ v[i + 8];
}

/*
 * The state after the key's block, for digests of outlen bytes (1-64)
 * under a key of keylen bytes (1-64), a message to follow.
 */
void
pc_blake2b_keyblock(uint64_t h[8], const unsigned char *key, size_t keylen,
    size_t outlen)
{
	unsigned char block[PC_BLAKE2B_BLOCK] = { 0 };
	int i;

	for (i = 0; i < 8; i++)
		h[i] = iv[i];
	h[0] ^= 0x01010000ULL ^ (uint64_t)keylen << 8 ^ (uint64_t)outlen;
	memcpy(block, key, keylen);
	compress(h, block, PC_BLAKE2B_BLOCK, 0);
}

/*
 * From the state of pc_blake2b_keyblock, the digest of a message of 1 to
 * PC_BLAKE2B_BLOCK bytes: its one block, the last.
 */
void
pc_blake2b_last(const uint64_t kh[8], const unsigned char *msg, size_t len,
    unsigned char *out, size_t outlen)
{
	unsigned char block[PC_BLAKE2B_BLOCK] = { 0 };
	uint64_t h[8];

	memcpy(h, kh, sizeof h);
	memcpy(block, msg, len);
	compress(h, block, PC_BLAKE2B_BLOCK + (uint64_t)len, 1);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* The words are little-endian in the digest, as in memory here. */
	memcpy(out, h, outlen);
#else
	for (size_t i = 0; i < outlen; i++)
		out[i] = (unsigned char)(h[i / 8] >> (8 * (i % 8)));
#endif
}
