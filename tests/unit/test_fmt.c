/* units: lib/fmt.c */
/* Host tests for the hypervisor's vsnprintf, checked against the C library's. */
#include <stdio.h>
#include <stdint.h>
#include "check.h"
#include "lib/fmt.h"

#define SAME(...) do { \
	char a[128], b[128]; \
	int na = fmt_snprintf(a, sizeof(a), __VA_ARGS__); \
	int nb = snprintf(b, sizeof(b), __VA_ARGS__); \
	if (strcmp(a, b) || na != nb) { \
		printf("  mismatch: '%s' (%d) vs libc '%s' (%d)\n", a, na, b, nb); \
		check_failed_now = 1; \
	} } while (0)

static void test_integers(void)
{
	SAME("%d %i %u", -5, 42, 4000000000u);
	SAME("%x %X %o", 0xbeefu, 0xbeefu, 8u);
	SAME("%lx %llx %zu", 0xffffffffffUL, 0x8000000000000000ULL, (size_t)77);
	SAME("%ld %lld", -1L, (long long)INT64_MIN);
	SAME("%08x|%-6d|%6d|%04d", 0x1234u, 7, -7, -7);
	SAME("%016llx", 0x1ULL);
	SAME("%d", 0);
}

static void test_strings(void)
{
	SAME("%s and %c", "str", 'z');
	SAME("[%-8s][%8s]", "ab", "cd");
	SAME("100%%");
	SAME("[%.3s][%.*s][%.*s]", "abcdef", 2, "xyz", 0, "q");
	char buf[16];
	const char *volatile nul = NULL;
	fmt_snprintf(buf, sizeof(buf), "%s", nul);
	CHECK(strcmp(buf, "(null)") == 0);
	fmt_snprintf(buf, sizeof(buf), "%p", (void *)0x1000);
	CHECK(strcmp(buf, "0x1000") == 0);
}

static void test_truncation(void)
{
	char buf[8];
	int n = fmt_snprintf(buf, sizeof(buf), "%s", "0123456789");
	CHECK_EQ(n, 10);
	CHECK(strcmp(buf, "0123456") == 0);
	n = fmt_snprintf(buf, 0, "abc");
	CHECK_EQ(n, 3);
	const char *volatile odd = "%q%";
	n = fmt_snprintf(buf, sizeof(buf), odd);
	CHECK(strcmp(buf, "%q") == 0);
}

/* Appending past the end cuts the text and never runs over (the stats
 * line once wrapped its size when its text passed the buffer). */
static void test_append_is_bounded(void)
{
	char buf[16];
	size_t pos = 0;

	memset(buf, 'x', sizeof(buf));
	fmt_append(buf, sizeof(buf), &pos, "%s", "exits ");
	CHECK_EQ(pos, 6);
	for (int i = 0; i < 50; i++)
		fmt_append(buf, sizeof(buf), &pos, "%d, ", 1000 + i);
	CHECK_EQ(pos, sizeof(buf) - 1);
	CHECK_EQ(buf[sizeof(buf) - 1], 0);
	CHECK_EQ(strcmp(buf, "exits 1000, 100"), 0);
	fmt_append(buf, 0, &pos, "ignored");          /* no room at all: nothing */
	pos = 0;
	fmt_append(buf, 1, &pos, "abc");
	CHECK_EQ(pos, 0);
}

int main(void)
{
	RUN(test_integers);
	RUN(test_strings);
	RUN(test_truncation);
	RUN(test_append_is_bounded);
	return check_summary();
}
