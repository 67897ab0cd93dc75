/* units: vmm/vcpu/hypercall.c vmm/vcpu/helpers.c vmm/vcpu/smp.c vmm/dev/ipi_route.c ept/ept.c ept/pool.c lib/fmt.c vmm/dev/platform.c arch/x86_64/tsc_freq.c vmm/dev/vioapic.c vmm/dev/acpi_guest.c vmm/dev/vuart.c vmm/dev/vpic.c vmm/dev/vpit.c vmm/dev/vrtc.c vmm/dev/fwcfg.c vmm/dev/vlapic.c vmm/dev/vpm.c vmm/dev/virtio_net.c tests/unit/fake_vmcs.c tests/unit/fake_cpu.c tests/unit/vcpu_fixture.c lib/regdump.c */
/*
 * VMCALL (vmm/vcpu/hypercall.c, ABI in include/hv/hypercall.h) with guest
 * buffers in the fixture's RAM: each call's result, console writes that
 * cross pages and chunks, bad buffers (HC_EFAULT), lengths over the limit
 * (HC_EINVAL), unknown numbers (HC_ENOSYS), calls from CPL > 0 (HC_EPERM),
 * HC_EXIT ending the guest, and 32-bit guests' registers truncated.
 */
#include <stdlib.h>
#include "exit_checks.h"
#include "host_log.h"
#include "vmm/vcpu/exit.h"
#include "hv/hypercall.h"

#define RAM MIB(2)

/* VMCALL with RAX, RDI, RSI: the exit's result; RAX holds the return value. */
static enum exit_result vmcall(uint64_t nr, uint64_t a0, uint64_t a1)
{
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fx_vcpu->regs.rax = nr;
	fx_vcpu->regs.rdi = a0;
	fx_vcpu->regs.rsi = a1;
	return exit_vmcall(fx_vcpu, 0);
}

/* A call that returns to the guest: its RAX. */
static uint64_t call(uint64_t nr, uint64_t a0, uint64_t a1)
{
	CHECK_EQ(vmcall(nr, a0, a1), EXIT_HANDLED);
	CHECK_RETIRED();
	return fx_vcpu->regs.rax;
}

static void test_null_and_unknown(void)
{
	fx_setup(RAM);
	CHECK_EQ(call(HC_NULL, 0, 0), 0);
	CHECK_EQ(call(99, 0, 0), (uint64_t)HC_ENOSYS);
	/* 64-bit guest: the number is all of RAX */
	CHECK_EQ(call(0x100000000ull | HC_NULL, 0, 0), (uint64_t)HC_ENOSYS);
}

static void test_console_write(void)
{
	fx_setup(RAM);
	fx_write(0x2000, "hello\n", 6);
	CHECK_EQ(call(HC_CONSOLE_WRITE, 0x2000, 6), 6);
	CHECK(strcmp(fx_console, "hello") == 0);
	/* across a page boundary */
	fx_write(0x2ffd, "page\n", 5);
	CHECK_EQ(call(HC_CONSOLE_WRITE, 0x2ffd, 5), 5);
	CHECK(strcmp(fx_console, "page") == 0);
	CHECK_EQ(call(HC_CONSOLE_WRITE, 0x2000, 0), 0);
	CHECK_EQ(fx_console_lines, 2);
}

/* More than the 256-byte bounce buffer, up to the 4096-byte limit. */
static void test_console_write_long(void)
{
	char *buf = malloc(HC_CONSOLE_MAX);

	fx_setup(RAM);
	for (int i = 0; i < HC_CONSOLE_MAX; i++)
		buf[i] = (i % 100 == 99) ? '\n' : (char)('a' + (i / 100) % 26);
	fx_write(0x10000, buf, HC_CONSOLE_MAX);
	CHECK_EQ(call(HC_CONSOLE_WRITE, 0x10000, HC_CONSOLE_MAX), HC_CONSOLE_MAX);
	CHECK_EQ(fx_console_lines, HC_CONSOLE_MAX / 100);
	CHECK_EQ(strlen(fx_console), 99);
	CHECK_EQ(fx_console[0], 'a' + (HC_CONSOLE_MAX / 100 - 1) % 26);
	CHECK_EQ(call(HC_CONSOLE_WRITE, 0x10000, HC_CONSOLE_MAX + 1), (uint64_t)HC_EINVAL);
	CHECK_EQ(call(HC_CONSOLE_WRITE, 0x10000, ~0ull), (uint64_t)HC_EINVAL);
	CHECK_EQ(fx_console_lines, HC_CONSOLE_MAX / 100);   /* refused: nothing printed */
	free(buf);
}

static void test_console_write_bad_buffer(void)
{
	fx_setup(RAM);
	CHECK_EQ(call(HC_CONSOLE_WRITE, RAM, 1), (uint64_t)HC_EFAULT);
	CHECK_EQ(call(HC_CONSOLE_WRITE, RAM - 2, 4), (uint64_t)HC_EFAULT);
	CHECK_EQ(call(HC_CONSOLE_WRITE, 0xfffffffffffff000ull, 16), (uint64_t)HC_EFAULT);
	CHECK_EQ(call(HC_CONSOLE_WRITE, 0xfee00000ull, 4), (uint64_t)HC_EFAULT);   /* MMIO, not RAM */
}

