/*
 * Host stand-in for the hypervisor's log API: keeps everything printed
 * in a buffer so tests can look for messages, and echoes it when
 * HV_LOG_ECHO is set in the environment.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hv/log.h"
#include "host_log.h"

static char logbuf[1 << 16];
static size_t loglen;

void log_vprintf(const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen, fmt, ap);
	if (n > 0) {
		loglen += (size_t)n;
		if (loglen >= sizeof(logbuf))
			loglen = sizeof(logbuf) - 1;
	}
	if (getenv("HV_LOG_ECHO"))
		vprintf(fmt, copy);
	va_end(copy);
}

void log_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
}

const char *host_log_text(void) { return logbuf; }
void host_log_clear(void) { loglen = 0; logbuf[0] = 0; }
