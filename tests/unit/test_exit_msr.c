/* units: vmm/vcpu/msr.c vmm/vcpu/helpers.c vmm/vcpu/smp.c vmm/dev/ipi_route.c ept/ept.c ept/pool.c lib/fmt.c vmm/dev/platform.c arch/x86_64/tsc_freq.c vmm/dev/vioapic.c vmm/dev/acpi_guest.c vmm/dev/vuart.c vmm/dev/vpic.c vmm/dev/vpit.c vmm/dev/vrtc.c vmm/dev/fwcfg.c vmm/dev/vlapic.c vmm/dev/vpm.c vmm/dev/virtio_net.c tests/unit/fake_vmcs.c tests/unit/fake_cpu.c tests/unit/vcpu_fixture.c lib/regdump.c */
/*
 * RDMSR/WRMSR exits (vmm/vcpu/msr.c): the virtual values, the MSRs kept
 * in the VMCS, the local APIC's MSRs (IA32_APIC_BASE, x2APIC range,
 * TSC deadline) through the real vlapic, the values refused with #GP(0),
 * MSRs nobody emulates (#GP, logged once each, the first 16), how
 * ECX/EDX:EAX are read, and the MSR bitmap.
 */
#include <stdlib.h>
#include "exit_checks.h"
#include "host_log.h"
#include "vmm/vcpu/exit.h"
#include "vmm/vcpu/msr.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/msr.h"

#define MSR_X2APIC_ID      (MSR_IA32_X2APIC_FIRST + 0x02)
#define MSR_X2APIC_VERSION (MSR_IA32_X2APIC_FIRST + 0x03)
#define MSR_X2APIC_TPR     (MSR_IA32_X2APIC_FIRST + 0x08)
#define MSR_UNKNOWN        0x1234       /* no MSR at all */

static uint64_t vmcs(uint32_t f) { return fake_vmcs_get(f); }

/* CPUID.80000001H:EDX of a 64-bit host with NX: every EFER bit exists. */
static void host_has_long_mode_and_nx(void)
{
	fake_cpuid_set(0x80000001, 0, 0, 0, 0, (1u << 20) | (1u << 29));
}

/* RDMSR: the value EDX:EAX got, or ~0 if it faulted. */
static uint64_t rd(uint32_t msr)
{
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fx_vcpu->regs.rcx = msr;
	fx_vcpu->regs.rax = fx_vcpu->regs.rdx = 0x5555555555555555ull;
	CHECK_EQ(exit_rdmsr(fx_vcpu, 0), EXIT_HANDLED);
	if (fx_injected_vector(NULL) >= 0)
		return ~0ull;
	CHECK(fx_vcpu->regs.rax >> 32 == 0 && fx_vcpu->regs.rdx >> 32 == 0);
	return fx_vcpu->regs.rdx << 32 | fx_vcpu->regs.rax;
}

static bool wr(uint32_t msr, uint64_t val) { return fx_wrmsr(msr, val); }

static void test_virtual_values(void)
{
	fx_setup(MIB(2));
	fake_tsc = 0x123456789abcull;
	CHECK_EQ(rd(MSR_IA32_TSC), 0x123456789abcull);
	CHECK_RETIRED();
	CHECK_EQ(rd(MSR_IA32_FEATURE_CONTROL), 1);   /* locked, VMX off */
	CHECK_EQ(rd(MSR_IA32_MISC_ENABLE), MISC_ENABLE_RESET);
	CHECK_EQ(rd(MSR_IA32_MTRRCAP), 0);
	CHECK_EQ(rd(MSR_IA32_BIOS_SIGN_ID), 0);
	CHECK_EQ(fake_vmcs_total_writes(), fake_vmcs_writes(VMCS_GUEST_RIP));   /* nothing else */
}

