/*
 * "Log this once": a small set of keys (port numbers, MSR numbers) that
 * were already reported, so a guest that hammers one unemulated port
 * fills the log with one line, not millions.  Only the first
 * LOG_ONCE_MAX keys are remembered and reported; after them, nothing.
 */
#ifndef LIB_LOG_ONCE_H
#define LIB_LOG_ONCE_H

#include "hv/types.h"

#define LOG_ONCE_MAX 16

struct log_once {
	uint32_t seen[LOG_ONCE_MAX];
	unsigned n;
	unsigned max;        /* how many keys to report, <= LOG_ONCE_MAX; 0 means all */
};

enum log_once_verdict {
	LOG_ONCE_SKIP,       /* already reported, or past the limit */
	LOG_ONCE_REPORT,     /* a new key: report it */
	LOG_ONCE_LAST,       /* a new key, and the last that will be reported */
};

/* Is `key` new?  Remembers it if so.  (Inline: it sits on exit paths.) */
static inline enum log_once_verdict log_once(struct log_once *l, uint32_t key)
{
	unsigned max = l->max && l->max < LOG_ONCE_MAX ? l->max : LOG_ONCE_MAX;

	if (l->n >= max)           /* full: nothing more is reported, seen or not */
		return LOG_ONCE_SKIP;
	for (unsigned i = 0; i < l->n; i++)
		if (l->seen[i] == key)
			return LOG_ONCE_SKIP;
	l->seen[l->n++] = key;
	return l->n == max ? LOG_ONCE_LAST : LOG_ONCE_REPORT;
}

#endif
