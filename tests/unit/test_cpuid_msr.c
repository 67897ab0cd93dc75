/* units: vmm/vcpu/cpuid.c vmm/vcpu/msr.c vmm/vcpu/helpers.c vmm/vcpu/smp.c vmm/dev/ipi_route.c ept/ept.c ept/pool.c lib/fmt.c vmm/dev/platform.c arch/x86_64/tsc_freq.c vmm/dev/vioapic.c vmm/dev/acpi_guest.c vmm/dev/vuart.c vmm/dev/vpic.c vmm/dev/vpit.c vmm/dev/vrtc.c vmm/dev/fwcfg.c vmm/dev/vlapic.c vmm/dev/vpm.c vmm/dev/virtio_net.c tests/unit/fake_vmcs.c tests/unit/fake_cpu.c tests/unit/vcpu_fixture.c lib/regdump.c */
/*
 * CPUID and the MSR layer agree.  On a host that has every feature below,
 * walk the CPUID leaves the guest sees; for each MSR-backed feature the
 * guest is shown, every MSR of it must work: either the MSR bitmap gives
 * it to the guest, or the exit handles it without #GP.  (A CPUID bit the
 * guest sees over an MSR that raises #GP is how Linux picked IBRS entry
 * code whose WRMSR has no fixup, and died at its first system call.)
 */
#include <stdlib.h>
#include "exit_checks.h"
#include "vmm/vcpu/exit.h"
#include "vmm/vcpu/msr.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/memlayout.h"

struct feature {
	const char *name;
	uint32_t leaf, sub;
	int reg;                 /* 0 eax, 1 ebx, 2 ecx, 3 edx */
	uint32_t bit;
	uint32_t msrs[4];        /* 0-terminated */
	bool write_only;
};

static const struct feature features[] = {
	{ "tsc", 1, 0, 3, 1u << 4, { MSR_IA32_TSC } , false },
	{ "apic", 1, 0, 3, 1u << 9, { MSR_IA32_APIC_BASE } , false },
	{ "sep", 1, 0, 3, 1u << 11, { MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP } , false },
	{ "mtrr", 1, 0, 3, 1u << 12, { MSR_IA32_MTRRCAP, MSR_IA32_MTRR_DEF_TYPE } , false },
	{ "pat", 1, 0, 3, 1u << 16, { MSR_IA32_PAT } , false },
	{ "x2apic", 1, 0, 2, 1u << 21, { MSR_IA32_X2APIC_FIRST + 2, MSR_IA32_X2APIC_FIRST + 3 } , false },
	{ "tsc-deadline", 1, 0, 2, 1u << 24, { MSR_IA32_TSC_DEADLINE } , false },
	{ "tsc_adjust", 7, 0, 1, 1u << 1, { MSR_IA32_TSC_ADJUST } , false },
	{ "ibrs/ibpb", 7, 0, 3, CPUID7_EDX_IBRS_IBPB, { MSR_IA32_SPEC_CTRL } , false },
	{ "ibpb", 7, 0, 3, CPUID7_EDX_IBRS_IBPB, { MSR_IA32_PRED_CMD }, true },
	{ "stibp", 7, 0, 3, CPUID7_EDX_STIBP, { MSR_IA32_SPEC_CTRL } , false },
	{ "l1d_flush", 7, 0, 3, CPUID7_EDX_L1D_FLUSH, { MSR_IA32_FLUSH_CMD }, true },
	{ "arch_capabilities", 7, 0, 3, CPUID7_EDX_ARCH_CAP, { MSR_IA32_ARCH_CAPABILITIES } , false },
	{ "core_capabilities", 7, 0, 3, CPUID7_EDX_CORE_CAP, { MSR_IA32_CORE_CAPABILITIES } , false },
	{ "ssbd", 7, 0, 3, CPUID7_EDX_SSBD, { MSR_IA32_SPEC_CTRL } , false },
	{ "xsaves", 0xd, 1, 0, 1u << 3, { MSR_IA32_XSS } , false },
	{ "syscall", 0x80000001, 0, 3, 1u << 11, { MSR_IA32_STAR, MSR_IA32_LSTAR, MSR_IA32_FMASK } , false },
	{ "rdtscp", 0x80000001, 0, 3, 1u << 27, { MSR_IA32_TSC_AUX } , false },
	{ "lm", 0x80000001, 0, 3, 1u << 29, { MSR_IA32_EFER, MSR_IA32_FS_BASE, MSR_IA32_GS_BASE,
					      MSR_IA32_KERNEL_GS_BASE }, false },
	{ "nx", 0x80000001, 0, 3, 1u << 20, { MSR_IA32_EFER } , false },   /* EFER.NXE */
};

static uint32_t reg_of(uint32_t leaf, uint32_t sub, int reg)
{
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fx_vcpu->regs.rax = leaf;
	fx_vcpu->regs.rcx = sub;
	CHECK_EQ(exit_cpuid(fx_vcpu, 0), EXIT_HANDLED);
	uint64_t r[4] = { fx_vcpu->regs.rax, fx_vcpu->regs.rbx, fx_vcpu->regs.rcx, fx_vcpu->regs.rdx };
	return (uint32_t)r[reg];
}

