/*
 * Cases "oob", "oobwrite" and "otherpart": touch guest-physical memory
 * the partition does not own.  With EPT the access faults to the
 * hypervisor, which must stop this guest (and only it).  Addresses at
 * or above 4 GiB are reached through a PAE window (paging.h).
 */
#include "hostile.h"

#define BEYOND_RAM 0x1000u	/* probe one page past the end of RAM */
#define DIRECT_LIMIT 0xfffff000ull

static uint64_t ram_size(void)
{
	struct hc_partition_info info;

	if (hcall_partition_info(&info) == 0)
		return info.ram_size;
	/* Not under the hypervisor: fall back to what the loader said. */
	if (hostile_mbi && (hostile_mbi->flags & MB_INFO_MEMORY))
		return (uint64_t)hostile_mbi->mem_upper * 1024 + (1u << 20);
	return 0;
}

static volatile uint8_t *map_physical(uint64_t pa)
{
	if (pa < DIRECT_LIMIT)
		return (volatile uint8_t *)(uint32_t)pa;
	unsigned bits = paging_max_phys_bits();
	if (!cpu_has_edx1(CPUID1_EDX_PAE) || (pa >> bits) != 0) {
		con_printf("hostile: cannot reach 0x%llx (PAE %s, MAXPHYADDR %u) (FAIL)\n",
			   pa, cpu_has_edx1(CPUID1_EDX_PAE) ? "yes" : "no", bits);
		guest_exit(1);
	}
	return paging_enable_pae_window(pa);
}

static uint64_t ram_end_or_exit(const char *name)
{
	uint64_t size = ram_size();

	if (size == 0) {
		con_printf("hostile: %s: ram size unknown (FAIL)\n", name);
		guest_exit(1);
	}
	return size;
}

void hostile_oob_read(void)
{
	uint64_t pa = ram_end_or_exit("oob") + BEYOND_RAM;
	volatile uint8_t *p = map_physical(pa);

	con_printf("hostile: oob: reading gpa 0x%llx\n", pa);
	uint8_t v = *p;
	con_printf("hostile: oob: read 0x%02x\n", v);
	hostile_still_alive("oob");
}

void hostile_oob_write(void)
{
	uint64_t pa = ram_end_or_exit("oobwrite") + BEYOND_RAM;
	volatile uint8_t *p = map_physical(pa);

	con_printf("hostile: oobwrite: writing gpa 0x%llx\n", pa);
	*p = 0x5a;
	hostile_still_alive("oobwrite");
}

void hostile_other_partition(void)
{
	uint64_t pa;

	if (!cmdline_number("addr", &pa)) {
		con_printf("hostile: otherpart: no addr=0x... on the command line (FAIL)\n");
		guest_exit(1);
	}
	volatile uint32_t *p = (volatile uint32_t *)map_physical(pa & ~3ull);

	con_printf("hostile: otherpart: reading gpa 0x%llx\n", pa);
	uint32_t v = *p;
	con_printf("hostile: otherpart: read 0x%08x, now writing\n", v);
	*p = 0xbadc0de;
	hostile_still_alive("otherpart");
}
