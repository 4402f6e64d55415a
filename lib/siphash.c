/*
 * siphash.c - SipHash-2-4 with a 128-bit output, eight messages at a time.
 *
 * An import takes the digest of every row it writes (pc_given_digest), and
 * SipHash is a chain of dependent additions and rotations: one message
 * leaves most of a core idle.  Eight rows' messages, one in each 64-bit
 * lane of a vector, take less than half the time of eight one by one on a
 * core with AVX-512; lanes() is compiled for it and for any other CPU,
 * and the one the CPU runs is picked at run time.  The bytes out are
 * libsodium's crypto_shorthash_siphashx24 with the same key (Aumasson and
 * Bernstein, "SipHash: a fast short-input PRF", 2012; its reference
 * siphash.c with 16 bytes out), which tests/fuzz fuzz_siphash holds them
 * to, whichever version runs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "parcours.h"

#define LANES		8
/* Longer messages, rare in a table, are hashed one at a time. */
#define LANE_BYTES	512
#define LANE_WORDS	(LANE_BYTES / 8 + 1)

typedef uint64_t vec __attribute__((vector_size(LANES * 8)));

#define ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND do {						\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;			\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;			\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

/* SipHash's last word: the message's last len % 8 bytes, and its length. */
static inline uint64_t
last_word(const unsigned char *m, size_t len)
{
	size_t r = len % 8, i;
	uint64_t t = 0;

	if (r > 0 && len >= 8)	/* the word that ends the message, shifted */
		t = pc_load64le(m + len - 8) >> (8 * (8 - r));
	else
		for (i = 0; i < r; i++)
			t |= (uint64_t)m[len - r + i] << (8 * i);
	return t | (uint64_t)len << 56;
}

/*
 * Eight messages of nw words each, word k of lane l at w[k][l] and the
 * last of each its tail and length (SipHash's padding).  Lanes of the same
 * length need no masks, and the state and the word stay in registers.
 */
static inline __attribute__((always_inline)) void
lanes(const uint64_t w[][LANES], size_t nw, const unsigned char key[16],
    uint64_t out[2][LANES])
{
	const uint64_t k0 = pc_load64le(key), k1 = pc_load64le(key + 8);
	vec v0, v1, v2, v3, m, x;
	size_t k;
	int l;

	for (l = 0; l < LANES; l++) {
		v0[l] = 0x736f6d6570736575ULL ^ k0;
		v1[l] = 0x646f72616e646f6dULL ^ k1 ^ 0xee;
		v2[l] = 0x6c7967656e657261ULL ^ k0;
		v3[l] = 0x7465646279746573ULL ^ k1;
	}
	for (k = 0; k < nw; k++) {
		memcpy(&m, w[k], sizeof m);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	v2 ^= 0xee;
	SIPROUND; SIPROUND; SIPROUND; SIPROUND;
	x = v0 ^ v1 ^ v2 ^ v3;
	memcpy(out[0], &x, sizeof x);
	v1 ^= 0xdd;
	SIPROUND; SIPROUND; SIPROUND; SIPROUND;
	x = v0 ^ v1 ^ v2 ^ v3;
	memcpy(out[1], &x, sizeof x);
}

/*
 * lanes() compiled for AVX-512, and for any CPU: chosen at run time, not
 * by an ifunc (target_clones), whose resolver runs before a sanitizer's
 * runtime is up.
 */
typedef void lanes_fn(const uint64_t [][LANES], size_t,
    const unsigned char [16], uint64_t [2][LANES]);

#if defined(__x86_64__) && defined(__GNUC__)
#define LANES_AVX512	lanes_avx512
__attribute__((target("avx512f")))
static void
lanes_avx512(const uint64_t w[][LANES], size_t nw, const unsigned char key[16],
    uint64_t out[2][LANES])
{
	lanes(w, nw, key, out);
}
#else
#define LANES_AVX512	lanes_any
#endif

static void
lanes_any(const uint64_t w[][LANES], size_t nw, const unsigned char key[16],
    uint64_t out[2][LANES])
{
	lanes(w, nw, key, out);
}

static inline void
store64(unsigned char *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, sizeof v);
}

/* Hashes the messages of order[0 .. n), all of nw words, eight at a time. */
static void
group(lanes_fn *fn, const unsigned char *const *msg, const size_t *len,
    const size_t *order, size_t n, size_t nw, const unsigned char key[16],
    unsigned char (*out)[16])
{
	uint64_t w[LANE_WORDS][LANES], h[2][LANES];
	size_t i, k, j;
	int l, nl;

	for (i = 0; i < n; i += (size_t)nl) {
		nl = n - i < LANES ? (int)(n - i) : LANES;
		for (l = nl; l < LANES; l++)
			for (k = 0; k < nw; k++)
				w[k][l] = 0;	/* an unused lane hashes zeros */
		for (l = 0; l < nl; l++) {
			j = order[i + (size_t)l];
			for (k = 0; k + 1 < nw; k++)
				w[k][l] = pc_load64le(msg[j] + 8 * k);
			w[nw - 1][l] = last_word(msg[j], len[j]);
		}
		fn((const uint64_t (*)[LANES])w, nw, key, h);
		for (l = 0; l < nl; l++) {
			j = order[i + (size_t)l];
			store64(out[j], h[0][l]);
			store64(out[j] + 8, h[1][l]);
		}
	}
}

/*
 * Messages are grouped by their number of words (a counting sort), so
 * that the eight lanes of a group end together.
 */
void
pc_siphashx24_many(const unsigned char *const *msg, const size_t *len,
    size_t n, const unsigned char key[16], unsigned char (*out)[16])
{
	size_t count[LANE_WORDS + 1] = { 0 }, at[LANE_WORDS + 1];
	size_t stack[1024], *order = stack, i, nw, from;
	lanes_fn *fn = pc_siphashx24_lanes_fast() ? LANES_AVX512 : lanes_any;

	if (n > sizeof stack / sizeof stack[0])
		order = pc_xmalloc(n * sizeof *order);
	for (i = 0; i < n; i++)
		if (len[i] <= LANE_BYTES)
			count[len[i] / 8 + 1]++;
		else	/* rare in a table: on its own */
			crypto_shorthash_siphashx24(out[i], msg[i], len[i],
			    key);
	for (nw = 0, from = 0; nw <= LANE_WORDS; nw++) {
		at[nw] = from;
		from += count[nw];
	}
	for (i = 0; i < n; i++)
		if (len[i] <= LANE_BYTES)
			order[at[len[i] / 8 + 1]++] = i;
	for (nw = 1, from = 0; nw <= LANE_WORDS; from += count[nw++])
		if (count[nw] > 0)
			group(fn, msg, len, order + from, count[nw], nw, key,
			    out);
	if (order != stack)
		free(order);
}

/*
 * With AVX-512's rotations; with AVX2 or SSE2 the lanes took as long as
 * libsodium one by one (on an AMD EPYC), so those use libsodium.
 */
int
pc_siphashx24_lanes_fast(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f");
#else
	return 0;
#endif
}
