/* units: vmm/loader/ lib/fmt.c */
/*
 * Fuzz loader_probe() and loader_load() on x86-64 ELF executables.
 * The input layout and the checks are in loader.h.
 */
#define FUZZ_FORMAT IMAGE_ELF64
#include "loader.h"
