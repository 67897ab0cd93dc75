/*
 * The AP start-up trampoline (trampoline.S), as smp.c sees it: the code
 * between trampoline_start and trampoline_end is copied below 1 MiB, and
 * smp.c fills the data block at trampoline_data for each AP it starts.
 */
#ifndef ARCH_TRAMPOLINE_H
#define ARCH_TRAMPOLINE_H

#include "hv/types.h"

#define TRAMPOLINE_BASE 0x8000

/* The data block; trampoline.S reads it through offsets generated from here. */
struct trampoline_data {
	uint32_t cr3;
	uint32_t efer_nx;
	uint64_t stack;
	uint64_t entry;
	uint64_t arg;
} __attribute__((packed));

extern const char trampoline_start[], trampoline_end[], trampoline_data[];

#endif
