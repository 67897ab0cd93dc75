/* The loaders' shared helpers (see common.h). */
#include "vmm/loader/common.h"
#include "lib/fmt.h"

void loader_put(struct loader_writer *w, gpa_t gpa, const void *src, uint64_t len)
{
	if (!w->failed && w->mem->write(w->mem->ctx, gpa, src, len) < 0)
		w->failed = true;
}

void loader_put8(struct loader_writer *w, gpa_t gpa, uint8_t v)
{
	loader_put(w, gpa, &v, sizeof(v));
}

void loader_put32(struct loader_writer *w, gpa_t gpa, uint32_t v)
{
	loader_put(w, gpa, &v, sizeof(v));
}

void loader_put64(struct loader_writer *w, gpa_t gpa, uint64_t v)
{
	loader_put(w, gpa, &v, sizeof(v));
}

void loader_zero(struct loader_writer *w, gpa_t gpa, uint64_t len)
{
	if (!w->failed && w->mem->zero(w->mem->ctx, gpa, len) < 0)
		w->failed = true;
}

/* Paging-structure entry bits (SDM Vol. 3A 4.5, tables 4-15 to 4-18). */
#define PTE_P  (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7)

/* One page directory of 2 MiB leaves for [base, min(base + 1 GiB, end)). */
static void write_pd(struct loader_writer *w, uint64_t pd, uint64_t base, uint64_t end)
{
	uint64_t chunk[64];	/* 512 bytes at a time keeps the stack small */

	for (int first = 0; first < 512; first += 64) {
		for (int i = 0; i < 64; i++) {
			uint64_t gpa = base + (uint64_t)(first + i) * SIZE_2M;
			chunk[i] = gpa < end ? gpa | PTE_P | PTE_RW | PTE_PS : 0;
		}
		loader_put(w, GPA(pd + first * 8ull), chunk, sizeof(chunk));
	}
}

void loader_identity_map(struct loader_writer *w, gpa_t at, uint64_t end)
{
	uint64_t pml4 = at.v, pdpt = at.v + PAGE_SIZE, pd0 = at.v + 2 * PAGE_SIZE;
	uint64_t npd = ALIGN_UP(end, SIZE_1G) / SIZE_1G;

	loader_zero(w, GPA(pml4), 2 * PAGE_SIZE);
	loader_put64(w, GPA(pml4), pdpt | PTE_P | PTE_RW);
	for (uint64_t i = 0; i < npd; i++) {
		uint64_t pd = pd0 + i * PAGE_SIZE;
		loader_put64(w, GPA(pdpt + i * 8), pd | PTE_P | PTE_RW);
		write_pd(w, pd, i * SIZE_1G, end);
	}
}

unsigned loader_memory_map(uint64_t ram, struct loader_map_entry map[LOADER_MAP_MAX])
{
	struct guest_ram_range r[2];
	unsigned n = 0;

	guest_ram_ranges(ram, r);
	map[n++] = (struct loader_map_entry){ 0, LOADER_BASE_MEM_END, LOADER_E820_RAM };
	map[n++] = (struct loader_map_entry){ LOADER_BASE_MEM_END,
		LOADER_EXT_MEM_START - LOADER_BASE_MEM_END, LOADER_E820_RESERVED };
	map[n++] = (struct loader_map_entry){ LOADER_EXT_MEM_START,
		r[0].len - LOADER_EXT_MEM_START, LOADER_E820_RAM };
	if (r[1].len)
		map[n++] = (struct loader_map_entry){ r[1].start.v, r[1].len, LOADER_E820_RAM };
	return n;
}

void loader_why(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (!why || !whylen)
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}
