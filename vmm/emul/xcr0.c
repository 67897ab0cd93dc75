/* The XSETBV rules (see xcr0.h). */
#include "vmm/emul/xcr0.h"

/* Both bits of `pair` set, or neither. */
static bool together(uint64_t v, uint64_t pair)
{
	return (v & pair) == 0 || (v & pair) == pair;
}

bool xcr0_valid(uint32_t index, uint64_t v, uint64_t supported)
{
	if (index != 0)
		return false;
	if (!(v & XCR0_X87) || (v & ~supported) || (v & (XCR0_SUPERVISOR | XCR0_RESERVED)))
		return false;
	if ((v & XCR0_AVX) && !(v & XCR0_SSE))
		return false;
	/* AVX-512: opmask, ZMM_Hi256 and Hi16_ZMM all or none, and AVX with them */
	if (!together(v, XCR0_AVX512) || ((v & XCR0_AVX512) && !(v & XCR0_AVX)))
		return false;
	if (!together(v, XCR0_BNDREGS | XCR0_BNDCSR))   /* MPX */
		return false;
	return together(v, XCR0_AMX);                      /* TILECFG and TILEDATA */
}
