/*
 * Transmit-only UART driver (register layout: PC16550D datasheet,
 * Table 2).  No init: the hypervisor's emulated UART, like QEMU's,
 * accepts bytes without a baud rate being set.
 */
#include "console.h"
#include "cpu64.h"

#define COM1          0x3f8
#define UART_THR      0		/* transmit holding register */
#define UART_LSR      5		/* line status register */
#define LSR_THRE      (1u << 5)	/* transmit holding register empty */
#define POLL_LIMIT    100000	/* a wedged UART must not hang us */

void con_putc(char c)
{
	for (int i = 0; i < POLL_LIMIT; i++)
		if (cpu_inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	cpu_outb(COM1 + UART_THR, (uint8_t)c);
}

void con_puts(const char *s)
{
	while (*s)
		con_putc(*s++);
}

void con_put_dec(uint64_t v)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		con_putc(digits[--n]);
}
