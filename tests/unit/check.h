/*
 * A tiny unit-test harness for host tests.
 *
 *   static void test_something(void) { CHECK(x == 1); CHECK_EQ(a, b); }
 *   int main(void) { RUN(test_something); return check_summary(); }
 *
 * Each RUN prints "PASS <file>: <test>" or "FAIL <file>: <test>"; the
 * top-level runner counts those lines.  A failed CHECK prints the
 * expression, file and line and marks the current test failed (the test
 * goes on, so one run shows every broken assertion).
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <string.h>
#include <inttypes.h>

static int check_failed_now;
static int check_passed, check_failed;

#define CHECK(expr) do { \
	if (!(expr)) { \
		printf("  check failed: %s (%s:%d)\n", #expr, __FILE__, __LINE__); \
		check_failed_now = 1; \
	} } while (0)

#define CHECK_EQ(a, b) do { \
	unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
	if (a_ != b_) { \
		printf("  check failed: %s == %s (0x%llx != 0x%llx) (%s:%d)\n", \
		       #a, #b, a_, b_, __FILE__, __LINE__); \
		check_failed_now = 1; \
	} } while (0)

#define CHECK_STR_CONTAINS(hay, needle) do { \
	if (!strstr((hay), (needle))) { \
		printf("  check failed: \"%s\" does not contain \"%s\" (%s:%d)\n", \
		       (hay), (needle), __FILE__, __LINE__); \
		check_failed_now = 1; \
	} } while (0)

#define RUN(fn) do { \
	check_failed_now = 0; \
	fn(); \
	printf("%s %s: %s\n", check_failed_now ? "FAIL" : "PASS", __FILE__, #fn); \
	if (check_failed_now) check_failed++; else check_passed++; \
	} while (0)

static inline int check_summary(void)
{
	return check_failed ? 1 : 0;
}

#endif
