/*
 * Guest start-up and shut-down.  guest_exit falls back to HC_EXIT and
 * finally to a halt loop, so a guest never runs off into the weeds.
 */
#include "platform.h"
#include "cpu.h"
#include "hcall.h"
#include "multiboot.h"
#include "string.h"
#include "trap.h"
#include "uart.h"

void guest_init(void)
{
	uart_init();
	trap_init();
}

static __attribute__((noreturn)) void halt_forever(void)
{
	for (;;) {
		cpu_cli();
		cpu_hlt();
	}
}

void guest_exit(uint32_t code)
{
	cpu_outl(PLATFORM_EXIT_PORT, code);
	hcall_exit(code);
	halt_forever();
}

void guest_poweroff(void)
{
	for (const char *p = "Shutdown"; *p; p++)
		cpu_outb(PLATFORM_SHUTDOWN_PORT, (uint8_t)*p);
	halt_forever();
}

bool guest_on_microhv(void)
{
	if (!(cpu_cpuid(1, 0).ecx & CPUID1_ECX_HYPERVISOR))
		return false;
	struct cpuid_regs r = cpu_cpuid(CPUID_HV_LEAF, 0);
	uint32_t sig[3] = { r.ebx, r.ecx, r.edx };
	return memcmp(sig, HV_CPUID_SIGNATURE, 12) == 0;
}

uint64_t guest_ram_end(const struct mb_info *mbi)
{
	struct hc_partition_info info;

	if (mbi->flags & MB_INFO_MEMORY)
		return (uint64_t)mbi->mem_upper * 1024 + (1u << 20);
	if (hcall_partition_info(&info) == 0)
		return info.ram_size;
	return 0;
}