static void test_vmcs_backed_msrs(void)
{
	fx_setup(MIB(2));
	CHECK_EQ(rd(MSR_IA32_EFER), FX_EFER);
	CHECK_EQ(rd(MSR_IA32_PAT), 0x0007040600070406ull);

	CHECK(wr(MSR_IA32_SYSENTER_CS, 0x10));
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_SYSENTER_CS), 0x10);
	CHECK_EQ(rd(MSR_IA32_SYSENTER_CS), 0x10);
	CHECK(wr(MSR_IA32_SYSENTER_ESP, 0xffff800000001000ull));
	CHECK_EQ(rd(MSR_IA32_SYSENTER_ESP), 0xffff800000001000ull);
	CHECK(wr(MSR_IA32_SYSENTER_EIP, 0x401000));
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_SYSENTER_EIP), 0x401000);
	CHECK_EQ(rd(MSR_IA32_SYSENTER_EIP), 0x401000);
	CHECK(wr(MSR_IA32_FS_BASE, 0x7fff00001000ull));
	CHECK_EQ(vmcs(VMCS_GUEST_FS_BASE), 0x7fff00001000ull);
	CHECK_EQ(rd(MSR_IA32_FS_BASE), 0x7fff00001000ull);
	CHECK(wr(MSR_IA32_GS_BASE, 0xffffffff80000000ull));
	CHECK_EQ(rd(MSR_IA32_GS_BASE), 0xffffffff80000000ull);
	CHECK(wr(MSR_IA32_PAT, 0x0000000000070406ull));
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_PAT), 0x0000000000070406ull);
	CHECK_EQ(fake_vmcs_bad_width_writes, 0);
}

static void test_refused_values(void)
{
	fx_setup(MIB(2));
	CHECK(!wr(MSR_IA32_SYSENTER_ESP, 0x0000800000000000ull));   /* not canonical */
	CHECK(!wr(MSR_IA32_SYSENTER_EIP, 0x8000000000000000ull));
	CHECK(!wr(MSR_IA32_FS_BASE, 0x0001000000000000ull));
	CHECK(!wr(MSR_IA32_GS_BASE, 0x00ff000000000000ull));
	CHECK(!wr(MSR_IA32_PAT, 0x0000000000000002ull));   /* memory type 2 is reserved */
	CHECK(!wr(MSR_IA32_PAT, 0x0800000000000000ull));   /* so is 8 */
	CHECK_EQ(fake_vmcs_writes(VMCS_GUEST_IA32_SYSENTER_ESP), 0);
	CHECK_EQ(fake_vmcs_writes(VMCS_GUEST_FS_BASE), 0);
	CHECK_EQ(fake_vmcs_writes(VMCS_GUEST_IA32_PAT), 0);
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_PAT), 0x0007040600070406ull);
}

static void test_efer(void)
{
	fx_setup(MIB(2));
	host_has_long_mode_and_nx();
	/* NXE off, SCE kept; LMA stays what the CPU says whatever is written */
	CHECK(wr(MSR_IA32_EFER, EFER_SCE | EFER_LME));
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_SCE | EFER_LME | EFER_LMA);
	/* LME cannot change with paging on */
	CHECK(!wr(MSR_IA32_EFER, EFER_SCE));
	CHECK(!wr(MSR_IA32_EFER, FX_EFER | (1ull << 12)));        /* reserved (SVME) */
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_SCE | EFER_LME | EFER_LMA);

	/* paging off: LME may be set, LMA is not set by a write */
	fx_protected_mode();
	CHECK(wr(MSR_IA32_EFER, EFER_LME | EFER_LMA | EFER_NXE));
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_LME | EFER_NXE);
}

/* CR0.PG is the guest's (unrestricted guest): turned off or on without an
 * exit, the read shadow is stale, and LME may or may not change. */
static void test_efer_lme_follows_the_real_paging_bit(void)
{
	fx_setup(MIB(2));
	host_has_long_mode_and_nx();
	fake_vmcs_set(VMCS_GUEST_CR0, vmcs_cr0_real(FX_CR0 & ~CR0_PG));      /* paging off, no exit */
	fake_vmcs_set(VMCS_GUEST_IA32_EFER, EFER_SCE | EFER_LME | EFER_NXE); /* the CPU cleared LMA */
	CHECK(wr(MSR_IA32_EFER, EFER_SCE | EFER_NXE));
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_SCE | EFER_NXE);

	fx_setup(MIB(2));
	host_has_long_mode_and_nx();
	fx_protected_mode();
	fake_vmcs_set(VMCS_GUEST_CR0, vmcs_cr0_real(CR0_PE | CR0_ET | CR0_NE | CR0_PG));   /* on, no exit */
	CHECK(!wr(MSR_IA32_EFER, EFER_LME));
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), 0);
}

/* Accepted without effect (the MSRs whose writes do something are in
 * test_msr_semantics.c). */
static void test_ignored_writes(void)
{
	fx_setup(MIB(2));
	fake_vmcs_forget_writes();
	CHECK(wr(MSR_IA32_BIOS_SIGN_ID, 0));
	CHECK(wr(MSR_IA32_MTRR_DEF_TYPE, 0xc06));
	/* only RIP and the test's own resets of the injection field moved */
	CHECK_EQ(fake_vmcs_total_writes(),
		 fake_vmcs_writes(VMCS_GUEST_RIP) + fake_vmcs_writes(VMCS_ENTRY_INTR_INFO));
	CHECK_EQ(rd(MSR_IA32_BIOS_SIGN_ID), 0);
	CHECK_EQ(rd(MSR_IA32_MTRR_DEF_TYPE), 0);
}

