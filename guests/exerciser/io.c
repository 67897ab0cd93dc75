/*
 * I/O exits: the emulated UART keeps what is written to its scratch
 * register, and a port nobody emulates reads as all ones at every width
 * (like an ISA bus with nothing answering) and drops writes.
 */
#include "exerciser.h"

#define PORT_UART_SCRATCH (UART_COM1 + UART_SCRATCH)	/* 0x3ff */
#define PORT_UNUSED       0x2f0	/* nothing decodes it on a PC */

static void check_scratch(uint8_t value)
{
	char what[48];

	cpu_outb(PORT_UART_SCRATCH, value);
	fmt_snprintf(what, sizeof(what), "uart scratch readback 0x%02x", value);
	check_eq(what, cpu_inb(PORT_UART_SCRATCH), value);
}

void exercise_io(void)
{
	check_scratch(0x5a);
	check_scratch(0xa5);

	cpu_outb(PORT_UNUSED, 0x12);	/* must be dropped, not stored */
	check_eq("unused port inb", cpu_inb(PORT_UNUSED), 0xff);
	check_eq("unused port inw", cpu_inw(PORT_UNUSED), 0xffff);
	check_eq("unused port inl", cpu_inl(PORT_UNUSED), 0xffffffff);
}
