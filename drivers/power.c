/*
 * Power-off, in order of preference: ACPI S5 (write SLP_TYPa|SLP_EN to
 * PM1a_CNT, and PM1b_CNT when present, ACPI spec 7.4.2 / 16.1.7), then the
 * emulators' exit ports (QEMU isa-debug-exit at 0xf4, Bochs' shutdown
 * port 0x8900), then halt.  Each step only runs if the previous one did
 * not take the machine down.  On a real machine those ports may belong
 * to a device, so the automatic order writes them only on an emulator
 * (its firmware's ACPI OEM id is "BOCHS", QEMU's as Bochs', or the CPU
 * says it runs under a hypervisor); poweroff=port writes them anyway.
 */
#include "drivers/power.h"
#include "arch/x86_64/cpu.h"
#include "drivers/serial.h"
#include "hv/log.h"
#include "hv/string.h"

static struct acpi_info acpi;
static enum hv_poweroff method;

void power_init(const struct acpi_info *a, enum hv_poweroff m)
{
	acpi = *a;
	method = m;
}

static void acpi_s5(void)
{
	if (!acpi.has_s5)
		return;
	outw(acpi.pm1a_cnt, acpi_pm1_s5_value(acpi.slp_typa));
	if (acpi.pm1b_cnt)
		outw(acpi.pm1b_cnt, acpi_pm1_s5_value(acpi.slp_typb));
	for (volatile int i = 0; i < 1000000; i++)
		;
}

static void emulator_ports(void)
{
	const char *s = "Shutdown";

	outl(0xf4, 0x10);        /* QEMU: exit status (0x10 << 1) | 1 = 33 */
	while (*s)
		outb(0x8900, (uint8_t)*s++);
}

static bool on_emulator(void)
{
	return strncmp(acpi.oem, "BOCHS", 5) == 0 || (cpuid(1, 0).ecx & (1u << 31));
}

void power_off(void)
{
	log_printf("hv: powering off\n");
	serial_drain();
	if (method == HV_POWEROFF_AUTO || method == HV_POWEROFF_ACPI)
		acpi_s5();
	if (method == HV_POWEROFF_PORT || (method == HV_POWEROFF_AUTO && on_emulator()))
		emulator_ports();
	log_printf("hv: power-off did not work; halting\n");
	halt_forever();
}
