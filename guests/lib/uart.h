/*
 * Polled output on the COM1 16550 UART.  The hypervisor shows each line
 * a guest writes here on the host console as "[<guest>] <line>".
 */
#ifndef GUEST_UART_H
#define GUEST_UART_H

#include <stdint.h>

#define UART_COM1    0x3f8
#define UART_THR     0	/* transmit holding register (write) */
#define UART_IER     1
#define UART_FCR     2
#define UART_LCR     3
#define UART_MCR     4
#define UART_LSR     5
#define UART_SCRATCH 7

#define UART_LSR_THRE (1u << 5)	/* transmitter holding register empty */

void uart_init(void);
void uart_putc(char c);

#endif
