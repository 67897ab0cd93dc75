/* units: vmm/loader/ lib/fmt.c */
/*
 * Fuzz loader_probe() and loader_load() on Multiboot v1 kernels (ELF32, ELF64, a.out kludge).
 * The input layout and the checks are in loader.h.
 */
#define FUZZ_FORMAT IMAGE_MULTIBOOT
#include "loader.h"