/* MSR bitmap (SDM 25.6.9): read-low, read-high, write-low, write-high. */
static bool exits(const uint8_t *bm, uint32_t msr, bool write)
{
	unsigned base = (msr >= 0xc0000000u ? 1024 : 0) + (write ? 2048 : 0);
	uint32_t idx = msr & 0x1fff;

	return bm[base + idx / 8] & (1u << (idx % 8));
}

/* Architecturally read-only: a WRMSR is #GP on hardware too. */
static bool read_only(uint32_t msr)
{
	return msr == MSR_IA32_MTRRCAP || msr == MSR_IA32_ARCH_CAPABILITIES ||
	       msr == MSR_IA32_X2APIC_FIRST + 2 || msr == MSR_IA32_X2APIC_FIRST + 3;
}

/* Does RDMSR (or WRMSR of `val`) work when the access exits? */
static bool exit_works(uint32_t msr, bool write, uint64_t val)
{
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fake_vmcs_set(VMCS_ENTRY_INTR_INFO, 0);
	fx_vcpu->regs.rcx = msr;
	fx_vcpu->regs.rax = (uint32_t)val;
	fx_vcpu->regs.rdx = val >> 32;
	CHECK_EQ((write ? exit_wrmsr : exit_rdmsr)(fx_vcpu, 0), EXIT_HANDLED);
	return fx_injected_vector(NULL) < 0;
}

static void host_has_everything(void)
{
	fake_cpuid_set(0, 0, 0xd, 0, 0, 0);
	fake_cpuid_set(1, 0, 0, 0, (1u << 21) | (1u << 24), (1u << 4) | (1u << 9) | (1u << 11) |
		       (1u << 12) | (1u << 16));
	fake_cpuid_set(7, 0, 0, 1u << 1, 0, CPUID7_EDX_SPEC_BITS);
	fake_cpuid_set(0xd, 1, 1u << 3, 0, 0, 0);
	fake_cpuid_set(0x80000001, 0, 0, 0, 0, (1u << 11) | (1u << 20) | (1u << 27) | (1u << 29));
	fake_msr_set(MSR_IA32_ARCH_CAPABILITIES, 0xfffffull);
}

static void test_every_advertised_msr_works(void)
{
	uint8_t *bm = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	unsigned shown = 0;

	fx_setup(MIB(2));
	host_has_everything();
	msr_bitmap_init(virt_to_phys(bm));
	/* the x2APIC MSRs are there once the guest turns x2APIC mode on */
	CHECK(exit_works(MSR_IA32_APIC_BASE, true, 0xfee00000ull | (1u << 11) | (1u << 10)));
	for (size_t i = 0; i < ARRAY_SIZE(features); i++) {
		const struct feature *f = &features[i];

		if (!(reg_of(f->leaf, f->sub, f->reg) & f->bit))
			continue;
		shown++;
		for (const uint32_t *m = f->msrs; *m; m++) {
			bool read_ok = f->write_only || !exits(bm, *m, false) || exit_works(*m, false, 0);
			/* write back what was read: a value the guest may always write */
			uint64_t back = f->write_only ? 0 : fx_vcpu->regs.rdx << 32 | (uint32_t)fx_vcpu->regs.rax;
			bool write_ok = read_only(*m) || !exits(bm, *m, true) || exit_works(*m, true, back);
			if (!read_ok || !write_ok)
				printf("  %s: MSR 0x%x %s raises #GP\n", f->name, *m,
				       read_ok ? "WRMSR" : "RDMSR");
			CHECK(read_ok && write_ok);
		}
	}
	CHECK(shown >= ARRAY_SIZE(features) - 2);   /* the walk saw the features */
	free(bm);
}

/* What is not backed is not shown; what the host lacks is not shown. */
static void test_unbacked_and_absent_hidden(void)
{
	fx_setup(MIB(2));
	host_has_everything();
	uint32_t edx = reg_of(7, 0, 3);
	CHECK(!(edx & CPUID7_EDX_CORE_CAP));                /* no CORE_CAPABILITIES MSR */
	CHECK(edx & CPUID7_EDX_ARCH_CAP);

	fx_setup(MIB(2));
	fake_cpuid_set(0, 0, 0xd, 0, 0, 0);
	fake_cpuid_set(7, 0, 0, 0, 0, 0);                   /* a host without any of them */
	CHECK_EQ(reg_of(7, 0, 3) & CPUID7_EDX_SPEC_BITS, 0);
	CHECK(!exit_works(MSR_IA32_ARCH_CAPABILITIES, false, 0));
}

/* ARCH_CAPABILITIES: the host's mitigation bits only, and read-only. */
static void test_arch_capabilities(void)
{
	fx_setup(MIB(2));
	host_has_everything();
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fx_vcpu->regs.rcx = MSR_IA32_ARCH_CAPABILITIES;
	CHECK_EQ(exit_rdmsr(fx_vcpu, 0), EXIT_HANDLED);
	CHECK_EQ(fx_vcpu->regs.rdx << 32 | fx_vcpu->regs.rax, 0x1ff);
	CHECK(!exit_works(MSR_IA32_ARCH_CAPABILITIES, true, 1));
}

int main(void)
{
	RUN(test_every_advertised_msr_works);
	RUN(test_unbacked_and_absent_hidden);
	RUN(test_arch_capabilities);
	return check_summary();
}
