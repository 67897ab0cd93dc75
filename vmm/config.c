/*
 * Partition config: the parser (text -> struct hv_config) and the check
 * of the parsed guests against the machine.  The format is described in
 * vmm/config.h.
 *
 * The parser works on (pointer, length) spans of the module's bytes, so
 * it needs no copy of the text and no NUL terminator.  Each line yields
 * at most one message; a message names the line and refuses the guest
 * whose block it is in.
 */
#include <stdarg.h>
#include "hv/types.h"
#include "hv/string.h"
#include "hv/log.h"
#include "vmm/config.h"
#include "ept/guest_ram.h"

#define CONFIG_MIN_MEMORY SIZE_2M
#define CONFIG_MAX_CPU    4096	/* a sanity bound; the machine check is exact */
#define VALUE_SHOW_LEN    48	/* how much of a bad value a message quotes */

/* ---- spans ------------------------------------------------------------ */

struct span { const char *p; size_t n; };

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static struct span span_from(struct span s, size_t i)
{
	return i >= s.n ? (struct span){ s.p + s.n, 0 } : (struct span){ s.p + i, s.n - i };
}

static struct span trim(struct span s)
{
	while (s.n && is_blank(s.p[0]))
		s.p++, s.n--;
	while (s.n && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool span_eq(struct span s, const char *lit)
{
	return strlen(lit) == s.n && memcmp(s.p, lit, s.n) == 0;
}

/* Index of the first c in s, or s.n. */
static size_t span_find(struct span s, char c)
{
	size_t i = 0;

	while (i < s.n && s.p[i] != c)
		i++;
	return i;
}

/* Copy s into buf as a C string, cut to fit. */
static void span_copy(struct span s, char *buf, size_t size)
{
	size_t n = MIN(s.n, size - 1);

	memcpy(buf, s.p, n);
	buf[n] = '\0';
}

/* ---- numbers ---------------------------------------------------------- */

/* A whole span as decimal or 0x hex; false on junk or overflow. */
static bool parse_u64(struct span s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s.n > 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X'))
		base = 16, s = span_from(s, 2);
	if (s.n == 0)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
			   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 99;
		if (d >= base || v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

/* A number with an optional K, M or G suffix (binary units). */
static bool parse_size(struct span s, uint64_t *out)
{
	unsigned shift = 0;
	uint64_t v;

	if (s.n) {
		switch (s.p[s.n - 1]) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		}
		if (shift)
			s.n--;
	}
	if (!parse_u64(s, &v) || v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

/* ---- reporting -------------------------------------------------------- */

static void report(struct hv_config *cfg, struct guest_cfg *g, int line,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* One line per problem; the guest it concerns (if any) is refused. */
static void report(struct hv_config *cfg, struct guest_cfg *g, int line,
		   const char *fmt, ...)
{
	va_list ap;

	log_printf("hv: config: line %d: ", line);
	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
	log_printf("\n");
	cfg->nerrors++;
	if (g)
		g->ok = false;
}

/* ---- the parser ------------------------------------------------------- */

enum cfg_key {
	KEY_CPU, KEY_CPUS, KEY_MEMORY, KEY_IMAGE, KEY_FORMAT, KEY_CMDLINE, KEY_MODULES,
	KEY_ON_EXIT, KEY_SMALL_PAGES, KEY_NET, KEY_COUNT
};

struct parser {
	struct hv_config *cfg;
	int line;
	struct guest_cfg *cur;		/* block being read; NULL outside one */
	bool skipping;			/* in a block whose header was refused */
	bool in_switch;			/* in a [switch NAME] block */
	int key_line[KEY_COUNT];	/* where cur set each key; 0: not yet */
};

/* An error on the current line, in the current block. */
#define PERR(p, ...) report((p)->cfg, (p)->cur, (p)->line, __VA_ARGS__)

static void quote(struct span v, char *buf)
{
	span_copy(v, buf, VALUE_SHOW_LEN);
}

static void set_cpu(struct parser *p, struct guest_cfg *g, struct span v)
{
	char show[VALUE_SHOW_LEN];
	uint64_t cpu;

	if (!parse_u64(v, &cpu) || cpu >= CONFIG_MAX_CPU) {
		quote(v, show);
		PERR(p, "bad cpu index '%s'", show);
		return;
	}
	g->cpu = (int)cpu;
	g->cpus[0] = (int)cpu;
	g->ncpus = 1;
}

/* One item of a cpus list: "N" or "A-B"; false (reported) if bad. */
static bool add_cpu_item(struct parser *p, struct guest_cfg *g, struct span item,
			 int *cpus, int *n)
{
	char show[VALUE_SHOW_LEN];
	size_t dash = span_find(item, '-');
	uint64_t a, b = 0;

	quote(item, show);
	if (item.n == 0) {
		PERR(p, "empty item in the cpus list");
		return false;
	}
	if (!parse_u64(trim((struct span){ item.p, dash }), &a) ||
	    (dash < item.n && !parse_u64(trim(span_from(item, dash + 1)), &b))) {
		PERR(p, "bad cpus item '%s' (want N or A-B)", show);
		return false;
	}
	if (dash == item.n)
		b = a;
	if (a > b || b >= CONFIG_MAX_CPU) {
		PERR(p, "bad cpu range '%s'", show);
		return false;
	}
	for (uint64_t c = a; c <= b; c++) {
		for (int i = 0; i < *n; i++) {
			if (cpus[i] == (int)c) {
				PERR(p, "cpu %d is listed twice", (int)c);
				return false;
			}
		}
		if (*n == CONFIG_MAX_VCPUS) {
			PERR(p, "too many cpus (max %d per guest)", CONFIG_MAX_VCPUS);
			return false;
		}
		cpus[(*n)++] = (int)c;
	}
	return true;
}

/* "1,2" or "1-3" or "0,2-3": one vCPU on each listed host CPU, in order. */
static void set_cpus(struct parser *p, struct guest_cfg *g, struct span v)
{
	int cpus[CONFIG_MAX_VCPUS], n = 0;

	for (;;) {
		size_t comma = span_find(v, ',');
		if (!add_cpu_item(p, g, trim((struct span){ v.p, comma }), cpus, &n))
			return;
		if (comma == v.n)
			break;
		v = span_from(v, comma + 1);
	}
	memcpy(g->cpus, cpus, sizeof(cpus[0]) * (size_t)n);
	g->ncpus = n;
	g->cpu = cpus[0];
}

static void set_memory(struct parser *p, struct guest_cfg *g, struct span v)
{
	char show[VALUE_SHOW_LEN];
	uint64_t bytes;

	quote(v, show);
	if (!parse_size(v, &bytes))
		PERR(p, "bad size '%s'", show);
	else if (bytes < CONFIG_MIN_MEMORY)
		PERR(p, "memory '%s' is below the 2 MiB minimum", show);
	else if (!IS_ALIGNED(bytes, SIZE_2M))
		PERR(p, "memory '%s' is not a multiple of 2 MiB", show);
	else
		g->memory = bytes;
}

/* A module name: one word that fits in CONFIG_IMAGE_LEN. */
static bool module_name_ok(struct parser *p, struct span v)
{
	char show[VALUE_SHOW_LEN];

	quote(v, show);
	if (v.n >= CONFIG_IMAGE_LEN) {
		PERR(p, "module name '%s...' is too long (max %d chars)", show,
		     CONFIG_IMAGE_LEN - 1);
		return false;
	}
	for (size_t i = 0; i < v.n; i++) {
		if (is_blank(v.p[i])) {
			PERR(p, "'%s' is not one module name", show);
			return false;
		}
	}
	return true;
}

static void set_image(struct parser *p, struct guest_cfg *g, struct span v)
{
	if (module_name_ok(p, v))
		span_copy(v, g->image, sizeof(g->image));
}

static void set_format(struct parser *p, struct guest_cfg *g, struct span v)
{
	static const enum image_format all[] = { IMAGE_MULTIBOOT, IMAGE_ELF64,
						 IMAGE_BZIMAGE };
	char show[VALUE_SHOW_LEN];

	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		if (span_eq(v, loader_format_name(all[i]))) {
			g->format = all[i];
			return;
		}
	}
	quote(v, show);
	PERR(p, "unknown format '%s' (multiboot | elf64 | bzimage)", show);
}

static void set_cmdline(struct parser *p, struct guest_cfg *g, struct span v)
{
	if (v.n >= sizeof(g->cmdline)) {
		PERR(p, "cmdline is %zu chars long (max %zu)", v.n,
		     sizeof(g->cmdline) - 1);
		return;
	}
	span_copy(v, g->cmdline, sizeof(g->cmdline));
}

/* The next blank-separated word of *rest, or an empty span. */
static struct span next_word(struct span *rest)
{
	struct span w = trim(*rest);
	size_t n = 0;

	while (n < w.n && !is_blank(w.p[n]))
		n++;
	*rest = span_from(w, n);
	w.n = n;
	return w;
}

static void set_modules(struct parser *p, struct guest_cfg *g, struct span v)
{
	int n = 0;

	for (struct span w = next_word(&v); w.n; w = next_word(&v)) {
		if (n == CONFIG_MAX_MODULES) {
			PERR(p, "too many modules (max %d)", CONFIG_MAX_MODULES);
			return;
		}
		if (!module_name_ok(p, w))
			return;
		span_copy(w, g->modules[n++], CONFIG_IMAGE_LEN);
	}
	g->nmodules = n;
}

static void set_on_exit(struct parser *p, struct guest_cfg *g, struct span v)
{
	char show[VALUE_SHOW_LEN];

	if (span_eq(v, "idle"))
		g->on_exit = ON_EXIT_IDLE;
	else if (span_eq(v, "restart"))
		g->on_exit = ON_EXIT_RESTART;
	else if (span_eq(v, "poweroff"))
		g->on_exit = ON_EXIT_POWEROFF;
	else {
		quote(v, show);
		PERR(p, "unknown on_exit '%s' (idle | restart | poweroff)", show);
	}
}

/* "START-END": a 2 MiB aligned, non-empty gpa range. */
static void set_small_pages(struct parser *p, struct guest_cfg *g, struct span v)
{
	char show[VALUE_SHOW_LEN];
	size_t dash = span_find(v, '-');
	struct span a = trim((struct span){ v.p, dash });
	struct span b = trim(span_from(v, dash + 1));
	uint64_t start, end;

	quote(v, show);
	if (dash == v.n || !parse_size(a, &start) || !parse_size(b, &end))
		PERR(p, "bad range '%s' (want START-END)", show);
	else if (start >= end)
		PERR(p, "empty range '%s'", show);
	else if (!IS_ALIGNED(start, SIZE_2M) || !IS_ALIGNED(end, SIZE_2M))
		PERR(p, "range '%s' is not 2 MiB aligned", show);
	else
		g->small_start = start, g->small_end = end;
}

static bool name_ok(struct span n);

/* "lan wan": the switches of net0, net1; resolved once the file is read. */
static void set_net(struct parser *p, struct guest_cfg *g, struct span v)
{
	char show[VALUE_SHOW_LEN];
	int n = 0;

	for (struct span w = next_word(&v); w.n; w = next_word(&v)) {
		quote(w, show);
		if (n == CONFIG_MAX_NETS) {
			PERR(p, "too many net devices (max %d per guest)", CONFIG_MAX_NETS);
			return;
		}
		if (!name_ok(w)) {
			PERR(p, "bad switch name '%s' (1-15 chars of A-Z a-z 0-9 _ -)", show);
			return;
		}
		for (int i = 0; i < n; i++) {
			if (span_eq(w, g->net_names[i])) {
				PERR(p, "switch '%s' is listed twice", show);
				return;
			}
		}
		span_copy(w, g->net_names[n++], CONFIG_NAME_LEN);
	}
	g->nnets = n;
	g->net_line = p->line;
}

static const struct {
	const char *name;
	bool required, may_be_empty;
	void (*set)(struct parser *p, struct guest_cfg *g, struct span v);
} cfg_keys[KEY_COUNT] = {
	[KEY_CPU]         = { "cpu",         false, false, set_cpu },    /* cpu or cpus */
	[KEY_CPUS]        = { "cpus",        false, false, set_cpus },
	[KEY_MEMORY]      = { "memory",      true,  false, set_memory },
	[KEY_IMAGE]       = { "image",       true,  false, set_image },
	[KEY_FORMAT]      = { "format",      true,  false, set_format },
	[KEY_CMDLINE]     = { "cmdline",     false, true,  set_cmdline },
	[KEY_MODULES]     = { "modules",     false, true,  set_modules },
	[KEY_ON_EXIT]     = { "on_exit",     false, false, set_on_exit },
	[KEY_SMALL_PAGES] = { "small_pages", false, false, set_small_pages },
	[KEY_NET]         = { "net",         false, false, set_net },
};

static int find_key(struct span k)
{
	for (int i = 0; i < KEY_COUNT; i++)
		if (span_eq(k, cfg_keys[i].name))
			return i;
	return -1;
}

/* Only blanks or a comment may follow a value or a header. */
static bool only_comment(struct span s)
{
	s = trim(s);
	return s.n == 0 || s.p[0] == '#';
}

/*
 * The value after '=': a "quoted string" taken as is, or the text up to
 * a '#' with blanks trimmed.  Returns false (and reports) on bad quoting.
 */
static bool extract_value(struct parser *p, struct span s, struct span *v)
{
	size_t close;

	s = trim(s);
	if (s.n == 0 || s.p[0] != '"') {
		s.n = span_find(s, '#');
		*v = trim(s);
		return true;
	}
	s = span_from(s, 1);
	close = span_find(s, '"');
	if (close == s.n) {
		PERR(p, "unterminated quote");
		return false;
	}
	if (!only_comment(span_from(s, close + 1))) {
		PERR(p, "unexpected text after the closing quote");
		return false;
	}
	*v = (struct span){ s.p, close };
	return true;
}

/* End of a block: required keys, and checks that need several keys. */
static void finish_block(struct parser *p)
{
	struct guest_cfg *g = p->cur;

	if (!g)
		return;
	for (int i = 0; i < KEY_COUNT; i++)
		if (cfg_keys[i].required && !p->key_line[i])
			report(p->cfg, g, g->line, "guest '%s': missing key '%s'",
			       g->name, cfg_keys[i].name);
	if (!p->key_line[KEY_CPU] && !p->key_line[KEY_CPUS])
		report(p->cfg, g, g->line, "guest '%s': missing key 'cpu' (or 'cpus')", g->name);
	else if (p->key_line[KEY_CPU] && p->key_line[KEY_CPUS])
		report(p->cfg, g, p->key_line[KEY_CPUS], "guest '%s': both 'cpu' and 'cpus' are set",
		       g->name);
	if (g->small_end && g->memory && g->small_end > guest_ram_end(g->memory))
		report(p->cfg, g, p->key_line[KEY_SMALL_PAGES],
		       "small_pages range ends beyond the guest's %llu MiB",
		       (unsigned long long)(g->memory >> 20));
	p->cur = NULL;
}

static bool name_ok(struct span n)
{
	if (n.n == 0 || n.n >= CONFIG_NAME_LEN)
		return false;
	for (size_t i = 0; i < n.n; i++)
		if (!is_word_char(n.p[i]) && n.p[i] != '-')
			return false;
	return true;
}

enum block { BLOCK_GUEST, BLOCK_SWITCH };

/* "guest NAME" or "switch NAME": which, and the name; false if neither. */
static bool block_kind(struct span body, enum block *kind, struct span *name)
{
	static const char *const words[] = { [BLOCK_GUEST] = "guest", [BLOCK_SWITCH] = "switch" };

	for (size_t k = 0; k < ARRAY_SIZE(words); k++) {
		size_t n = strlen(words[k]);
		if (body.n > n && memcmp(body.p, words[k], n) == 0 && is_blank(body.p[n])) {
			*kind = (enum block)k;
			*name = trim(span_from(body, n));
			return true;
		}
	}
	return false;
}

/* A "[guest NAME]" or "[switch NAME]" line (text after '[' in inner);
 * 0 or -1 (reported). */
static int check_header(struct parser *p, struct span inner, enum block *kind,
			struct span *name)
{
	char show[VALUE_SHOW_LEN];
	size_t close = span_find(inner, ']');
	struct span body = trim((struct span){ inner.p, close });

	if (close == inner.n) {
		PERR(p, "missing ']' in the block header");
		return -1;
	}
	if (!only_comment(span_from(inner, close + 1))) {
		PERR(p, "unexpected text after ']'");
		return -1;
	}
	quote(body, show);
	if (!block_kind(body, kind, name)) {
		PERR(p, "unknown block '[%s]' (want [guest NAME] or [switch NAME])", show);
		return -1;
	}
	quote(*name, show);
	if (!name_ok(*name)) {
		PERR(p, "bad %s name '%s' (1-15 chars of A-Z a-z 0-9 _ -)",
		     *kind == BLOCK_GUEST ? "guest" : "switch", show);
		return -1;
	}
	return 0;
}

static void add_switch(struct parser *p, struct span name)
{
	struct hv_config *cfg = p->cfg;
	struct switch_cfg *s;

	for (int i = 0; i < cfg->nswitches; i++) {
		if (span_eq(name, cfg->switches[i].name)) {
			PERR(p, "switch name '%s' is already used on line %d",
			     cfg->switches[i].name, cfg->switches[i].line);
			return;
		}
	}
	if (cfg->nswitches == CONFIG_MAX_SWITCHES) {
		PERR(p, "too many switches (max %d)", CONFIG_MAX_SWITCHES);
		return;
	}
	s = &cfg->switches[cfg->nswitches++];
	span_copy(name, s->name, sizeof(s->name));
	s->line = p->line;
	p->skipping = false;
	p->in_switch = true;
}

static void parse_header(struct parser *p, struct span s)
{
	struct hv_config *cfg = p->cfg;
	struct span name;
	struct guest_cfg *g;
	enum block kind;

	finish_block(p);
	p->skipping = true;
	p->in_switch = false;
	if (check_header(p, span_from(s, 1), &kind, &name))
		return;
	if (kind == BLOCK_SWITCH) {
		add_switch(p, name);
		return;
	}
	for (int i = 0; i < cfg->nguests; i++) {
		if (span_eq(name, cfg->guests[i].name)) {
			PERR(p, "guest name '%s' is already used on line %d",
			     cfg->guests[i].name, cfg->guests[i].line);
			return;
		}
	}
	if (cfg->nguests == CONFIG_MAX_GUESTS) {
		PERR(p, "too many guests (max %d)", CONFIG_MAX_GUESTS);
		return;
	}
	g = &cfg->guests[cfg->nguests++];
	memset(g, 0, sizeof(*g));
	span_copy(name, g->name, sizeof(g->name));
	g->line = p->line;
	g->ok = true;
	p->cur = g;
	p->skipping = false;
	memset(p->key_line, 0, sizeof(p->key_line));
}

static void parse_key(struct parser *p, struct span s)
{
	char show[VALUE_SHOW_LEN];
	size_t klen = 0;
	struct span key, rest, value;
	int k;

	if (p->skipping)
		return;
	while (klen < s.n && is_word_char(s.p[klen]))
		klen++;
	key = (struct span){ s.p, klen };
	rest = trim(span_from(s, klen));
	quote(key, show);
	if (klen == 0 || rest.n == 0 || rest.p[0] != '=') {
		PERR(p, "expected 'key = value' or '[guest NAME]'");
		return;
	}
	if (p->in_switch) {
		PERR(p, "unknown key '%s' (a [switch NAME] block takes none)", show);
		return;
	}
	if (!p->cur) {
		PERR(p, "key '%s' outside a [guest NAME] block", show);
		return;
	}
	k = find_key(key);
	if (k < 0) {
		PERR(p, "unknown key '%s'", show);
		return;
	}
	if (p->key_line[k]) {
		PERR(p, "duplicate key '%s' (first set on line %d)", show, p->key_line[k]);
		return;
	}
	p->key_line[k] = p->line;
	if (!extract_value(p, span_from(rest, 1), &value))
		return;
	if (value.n == 0 && !cfg_keys[k].may_be_empty) {
		PERR(p, "missing value for '%s'", show);
		return;
	}
	cfg_keys[k].set(p, p->cur, value);
}

static void parse_line(struct parser *p, struct span s)
{
	s = trim(s);
	if (s.n == 0 || s.p[0] == '#')
		return;
	if (s.p[0] == '[')
		parse_header(p, s);
	else
		parse_key(p, s);
}

static int find_switch(const struct hv_config *cfg, const char *name)
{
	for (int i = 0; i < cfg->nswitches; i++)
		if (strcmp(cfg->switches[i].name, name) == 0)
			return i;
	return -1;
}

/* Each guest's net names to switch indices, now that every switch is known. */
static void resolve_nets(struct hv_config *cfg)
{
	for (int i = 0; i < cfg->nguests; i++) {
		struct guest_cfg *g = &cfg->guests[i];

		for (int n = 0; n < g->nnets; n++) {
			g->nets[n] = find_switch(cfg, g->net_names[n]);
			if (g->nets[n] < 0)
				report(cfg, g, g->net_line, "guest '%s': unknown switch '%s'",
				       g->name, g->net_names[n]);
		}
	}
}

int config_parse(const char *text, size_t len, struct hv_config *out)
{
	struct parser p = { .cfg = out };
	struct span rest = { text, len };

	memset(out, 0, sizeof(*out));
	rest.n = span_find(rest, '\0');	/* a module may be NUL padded */
	while (rest.n) {
		size_t eol = span_find(rest, '\n');
		p.line++;
		parse_line(&p, (struct span){ rest.p, eol });
		rest = span_from(rest, eol + 1);
	}
	finish_block(&p);
	resolve_nets(out);
	if (out->nguests == 0 && out->nerrors == 0)
		report(out, NULL, p.line, "no [guest NAME] block");
	return out->nerrors;
}

/* ---- the machine check ------------------------------------------------- */

static bool first_word_is(const char *s, const char *name)
{
	size_t n = strlen(name);

	while (*s == ' ' || *s == '\t')
		s++;
	return strncmp(s, name, n) == 0 &&
	       (s[n] == '\0' || s[n] == ' ' || s[n] == '\t');
}

int config_find_module(const struct config_machine *m, const char *name)
{
	for (int i = 0; i < m->nmodules; i++)
		if (m->module_names[i] && first_word_is(m->module_names[i], name))
			return i;
	return -1;
}

static const char *format_noun(enum image_format fmt)
{
	switch (fmt) {
	case IMAGE_MULTIBOOT: return "multiboot kernel";
	case IMAGE_ELF64:     return "x86-64 ELF executable";
	case IMAGE_BZIMAGE:   return "bzImage";
	}
	return "?";
}

/* Every CPU of the guest exists and no earlier accepted guest runs on it. */
static void check_cpus(struct hv_config *cfg, int i, const struct config_machine *m)
{
	struct guest_cfg *g = &cfg->guests[i];

	for (int k = 0; k < g->ncpus; k++) {
		int cpu = g->cpus[k];

		if (cpu >= m->ncpus) {
			report(cfg, g, g->line, "guest '%s': cpu %d does not exist (%d cpus)",
			       g->name, cpu, m->ncpus);
			return;
		}
		for (int j = 0; j < i; j++) {
			const struct guest_cfg *o = &cfg->guests[j];
			for (int l = 0; o->ok && l < o->ncpus; l++) {
				if (o->cpus[l] == cpu) {
					report(cfg, g, g->line, "guest '%s': cpu %d is already used "
					       "by guest '%s'", g->name, cpu, o->name);
					return;
				}
			}
		}
	}
}

static void check_image(struct hv_config *cfg, struct guest_cfg *g,
			const struct config_machine *m)
{
	char why[LOADER_WHY_LEN];
	int i = config_find_module(m, g->image);

	if (i < 0) {
		report(cfg, g, g->line, "guest '%s': image '%s' is not among the "
		       "boot modules", g->name, g->image);
		return;
	}
	if (loader_probe(g->format, m->module_data[i], m->module_sizes[i],
			 why, sizeof(why)))
		report(cfg, g, g->line, "guest '%s': image '%s' is not a %s: %s",
		       g->name, g->image, format_noun(g->format), why);
}

static void check_modules(struct hv_config *cfg, struct guest_cfg *g,
			  const struct config_machine *m)
{
	for (int i = 0; i < g->nmodules; i++)
		if (config_find_module(m, g->modules[i]) < 0)
			report(cfg, g, g->line, "guest '%s': module '%s' is not "
			       "among the boot modules", g->name, g->modules[i]);
}

/* Each switch of the guest has a port left after the earlier accepted guests. */
static void check_ports(struct hv_config *cfg, int i)
{
	struct guest_cfg *g = &cfg->guests[i];

	for (int n = 0; n < g->nnets; n++) {
		int ports = 0;
		for (int j = 0; j < i; j++) {
			const struct guest_cfg *o = &cfg->guests[j];
			for (int k = 0; o->ok && k < o->nnets; k++)
				ports += o->nets[k] == g->nets[n];
		}
		if (ports >= CONFIG_SWITCH_PORTS) {
			report(cfg, g, g->net_line, "guest '%s': switch '%s' has no port left "
			       "(max %d devices)", g->name, g->net_names[n], CONFIG_SWITCH_PORTS);
			return;
		}
	}
}

void config_validate(struct hv_config *cfg, const struct config_machine *m)
{
	uint64_t used = 0;

	for (int i = 0; i < cfg->nguests; i++) {
		struct guest_cfg *g = &cfg->guests[i];

		if (!g->ok)
			continue;
		check_cpus(cfg, i, m);
		check_image(cfg, g, m);
		check_modules(cfg, g, m);
		check_ports(cfg, i);
		if (!g->ok)
			continue;
		if (g->memory > m->free_bytes - used)
			report(cfg, g, g->line, "guest '%s': needs %llu MiB, only "
			       "%llu MiB left", g->name,
			       (unsigned long long)(g->memory >> 20),
			       (unsigned long long)((m->free_bytes - used) >> 20));
		else
			used += g->memory;
	}
}