static void test_apic_msrs(void)
{
	fx_setup(MIB(2));
	CHECK_EQ(rd(MSR_IA32_APIC_BASE), 0xfee00000ull | VLAPIC_BASE_EN | VLAPIC_BASE_BSP);
	/* x2APIC registers fault in xAPIC mode */
	CHECK_EQ(rd(MSR_X2APIC_VERSION), ~0ull);
	CHECK_FAULT(X86_VEC_GP, 0);

	fx_part.platform.dirty = false;
	fx_part.platform.next_event = UINT64_MAX;
	CHECK(wr(MSR_IA32_APIC_BASE, 0xfee00000ull | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD | VLAPIC_BASE_BSP));
	CHECK_EQ(fx_part.platform.next_event, 0);      /* interrupts are looked at again */
	CHECK(!fx_part.platform.dirty);                /* but not the devices */
	CHECK_EQ(rd(MSR_X2APIC_VERSION), VLAPIC_VERSION);
	CHECK_EQ(rd(MSR_X2APIC_ID), 0);
	CHECK(wr(MSR_X2APIC_TPR, 0x20));
	CHECK_EQ(fx_part.vcpus[0].lapic.tpr, 0x20);
	/* a refused transition (x2APIC straight back to xAPIC) is #GP */
	CHECK(!wr(MSR_IA32_APIC_BASE, 0xfee00000ull | VLAPIC_BASE_EN | VLAPIC_BASE_BSP));
	/* TSC deadline, through the device too (LVT timer at MSR 0x832) */
	CHECK(wr(0x832, 0x30 | VLAPIC_LVT_TIMER_TSC_DL));
	CHECK(wr(MSR_IA32_TSC_DEADLINE, 0x1000000));
	CHECK_EQ(vlapic_timer_deadline(&fx_part.vcpus[0].lapic), 0x1000000);
	CHECK_EQ(rd(MSR_IA32_TSC_DEADLINE), 0x1000000);
}

static void test_unknown_msr(void)
{
	fx_setup(MIB(2));
	fx_vcpu->regs.rcx = MSR_UNKNOWN;
	fx_vcpu->regs.rax = 0xaaaa;
	fx_vcpu->regs.rdx = 0xbbbb;
	CHECK_EQ(exit_rdmsr(fx_vcpu, 0), EXIT_HANDLED);
	CHECK_FAULT(X86_VEC_GP, 0);
	CHECK_EQ(fx_vcpu->regs.rax, 0xaaaa);               /* registers untouched */
	CHECK_EQ(fx_vcpu->regs.rdx, 0xbbbb);
	CHECK_STR_CONTAINS(host_log_text(), "guest fx: MSR 0x1234 (rdmsr) not emulated");

	/* logged once per MSR, whatever the access */
	host_log_clear();
	CHECK(!wr(MSR_UNKNOWN, 1));
	CHECK(rd(MSR_UNKNOWN) == ~0ull);
	CHECK_EQ(host_log_text()[0], 0);
	CHECK(!wr(MSR_IA32_XSS, 0));                             /* no XSAVES: not emulated */
	CHECK_STR_CONTAINS(host_log_text(), "MSR 0xda0 (wrmsr)");
	/* a refused value of an emulated MSR is logged the same way */
	CHECK(!wr(MSR_IA32_PAT, 2));
	CHECK_STR_CONTAINS(host_log_text(), "MSR 0x277 (wrmsr)");
}

static void test_unknown_msrs_logged_up_to_16(void)
{
	fx_setup(MIB(2));
	for (uint32_t i = 0; i < 16; i++)
		CHECK_EQ(rd(0x4000 + i), ~0ull);
	CHECK_STR_CONTAINS(host_log_text(), "MSR 0x400f (rdmsr) not emulated or value refused: #GP; further MSRs not logged");
	host_log_clear();
	CHECK_EQ(rd(0x5000), ~0ull);
	CHECK_FAULT(X86_VEC_GP, 0);                             /* still #GP, only not logged */
	CHECK_EQ(host_log_text()[0], 0);
}

