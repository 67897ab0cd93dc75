/* Reporting each key once (see log_once.h). */
#include "lib/log_once.h"

enum log_once_verdict log_once(struct log_once *l, uint32_t key)
{
	unsigned max = l->max && l->max < LOG_ONCE_MAX ? l->max : LOG_ONCE_MAX;

	for (unsigned i = 0; i < l->n; i++)
		if (l->seen[i] == key)
			return LOG_ONCE_SKIP;
	if (l->n >= max)
		return LOG_ONCE_SKIP;
	l->seen[l->n++] = key;
	return l->n == max ? LOG_ONCE_LAST : LOG_ONCE_REPORT;
}
