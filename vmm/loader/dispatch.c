/* The format dispatch: the config names a format, this picks its loader. */
#include "vmm/loader/loader.h"
#include "vmm/loader/common.h"

const char *loader_format_name(enum image_format fmt)
{
	switch (fmt) {
	case IMAGE_MULTIBOOT: return "multiboot";
	case IMAGE_ELF64:     return "elf64";
	case IMAGE_BZIMAGE:   return "bzimage";
	}
	return "?";
}

int loader_probe(enum image_format fmt, const void *img, uint64_t size,
		 char *why, size_t whylen)
{
	switch (fmt) {
	case IMAGE_MULTIBOOT: return loader_mb1_probe(img, size, why, whylen);
	case IMAGE_ELF64:     return loader_elf64_probe(img, size, why, whylen);
	case IMAGE_BZIMAGE:   return loader_bzimage_probe(img, size, why, whylen);
	}
	loader_why(why, whylen, "unknown image format %d", (int)fmt);
	return -1;
}

int loader_load(enum image_format fmt, const void *img, uint64_t size,
		const char *cmdline, const struct loader_module *mods,
		int nmods, const struct guest_mem *mem,
		struct boot_state *out, char *why, size_t whylen)
{
	switch (fmt) {
	case IMAGE_MULTIBOOT:
		return loader_mb1_load(img, size, cmdline, mods, nmods, mem, out,
				       why, whylen);
	case IMAGE_ELF64:
		return loader_elf64_load(img, size, cmdline, mods, nmods, mem, out,
					 why, whylen);
	case IMAGE_BZIMAGE:
		return loader_bzimage_load(img, size, cmdline, mods, nmods, mem, out,
					   why, whylen);
	}
	loader_why(why, whylen, "unknown image format %d", (int)fmt);
	return -1;
}
