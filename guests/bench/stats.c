/*
 * Sample bookkeeping.  The guest is 32-bit and linked without libgcc, so
 * the mean's 64-bit division is done by shift and subtract.
 */
#include "bench.h"

void stats_reset(struct bench_stats *s)
{
	*s = (struct bench_stats){ .min = UINT64_MAX };
}

void stats_add(struct bench_stats *s, uint64_t ticks)
{
	if (ticks < s->min)
		s->min = ticks;
	s->sum += ticks;
	s->n++;
}

uint64_t bench_div(uint64_t n, uint32_t d)
{
	uint64_t q = 0, r = 0;

	for (int bit = 63; bit >= 0; bit--) {
		r = (r << 1) | ((n >> bit) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << bit;
		}
	}
	return q;
}

uint64_t stats_mean(const struct bench_stats *s)
{
	return s->n ? bench_div(s->sum, s->n) : 0;
}
