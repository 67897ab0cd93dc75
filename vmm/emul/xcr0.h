/*
 * Which values XSETBV may load into XCR0 (SDM Vol. 1 13.3 and the
 * XSETBV instruction page, Vol. 2D).  The hypervisor executes a guest's
 * XSETBV itself, in root mode, so a value the CPU would refuse must be
 * refused here first (with #GP to the guest), or the host takes the #GP.
 */
#ifndef VMM_EMUL_XCR0_H
#define VMM_EMUL_XCR0_H

#include "hv/types.h"

#define XCR0_X87        (1ull << 0)
#define XCR0_SSE        (1ull << 1)
#define XCR0_AVX        (1ull << 2)
#define XCR0_BNDREGS    (1ull << 3)
#define XCR0_BNDCSR     (1ull << 4)
#define XCR0_OPMASK     (1ull << 5)
#define XCR0_ZMM_HI256  (1ull << 6)
#define XCR0_HI16_ZMM   (1ull << 7)
#define XCR0_AVX512     (XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM)
#define XCR0_PKRU       (1ull << 9)
#define XCR0_TILECFG    (1ull << 17)
#define XCR0_TILEDATA   (1ull << 18)
#define XCR0_AMX        (XCR0_TILECFG | XCR0_TILEDATA)
#define XCR0_RESERVED   (1ull << 63)  /* kept for extending the bit vector */
/* Supervisor state (PT, PASID, CET, HDC, UINTR, LBR, HWP): IA32_XSS only. */
#define XCR0_SUPERVISOR ((1ull << 8) | (0x1full << 10) | (1ull << 15) | (1ull << 16))

/*
 * True if XSETBV with ECX = index and EDX:EAX = value succeeds on a CPU
 * whose user state components are `supported` (CPUID.(EAX=0DH,ECX=0):
 * EDX:EAX).  Only XCR0 (index 0) is writable.
 */
bool xcr0_valid(uint32_t index, uint64_t value, uint64_t supported);

#endif
