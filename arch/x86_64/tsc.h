/* The host TSC as the hypervisor's clock. */
#ifndef ARCH_TSC_H
#define ARCH_TSC_H

#include "hv/types.h"

struct acpi_info;

/* Find the TSC frequency: CPUID 0x15 / 0x16 when the CPU states it,
 * else measured against the ACPI PM timer the FADT names, else against
 * the 8254 (arch/x86_64/tsc_freq.h), and log it with its source.  Call
 * once on the boot CPU, before anything waits or converts time. */
void tsc_init(const struct acpi_info *acpi);
uint64_t tsc_hz(void);
uint64_t tsc_to_ns(uint64_t ticks);
uint64_t ns_to_tsc(uint64_t ns);
/* Busy-wait on the TSC (the SIPI delays). */
void udelay(uint64_t us);

#endif
