/* units: lib/regdump.c */
/*
 * The two small logging helpers: log_once() reports each key once and
 * stops at its limit, saying which report is the last; log_gprs() prints
 * all 16 registers in architectural order.
 */
#include "check.h"
#include "host_log.h"
#include "lib/log_once.h"
#include "lib/regdump.h"

static void test_each_key_once(void)
{
	struct log_once l = { .max = 4 };

	CHECK_EQ(log_once(&l, 0x3f8), LOG_ONCE_REPORT);
	CHECK_EQ(log_once(&l, 0x3f8), LOG_ONCE_SKIP);
	CHECK_EQ(log_once(&l, 0x80), LOG_ONCE_REPORT);
	CHECK_EQ(log_once(&l, 0x3f8), LOG_ONCE_SKIP);
	CHECK_EQ(l.n, 2);
}

static void test_limit_and_last(void)
{
	struct log_once l = { .max = 3 };

	CHECK_EQ(log_once(&l, 1), LOG_ONCE_REPORT);
	CHECK_EQ(log_once(&l, 2), LOG_ONCE_REPORT);
	CHECK_EQ(log_once(&l, 3), LOG_ONCE_LAST);
	CHECK_EQ(log_once(&l, 4), LOG_ONCE_SKIP);     /* past the limit: silent */
	CHECK_EQ(log_once(&l, 3), LOG_ONCE_SKIP);
	CHECK_EQ(l.n, 3);
}

static void test_zero_max_means_capacity(void)
{
	struct log_once l = { .max = 0 };
	int reported = 0;

	for (uint32_t k = 0; k < 100; k++)
		reported += log_once(&l, k) != LOG_ONCE_SKIP;
	CHECK_EQ(reported, LOG_ONCE_MAX);
	CHECK_EQ(l.n, LOG_ONCE_MAX);
}

static void test_key_zero_and_large_keys(void)
{
	struct log_once l = { .max = 2 };

	CHECK_EQ(log_once(&l, 0), LOG_ONCE_REPORT);   /* 0 is a key like any other */
	CHECK_EQ(log_once(&l, 0), LOG_ONCE_SKIP);
	CHECK_EQ(log_once(&l, 0xc0000080u), LOG_ONCE_LAST);
}

static void test_gprs_in_architectural_order(void)
{
	uint64_t r[16];

	for (int i = 0; i < 16; i++)
		r[i] = 0x1111111111111111ull * (uint64_t)(i % 15 + 1);
	host_log_clear();
	log_gprs("> ", r);
	const char *t = host_log_text();
	CHECK_STR_CONTAINS(t, "> rax 1111111111111111 rcx 2222222222222222 rdx 3333333333333333 rbx 4444444444444444\n");
	CHECK_STR_CONTAINS(t, "> rsp 5555555555555555 rbp 6666666666666666 rsi 7777777777777777 rdi 8888888888888888\n");
	CHECK_STR_CONTAINS(t, "> r8  9999999999999999 r9  aaaaaaaaaaaaaaaa r10 bbbbbbbbbbbbbbbb r11 cccccccccccccccc\n");
	CHECK_STR_CONTAINS(t, "> r12 dddddddddddddddd r13 eeeeeeeeeeeeeeee r14 ffffffffffffffff r15 1111111111111111\n");
}

int main(void)
{
	RUN(test_each_key_once);
	RUN(test_limit_and_last);
	RUN(test_zero_max_means_capacity);
	RUN(test_key_zero_and_large_keys);
	RUN(test_gprs_in_architectural_order);
	return check_summary();
}
