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

static uint64_t
load64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	    (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	    (uint64_t)p[7] << 56;
}

/* RFC 7693, 3.2: t is the count of bytes hashed so far, this block's in. */
static void
compress_scalar(uint64_t h[8], const uint64_t m[16], uint64_t t, int last)
{
	uint64_t v[16];
	int i;

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

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_PATH	1

/*
 * The same rounds with AVX2, where the CPU has it: the state's four rows
 * are four registers of four words, so that the four G of a column (and,
 * after the rows are turned, of a diagonal) run as one.  The layout is the
 * one of the BLAKE2 authors' vector code; the bytes out are the scalar
 * code's, which fuzz_blake2b and the ids of the tests hold them to.
 */
#define V_ROR32(x)	_mm256_shuffle_epi32((x), _MM_SHUFFLE(2, 3, 0, 1))
#define V_ROR24(x)	_mm256_shuffle_epi8((x), r24)
#define V_ROR16(x)	_mm256_shuffle_epi8((x), r16)
#define V_ROR63(x)	_mm256_or_si256(_mm256_srli_epi64((x), 63),	\
			    _mm256_add_epi64((x), (x)))

#define V_G(x, y) do {						\
	a = _mm256_add_epi64(_mm256_add_epi64(a, b), (x));	\
	d = V_ROR32(_mm256_xor_si256(d, a));			\
	c = _mm256_add_epi64(c, d);				\
	b = V_ROR24(_mm256_xor_si256(b, c));			\
	a = _mm256_add_epi64(_mm256_add_epi64(a, b), (y));	\
	d = V_ROR16(_mm256_xor_si256(d, a));			\
	c = _mm256_add_epi64(c, d);				\
	b = V_ROR63(_mm256_xor_si256(b, c));			\
} while (0)

#define V_MSG(r, k) _mm256_setr_epi64x((long long)m[sigma[r][k]],	\
	(long long)m[sigma[r][k + 2]], (long long)m[sigma[r][k + 4]],	\
	(long long)m[sigma[r][k + 6]])

/* A column step, the rows turned to the diagonals, a step, turned back. */
#define V_ROUND(r) do {							\
	V_G(V_MSG(r, 0), V_MSG(r, 1));					\
	b = _mm256_permute4x64_epi64(b, _MM_SHUFFLE(0, 3, 2, 1));	\
	c = _mm256_permute4x64_epi64(c, _MM_SHUFFLE(1, 0, 3, 2));	\
	d = _mm256_permute4x64_epi64(d, _MM_SHUFFLE(2, 1, 0, 3));	\
	V_G(V_MSG(r, 8), V_MSG(r, 9));					\
	b = _mm256_permute4x64_epi64(b, _MM_SHUFFLE(2, 1, 0, 3));	\
	c = _mm256_permute4x64_epi64(c, _MM_SHUFFLE(1, 0, 3, 2));	\
	d = _mm256_permute4x64_epi64(d, _MM_SHUFFLE(0, 3, 2, 1));	\
} while (0)

__attribute__((target("avx2"))) static void
compress_avx2(uint64_t h[8], const uint64_t m[16], uint64_t t, int last)
{
	const __m256i r24 = _mm256_setr_epi8(3, 4, 5, 6, 7, 0, 1, 2,
	    11, 12, 13, 14, 15, 8, 9, 10, 3, 4, 5, 6, 7, 0, 1, 2,
	    11, 12, 13, 14, 15, 8, 9, 10);
	const __m256i r16 = _mm256_setr_epi8(2, 3, 4, 5, 6, 7, 0, 1,
	    10, 11, 12, 13, 14, 15, 8, 9, 2, 3, 4, 5, 6, 7, 0, 1,
	    10, 11, 12, 13, 14, 15, 8, 9);
	__m256i a, b, c, d, h0, h1;

	h0 = _mm256_loadu_si256((const __m256i *)(const void *)h);
	h1 = _mm256_loadu_si256((const __m256i *)(const void *)(h + 4));
	a = h0;
	b = h1;
	c = _mm256_loadu_si256((const __m256i *)(const void *)iv);
	d = _mm256_xor_si256(
	    _mm256_loadu_si256((const __m256i *)(const void *)(iv + 4)),
	    _mm256_setr_epi64x((long long)t, 0, last ? -1 : 0, 0));
	V_ROUND(0); V_ROUND(1); V_ROUND(2); V_ROUND(3); V_ROUND(4);
	V_ROUND(5); V_ROUND(6); V_ROUND(7); V_ROUND(8); V_ROUND(9);
	V_ROUND(10); V_ROUND(11);
	h0 = _mm256_xor_si256(h0, _mm256_xor_si256(a, c));
	h1 = _mm256_xor_si256(h1, _mm256_xor_si256(b, d));
	_mm256_storeu_si256((__m256i *)(void *)h, h0);
	_mm256_storeu_si256((__m256i *)(void *)(h + 4), h1);
}
#endif

static void
compress(uint64_t h[8], const unsigned char block[PC_BLAKE2B_BLOCK],
    uint64_t t, int last)
{
	uint64_t m[16];
	int i;

	for (i = 0; i < 16; i++)
		m[i] = load64(block + 8 * i);
#ifdef HAVE_AVX2_PATH
	/* Read from what the C library found at start-up: no state here. */
	if (__builtin_cpu_supports("avx2")) {
		compress_avx2(h, m, t, last);
		return;
	}
#endif
	compress_scalar(h, m, t, last);
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
	size_t i;

	memcpy(h, kh, sizeof h);
	memcpy(block, msg, len);
	compress(h, block, PC_BLAKE2B_BLOCK + (uint64_t)len, 1);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* The words are little-endian in the digest, as in memory here. */
	(void)i;
	memcpy(out, h, outlen);
#else
	for (i = 0; i < outlen; i++)
		out[i] = (unsigned char)(h[i / 8] >> (8 * (i % 8)));
#endif
}
