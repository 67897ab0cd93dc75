/*
 * Hypervisor command-line options: a table of names, each with a setter
 * that either applies its value or says why the value is bad.  Words are
 * taken in order, so a later option overrides an earlier one.
 */
#include "drivers/cmdline.h"
#include "hv/log.h"
#include "hv/string.h"

/* A word of the command line: not NUL-terminated, so carried with its length. */
struct cmdline_word {
	const char *s;
	size_t len;
};

/* Returns NULL when the value was applied, else why it was refused. */
typedef const char *(*cmdline_set_fn)(struct hv_options *o, struct cmdline_word val);

struct cmdline_opt {
	const char *name;
	bool takes_value;
	cmdline_set_fn set;
};

static bool word_is(struct cmdline_word w, const char *lit)
{
	size_t n = strlen(lit);
	return w.len == n && memcmp(w.s, lit, n) == 0;
}

/* Decimal number up to limit; false on anything else. */
static bool word_to_uint(struct cmdline_word w, unsigned limit, unsigned *out)
{
	unsigned v = 0;

	if (w.len == 0)
		return false;
	for (size_t i = 0; i < w.len; i++) {
		if (w.s[i] < '0' || w.s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(w.s[i] - '0');
		if (v > limit)
			return false;
	}
	*out = v;
	return true;
}

static const char *set_console(struct hv_options *o, struct cmdline_word v)
{
	if (word_is(v, "serial"))
		o->console = HV_CONSOLE_SERIAL;
	else if (word_is(v, "fb"))
		o->console = HV_CONSOLE_FB;
	else if (word_is(v, "both"))
		o->console = HV_CONSOLE_BOTH;
	else
		return "expected serial, fb or both";
	return NULL;
}

static const char *set_maxcpus(struct hv_options *o, struct cmdline_word v)
{
	unsigned n;

	if (!word_to_uint(v, HV_MAXCPUS_LIMIT, &n))
		return "expected a number from 1 to 64";
	if (n == 0)
		return "expected a number from 1 to 64 (use nosmp for one CPU)";
	o->maxcpus = n;
	return NULL;
}

static const char *set_nosmp(struct hv_options *o, struct cmdline_word v)
{
	o->nosmp = true;
	return NULL;
}

static const char *set_loglevel(struct hv_options *o, struct cmdline_word v)
{
	unsigned n;

	if (!word_to_uint(v, HV_LOGLEVEL_MAX, &n))
		return "expected 0 to 3";
	o->loglevel = (int)n;
	return NULL;
}

static const char *set_debug(struct hv_options *o, struct cmdline_word v)
{
	o->debug = true;
	return NULL;
}

static const char *set_poweroff(struct hv_options *o, struct cmdline_word v)
{
	if (word_is(v, "acpi"))
		o->poweroff = HV_POWEROFF_ACPI;
	else if (word_is(v, "port"))
		o->poweroff = HV_POWEROFF_PORT;
	else if (word_is(v, "halt"))
		o->poweroff = HV_POWEROFF_HALT;
	else if (word_is(v, "auto"))
		o->poweroff = HV_POWEROFF_AUTO;
	else
		return "expected acpi, port, halt or auto";
	return NULL;
}

/* Deliberate faults, so the tests can see the panic path work. */
static const char *set_selftest(struct hv_options *o, struct cmdline_word v)
{
	if (word_is(v, "pagefault"))
		o->selftest = HV_SELFTEST_PAGEFAULT;
	else if (word_is(v, "stack"))
		o->selftest = HV_SELFTEST_STACK;
	else if (word_is(v, "exitfault"))
		o->selftest = HV_SELFTEST_EXITFAULT;
	else
		return "expected pagefault, stack or exitfault";
	return NULL;
}

static const char *set_nozero(struct hv_options *o, struct cmdline_word v)
{
	o->nozero = true;
	return NULL;
}

static const struct cmdline_opt cmdline_opts[] = {
	{ "nozero",   false, set_nozero },
	{ "selftest", true,  set_selftest },
	{ "console",  true,  set_console },
	{ "maxcpus",  true,  set_maxcpus },
	{ "nosmp",    false, set_nosmp },
	{ "loglevel", true,  set_loglevel },
	{ "debug",    false, set_debug },
	{ "poweroff", true,  set_poweroff },
};

static const struct cmdline_opt *cmdline_find(struct cmdline_word key)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmdline_opts); i++)
		if (word_is(key, cmdline_opts[i].name))
			return &cmdline_opts[i];
	return NULL;
}

/* hv/string.h has no memchr. */
static const char *word_find(struct cmdline_word w, char c)
{
	for (size_t i = 0; i < w.len; i++)
		if (w.s[i] == c)
			return w.s + i;
	return NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copy a word into buf as a C string for the log, cut to fit. */
static const char *word_str(struct cmdline_word w, char *buf, size_t size)
{
	size_t n = MIN(w.len, size - 1);

	memcpy(buf, w.s, n);
	buf[n] = '\0';
	return buf;
}

/* Apply one "name" or "name=value" word; returns the warnings printed. */
static unsigned cmdline_apply(struct hv_options *o, struct cmdline_word w)
{
	char buf[64];
	const char *eq = word_find(w, '=');
	struct cmdline_word key = { w.s, eq ? (size_t)(eq - w.s) : w.len };
	struct cmdline_word val = { eq ? eq + 1 : w.s + w.len, eq ? w.len - key.len - 1 : 0 };
	const struct cmdline_opt *opt = cmdline_find(key);
	const char *why;

	if (!opt) {
		log_printf("hv: warning: unknown option '%s' ignored\n", word_str(w, buf, sizeof(buf)));
		return 1;
	}
	if (opt->takes_value && !eq)
		why = "missing '=value'";
	else if (!opt->takes_value && eq)
		why = "takes no value";
	else
		why = opt->set(o, val);
	if (why) {
		log_printf("hv: warning: bad value for '%s': %s\n", opt->name, why);
		return 1;
	}
	return 0;
}

void cmdline_defaults(struct hv_options *opts)
{
	*opts = (struct hv_options){
		.console = HV_CONSOLE_BOTH,
		.maxcpus = 0,
		.nosmp = false,
		.loglevel = HV_LOGLEVEL_DEFAULT,
		.debug = false,
		.poweroff = HV_POWEROFF_AUTO,
	};
}

unsigned cmdline_parse(const char *s, struct hv_options *opts)
{
	unsigned warnings = 0;

	cmdline_defaults(opts);
	if (!s)
		return 0;
	while (*s) {
		struct cmdline_word w = { s, 0 };

		if (is_space(*s)) {
			s++;
			continue;
		}
		while (s[w.len] && !is_space(s[w.len]))
			w.len++;
		warnings += cmdline_apply(opts, w);
		s += w.len;
	}
	return warnings;
}

unsigned cmdline_cpu_limit(const struct hv_options *opts)
{
	return opts->nosmp ? 1 : opts->maxcpus;
}
