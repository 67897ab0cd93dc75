/*
 * printf-style formatting into a buffer, for the log and for messages
 * built before they are printed.  Supports the subset documented in
 * hv/log.h.  Returns the length the full output would have had.
 */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Build a string piece by piece: format at buf + *pos and move *pos to
 * the end of what fit.  Text that does not fit is cut, *pos never passes
 * size - 1 and buf stays terminated, so any number of appends is safe.
 */
void fmt_vappend(char *buf, size_t size, size_t *pos, const char *fmt, va_list ap);
void fmt_append(char *buf, size_t size, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
