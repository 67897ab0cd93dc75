/*
 * Ending a guest and recognising the platform it runs on.
 *
 *   port 0xf4   QEMU isa-debug-exit: a 32-bit write ends the guest with
 *               "stopped: exit code <value>"
 *   port 0x8900 writing the bytes of "Shutdown" powers the guest off
 *               (the Bochs/QEMU APM shutdown port)
 */
#ifndef GUEST_PLATFORM_H
#define GUEST_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#define PLATFORM_EXIT_PORT     0xf4
#define PLATFORM_SHUTDOWN_PORT 0x8900

/* Set up the console and exception handling; first call of guest_main. */
void guest_init(void);

__attribute__((noreturn)) void guest_exit(uint32_t code);
__attribute__((noreturn)) void guest_poweroff(void);

/* True if CPUID says we run under our hypervisor (leaf 0x40000000
 * answers HV_CPUID_SIGNATURE). */
bool guest_on_microhv(void);

struct mb_info;
/* End of guest RAM: from the multiboot memory info, else the partition-info
 * hypercall; 0 if neither says. */
uint64_t guest_ram_end(const struct mb_info *mbi);

#endif