static void test_partition_info(void)
{
	struct hc_partition_info info;

	fx_setup(RAM);
	CHECK_EQ(call(HC_PARTITION_INFO, 0x3000, 0), 0);
	fx_read(0x3000, &info, sizeof(info));
	CHECK_EQ(info.version, 2);
	CHECK_EQ(info.cpu, FX_CPU);
	CHECK_EQ(info.ncpus, 1);
	CHECK_EQ(info.vcpu, 0);
	CHECK_EQ(info.ram_size, RAM);
	CHECK_EQ(info.hpa_base, fx_part.base.v);
	CHECK(strcmp(info.name, FX_NAME) == 0);
	CHECK_EQ(call(HC_PARTITION_INFO, RAM - 8, 0), (uint64_t)HC_EFAULT);
	CHECK_EQ(call(HC_PARTITION_INFO, 0xfee00000ull, 0), (uint64_t)HC_EFAULT);
}

/* Each vCPU of a partition learns its own number and host CPU. */
static void test_partition_info_of_an_ap(void)
{
	struct hc_partition_info info;

	fx_setup(RAM);
	fx_part.nvcpus = 3;
	fx_vcpu->id = 2;
	fx_vcpu->cpu = 6;
	CHECK_EQ(call(HC_PARTITION_INFO, 0x3000, 0), 0);
	fx_read(0x3000, &info, sizeof(info));
	CHECK_EQ(info.ncpus, 3);
	CHECK_EQ(info.vcpu, 2);
	CHECK_EQ(info.cpu, 6);
}

static void test_partition_info_long_name(void)
{
	struct hc_partition_info info;
	const char *name = "a-guest-name-longer-than-thirty-one-characters";

	fx_setup(RAM);
	fx_part.name = name;
	memset(&info, 0xff, sizeof(info));
	fx_write(0x3000, &info, sizeof(info));
	CHECK_EQ(call(HC_PARTITION_INFO, 0x3000, 0), 0);
	fx_read(0x3000, &info, sizeof(info));
	CHECK_EQ(info.name[sizeof(info.name) - 1], 0);
	CHECK(strncmp(info.name, name, sizeof(info.name) - 1) == 0);
}

static void test_exit(void)
{
	fx_setup(RAM);
	CHECK_EQ(vmcall(HC_EXIT, 7, 0), EXIT_GUEST_ENDED);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), FX_RIP);
	CHECK(strcmp(fx_part.end_reason, "stopped: exit code 7") == 0);
	CHECK_STR_CONTAINS(host_log_text(), "hv: guest fx: stopped: exit code 7");
}

/* Ring 3 (or 1, 2) may not call: HC_EPERM whatever the call, even HC_EXIT. */
static void test_cpl_not_zero(void)
{
	fx_setup(RAM);
	fake_vmcs_set(VMCS_GUEST_SS_AR, FX_AR_DATA3);
	CHECK_EQ(call(HC_NULL, 0, 0), (uint64_t)HC_EPERM);
	CHECK_EQ(call(HC_EXIT, 0, 0), (uint64_t)HC_EPERM);
	CHECK_EQ(fx_part.end_reason[0], 0);
	fx_write(0x2000, "x\n", 2);
	CHECK_EQ(call(HC_CONSOLE_WRITE, 0x2000, 2), (uint64_t)HC_EPERM);
	CHECK_EQ(fx_console_lines, 0);
	fake_vmcs_set(VMCS_GUEST_SS_AR, FX_AR_DATA | (1u << 5));   /* DPL 1 */
	CHECK_EQ(call(HC_NULL, 0, 0), (uint64_t)HC_EPERM);
}

/* A 32-bit guest: only EAX, EDI, ESI count, and the result is EAX. */
static void test_32bit_guest(void)
{
	fx_setup(RAM);
	fx_protected_mode();
	fx_write(0x2000, "32\n", 3);
	CHECK_EQ(call(0xdead000000000000ull | HC_CONSOLE_WRITE, 0x100002000ull, 0xffffffff00000003ull), 3);
	CHECK(strcmp(fx_console, "32") == 0);
	CHECK_EQ(call(HC_CONSOLE_WRITE, RAM, 1), (uint32_t)HC_EFAULT);   /* zero-extended */
	CHECK_EQ(call(HC_CONSOLE_WRITE, 0, 0x100000001ull), 1);          /* length 1, not 4G+1 */
	CHECK_EQ(vmcall(HC_EXIT, 0xffffffff00000002ull, 0), EXIT_GUEST_ENDED);
	CHECK(strcmp(fx_part.end_reason, "stopped: exit code 2") == 0);
}

int main(void)
{
	RUN(test_null_and_unknown);
	RUN(test_console_write);
	RUN(test_console_write_long);
	RUN(test_console_write_bad_buffer);
	RUN(test_partition_info);
	RUN(test_partition_info_long_name);
	RUN(test_partition_info_of_an_ap);
	RUN(test_exit);
	RUN(test_cpl_not_zero);
	RUN(test_32bit_guest);
	return check_summary();
}
