/*
 * 16550 transmit path (register layout: PC16550D datasheet, Table 2).
 * We only ever transmit, so init just sets 115200 8N1 with FIFOs on;
 * an emulated UART may ignore all of it.
 */
#include "uart.h"
#include "cpu.h"

/* Bound the LSR poll: a missing or wedged UART must not hang the guest. */
#define UART_POLL_LIMIT 100000

void uart_init(void)
{
	cpu_outb(UART_COM1 + UART_IER, 0x00);	/* no interrupts */
	cpu_outb(UART_COM1 + UART_LCR, 0x80);	/* DLAB: divisor follows */
	cpu_outb(UART_COM1 + 0, 0x01);		/* divisor 1 = 115200 baud */
	cpu_outb(UART_COM1 + 1, 0x00);
	cpu_outb(UART_COM1 + UART_LCR, 0x03);	/* 8N1, DLAB off */
	cpu_outb(UART_COM1 + UART_FCR, 0x07);	/* enable and clear FIFOs */
	cpu_outb(UART_COM1 + UART_MCR, 0x03);	/* DTR, RTS */
}

void uart_putc(char c)
{
	for (int i = 0; i < UART_POLL_LIMIT; i++)
		if (cpu_inb(UART_COM1 + UART_LSR) & UART_LSR_THRE)
			break;
	cpu_outb(UART_COM1 + UART_THR, (uint8_t)c);
}
