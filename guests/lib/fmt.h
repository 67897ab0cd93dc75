/*
 * A small printf for guests: %d %i %u %x %X %s %c %p %%, the 'l' and
 * 'll' length modifiers, a field width and '0' padding (e.g. %08x,
 * %016llx).  No libgcc: 64-bit decimal is divided by hand.
 */
#ifndef GUEST_FMT_H
#define GUEST_FMT_H

#include <stdarg.h>
#include <stddef.h>

typedef void (*fmt_sink)(char c, void *ctx);

/* Format to sink; returns the number of characters produced. */
int fmt_vformat(fmt_sink sink, void *ctx, const char *fmt, va_list ap);

/* Like snprintf: always NUL-terminates (if size > 0), returns the
 * length the full output would have had. */
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
