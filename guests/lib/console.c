/*
 * Console output over the UART.  Lines end in a bare '\n': the host
 * splits guest output on it and would keep a '\r' in the line.
 */
#include "console.h"
#include "fmt.h"
#include "uart.h"

static void uart_sink(char c, void *ctx)
{
	(void)ctx;
	uart_putc(c);
}

void con_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vformat(uart_sink, 0, fmt, ap);
	va_end(ap);
}

void con_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}
