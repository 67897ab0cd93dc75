/*
 * The Multiboot v1 information structure a loader hands a guest in EBX
 * (Multiboot spec 0.6.96, section 3.3).  Only the fields up to the
 * memory map are declared; guests use nothing beyond.
 */
#ifndef GUEST_MULTIBOOT_H
#define GUEST_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#define MB_BOOT_MAGIC 0x2BADB002u	/* EAX at entry */

#define MB_INFO_MEMORY  (1u << 0)	/* mem_lower, mem_upper valid */
#define MB_INFO_CMDLINE (1u << 2)	/* cmdline valid */
#define MB_INFO_MMAP    (1u << 6)	/* mmap_length, mmap_addr valid */

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower;	/* KiB from 0 */
	uint32_t mem_upper;	/* KiB from 1 MiB up to the first hole */
	uint32_t boot_device;
	uint32_t cmdline;	/* physical address of a C string */
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
};
_Static_assert(offsetof(struct mb_info, cmdline) == 16, "Multiboot info layout");
_Static_assert(offsetof(struct mb_info, mmap_addr) == 48, "Multiboot info layout");

#endif
