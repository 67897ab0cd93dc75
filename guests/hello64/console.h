/*
 * hello64's console: polled output on the COM1 16550 UART.  Lines end
 * in a bare '\n', which is how the hypervisor splits guest output.
 */
#ifndef HELLO64_CONSOLE_H
#define HELLO64_CONSOLE_H

#include <stdint.h>

void con_putc(char c);
void con_puts(const char *s);
void con_put_dec(uint64_t v);

#endif
