/* units: vmm/vcpu/ept_exit.c vmm/vcpu/mmio.c vmm/emul/decode.c vmm/emul/gwalk.c vmm/vcpu/helpers.c vmm/vcpu/smp.c vmm/dev/ipi_route.c ept/ept.c ept/pool.c lib/fmt.c vmm/dev/platform.c arch/x86_64/tsc_freq.c vmm/dev/vioapic.c vmm/dev/acpi_guest.c vmm/dev/vuart.c vmm/dev/vpic.c vmm/dev/vpit.c vmm/dev/vrtc.c vmm/dev/fwcfg.c vmm/dev/vlapic.c vmm/dev/vpm.c vmm/dev/virtio_net.c tests/unit/fake_vmcs.c tests/unit/fake_cpu.c tests/unit/vcpu_fixture.c lib/regdump.c */
/*
 * EPT-violation exits (vmm/vcpu/ept_exit.c) over the partition's real
 * EPT: a fault in RAM maps the page (and a split for execute on a CPU
 * with the iTLB erratum flushes with INVEPT), a fault outside RAM on the
 * LAPIC page goes to MMIO emulation, anywhere else the guest is killed
 * with the gpa and the access in the reason, as it is when the frame
 * pool runs dry.
 */
#include "exit_checks.h"
#include "host_log.h"
#include "vmm/vcpu/exit.h"
#include "vmm/vcpu/helpers.h"
#include "arch/x86_64/memlayout.h"

#define RAM MIB(4)

static enum exit_result violation(uint64_t gpa, unsigned access)
{
	fake_vmcs_set(VMCS_GUEST_PHYSICAL_ADDRESS, gpa);
	return exit_ept_violation(fx_vcpu, access);
}

static void test_ram_is_mapped(void)
{
	unsigned level;

	fx_setup(RAM);
	CHECK(!hpa_valid(ept_translate(&fx_part.ept, GPA(0x234000), NULL)));
	CHECK_EQ(violation(0x234567, EPT_ACC_W), EXIT_HANDLED);
	CHECK_EQ(ept_translate(&fx_part.ept, GPA(0x234000), &level).v, fx_part.base.v + 0x234000);
	CHECK_EQ(level, EPT_LEVEL_2M);
	CHECK_EQ(fake_invept_single_calls, 0);     /* a new leaf needs no flush */
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), FX_RIP);   /* the guest retries the access */
	CHECK_EQ(fx_injected_vector(NULL), -1);
	/* the same again (another CPU got there first): spurious, resumed */
	CHECK_EQ(violation(0x234567, EPT_ACC_W), EXIT_HANDLED);
	CHECK_EQ(fx_part.ept.stats.spurious, 1);
	CHECK_EQ(fx_part.end_reason[0], 0);
}

/* With the iTLB erratum, executing from a 2 MiB leaf splits it: INVEPT. */
static void test_exec_split_flushes(void)
{
	fx_setup(RAM);
	CHECK_EQ(violation(0x200000, EPT_ACC_R), EXIT_HANDLED);
	CHECK_EQ(fake_invept_single_calls, 0);
	CHECK_EQ(violation(0x201000, EPT_ACC_X), EXIT_HANDLED);
	CHECK_EQ(fake_invept_single_calls, 1);
	CHECK_EQ(fake_invept_eptp, ept_eptp(&fx_part.ept));
	CHECK_EQ(fx_part.ept.stats.splits, 1);
}

static void test_lapic_page_is_mmio(void)
{
	static const uint8_t insn[] = { 0xa1, 0x30, 0x00, 0xe0, 0xfe };   /* mov 0xfee00030, %eax */

	fx_setup(RAM);
	fx_protected_mode();
	fx_write(FX_RIP, insn, sizeof(insn));
	CHECK_EQ(violation(0xfee00030, EPT_ACC_R), EXIT_HANDLED);
	CHECK_EQ((uint32_t)fx_vcpu->regs.rax, VLAPIC_VERSION);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), FX_RIP + sizeof(insn));
	CHECK(!hpa_valid(ept_translate(&fx_part.ept, GPA(0xfee00000), NULL)));   /* never mapped */
}

