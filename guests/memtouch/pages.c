/*
 * memtouch pages=<gpa>,<gpa>,...: touch only the pages holding the given
 * guest-physical addresses instead of sweeping all RAM (a partition of
 * GiBs is too big to sweep in an emulator).  Pages at or above 4 GiB are
 * reached through a PAE window (paging.h), one at a time.  Checks:
 *   - the Multiboot memory map calls every page RAM;
 *   - no RAM entry of the map covers the I/O APIC (0xfec00000) or the
 *     local APIC (0xfee00000) page: they lie in the hole below 4 GiB;
 *   - the local APIC answers at 0xfee00000 (its version register);
 *   - every page reads zero before we write it, and the pattern we write
 *     (address-dependent, as in the sweep) reads back.
 * Output per page: "memtouch: page 0x<gpa> ok" (or why not).
 */
#include "guest.h"
#include "memtouch.h"

#define PAGE_SIZE     4096u
#define LAST_WORD     (PAGE_SIZE - 4)
#define MAX_PAGES     8
#define MAX_MAP       16
#define DIRECT_LIMIT  0x100000000ull	/* reachable with paging off */
#define IOAPIC_PAGE   0xfec00000ull
#define LAPIC_PAGE    0xfee00000ull
#define LAPIC_VERSION 0x30u		/* register offset (SDM Vol. 3A 10.4.8) */
#define MMAP_RAM      1

/* One Multiboot memory-map entry (spec 3.3): `size` counts what follows. */
struct mmap_entry {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

static struct mmap_entry map[MAX_MAP];
static unsigned nmap;

/* A copy of the loader's map, taken before any page is written. */
static void read_map(const struct mb_info *mbi)
{
	uint32_t at = mbi->mmap_addr, end = mbi->mmap_addr + mbi->mmap_length;

	if (!(mbi->flags & MB_INFO_MMAP))
		return;
	while (at < end && nmap < MAX_MAP) {
		const struct mmap_entry *e = (const struct mmap_entry *)at;
		map[nmap++] = *e;
		at += e->size + 4;
	}
}

static bool map_says_ram(uint64_t pa)
{
	for (unsigned i = 0; i < nmap; i++)
		if (map[i].type == MMAP_RAM && map[i].addr <= pa && pa - map[i].addr < map[i].len)
			return true;
	return false;
}

/* The addresses of pages=, page aligned; returns how many. */
static unsigned parse_pages(const char *list, uint64_t *pages)
{
	char word[24];
	unsigned n = 0;

	while (*list && n < MAX_PAGES) {
		size_t len = 0;
		while (list[len] && list[len] != ',' && len + 1 < sizeof(word)) {
			word[len] = list[len];
			len++;
		}
		word[len] = '\0';
		list += len + (list[len] == ',');
		if (!cmdline_parse_number(word, &pages[n])) {
			con_printf("memtouch: pages: bad address '%s'\n", word);
			continue;
		}
		pages[n++] &= ~(uint64_t)(PAGE_SIZE - 1);
	}
	return n;
}

static volatile uint32_t *map_page(uint64_t pa)
{
	if (pa < DIRECT_LIMIT)
		return (volatile uint32_t *)(uint32_t)pa;
	return paging_enable_pae_window(pa);
}

/* The first pass on one page: zero before the write?  Then the pattern. */
static bool write_page(uint64_t pa)
{
	volatile uint32_t *p = map_page(pa);
	uint32_t h = p[0], t = p[LAST_WORD / 4];

	p[0] = (uint32_t)pa ^ MEMTOUCH_PATTERN;
	p[LAST_WORD / 4] = (uint32_t)(pa + LAST_WORD) ^ MEMTOUCH_PATTERN;
	paging_disable();
	if (h || t)
		con_printf("memtouch: page 0x%llx not zero: 0x%08x ... 0x%08x\n", pa, h, t);
	return !h && !t;
}

static bool verify_page(uint64_t pa)
{
	volatile uint32_t *p = map_page(pa);
	uint32_t h = p[0], t = p[LAST_WORD / 4];

	paging_disable();
	if (h == ((uint32_t)pa ^ MEMTOUCH_PATTERN) &&
	    t == ((uint32_t)(pa + LAST_WORD) ^ MEMTOUCH_PATTERN))
		return true;
	con_printf("memtouch: page 0x%llx reads 0x%08x ... 0x%08x\n", pa, h, t);
	return false;
}

static void check_apics(void)
{
	uint32_t version = *(volatile uint32_t *)(uint32_t)(LAPIC_PAGE + LAPIC_VERSION);

	check("no RAM over the APICs", !map_says_ram(IOAPIC_PAGE) && !map_says_ram(LAPIC_PAGE),
	      "the memory map has RAM at 0x%llx or 0x%llx", IOAPIC_PAGE, LAPIC_PAGE);
	check("local APIC at 0xfee00000", (version & 0xff) >= 0x10 && (version & 0xff) <= 0x15,
	      "version register reads 0x%08x", version);
}

bool memtouch_pages(const struct mb_info *mbi)
{
	char list[192];
	uint64_t pages[MAX_PAGES];
	unsigned n, in_map = 0, zero = 0, good = 0;

	if (!cmdline_value("pages", list, sizeof(list)))
		return false;
	read_map(mbi);
	n = parse_pages(list, pages);
	con_printf("memtouch: touching %u pages given on the command line\n", n);
	check_apics();
	for (unsigned i = 0; i < n; i++) {
		in_map += map_says_ram(pages[i]);
		zero += write_page(pages[i]);
	}
	for (unsigned i = 0; i < n; i++) {
		bool ok = verify_page(pages[i]);
		good += ok;
		con_printf("memtouch: page 0x%llx %s\n", pages[i], ok ? "ok" : "wrong");
	}
	check("pages in the memory map", in_map == n, "%u of %u are not RAM there", n - in_map, n);
	check("pages zero before write", zero == n, "%u pages not zero", n - zero);
	check("pattern readback", good == n && n > 0, "%u of %u pages wrong", n - good, n);
	check_finish("memtouch");
}
