/* The hypervisor's page allocator instance; see kpage.h. */
#include "pmm/kpage.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/spinlock.h"
#include "hv/log.h"
#include "hv/string.h"

#define POISON_ALLOC 0xa5
#define POISON_FREE  0x5a

static struct pmm pmm;
static spinlock_t lock;
static bool debug_poison;
static struct mem_range clean[256];

void kpage_set_debug(bool on)
{
	debug_poison = on;
}

void kpage_setup(const struct mem_range *raw, size_t nraw,
		 const struct mem_range *reserved, size_t nreserved,
		 size_t pool, struct kpage_boot *out)
{
	struct mem_range rsv[40];
	int n;

	if (nreserved > ARRAY_SIZE(rsv) - 1)
		panic("pmm: too many reserved ranges (%zu)", nreserved);
	memcpy(rsv, reserved, nreserved * sizeof(*rsv));
	out->usable_bytes = pmm_memmap_usable_bytes(raw, nraw);

	n = pmm_memmap_clean(raw, nraw, NULL, 0, out->ram, ARRAY_SIZE(out->ram));
	if (n <= 0)
		panic("pmm: the memory map has no usable RAM");
	out->nram = (size_t)n;

	n = pmm_memmap_clean(raw, nraw, rsv, nreserved, clean, ARRAY_SIZE(clean));
	if (n <= 0)
		panic("pmm: no usable RAM left after reserving the image, modules and boot info");

	/* metadata and the first page-table pool share one reserved block below 4 GiB */
	size_t meta = ALIGN_UP(pmm_meta_size(clean, (size_t)n), PAGE_SIZE);
	uint64_t at = pmm_memmap_place_meta(clean, (size_t)n, meta + pool * PAGE_SIZE);
	if (at == ~0ull || at + meta + pool * PAGE_SIZE > GIB(4))
		panic("pmm: no room below 4 GiB for %zu KiB of allocator metadata",
		      (size_t)((meta + pool * PAGE_SIZE) >> 10));
	rsv[nreserved] = (struct mem_range){ at, meta + pool * PAGE_SIZE, 2 };

	n = pmm_memmap_clean(raw, nraw, rsv, nreserved + 1, clean, ARRAY_SIZE(clean));
	int err = pmm_init(&pmm, clean, (size_t)n, phys_to_virt(HPA(at + pool * PAGE_SIZE)), meta);
	if (err)
		panic("pmm: init failed: %s", pmm_strerror(err));
	out->table_pool = HPA(at);
	out->table_pool_pages = pool;
}

static void poison(hpa_t a, unsigned order, int byte)
{
	if (debug_poison)
		memset(phys_to_virt(a), byte, PAGE_SIZE << order);
}

hpa_t kpage_try_alloc(unsigned order)
{
	spin_lock(&lock);
	hpa_t a = pmm_alloc(&pmm, order);
	spin_unlock(&lock);
	if (hpa_valid(a))
		poison(a, order, POISON_ALLOC);
	return a;
}

hpa_t kpage_alloc(unsigned order)
{
	hpa_t a = kpage_try_alloc(order);

	if (!hpa_valid(a))
		panic("pmm: out of memory allocating %llu KiB", (unsigned long long)(4ull << order));
	return a;
}

hpa_t kpage_alloc_contig(uint64_t npages, unsigned align_order)
{
	spin_lock(&lock);
	hpa_t a = pmm_alloc_contig(&pmm, npages, align_order);
	spin_unlock(&lock);
	return a;
}

void kpage_free(hpa_t a, unsigned order)
{
	poison(a, order, POISON_FREE);
	spin_lock(&lock);
	int err = pmm_free(&pmm, a, order);
	spin_unlock(&lock);
	if (err)
		panic("pmm: bad free of %llx (order %u): %s", (unsigned long long)a.v, order,
		      pmm_strerror(err));
}

void kpage_free_contig(hpa_t a, uint64_t npages)
{
	spin_lock(&lock);
	int err = pmm_free_contig(&pmm, a, npages);
	spin_unlock(&lock);
	if (err)
		panic("pmm: bad free of %llx (%llu pages): %s", (unsigned long long)a.v,
		      (unsigned long long)npages, pmm_strerror(err));
}

uint64_t kpage_free_bytes(void)
{
	return pmm_free_pages(&pmm) * PAGE_SIZE;
}
