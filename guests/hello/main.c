/*
 * hello: the smallest useful guest.  It says it is alive (before any
 * hypercall, so the line appears even where VMCALL faults), asks the
 * hypervisor who and where it is, prints
 *
 *     hello from <name> on cpu <n>, <ram> MiB
 *
 * and passes.  With "end=poweroff" on its command line it powers off
 * through port 0x8900 instead of exiting through port 0xf4.
 */
#include "guest.h"

static bool end_by_poweroff(void)
{
	char how[16];

	return cmdline_value("end", how, sizeof(how)) && strcmp(how, "poweroff") == 0;
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	struct hc_partition_info info;

	guest_init();
	cmdline_init(mbi);
	con_printf("hello: started, multiboot magic 0x%08x\n", magic);
	check_eq("multiboot magic", magic, MB_BOOT_MAGIC);

	memset(&info, 0, sizeof(info));
	int32_t r = hcall_partition_info(&info);
	if (check("partition info hypercall", r == 0, "returned %d, %s", r, hcall_strerror(r))) {
		info.name[sizeof(info.name) - 1] = '\0';
		con_printf("hello from %s on cpu %u, %u MiB\n", info.name, info.cpu,
			   (uint32_t)(info.ram_size >> 20));
	}

	if (check_failures() == 0 && end_by_poweroff()) {
		con_printf("hello: PASS\n");
		guest_poweroff();
	}
	check_finish("hello");
}