/* The MMIO path's own verdict (here: cannot fetch) is the exit's. */
static void test_lapic_page_mmio_fails(void)
{
	fx_setup(RAM);
	fx_protected_mode();
	fake_vmcs_set(VMCS_GUEST_RIP, 0x80000000);
	CHECK_EQ(violation(0xfee00030, EPT_ACC_R), EXIT_GUEST_ENDED);
	CHECK_STR_CONTAINS(fx_part.end_reason, "killed: MMIO at gpa 0xfee00030: cannot fetch");
}

static void test_outside_ram_kills(void)
{
	static const struct { unsigned access; const char *name; } cases[] = {
		{ EPT_ACC_R, "read" }, { EPT_ACC_W | EPT_ACC_R, "write" }, { EPT_ACC_X | EPT_ACC_R, "exec" },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		char want[96];
		fx_setup(RAM);
		CHECK_EQ(violation(0xc0001234, cases[i].access), EXIT_GUEST_ENDED);
		snprintf(want, sizeof(want), "killed: EPT violation at gpa 0xc0001234 (%s)", cases[i].name);
		CHECK(strcmp(fx_part.end_reason, want) == 0);
		CHECK_STR_CONTAINS(host_log_text(), want);
	}
	/* just past the end of RAM is outside too */
	fx_setup(RAM);
	CHECK_EQ(violation(RAM, EPT_ACC_R), EXIT_GUEST_ENDED);
	CHECK_STR_CONTAINS(fx_part.end_reason, "gpa 0x400000");
}

/* A 5 GiB partition: RAM to 3 GiB, the hole, RAM from 4 GiB. */
#define BIG GIB(5)

/* Faults just below the hole and just above 4 GiB map the right host
 * bytes; one in the hole that is no device's kills the guest. */
static void test_hole(void)
{
	static const uint8_t below[] = "below", above[] = "above";
	unsigned level;
	uint8_t buf[8];

	fx_setup(BIG);
	CHECK_EQ(violation(GIB(3) - PAGE_SIZE, EPT_ACC_W), EXIT_HANDLED);
	CHECK_EQ(ept_translate(&fx_part.ept, GPA(GIB(3) - PAGE_SIZE), &level).v,
		 fx_part.base.v + GIB(3) - PAGE_SIZE);
	CHECK_EQ(level, EPT_LEVEL_2M);
	CHECK_EQ(violation(GIB(4) + 0x10, EPT_ACC_W), EXIT_HANDLED);
	CHECK_EQ(ept_translate(&fx_part.ept, GPA(GIB(4)), &level).v, fx_part.base.v + GIB(3));
	CHECK_EQ(level, EPT_LEVEL_2M);
	CHECK_EQ(fx_part.end_reason[0], 0);

	/* guest_write lands where the EPT says, on both sides */
	fx_write(GIB(3) - 8, below, 6);
	fx_write(GIB(4), above, 6);
	CHECK_EQ(memcmp((uint8_t *)phys_to_virt(HPA(fx_part.base.v + GIB(3) - 8)), below, 6), 0);
	CHECK_EQ(memcmp((uint8_t *)phys_to_virt(HPA(fx_part.base.v + GIB(3))), above, 6), 0);
	fx_read(GIB(6) - 8, buf, 8);                       /* the last bytes of RAM */
	CHECK_EQ(ept_translate(&fx_part.ept, GPA(GIB(6) - 8), NULL).v, fx_part.base.v + BIG - 8);

	CHECK_EQ(violation(GIB(3) + 0x1234, EPT_ACC_R), EXIT_GUEST_ENDED);
	CHECK_STR_CONTAINS(fx_part.end_reason, "killed: EPT violation at gpa 0xc0001234 (read)");
	CHECK(!hpa_valid(ept_translate(&fx_part.ept, GPA(GIB(3)), NULL)));
}

