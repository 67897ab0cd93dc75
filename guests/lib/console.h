/*
 * Guest console: formatted output to the UART (see fmt.h for the
 * conversions).  One call per line keeps host-side lines whole.
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void con_puts(const char *s);

#endif
