/* The host TSC as the hypervisor's clock. */
#ifndef ARCH_TSC_H
#define ARCH_TSC_H

#include "hv/types.h"

/* Find the TSC frequency: CPUID 0x15 / 0x16 when the CPU states it,
 * else measured against the PIT.  Call once on the boot CPU. */
void tsc_init(void);
uint64_t tsc_hz(void);
uint64_t tsc_to_ns(uint64_t ticks);
uint64_t ns_to_tsc(uint64_t ns);

#endif