/* The local APIC page is MMIO in a partition whose RAM goes past 4 GiB. */
static void test_hole_lapic_is_mmio(void)
{
	static const uint8_t insn[] = { 0xa1, 0x30, 0x00, 0xe0, 0xfe };   /* mov 0xfee00030, %eax */

	fx_setup(BIG);
	fx_protected_mode();
	fx_write(FX_RIP, insn, sizeof(insn));
	CHECK_EQ(violation(0xfee00030, EPT_ACC_R), EXIT_HANDLED);
	CHECK_EQ((uint32_t)fx_vcpu->regs.rax, VLAPIC_VERSION);
	CHECK(!hpa_valid(ept_translate(&fx_part.ept, GPA(0xfee00000), NULL)));
}

/* guest_read/guest_write that would cross into or out of the hole fail
 * and copy nothing; the same lengths inside RAM work. */
static void test_guest_copy_across_hole(void)
{
	uint8_t buf[32], ones[32];

	fx_setup(BIG);
	memset(ones, 0x11, sizeof(ones));
	memset(buf, 0x77, sizeof(buf));
	CHECK(!guest_read(&fx_part, GPA(GIB(3) - 16), buf, 32));
	CHECK(!guest_write(&fx_part, GPA(GIB(3) - 16), ones, 32));
	CHECK(!guest_read(&fx_part, GPA(GIB(4) - 16), buf, 32));
	CHECK(!guest_write(&fx_part, GPA(GIB(4) - 16), ones, 32));
	CHECK(!guest_read(&fx_part, GPA(0xfee00000), buf, 4));
	CHECK(!guest_read(&fx_part, GPA(GIB(6) - 16), buf, 32));
	CHECK(!guest_read(&fx_part, GPA(GIB(3) - 16), buf, GIB(1) + 32));   /* hole and all */
	for (unsigned i = 0; i < sizeof(buf); i++)
		CHECK_EQ(buf[i], 0x77);
	/* nothing was mapped for them either */
	CHECK(!hpa_valid(ept_translate(&fx_part.ept, GPA(GIB(3) - 16), NULL)));
	CHECK(!hpa_valid(ept_translate(&fx_part.ept, GPA(GIB(4)), NULL)));

	CHECK(guest_write(&fx_part, GPA(GIB(3) - 32), ones, 32));
	CHECK(guest_read(&fx_part, GPA(GIB(3) - 32), buf, 32));
	CHECK_EQ(memcmp(buf, ones, 32), 0);
	CHECK(guest_write(&fx_part, GPA(GIB(4)), ones, 32));
	CHECK(guest_read(&fx_part, GPA(GIB(6) - 32), buf, 32));
	CHECK_EQ(buf[0], 0);                                   /* fresh memory is zero */
	CHECK(guest_read(&fx_part, GPA(GIB(3)), buf, 0));      /* nothing to copy */
}

static void test_pool_exhausted_kills(void)
{
	fx_setup(RAM);
	while (hpa_valid(frame_pool_alloc(&fx_part.pool)))
		;
	CHECK_EQ(violation(0x1000, EPT_ACC_R), EXIT_GUEST_ENDED);
	CHECK(strcmp(fx_part.end_reason, "killed: EPT fault at gpa 0x1000 failed: out of table frames") == 0);
	CHECK(!hpa_valid(ept_translate(&fx_part.ept, GPA(0x1000), NULL)));
}

int main(void)
{
	RUN(test_ram_is_mapped);
	RUN(test_exec_split_flushes);
	RUN(test_lapic_page_is_mmio);
	RUN(test_lapic_page_mmio_fails);
	RUN(test_outside_ram_kills);
	RUN(test_pool_exhausted_kills);
	RUN(test_hole);
	RUN(test_hole_lapic_is_mmio);
	RUN(test_guest_copy_across_hole);
	return check_summary();
}
