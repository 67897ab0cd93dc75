/*
 * Guest image loaders: put a kernel image into a partition's RAM and say
 * how its first vCPU must start.
 *
 * The loaders never touch guest memory directly; they go through
 * struct guest_mem, so the same code runs in the hypervisor (writes go to
 * the partition's host frames) and in host unit tests (writes go to a
 * plain buffer).
 *
 *   format      file                      vCPU starts in
 *   multiboot   Multiboot 0.6.96 kernel   32-bit protected mode, paging off
 *               (ELF32, ELF64 or a.out    EAX=0x2BADB002, EBX=info struct
 *               kludge via flags[16])
 *   elf64       x86-64 ET_EXEC ELF        64-bit long mode, identity paging
 *   bzimage     Linux bzImage, boot       64-bit long mode, identity paging
 *               protocol 2.12+            RSI=boot_params ("zero page")
 *
 * Every refusal fills `why` with one short sentence for the log.
 */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include "hv/types.h"
#include "ept/guest_ram.h"

enum image_format { IMAGE_MULTIBOOT, IMAGE_ELF64, IMAGE_BZIMAGE };

/*
 * A partition's RAM: `size` bytes, laid out in guest-physical space as
 * ept/guest_ram.h says (up to 3 GiB, then from 4 GiB on past the device
 * hole).  write() and zero() return <0 if any byte is not RAM.  Memory
 * maps handed to a guest list the RAM ranges of guest_ram_ranges(), and
 * nothing a loader places lands in the hole.
 */
struct guest_mem {
	uint64_t size;
	int (*write)(void *ctx, gpa_t gpa, const void *src, uint64_t len);
	int (*zero)(void *ctx, gpa_t gpa, uint64_t len);
	void *ctx;
};

/*
 * Initial vCPU state.  In both modes the loader has written a GDT into
 * guest RAM (gdt_base/gdt_limit) whose selector 0x08 is the code segment
 * (32-bit flat for BOOT_PROT32, 64-bit for BOOT_LONG64) and 0x10 a flat
 * data segment; the vCPU code loads CS=0x08 and DS/ES/SS/FS/GS=0x10,
 * unless cs_sel/ds_sel say otherwise (the Linux boot protocol wants its
 * own __BOOT_CS 0x10 and __BOOT_DS 0x18; 0 means the defaults).
 *   BOOT_PROT32: CR0.PE=1, PG=0; cr3 unused (0).
 *   BOOT_LONG64: CR0.PE|PG, CR4.PAE, EFER.LME|LMA; cr3 = PML4 gpa.
 *   BOOT_REAL16: not a loader's: a vCPU started by a STARTUP IPI, in real
 *   mode at cs_sel:rip with CS.base = cs_sel * 16 (SDM Vol. 3A 9.1.1,
 *   8.4.4); no GDT.
 */
enum boot_mode { BOOT_PROT32, BOOT_LONG64, BOOT_REAL16 };

struct boot_state {
	enum boot_mode mode;
	uint64_t rip, rsp, rax, rbx, rsi, cr3;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint16_t cs_sel, ds_sel;	/* 0: LOADER_GDT_CODE_SEL, LOADER_GDT_DATA_SEL */
};

/* A boot module handed on to the guest. */
struct loader_module {
	const char *cmdline;	/* the string the guest sees for it */
	const void *data;
	uint64_t size;
};

#define LOADER_GDT_CODE_SEL 0x08
#define LOADER_GDT_DATA_SEL 0x10
#define LOADER_WHY_LEN      160	/* a buffer this big holds any reason */

/* "multiboot", "elf64", "bzimage" (as written in the config). */
const char *loader_format_name(enum image_format fmt);

/* 0 if img is a loadable image of format fmt; else -1 and why is filled. */
int loader_probe(enum image_format fmt, const void *img, uint64_t size,
		 char *why, size_t whylen);

/*
 * Load img into mem and fill *out.  cmdline may be NULL.  Returns 0, or
 * -1 with why filled (guest memory may then hold a partial image).
 */
int loader_load(enum image_format fmt, const void *img, uint64_t size,
		const char *cmdline, const struct loader_module *mods,
		int nmods, const struct guest_mem *mem,
		struct boot_state *out, char *why, size_t whylen);

/* ---- the back-ends (the entry points above dispatch to these) ------- */

int loader_mb1_probe(const void *img, uint64_t size, char *why, size_t whylen);
int loader_mb1_load(const void *img, uint64_t size, const char *cmdline,
		    const struct loader_module *mods, int nmods,
		    const struct guest_mem *mem, struct boot_state *out,
		    char *why, size_t whylen);
int loader_elf64_probe(const void *img, uint64_t size, char *why, size_t whylen);
int loader_elf64_load(const void *img, uint64_t size, const char *cmdline,
		      const struct loader_module *mods, int nmods,
		      const struct guest_mem *mem, struct boot_state *out,
		      char *why, size_t whylen);
int loader_bzimage_probe(const void *img, uint64_t size, char *why, size_t whylen);
int loader_bzimage_load(const void *img, uint64_t size, const char *cmdline,
			const struct loader_module *mods, int nmods,
			const struct guest_mem *mem, struct boot_state *out,
			char *why, size_t whylen);

#endif
