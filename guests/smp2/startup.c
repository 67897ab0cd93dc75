/*
 * Starting the AP from the BSP: the trampoline page, then the classic
 * INIT-SIPI-SIPI sequence (SDM Vol. 3A, 9.4.4.1: INIT, 10 ms, SIPI,
 * 200 us, SIPI).  A SIPI starts only a CPU in the wait-for-SIPI state
 * INIT leaves it in (11.4.7.3); one already running ignores it, so the
 * sequence starts the AP exactly once whichever SIPI got it going.
 */
#include "smp2.h"

#define PAGE_SIZE      0x1000u
#define INIT_WAIT_US   10000u
#define SIPI_WAIT_US   200u

_Static_assert(TRAMPOLINE_BASE % PAGE_SIZE == 0, "a SIPI starts at a page");
_Static_assert(TRAMPOLINE_BASE + PAGE_SIZE <= 0x100000, "SIPI vectors lie below 1 MiB");

static bool overlaps(uint32_t start, uint32_t len)
{
	return len && start < TRAMPOLINE_BASE + PAGE_SIZE && TRAMPOLINE_BASE < start + len;
}

const char *startup_page_problem(const struct mb_info *mbi)
{
	uint32_t image = (uint32_t)guest_image_start;

	if ((uint32_t)(smp2_trampoline_end - smp2_trampoline) > PAGE_SIZE)
		return "the trampoline is larger than a page";
	if (overlaps(image, (uint32_t)guest_image_end - image))
		return "the guest image overlaps it";
	if (!mbi)
		return NULL;	/* no loader data to keep clear of */
	if (overlaps((uint32_t)mbi, sizeof(*mbi)))
		return "the multiboot info lies in it";
	if ((mbi->flags & MB_INFO_MMAP) && overlaps(mbi->mmap_addr, mbi->mmap_length))
		return "the multiboot memory map lies in it";
	if ((mbi->flags & MB_INFO_CMDLINE) &&
	    overlaps(mbi->cmdline, strlen((const char *)mbi->cmdline) + 1))
		return "the command line lies in it";
	if ((mbi->flags & MB_INFO_MEMORY) &&
	    mbi->mem_lower * 1024u < TRAMPOLINE_BASE + PAGE_SIZE)
		return "it is beyond the low memory the loader reports";
	return NULL;
}

void startup_copy_trampoline(void)
{
	memcpy((void *)TRAMPOLINE_BASE, smp2_trampoline,
	       (size_t)(smp2_trampoline_end - smp2_trampoline));
}

bool startup_init_sipi_sipi(uint32_t apic_id)
{
	const uint32_t sipi = ICR_STARTUP | ICR_ASSERT | SIPI_VECTOR;
	bool ok = lapic_send(apic_id, ICR_INIT | ICR_ASSERT | ICR_LEVEL);

	ok &= timer_pit_wait_us(INIT_WAIT_US);
	ok &= lapic_send(apic_id, sipi);
	ok &= timer_pit_wait_us(SIPI_WAIT_US);
	ok &= lapic_send(apic_id, sipi);
	return ok;
}
