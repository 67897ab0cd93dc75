/*
 * Result lines the boot tests match:
 *
 *   check <what>: ok
 *   check <what>: FAILED (<details>)
 *   <guest>: PASS                      exit code 0
 *   <guest>: FAIL (<n> failed)         exit code 1
 */
#ifndef GUEST_CHECK_H
#define GUEST_CHECK_H

#include <stdbool.h>
#include <stdint.h>

/* Record one check; details (printf format) are printed only on failure. */
bool check(const char *what, bool ok, const char *details, ...)
	__attribute__((format(printf, 3, 4)));

/* EXPECT_EQUAL: fails with "got 0x.. want 0x..". */
bool check_eq(const char *what, uint64_t got, uint64_t want);

/* Number of failed checks so far. */
unsigned check_failures(void);

/* Print the PASS/FAIL line for `name` and exit with 0 or 1. */
__attribute__((noreturn)) void check_finish(const char *name);

#endif
