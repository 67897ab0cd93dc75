/*
 * 16550 UART driver for the hypervisor's own console.
 *
 * Registers (offsets from the base port, DLAB = LCR bit 7):
 *   0 THR/RBR (DLL when DLAB)   1 IER (DLM when DLAB)   2 IIR/FCR
 *   3 LCR   4 MCR   5 LSR   6 MSR   7 SCR
 * Real machines may have no UART at all, so it is probed with the
 * loopback test before anything is written to it.
 */
#include "drivers/serial.h"
#include "arch/x86_64/cpu.h"

enum { THR = 0, RBR = 0, DLL = 0, IER = 1, DLM = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5 };
#define LCR_DLAB   0x80
#define LCR_8N1    0x03
#define MCR_DTR_RTS_OUT2 0x0b
#define MCR_LOOP   0x10
#define LSR_DR     0x01
#define LSR_THRE   0x20
#define LSR_TEMT   0x40
#define BAUD_DIVISOR 1   /* 115200 / 115200 */

static uint16_t base;
static bool present;

bool serial_init(uint16_t port)
{
	outb(port + IER, 0);
	outb(port + LCR, LCR_DLAB);
	outb(port + DLL, BAUD_DIVISOR & 0xff);
	outb(port + DLM, BAUD_DIVISOR >> 8);
	outb(port + LCR, LCR_8N1);
	outb(port + FCR, 0xc7);         /* enable and clear FIFOs */

	/* loopback: a byte written must come back on RBR */
	outb(port + MCR, MCR_LOOP | 0x0e);
	outb(port + THR, 0xae);
	for (int i = 0; i < 1000 && !(inb(port + LSR) & LSR_DR); i++)
		cpu_relax();
	if (inb(port + RBR) != 0xae)
		return false;

	outb(port + MCR, MCR_DTR_RTS_OUT2);
	base = port;
	present = true;
	return true;
}

bool serial_present(void)
{
	return present;
}

static void put_raw(char c)
{
	/* bounded wait: a wedged UART must not hang the hypervisor */
	for (int i = 0; i < 100000 && !(inb(base + LSR) & LSR_THRE); i++)
		cpu_relax();
	outb(base + THR, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	if (!present)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put_raw('\r');
		put_raw(s[i]);
	}
}

/* Wait until every byte written has left the UART (LSR.TEMT), e.g. before power-off. */
void serial_drain(void)
{
	for (int i = 0; present && i < 1000000 && !(inb(base + LSR) & LSR_TEMT); i++)
		cpu_relax();
}

int serial_getc(void)
{
	if (!present || !(inb(base + LSR) & LSR_DR))
		return -1;
	return inb(base + RBR);
}
