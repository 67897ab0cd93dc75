/*
 * Minimal guest paging, for tests that need CR0.PG on (the exerciser)
 * or a physical address above 4 GiB (hostile otherpart).  Everything is
 * identity-mapped so code and data keep working across the switch.
 */
#ifndef GUEST_PAGING_H
#define GUEST_PAGING_H

#include <stdint.h>

/* Virtual window where paging_enable_pae_window() maps its target. */
#define PAGING_PAE_WINDOW 0x40000000u

/* 32-bit paging with 4 MiB pages (CR4.PSE): identity-map all 4 GiB,
 * except that the 4 MiB page at `alias_va` maps physical `alias_pa`
 * (both 4 MiB aligned; pass alias_va = 0 for none). */
void paging_enable_pse(uint32_t alias_va, uint32_t alias_pa);

/* PAE paging with 2 MiB pages: identity-map the first GiB and map the
 * 2 MiB page holding `pa` (may be above 4 GiB) at PAGING_PAE_WINDOW.
 * Returns the virtual address of pa. */
volatile void *paging_enable_pae_window(uint64_t pa);

/* MAXPHYADDR: physical address bits the CPU (or hypervisor) reports
 * (SDM Vol. 3A, 4.1.4; CPUID.80000008H:EAX[7:0], else 36 with PAE). */
unsigned paging_max_phys_bits(void);

/* Back to flat physical addressing (CR0.PG, CR4.PSE/PAE clear). */
void paging_disable(void);

#endif
