/*
 * memtouch: touch every 4 KiB page of guest RAM above our own image and
 * check that
 *   - a page never written reads as zero (the hypervisor must hand out
 *     zeroed memory, never another partition's or its own leftovers);
 *   - what we write stays written (an address-dependent pattern, so a
 *     page mapped twice or at the wrong place shows up).
 * Two words per page (first and last) keep it fast in an emulator while
 * still faulting in every page.  Paging stays off: the sweep stops below
 * 4 GiB.  With pages=<gpa>,... only those pages are touched (pages.c),
 * above 4 GiB too.
 *
 * Output: "check ...", "memtouch: <n> pages ok", "memtouch: PASS".
 */
#include "guest.h"
#include "memtouch.h"

#define PAGE_SIZE    4096u
#define LAST_WORD    (PAGE_SIZE - 4)
#define MAX_REPORTS  5
#define ADDR_LIMIT   0xfffff000ull	/* highest page reachable without paging */

/* A range the loader filled (Multiboot info, cmdline, mmap): not zero,
 * and not a fault of the hypervisor's. */
struct loader_range {
	uint32_t start, end;
};

static struct loader_range loader_data[3];
static unsigned loader_count;

static void note_loader_range(uint32_t addr, uint32_t len)
{
	if (addr && len)
		loader_data[loader_count++] = (struct loader_range){ addr, addr + len };
}

static bool page_has_loader_data(uint32_t page)
{
	for (unsigned i = 0; i < loader_count; i++)
		if (loader_data[i].start < page + PAGE_SIZE && loader_data[i].end > page)
			return true;
	return false;
}

static uint32_t pattern_at(uint32_t addr)
{
	return addr ^ MEMTOUCH_PATTERN;
}

/* Read both words (must be zero), then write the pattern.  Returns the
 * number of pages that were not zero. */
static uint32_t write_pass(uint32_t first, uint32_t end)
{
	uint32_t nonzero = 0;

	for (uint32_t page = first; page < end; page += PAGE_SIZE) {
		volatile uint32_t *head = (volatile uint32_t *)page;
		volatile uint32_t *tail = (volatile uint32_t *)(page + LAST_WORD);
		uint32_t h = *head, t = *tail;

		if ((h || t) && !page_has_loader_data(page)) {
			if (nonzero++ < MAX_REPORTS)
				con_printf("memtouch: page 0x%08x not zero: 0x%08x ... 0x%08x\n",
					   page, h, t);
		}
		*head = pattern_at(page);
		*tail = pattern_at(page + LAST_WORD);
	}
	return nonzero;
}

/* Verify the pattern; returns the number of pages that read back right. */
static uint32_t verify_pass(uint32_t first, uint32_t end)
{
	uint32_t good = 0, bad = 0;

	for (uint32_t page = first; page < end; page += PAGE_SIZE) {
		uint32_t h = *(volatile uint32_t *)page;
		uint32_t t = *(volatile uint32_t *)(page + LAST_WORD);

		if (h == pattern_at(page) && t == pattern_at(page + LAST_WORD)) {
			good++;
		} else if (bad++ < MAX_REPORTS) {
			con_printf("memtouch: page 0x%08x reads 0x%08x ... 0x%08x, want 0x%08x ... 0x%08x\n",
				   page, h, t, pattern_at(page), pattern_at(page + LAST_WORD));
		}
	}
	return good;
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	guest_init();
	cmdline_init(mbi);
	con_printf("memtouch: started, multiboot magic 0x%08x\n", magic);
	if (memtouch_pages(mbi))
		return 1;	/* not reached: it ends the guest */

	/* Everything we need from the loader's data, before we overwrite it. */
	uint64_t ram_end = guest_ram_end(mbi);
	if (ram_end > ADDR_LIMIT)
		ram_end = ADDR_LIMIT;
	note_loader_range((uint32_t)mbi, sizeof(*mbi));
	note_loader_range((uint32_t)cmdline_get(), strlen(cmdline_get()) + 1);
	if (mbi->flags & MB_INFO_MMAP)
		note_loader_range(mbi->mmap_addr, mbi->mmap_length);
	bool on_hv = guest_on_microhv();

	uint32_t first = (uint32_t)guest_image_end;
	uint32_t end = (uint32_t)ram_end & ~(PAGE_SIZE - 1);
	if (!check("ram beyond image", end > first, "ram ends at 0x%llx, image at 0x%08x",
		   ram_end, first))
		check_finish("memtouch");
	uint32_t pages = (end - first) / PAGE_SIZE;
	con_printf("memtouch: ram %u MiB, touching %u pages 0x%08x-0x%08x\n",
		   (uint32_t)(ram_end >> 20), pages, first, end - 1);

	uint32_t nonzero = write_pass(first, end);
	if (on_hv)
		check("pages zero before write", nonzero == 0, "%u pages not zero", nonzero);
	else
		con_printf("memtouch: %u pages not zero (not under MicroHV: not checked)\n",
			   nonzero);

	uint32_t good = verify_pass(first, end);
	check("pattern readback", good == pages, "%u of %u pages wrong", pages - good, pages);
	con_printf("memtouch: %u pages ok\n", good);
	check_finish("memtouch");
}
