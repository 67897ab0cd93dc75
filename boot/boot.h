/*
 * What boot/entry.S and linker.ld define for the C code: the entry into
 * C, what the 32-bit entry measured, the boot CPU's stack, and the
 * bounds of the image's sections.
 */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#include "hv/types.h"

/* The C entry, on the boot CPU in long mode (boot/entry.S calls it). */
void hv_main(uint32_t magic, uint32_t info_phys);

/* Set by the 32-bit entry; in .boot.bss, unmapped once paging_init() runs. */
extern uint64_t boot_tsc;             /* TSC at the multiboot2 entry */
extern uint32_t boot_has_nx;          /* CPUID said NX: EFER.NXE is on */

/* The boot CPU's stack, with an unmapped guard page below it. */
extern char bsp_stack_guard[], bsp_stack_top[];

/* Section bounds from linker.ld (virtual addresses). */
extern char __image_start[], __image_end[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[];

#endif
