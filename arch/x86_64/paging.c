/*
 * Builds the hypervisor's final page tables (layout in paging.h) and
 * switches to them, replacing the boot tables of boot/entry.S.
 *
 * Before the switch only the first 4 GiB are reachable (the boot direct
 * map), so the table pages used to build the new tables come from a pool
 * the caller reserved below 4 GiB.  After the switch every page is in the
 * direct map and further tables come from the page allocator.
 */
#include "arch/x86_64/paging.h"
#include "boot/boot.h"
#include "arch/x86_64/cpu.h"
#include "pmm/pmm.h"
#include "pmm/kpage.h"
#include "hv/string.h"
#include "hv/log.h"


static uint64_t *pml4;
static hpa_t pool_next;
static size_t pool_left;
static bool switched;
static uint64_t nx_bit;
static bool have_1g;
static uint64_t next_stack_va = STACK_AREA_BASE;

static hpa_t table_alloc(void)
{
	hpa_t a;

	if (pool_left) {
		a = pool_next;
		pool_next.v += PAGE_SIZE;
		pool_left--;
	} else {
		if (!switched)
			panic("paging: boot table pool exhausted");
		a = kpage_alloc(0);
	}
	memset(phys_to_virt(a), 0, PAGE_SIZE);
	return a;
}

/* The table at `level` (3 = PDPT, 2 = PD, 1 = PT) that covers va, made if missing. */
static uint64_t *walk(uint64_t va, int level)
{
	uint64_t *table = pml4;

	for (int l = 4; l > level; l--) {
		uint64_t *e = &table[(va >> (12 + 9 * (l - 1))) & 511];
		if (!(*e & PTE_P))
			*e = table_alloc().v | PTE_P | PTE_W;
		if (*e & PTE_PS)
			panic("paging: %llx already mapped by a large page", (unsigned long long)va);
		table = phys_to_virt(HPA(*e & PTE_ADDR_MASK));
	}
	return table;
}

static void map_page(uint64_t va, uint64_t pa, uint64_t flags)
{
	walk(va, 1)[(va >> 12) & 511] = pa | flags | PTE_P;
}

static void map_image(void)
{
	for (char *p = __text_start; p < __text_end; p += PAGE_SIZE)
		map_page((uint64_t)p, virt_to_phys(p).v, PTE_G);
	for (char *p = __rodata_start; p < __rodata_end; p += PAGE_SIZE)
		map_page((uint64_t)p, virt_to_phys(p).v, PTE_G | nx_bit);
	for (char *p = __data_start; p < __data_end; p += PAGE_SIZE)
		if (p != bsp_stack_guard)
			map_page((uint64_t)p, virt_to_phys(p).v, PTE_W | PTE_G | nx_bit);
}

static bool range_is_ram(const struct mem_range *ram, size_t n, uint64_t a, uint64_t len)
{
	for (size_t i = 0; i < n; i++)
		if (a >= ram[i].base && a + len <= ram[i].base + ram[i].len)
			return true;
	return false;
}

/*
 * Direct map with 2 MiB pages (1 GiB ones where a whole gigabyte is RAM
 * and the CPU has them).  2 MiB blocks that are not wholly RAM are mapped
 * uncached: they hold MMIO, firmware tables or legacy video memory.
 */
static void map_direct(const struct mem_range *ram, size_t n, uint64_t end)
{
	uint64_t flags = PTE_P | PTE_W | PTE_G | nx_bit;

	for (uint64_t a = 0; a < end;) {
		if (have_1g && IS_ALIGNED(a, SIZE_1G) && range_is_ram(ram, n, a, SIZE_1G)) {
			walk(DIRECT_MAP_BASE + a, 3)[((DIRECT_MAP_BASE + a) >> 30) & 511] = a | flags | PTE_PS;
			a += SIZE_1G;
			continue;
		}
		uint64_t cache = range_is_ram(ram, n, a, SIZE_2M) ? 0 : PTE_PCD | PTE_PWT;
		walk(DIRECT_MAP_BASE + a, 2)[((DIRECT_MAP_BASE + a) >> 21) & 511] = a | flags | cache | PTE_PS;
		a += SIZE_2M;
	}
}

static uint64_t ram_top(const struct mem_range *ram, size_t n)
{
	uint64_t end = GIB(4);

	for (size_t i = 0; i < n; i++)
		end = MAX(end, ALIGN_UP(ram[i].base + ram[i].len, SIZE_1G));
	return end;
}

size_t paging_pool_pages(uint64_t ram_end)
{
	/* a PD per GiB, a PDPT per 512 GiB, the PML4, and the image's tables */
	uint64_t gib = ALIGN_UP(MAX(ram_end, GIB(4)), SIZE_1G) >> 30;
	return gib + gib / 512 + 1 + 8;
}

void paging_init(const struct mem_range *ram, size_t nram, hpa_t pool, size_t pool_pages)
{
	pool_next = pool;
	pool_left = pool_pages;
	nx_bit = boot_has_nx ? PTE_NX : 0;
	have_1g = cpuid(0x80000001, 0).edx & (1u << 26);

	pml4 = phys_to_virt(table_alloc());
	map_image();
	map_direct(ram, nram, ram_top(ram, nram));

	write_cr4(read_cr4() | CR4_PGE);
	write_cr3(virt_to_phys(pml4).v);
	switched = true;
}

uint64_t paging_root(void)
{
	return virt_to_phys(pml4).v;
}

bool paging_nx_enabled(void)
{
	return nx_bit != 0;
}

bool paging_1g_pages(void)
{
	return have_1g;
}

void paging_map_mmio(hpa_t hpa, uint64_t len)
{
	uint64_t flags = PTE_W | PTE_G | PTE_PCD | PTE_PWT | nx_bit;

	for (uint64_t a = ALIGN_DOWN(hpa.v, PAGE_SIZE); a < hpa.v + len; a += PAGE_SIZE) {
		uint64_t va = DIRECT_MAP_BASE + a;
		uint64_t *pdpt = walk(va, 3), *pd;
		uint64_t e3 = pdpt[(va >> 30) & 511];
		if ((e3 & PTE_P) && (e3 & PTE_PS))
			continue;
		pd = walk(va, 2);
		uint64_t e2 = pd[(va >> 21) & 511];
		if ((e2 & PTE_P) && (e2 & PTE_PS))
			continue;
		map_page(va, a, flags);
		invlpg(va);
	}
}

uint64_t paging_alloc_stack(unsigned pages)
{
	uint64_t va = next_stack_va + PAGE_SIZE;   /* leave the guard page unmapped */

	for (unsigned i = 0; i < pages; i++)
		map_page(va + i * PAGE_SIZE, kpage_alloc(0).v, PTE_W | PTE_G | nx_bit);
	next_stack_va = va + pages * PAGE_SIZE;
	return next_stack_va;
}

void paging_identity_low(bool on)
{
	if (on) {
		uint64_t *pd = walk(0, 2);
		pd[0] = PTE_P | PTE_W | PTE_PS;
	} else {
		pml4[0] = 0;   /* the PDPT and PD pages stay with the pool */
	}
	write_cr3(read_cr3());
}
