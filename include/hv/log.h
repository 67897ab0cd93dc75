/*
 * The one log API.  Every line the hypervisor prints goes through
 * log_printf(), which fans out to every console that is up (serial,
 * framebuffer).  Host unit tests link a stub that records the text so
 * tests can assert on messages.
 *
 * Format: the usual printf subset -- %d %i %u %x %X %o %c %s %p %% with
 * flags '0' and '-', a field width, and the length modifiers l, ll, z.
 */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <stdarg.h>

void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vprintf(const char *fmt, va_list ap);
/* Print "hv: PANIC: cpu N: <message>" and halt this CPU for good. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
