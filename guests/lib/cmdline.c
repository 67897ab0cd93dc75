/*
 * Command-line lookup (see cmdline.h).  The string stays where the
 * loader put it; guests that overwrite memory (memtouch) read what they
 * need first.
 */
#include "cmdline.h"

static const char *cmdline = "";

void cmdline_init(const struct mb_info *mbi)
{
	if (mbi && (mbi->flags & MB_INFO_CMDLINE) && mbi->cmdline)
		cmdline = (const char *)(uintptr_t)mbi->cmdline;
}

const char *cmdline_get(void)
{
	return cmdline;
}

/* Does the word at w start with "key="?  Returns the value or NULL. */
static const char *match_key(const char *w, const char *key)
{
	while (*key && *w == *key) {
		w++;
		key++;
	}
	return (*key == '\0' && *w == '=') ? w + 1 : NULL;
}

bool cmdline_value(const char *key, char *out, size_t size)
{
	for (const char *w = cmdline; *w; ) {
		while (*w == ' ')
			w++;
		const char *v = match_key(w, key);
		if (v) {
			size_t n = 0;
			while (v[n] && v[n] != ' ' && n + 1 < size) {
				out[n] = v[n];
				n++;
			}
			if (size)
				out[n] = '\0';
			return true;
		}
		while (*w && *w != ' ')
			w++;
	}
	return false;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

bool cmdline_parse_number(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		int d = digit_value(*s);
		if (d >= (int)base)
			return false;
		v = v * base + (unsigned)d;
	}
	*out = v;
	return true;
}

bool cmdline_number(const char *key, uint64_t *out)
{
	char buf[24];

	return cmdline_value(key, buf, sizeof(buf)) && cmdline_parse_number(buf, out);
}
