/*
 * Case "io": read, then write zero to, every I/O port except those
 * that end the guest (0xf4-0xf7 debug exit, 0x8900 shutdown) and the
 * console UART (0x3f8-0x3ff).  Nothing may reach a host device; ports
 * without an emulated device read as all ones.  We report how many
 * ports did not, and pass if we survive.
 */
#include "hostile.h"

#define PORT_COUNT   65536u
#define MAX_REPORTS  16

/* On bare QEMU (a smoke test, not under the hypervisor) these legacy
 * ports really reset the machine or gate A20, which would end the run
 * before it reports anything; under the hypervisor they are written
 * like every other port, since reaching the host's would be the bug. */
static const uint16_t bare_metal_unsafe[] = { 0x64, 0x92, 0xcf9 };

static bool port_skipped(uint32_t port)
{
	return (port >= PLATFORM_EXIT_PORT && port <= PLATFORM_EXIT_PORT + 3) ||
	       port == PLATFORM_SHUTDOWN_PORT ||
	       (port >= UART_COM1 && port <= UART_COM1 + 7);
}

static bool unsafe_here(uint32_t port, bool on_hv)
{
	if (on_hv)
		return false;
	for (unsigned i = 0; i < sizeof(bare_metal_unsafe) / sizeof(bare_metal_unsafe[0]); i++)
		if (port == bare_metal_unsafe[i])
			return true;
	return false;
}

static uint32_t read_sweep(void)
{
	uint32_t not_ones = 0;

	for (uint32_t port = 0; port < PORT_COUNT; port++) {
		if (port_skipped(port))
			continue;
		uint8_t v = cpu_inb((uint16_t)port);
		if (v != 0xff && not_ones++ < MAX_REPORTS)
			con_printf("hostile: io: port 0x%04x reads 0x%02x\n", port, v);
	}
	return not_ones;
}

static uint32_t write_sweep(bool on_hv)
{
	uint32_t written = 0;

	for (uint32_t port = 0; port < PORT_COUNT; port++) {
		if (port_skipped(port) || unsafe_here(port, on_hv))
			continue;
		cpu_outb((uint16_t)port, 0);
		written++;
	}
	return written;
}

void hostile_io(void)
{
	bool on_hv = guest_on_microhv();

	uint32_t not_ones = read_sweep();
	con_printf("hostile: io: %u ports did not read all ones\n", not_ones);
	uint32_t written = write_sweep(on_hv);
	con_printf("hostile: io: wrote 0 to %u ports\n", written);
	check_finish("hostile: io");
}
