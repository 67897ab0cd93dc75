/* units: vmm/emul/xcr0.c */
/*
 * XSETBV's rules, each one alone: a value that breaks a rule must be
 * refused even when every bit in it is supported, and the legal values
 * must pass.
 */
#include "check.h"
#include "vmm/emul/xcr0.h"

#define ALL_USER (XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_BNDREGS | XCR0_BNDCSR | \
		  XCR0_AVX512 | XCR0_PKRU | XCR0_AMX)

static void test_legal_values(void)
{
	CHECK(xcr0_valid(0, XCR0_X87, ALL_USER));
	CHECK(xcr0_valid(0, XCR0_X87 | XCR0_SSE, ALL_USER));
	CHECK(xcr0_valid(0, XCR0_X87 | XCR0_SSE | XCR0_AVX, ALL_USER));
	CHECK(xcr0_valid(0, XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_AVX512, ALL_USER));
	CHECK(xcr0_valid(0, ALL_USER, ALL_USER));
	CHECK(xcr0_valid(0, XCR0_X87 | XCR0_PKRU, ALL_USER));
}

static void test_index_and_x87(void)
{
	CHECK(!xcr0_valid(1, XCR0_X87, ALL_USER));          /* XCR1 is not writable here */
	CHECK(!xcr0_valid(0xffffffffu, XCR0_X87, ALL_USER));
	CHECK(!xcr0_valid(0, 0, ALL_USER));                 /* x87 must stay on */
	CHECK(!xcr0_valid(0, XCR0_SSE, ALL_USER));
}

static void test_unsupported_bits(void)
{
	CHECK(!xcr0_valid(0, XCR0_X87 | XCR0_SSE | XCR0_AVX, XCR0_X87 | XCR0_SSE));
	CHECK(!xcr0_valid(0, XCR0_X87 | (1ull << 63), ~0ull & ~XCR0_SUPERVISOR));
}

static void test_supervisor_bits_refused(void)
{
	/* refused even when the CPU (wrongly) reports them as user state */
	CHECK(!xcr0_valid(0, XCR0_X87 | (1ull << 8), ~0ull));        /* PT */
	CHECK(!xcr0_valid(0, XCR0_X87 | (1ull << 11), ~0ull));       /* CET_U */
	CHECK(!xcr0_valid(0, XCR0_X87 | (1ull << 12), ~0ull));       /* CET_S */
	CHECK(!xcr0_valid(0, XCR0_X87 | (1ull << 16), ~0ull));       /* HWP */
}

static void test_avx_needs_sse(void)
{
	CHECK(!xcr0_valid(0, XCR0_X87 | XCR0_AVX, ALL_USER));
}

static void test_avx512_all_or_none(void)
{
	uint64_t base = XCR0_X87 | XCR0_SSE | XCR0_AVX;

	CHECK(!xcr0_valid(0, base | XCR0_OPMASK, ALL_USER));
	CHECK(!xcr0_valid(0, base | XCR0_ZMM_HI256, ALL_USER));
	CHECK(!xcr0_valid(0, base | XCR0_HI16_ZMM, ALL_USER));
	CHECK(!xcr0_valid(0, base | XCR0_OPMASK | XCR0_ZMM_HI256, ALL_USER));
	/* all three, but without AVX */
	CHECK(!xcr0_valid(0, XCR0_X87 | XCR0_SSE | XCR0_AVX512, ALL_USER));
}

static void test_pairs(void)
{
	CHECK(!xcr0_valid(0, XCR0_X87 | XCR0_BNDREGS, ALL_USER));
	CHECK(!xcr0_valid(0, XCR0_X87 | XCR0_BNDCSR, ALL_USER));
	CHECK(xcr0_valid(0, XCR0_X87 | XCR0_BNDREGS | XCR0_BNDCSR, ALL_USER));
	CHECK(!xcr0_valid(0, XCR0_X87 | XCR0_SSE | XCR0_TILECFG, ALL_USER));
	CHECK(!xcr0_valid(0, XCR0_X87 | XCR0_SSE | XCR0_TILEDATA, ALL_USER));
	CHECK(xcr0_valid(0, XCR0_X87 | XCR0_SSE | XCR0_AMX, ALL_USER));
}

int main(void)
{
	RUN(test_legal_values);
	RUN(test_index_and_x87);
	RUN(test_unsupported_bits);
	RUN(test_supervisor_bits_refused);
	RUN(test_avx_needs_sse);
	RUN(test_avx512_all_or_none);
	RUN(test_pairs);
	return check_summary();
}