static void test_register_halves(void)
{
	fx_setup(MIB(2));
	/* ECX only: the upper half of RCX is ignored */
	fx_vcpu->regs.rcx = 0xffffffff00000000ull | MSR_IA32_MISC_ENABLE;
	CHECK_EQ(exit_rdmsr(fx_vcpu, 0), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(fx_vcpu->regs.rax, MISC_ENABLE_RESET);
	/* the value is EDX:EAX; the upper halves of RAX and RDX are ignored */
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fx_vcpu->regs.rcx = MSR_IA32_SYSENTER_ESP;
	fx_vcpu->regs.rax = 0xdeadbeef00001000ull;
	fx_vcpu->regs.rdx = 0x12345678ffff8000ull;
	CHECK_EQ(exit_wrmsr(fx_vcpu, 0), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_SYSENTER_ESP), 0xffff800000001000ull);
}

/* MSR bitmap (SDM 25.6.9): read-low, read-high, write-low, write-high. */
static bool exits(const uint8_t *bm, uint32_t msr, bool write)
{
	unsigned base = (msr >= 0xc0000000u ? 1024 : 0) + (write ? 2048 : 0);
	uint32_t idx = msr & 0x1fff;

	return bm[base + idx / 8] & (1u << (idx % 8));
}

static void test_msr_bitmap(void)
{
	uint8_t *bm = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

	fx_setup(MIB(2));
	msr_bitmap_init(virt_to_phys(bm));
	for (int w = 0; w < 2; w++) {
		CHECK(!exits(bm, MSR_IA32_LSTAR, w));
		CHECK(!exits(bm, MSR_IA32_STAR, w));
		CHECK(!exits(bm, MSR_IA32_KERNEL_GS_BASE, w));
		CHECK(!exits(bm, MSR_IA32_TSC_AUX, w));
		CHECK(exits(bm, MSR_IA32_EFER, w));
		CHECK(exits(bm, MSR_IA32_FS_BASE, w));
		CHECK(exits(bm, MSR_IA32_APIC_BASE, w));
		CHECK(exits(bm, MSR_IA32_XSS, w));
		CHECK(exits(bm, 0x800 + 0x30, w));
	}
	/* with XSAVES the supervisor xstate MSR is the guest's */
	fake_cpuid_set(0, 0, 0xd, 0, 0, 0);
	fake_cpuid_set(0xd, 1, 1u << 3, 0, 0, 0);
	msr_bitmap_init(virt_to_phys(bm));
	CHECK(!exits(bm, MSR_IA32_XSS, false));
	CHECK(!exits(bm, MSR_IA32_XSS, true));
	CHECK(exits(bm, MSR_IA32_XSS + 1, false));
	free(bm);
}

/* Machine-check MSRs read as a CPU with no banks: an OS may look at them
 * even with MCA hidden in CPUID. */
static void test_machine_check_msrs(void)
{
	fx_setup(MIB(2));
	CHECK_EQ(rd(MSR_IA32_MCG_CAP), 0);
	CHECK_EQ(rd(MSR_IA32_MCG_STATUS), 0);
	CHECK(wr(MSR_IA32_MCG_STATUS, 0));
	CHECK(!wr(MSR_IA32_MCG_STATUS, 1));
	CHECK(!wr(MSR_IA32_MCG_CAP, 0));                    /* read-only */
}

/* In real mode (an unrestricted guest, CR0.PE = 0) the #GP has no error
 * code: VM entry would refuse one. */
static void test_real_mode_gp_has_no_error_code(void)
{
	fx_setup(MIB(2));
	fx_set_cr0(CR0_ET | CR0_NE);
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fx_vcpu->regs.rcx = MSR_UNKNOWN;
	CHECK_EQ(exit_rdmsr(fx_vcpu, 0), EXIT_HANDLED);
	CHECK_FAULT(X86_VEC_GP, -1);
	CHECK(!(fake_vmcs_get(VMCS_ENTRY_INTR_INFO) & VMX_INTR_INFO_ERROR_CODE));
}

int main(void)
{
	RUN(test_virtual_values);
	RUN(test_real_mode_gp_has_no_error_code);
	RUN(test_machine_check_msrs);
	RUN(test_vmcs_backed_msrs);
	RUN(test_refused_values);
	RUN(test_efer);
	RUN(test_efer_lme_follows_the_real_paging_bit);
	RUN(test_ignored_writes);
	RUN(test_apic_msrs);
	RUN(test_unknown_msr);
	RUN(test_unknown_msrs_logged_up_to_16);
	RUN(test_register_halves);
	RUN(test_msr_bitmap);
	return check_summary();
}
