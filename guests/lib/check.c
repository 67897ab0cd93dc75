/*
 * Check bookkeeping and the PASS/FAIL verdict (formats in check.h).
 */
#include "check.h"
#include "console.h"
#include "fmt.h"
#include "platform.h"

static unsigned failures;

bool check(const char *what, bool ok, const char *details, ...)
{
	char buf[160];
	va_list ap;

	if (ok) {
		con_printf("check %s: ok\n", what);
		return true;
	}
	va_start(ap, details);
	fmt_vsnprintf(buf, sizeof(buf), details, ap);
	va_end(ap);
	con_printf("check %s: FAILED (%s)\n", what, buf);
	failures++;
	return false;
}

bool check_eq(const char *what, uint64_t got, uint64_t want)
{
	return check(what, got == want, "got 0x%llx want 0x%llx", got, want);
}

unsigned check_failures(void)
{
	return failures;
}

void check_finish(const char *name)
{
	if (failures == 0) {
		con_printf("%s: PASS\n", name);
		guest_exit(0);
	}
	con_printf("%s: FAIL (%u failed)\n", name, failures);
	guest_exit(1);
}
