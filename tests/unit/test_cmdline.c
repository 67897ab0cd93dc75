/* units: drivers/cmdline.c */
#include "check.h"
#include "host_log.h"
#include "drivers/cmdline.h"

static struct hv_options o;

static unsigned parse(const char *s)
{
	host_log_clear();
	return cmdline_parse(s, &o);
}

static void check_defaults(void)
{
	CHECK_EQ(o.console, HV_CONSOLE_BOTH);
	CHECK_EQ(o.maxcpus, 0);
	CHECK(!o.nosmp);
	CHECK_EQ(o.loglevel, HV_LOGLEVEL_DEFAULT);
	CHECK(!o.debug);
	CHECK_EQ(o.poweroff, HV_POWEROFF_AUTO);
}

static void test_empty_and_null(void)
{
	CHECK_EQ(parse(NULL), 0);
	check_defaults();
	CHECK_EQ(parse(""), 0);
	check_defaults();
	CHECK_EQ(parse("  \t \n"), 0);
	check_defaults();
	CHECK_EQ(host_log_text()[0], 0);
}

static void test_every_option(void)
{
	CHECK_EQ(parse("console=serial maxcpus=4 nosmp loglevel=3 debug poweroff=acpi"), 0);
	CHECK_EQ(o.console, HV_CONSOLE_SERIAL);
	CHECK_EQ(o.maxcpus, 4);
	CHECK(o.nosmp);
	CHECK_EQ(o.loglevel, 3);
	CHECK(o.debug);
	CHECK_EQ(o.poweroff, HV_POWEROFF_ACPI);
	CHECK_EQ(host_log_text()[0], 0);
}

static void test_values(void)
{
	parse("console=fb poweroff=port");
	CHECK_EQ(o.console, HV_CONSOLE_FB);
	CHECK_EQ(o.poweroff, HV_POWEROFF_PORT);
	parse("console=both poweroff=halt loglevel=0");
	CHECK_EQ(o.console, HV_CONSOLE_BOTH);
	CHECK_EQ(o.poweroff, HV_POWEROFF_HALT);
	CHECK_EQ(o.loglevel, 0);
	parse("poweroff=halt poweroff=auto maxcpus=64");
	CHECK_EQ(o.poweroff, HV_POWEROFF_AUTO);   /* later word wins */
	CHECK_EQ(o.maxcpus, 64);
}

static void test_separators(void)
{
	CHECK_EQ(parse("\tdebug   \t console=serial  "), 0);
	CHECK(o.debug);
	CHECK_EQ(o.console, HV_CONSOLE_SERIAL);
}

static void test_parse_resets_to_defaults(void)
{
	parse("debug nosmp");
	CHECK(o.debug);
	parse("console=fb");
	CHECK(!o.debug);
	CHECK(!o.nosmp);
}

static void test_unknown_options(void)
{
	CHECK_EQ(parse("foo debug bar=1 consolee=serial"), 3);
	CHECK(o.debug);
	CHECK_STR_CONTAINS(host_log_text(), "hv: warning: unknown option 'foo' ignored\n");
	CHECK_STR_CONTAINS(host_log_text(), "hv: warning: unknown option 'bar=1' ignored\n");
	CHECK_STR_CONTAINS(host_log_text(), "hv: warning: unknown option 'consolee=serial' ignored\n");
	CHECK_EQ(o.console, HV_CONSOLE_BOTH);
}

static void test_unknown_long_word_is_cut(void)
{
	char line[200];

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = 0;
	CHECK_EQ(parse(line), 1);
	CHECK_STR_CONTAINS(host_log_text(), "unknown option 'xxxxxxxx");
	CHECK(strlen(host_log_text()) < 120);
}

static void test_bad_values_keep_default(void)
{
	CHECK_EQ(parse("console=vga"), 1);
	CHECK_EQ(o.console, HV_CONSOLE_BOTH);
	CHECK_STR_CONTAINS(host_log_text(), "hv: warning: bad value for 'console': expected serial, fb or both\n");

	CHECK_EQ(parse("maxcpus=abc"), 1);
	CHECK_EQ(o.maxcpus, 0);
	CHECK_STR_CONTAINS(host_log_text(), "hv: warning: bad value for 'maxcpus': expected a number");

	CHECK_EQ(parse("maxcpus=0"), 1);
	CHECK_EQ(o.maxcpus, 0);
	CHECK_STR_CONTAINS(host_log_text(), "use nosmp");

	CHECK_EQ(parse("maxcpus=65"), 1);
	CHECK_EQ(o.maxcpus, 0);
	CHECK_EQ(parse("maxcpus=99999999999999999999"), 1);
	CHECK_EQ(o.maxcpus, 0);
	CHECK_EQ(parse("maxcpus=4x"), 1);
	CHECK_EQ(o.maxcpus, 0);

	CHECK_EQ(parse("loglevel=4"), 1);
	CHECK_EQ(o.loglevel, HV_LOGLEVEL_DEFAULT);
	CHECK_STR_CONTAINS(host_log_text(), "hv: warning: bad value for 'loglevel': expected 0 to 3\n");
	CHECK_EQ(parse("loglevel=-1"), 1);
	CHECK_EQ(o.loglevel, HV_LOGLEVEL_DEFAULT);

	CHECK_EQ(parse("poweroff=reboot"), 1);
	CHECK_EQ(o.poweroff, HV_POWEROFF_AUTO);
	CHECK_STR_CONTAINS(host_log_text(), "hv: warning: bad value for 'poweroff': expected acpi, port, halt or auto\n");
}

static void test_missing_or_extra_value(void)
{
	CHECK_EQ(parse("console loglevel= nosmp=1 debug=yes"), 4);
	CHECK_STR_CONTAINS(host_log_text(), "hv: warning: bad value for 'console': missing '=value'\n");
	CHECK_STR_CONTAINS(host_log_text(), "hv: warning: bad value for 'loglevel': expected 0 to 3\n");
	CHECK_STR_CONTAINS(host_log_text(), "hv: warning: bad value for 'nosmp': takes no value\n");
	CHECK_STR_CONTAINS(host_log_text(), "hv: warning: bad value for 'debug': takes no value\n");
	check_defaults();
}

static void test_cpu_limit(void)
{
	parse("");
	CHECK_EQ(cmdline_cpu_limit(&o), 0);
	parse("maxcpus=3");
	CHECK_EQ(cmdline_cpu_limit(&o), 3);
	parse("maxcpus=3 nosmp");
	CHECK_EQ(cmdline_cpu_limit(&o), 1);
}

int main(void)
{
	RUN(test_empty_and_null);
	RUN(test_every_option);
	RUN(test_values);
	RUN(test_separators);
	RUN(test_parse_resets_to_defaults);
	RUN(test_unknown_options);
	RUN(test_unknown_long_word_is_cut);
	RUN(test_bad_values_keep_default);
	RUN(test_missing_or_extra_value);
	RUN(test_cpu_limit);
	return check_summary();
}
