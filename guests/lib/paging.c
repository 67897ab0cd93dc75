/*
 * Page tables for paging.h.  Formats: SDM Vol. 3A, 4.3 (32-bit paging,
 * Table 4-4 for a PDE mapping a 4 MiB page) and 4.4 (PAE paging,
 * Table 4-8 for PDPTEs, Table 4-9 for a PDE mapping a 2 MiB page).
 *
 *   32-bit PSE:  CR3 -> pd32[1024], each entry one 4 MiB page
 *   PAE:         CR3 -> pdpt[4] -> pd_low[512]  (VA 0..1 GiB, identity)
 *                               -> pd_win[512]  (VA 1..2 GiB, entry 0 = window)
 */
#include "paging.h"
#include "cpu.h"

#define PTE_P  (1u << 0)
#define PTE_RW (1u << 1)
#define PTE_PS (1u << 7)

#define PAGE_4M (4u << 20)
#define PAGE_2M (2u << 20)

static uint32_t pd32[1024] __attribute__((aligned(4096)));
static uint64_t pdpt[4] __attribute__((aligned(32)));
static uint64_t pd_low[512] __attribute__((aligned(4096)));
static uint64_t pd_win[512] __attribute__((aligned(4096)));

void paging_enable_pse(uint32_t alias_va, uint32_t alias_pa)
{
	for (uint32_t i = 0; i < 1024; i++)
		pd32[i] = (i * PAGE_4M) | PTE_P | PTE_RW | PTE_PS;
	if (alias_va)
		pd32[alias_va / PAGE_4M] = (alias_pa & ~(PAGE_4M - 1)) | PTE_P | PTE_RW | PTE_PS;

	cpu_write_cr3((uint32_t)pd32);
	cpu_write_cr4(cpu_read_cr4() | CR4_PSE);
	cpu_write_cr0(cpu_read_cr0() | CR0_PG);
}

volatile void *paging_enable_pae_window(uint64_t pa)
{
	uint64_t page = pa & ~(uint64_t)(PAGE_2M - 1);

	for (uint32_t i = 0; i < 512; i++) {
		pd_low[i] = ((uint64_t)i * PAGE_2M) | PTE_P | PTE_RW | PTE_PS;
		pd_win[i] = 0;
	}
	pd_win[0] = page | PTE_P | PTE_RW | PTE_PS;
	/* PDPTEs have no RW bit in PAE mode: it is reserved (Table 4-8). */
	pdpt[0] = (uint32_t)pd_low | PTE_P;
	pdpt[1] = (uint32_t)pd_win | PTE_P;
	pdpt[2] = 0;
	pdpt[3] = 0;

	cpu_write_cr3((uint32_t)pdpt);
	cpu_write_cr4(cpu_read_cr4() | CR4_PAE);
	cpu_write_cr0(cpu_read_cr0() | CR0_PG);
	return (volatile void *)(PAGING_PAE_WINDOW + (uint32_t)(pa - page));
}

unsigned paging_max_phys_bits(void)
{
	if (cpu_cpuid(0x80000000u, 0).eax >= 0x80000008u)
		return cpu_cpuid(0x80000008u, 0).eax & 0xff;
	return cpu_has_edx1(CPUID1_EDX_PAE) ? 36 : 32;
}

void paging_disable(void)
{
	cpu_write_cr0(cpu_read_cr0() & ~CR0_PG);
	cpu_write_cr4(cpu_read_cr4() & ~(CR4_PSE | CR4_PAE));
	cpu_write_cr3(0);
}
