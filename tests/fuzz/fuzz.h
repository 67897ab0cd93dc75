/*
 * What the libFuzzer harnesses (tests/fuzz/fuzz_*.c) share: a cursor
 * that takes fixed-size fields off the front of the input (zeros once
 * it runs out, so every input is usable), an exact-size heap copy (a
 * read one byte past the end trips AddressSanitizer), and FUZZ_ASSERT
 * for properties a parser's header promises.
 */
#ifndef TESTS_FUZZ_H
#define TESTS_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint64_t fuzz_take(struct fuzz_in *in, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t b = in->left ? (in->left--, *in->p++) : 0;
		v |= b << (8 * i);
	}
	return v;
}

static inline uint8_t fuzz_u8(struct fuzz_in *in) { return (uint8_t)fuzz_take(in, 1); }
static inline uint16_t fuzz_u16(struct fuzz_in *in) { return (uint16_t)fuzz_take(in, 2); }
static inline uint32_t fuzz_u32(struct fuzz_in *in) { return (uint32_t)fuzz_take(in, 4); }
static inline uint64_t fuzz_u64(struct fuzz_in *in) { return fuzz_take(in, 8); }

/* n bytes of heap (malloc(0) is avoided: one byte, unused). */
static inline void *fuzz_alloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

/* A heap copy of exactly n bytes. */
static inline void *fuzz_dup(const void *src, size_t n)
{
	void *p = fuzz_alloc(n);

	if (n)
		memcpy(p, src, n);
	return p;
}

/* A broken promise is a crash: libFuzzer keeps the input that caused it. */
#define FUZZ_ASSERT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: FUZZ_ASSERT(%s) failed\n", \
			__FILE__, __LINE__, #cond); \
		abort(); \
	} \
	} while (0)

#endif
