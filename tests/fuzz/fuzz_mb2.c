/* units: drivers/mb2.c */
/*
 * Fuzz the multiboot2 boot information parser.  The input is the info
 * block, in an exact-size 8-aligned heap copy; total_size and the tag
 * chain come from the input.  Whatever mb2_parse() returns (a fatal
 * error leaves what was parsed before it), every string
 * and the RSDP copy it keeps must lie inside the first total_size bytes
 * (strings with their NUL), and the counts inside their arrays.
 */
#include "fuzz.h"
#include "host_log.h"
#include "drivers/mb2.h"

struct span {
	const uint8_t *p;
	size_t len;
};

static bool inside(struct span s, const void *p, size_t len)
{
	const uint8_t *b = p;

	return b >= s.p && b <= s.p + s.len && len <= (size_t)(s.p + s.len - b);
}

static void check_string(struct span s, const char *str)
{
	if (!str)
		return;
	FUZZ_ASSERT(inside(s, str, 1));
	FUZZ_ASSERT(memchr(str, '\0', (size_t)(s.p + s.len - (const uint8_t *)str)));
}

static void check_info(const struct mb2_info *mi, const uint8_t *buf, size_t size)
{
	struct span s = { buf, MIN(mi->info_size, size) };

	FUZZ_ASSERT(mi->info_size <= size);
	FUZZ_ASSERT(mi->nmmap <= MB2_MAX_MMAP && mi->nmods <= MB2_MAX_MODS);
	check_string(s, mi->cmdline);
	check_string(s, mi->loader);
	FUZZ_ASSERT(mi->cmdline ? mb2_cmdline(mi) == mi->cmdline : !*mb2_cmdline(mi));
	for (size_t i = 0; i < mi->nmods; i++) {
		check_string(s, mi->mods[i].cmdline);
		FUZZ_ASSERT(mi->mods[i].start <= mi->mods[i].end);
	}
	if (mi->rsdp) {
		FUZZ_ASSERT(mi->rsdp_len >= 20 && inside(s, mi->rsdp, mi->rsdp_len));
		FUZZ_ASSERT(mi->rsdp_tag == MB2_TAG_ACPI_OLD || mi->rsdp_tag == MB2_TAG_ACPI_NEW);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mb2_info mi;
	uint8_t *buf = fuzz_dup(data, size);	/* malloc: 16-byte aligned */
	int rc;

	host_log_clear();
	rc = mb2_parse(buf, size, &mi);
	FUZZ_ASSERT(rc <= MB2_OK && rc >= MB2_ERR_NO_MMAP);
	FUZZ_ASSERT(mb2_strerror(rc) != NULL);
	check_info(&mi, buf, size);	/* what a fatal error leaves too */
	free(buf);
	return 0;
}
