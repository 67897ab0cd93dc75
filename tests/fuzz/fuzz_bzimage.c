/* units: vmm/loader/ lib/fmt.c */
/*
 * Fuzz loader_probe() and loader_load() on Linux bzImages.
 * The input layout and the checks are in loader.h.
 */
#define FUZZ_FORMAT IMAGE_BZIMAGE
#include "loader.h"
