/*
 * VMCALL exits, one check per function of include/hv/hypercall.h plus
 * the error paths: an unknown number, an oversized console write, and
 * buffers outside guest RAM.
 */
#include "exerciser.h"

#define HC_UNKNOWN 0x7777u

/* How far the partition's RAM may extend beyond what mem_upper says
 * (a loader may keep the top of RAM for itself). */
#define RAM_SLACK (8u << 20)

static struct hc_partition_info info;

static void check_console_write(void)
{
	static const char line[] = "exerciser: line written by HC_CONSOLE_WRITE\n";
	uint32_t len = sizeof(line) - 1;
	int32_t r = hcall_console_write(line, len);

	check("hypercall console write", r == (int32_t)len, "returned %d (%s), want %u",
	      r, hcall_strerror(r), len);

	r = hcall_console_write(line, HC_CONSOLE_MAX + 1);
	check("hypercall console write too long", r < 0 && r != HCALL_FAULTED,
	      "returned %d (%s)", r, hcall_strerror(r));
}

static bool name_ok(const char *name, uint32_t size)
{
	uint32_t n = 0;

	while (n < size && name[n])
		n++;
	return n > 0 && n < size;
}

static void check_ram_size(const struct mb_info *mbi)
{
	if (!(mbi->flags & MB_INFO_MEMORY)) {
		con_printf("exerciser: no mem_upper in multiboot info, ram size not compared\n");
		return;
	}
	uint64_t want = (uint64_t)mbi->mem_upper * 1024 + (1u << 20);
	check("partition info ram size", info.ram_size >= want && info.ram_size - want <= RAM_SLACK,
	      "ram_size 0x%llx, mem_upper %u KiB", info.ram_size, mbi->mem_upper);
}

static void check_partition_info(const struct mb_info *mbi)
{
	int32_t r = hcall_partition_info(&info);

	if (!check("hypercall partition info", r == 0, "returned %d (%s)", r, hcall_strerror(r)))
		return;
	char name[sizeof(info.name) + 1];
	memcpy(name, info.name, sizeof(info.name));
	name[sizeof(info.name)] = '\0';
	con_printf("exerciser: partition '%s' cpu %u ram 0x%llx hpa 0x%llx\n",
		   name, info.cpu, info.ram_size, info.hpa_base);
	check_eq("partition info version", info.version, 2);
	check_eq("partition info ncpus", info.ncpus, 1);          /* a one-vCPU partition */
	check_eq("partition info vcpu", info.vcpu, 0);
	check("partition info name", name_ok(info.name, sizeof(info.name)),
	      "name not a non-empty NUL-terminated string");
	check_ram_size(mbi);
}

/* Buffers beyond the end of RAM must be refused, not read or written. */
static void check_bad_buffers(void)
{
	if (info.ram_size == 0 || info.ram_size > 0xfffff000ull)
		return;
	uint32_t outside = (uint32_t)info.ram_size + 0x1000;

	int32_t r = hcall_console_write((const char *)outside, 16);
	check("hypercall console write outside ram", r < 0 && r != HCALL_FAULTED,
	      "returned %d (%s)", r, hcall_strerror(r));
	r = hcall_partition_info((struct hc_partition_info *)outside);
	check("hypercall partition info outside ram", r < 0 && r != HCALL_FAULTED,
	      "returned %d (%s)", r, hcall_strerror(r));
}

void exercise_hypercalls(const struct mb_info *mbi)
{
	int32_t r = hcall_null();

	check("hypercall null", r == 0, "returned %d (%s)", r, hcall_strerror(r));
	r = hcall(HC_UNKNOWN, 0, 0, 0);
	check("hypercall unknown ENOSYS", r == HC_ENOSYS, "returned %d (%s)", r,
	      hcall_strerror(r));
	check_console_write();
	check_partition_info(mbi);
	check_bad_buffers();
}
