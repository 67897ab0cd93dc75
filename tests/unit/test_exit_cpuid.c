/* units: vmm/vcpu/cpuid.c vmm/vcpu/msr.c vmm/vcpu/helpers.c vmm/vcpu/smp.c vmm/dev/ipi_route.c ept/ept.c ept/pool.c lib/fmt.c vmm/dev/platform.c arch/x86_64/tsc_freq.c vmm/dev/vioapic.c vmm/dev/acpi_guest.c vmm/dev/vuart.c vmm/dev/vpic.c vmm/dev/vpit.c vmm/dev/vrtc.c vmm/dev/fwcfg.c vmm/dev/vlapic.c vmm/dev/vpm.c vmm/dev/virtio_net.c tests/unit/fake_vmcs.c tests/unit/fake_cpu.c tests/unit/vcpu_fixture.c lib/regdump.c */
/*
 * CPUID exits (vmm/vcpu/cpuid.c) against a fake host CPUID: what passes
 * through, what is hidden (VMX, SMX, MONITOR, machine checks, SGX,
 * WAITPKG, power and perfmon leaves), what is set (hypervisor bit, the
 * virtual APIC's x2APIC and TSC-deadline), what follows the guest's own
 * CR4 (OSXSAVE, OSPKE), the one-thread topology with the APIC id of the
 * vCPU's own local APIC, the hypervisor leaves with their signature,
 * and the frequency leaves 0x15/0x16: the host's, or made from the TSC
 * frequency (with the maximum leaf raised and zeros below them), the
 * virtual APIC timer running at leaf 0x15's crystal.
 */
#include "exit_checks.h"
#include "vmm/vcpu/exit.h"
#include "hv/hypercall.h"

#define CR4_PKE (1ull << 22)

static struct cpuid_regs guest_cpuid(uint64_t rax, uint64_t rcx)
{
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fx_vcpu->regs.rax = rax;
	fx_vcpu->regs.rcx = rcx;
	fx_vcpu->regs.rbx = fx_vcpu->regs.rdx = ~0ull;
	CHECK_EQ(exit_cpuid(fx_vcpu, 0), EXIT_HANDLED);
	CHECK_RETIRED();
	/* 32-bit results zero-extend into the 64-bit registers */
	CHECK(!(fx_vcpu->regs.rax >> 32) && !(fx_vcpu->regs.rbx >> 32) &&
	      !(fx_vcpu->regs.rcx >> 32) && !(fx_vcpu->regs.rdx >> 32));
	return (struct cpuid_regs){ (uint32_t)fx_vcpu->regs.rax, (uint32_t)fx_vcpu->regs.rbx,
				    (uint32_t)fx_vcpu->regs.rcx, (uint32_t)fx_vcpu->regs.rdx };
}

/* The fixture with a host whose maximum basic leaf is max. */
static void setup_host(uint32_t max)
{
	fx_setup(MIB(2));
	fake_cpuid_set(0, FAKE_CPUID_ANY_SUB, max, 0x756e6547, 0x6c65746e, 0x49656e69);
}

static void test_passthrough(void)
{
	fx_setup(MIB(2));
	fake_cpuid_set(0, FAKE_CPUID_ANY_SUB, 0x16, 0x756e6547, 0x6c65746e, 0x49656e69);
	fake_cpuid_set(0x80000001, FAKE_CPUID_ANY_SUB, 0, 0, 0x121, 0x2c100800);
	struct cpuid_regs r = guest_cpuid(0, 0);
	CHECK_EQ(r.eax, 0x16);
	CHECK_EQ(r.ebx, 0x756e6547);
	CHECK_EQ(r.edx, 0x49656e69);
	r = guest_cpuid(0x80000001, 0);
	CHECK_EQ(r.ecx, 0x121);
	CHECK_EQ(r.edx, 0x2c100800);
	/* a leaf the host does not have reads as zeros, as the host says */
	r = guest_cpuid(0x12345, 0);
	CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
}

#define ECX_SSE3 (1u << 0)
#define ECX_AES  (1u << 25)
#define ECX_HIDDEN ((1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8) | (1u << 15))
#define ECX_X2APIC (1u << 21)
#define ECX_TSC_DEADLINE (1u << 24)
#define ECX_OSXSAVE (1u << 27)
#define ECX_HYPERVISOR (1u << 31)
#define EDX_FPU  (1u << 0)
#define EDX_APIC (1u << 9)
#define EDX_SSE2 (1u << 26)
#define EDX_HIDDEN ((1u << 7) | (1u << 14) | (1u << 22) | (1u << 29) | (1u << 31))

static void test_leaf_1(void)
{
	setup_host(0x1f);
	fx_part.vcpus[0].lapic.cfg.apic_id = 5;    /* the vCPU's local APIC, not the host's 7 */
	/* host: APIC id 7, 16 logical CPUs, CLFLUSH 8, brand 0 */
	fake_cpuid_set(1, FAKE_CPUID_ANY_SUB, 0x906ea, 0x07100800,
		       ECX_SSE3 | ECX_AES | ECX_HIDDEN | ECX_OSXSAVE, EDX_FPU | EDX_SSE2 | EDX_HIDDEN);
	struct cpuid_regs r = guest_cpuid(1, 0);
	CHECK_EQ(r.eax, 0x906ea);
	CHECK_EQ(r.ebx, (5u << 24) | (1u << 16) | 0x0800);
	CHECK_EQ(r.ecx, ECX_SSE3 | ECX_AES | ECX_X2APIC | ECX_TSC_DEADLINE | ECX_HYPERVISOR);
	CHECK_EQ(r.edx, EDX_FPU | EDX_SSE2 | EDX_APIC);

	/* OSXSAVE is the guest's CR4.OSXSAVE, not the host's */
	fake_vmcs_set(VMCS_GUEST_CR4, vmcs_cr4_real(FX_CR4 | CR4_OSXSAVE));
	r = guest_cpuid(1, 0);
	CHECK(r.ecx & ECX_OSXSAVE);
}

/* The upper halves of RAX and RCX do not take part (CPUID uses EAX, ECX). */
static void test_upper_halves_ignored(void)
{
	setup_host(0x1f);
	fake_cpuid_set(7, 0, 0, 0x11, 0, 0);
	fake_cpuid_set(7, 1, 0, 0x22, 0, 0);
	CHECK_EQ(guest_cpuid(0xffffffff00000007ull, 0xffffffff00000001ull).ebx, 0x22);
}

static void test_hidden_leaves(void)
{
	setup_host(0x1f);
	fake_cpuid_set(4, 0, 0x1c004121, 0x01c0003f, 0x3f, 0);
	fake_cpuid_set(5, FAKE_CPUID_ANY_SUB, 0x40, 0x40, 3, 0x11142120);
	fake_cpuid_set(6, FAKE_CPUID_ANY_SUB, 0x77, 2, 9, 0);
	fake_cpuid_set(0xa, FAKE_CPUID_ANY_SUB, 0x07300404, 0, 0, 0x603);
	struct cpuid_regs r = guest_cpuid(4, 0);
	CHECK_EQ(r.eax, 0x121);                   /* one core, one thread per cache */
	CHECK_EQ(r.ebx, 0x01c0003f);
	for (uint32_t leaf = 5; leaf <= 0xa; leaf += leaf == 6 ? 4 : 1) {
		r = guest_cpuid(leaf, 0);
		CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
}

#define EBX7_AVX2   (1u << 5)
#define EBX7_SGX    (1u << 2)
#define ECX7_OSPKE  (1u << 4)
#define ECX7_WAITPKG (1u << 5)
#define ECX7_SGX_LC (1u << 30)
#define ECX7_PKU    (1u << 3)

static void test_leaf_7(void)
{
	setup_host(0x1f);
	fake_cpuid_set(7, 0, 1, EBX7_AVX2 | EBX7_SGX, ECX7_PKU | ECX7_OSPKE | ECX7_WAITPKG | ECX7_SGX_LC, 0xbc000400);
	fake_cpuid_set(7, 1, 0, EBX7_SGX, ECX7_OSPKE, 0);
	struct cpuid_regs r = guest_cpuid(7, 0);
	CHECK_EQ(r.eax, 1);
	CHECK_EQ(r.ebx, EBX7_AVX2);
	CHECK_EQ(r.ecx, ECX7_PKU);                /* OSPKE: the guest's CR4.PKE is clear */
	CHECK_EQ(r.edx, 0xbc000400);
	fake_vmcs_set(VMCS_GUEST_CR4, vmcs_cr4_real(FX_CR4 | CR4_PKE));
	CHECK_EQ(guest_cpuid(7, 0).ecx, ECX7_PKU | ECX7_OSPKE);
	/* subleaf 1 is not subleaf 0: untouched */
	r = guest_cpuid(7, 1);
	CHECK_EQ(r.ebx, EBX7_SGX);
	CHECK_EQ(r.ecx, ECX7_OSPKE);
}

static void test_topology(void)
{
	setup_host(0x1f);
	fx_part.vcpus[0].lapic.cfg.apic_id = 5;
	for (uint32_t leaf = 0xb; leaf <= 0x1f; leaf += 0x1f - 0xb) {
		fake_cpuid_set(leaf, FAKE_CPUID_ANY_SUB, 1, 2, 0x100, 7);
		struct cpuid_regs r = guest_cpuid(leaf, 0);
		CHECK_EQ(r.eax, 0);                   /* no bits of the id below this level */
		CHECK_EQ(r.ebx, 1);                   /* one logical processor */
		CHECK_EQ(r.ecx, 1u << 8);             /* level 0 is SMT */
		CHECK_EQ(r.edx, 5);                   /* x2APIC id: the local APIC's */
		r = guest_cpuid(leaf, 1);
		CHECK_EQ(r.ebx, 0);
		CHECK_EQ(r.ecx, 1);                   /* level 1: invalid, ends the list */
		CHECK_EQ(r.edx, 5);
	}
}

static void test_hypervisor_leaves(void)
{
	fx_setup(MIB(2));
	fake_cpuid_set(0x40000000, FAKE_CPUID_ANY_SUB, 0x40000010, 1, 2, 3);   /* a host hypervisor's */
	unsigned calls = fake_cpuid_calls;
	struct cpuid_regs r = guest_cpuid(0x40000000, 0);
	CHECK_EQ(r.eax, 0x40000000);
	char sig[13] = { 0 };
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	CHECK(strcmp(sig, HV_CPUID_SIGNATURE) == 0);
	r = guest_cpuid(0x40000001, 0);
	CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	r = guest_cpuid(0x4fffffff, 0);
	CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	CHECK_EQ(fake_cpuid_calls, calls);     /* never asked the host */
}

/* The virtual local APIC timer's input clock, as a fresh one gets it. */
static uint64_t lapic_bus_hz(void)
{
	platform_lapic_reset(&fx_vcpu->lapic, 0, NULL, NULL, NULL, NULL);
	return fx_vcpu->lapic.cfg.bus_hz;
}

/* A host without leaves 0x15 and 0x16: the guest gets them, stating the
 * TSC frequency the hypervisor measured, and a maximum leaf of 0x16. */
static void test_frequency_leaves_made(void)
{
	setup_host(0xd);
	fake_tsc_hz = 2863636000ull;
	/* past its maximum an Intel CPU repeats its highest leaf */
	for (uint32_t leaf = 0xe; leaf <= 0x16; leaf++)
		fake_cpuid_set(leaf, FAKE_CPUID_ANY_SUB, 0xd0, 0xd1, 0xd2, 0xd3);

	struct cpuid_regs r = guest_cpuid(0, 0);
	CHECK_EQ(r.eax, 0x16);
	CHECK_EQ(r.ebx, 0x756e6547);                 /* the vendor stays */
	r = guest_cpuid(0x15, 0);
	CHECK_EQ(r.ecx, 100000000);                  /* the crystal */
	CHECK(r.eax && r.ebx);
	CHECK_EQ((uint64_t)r.ecx * r.ebx / r.eax, 2863636000ull);
	CHECK_EQ(r.edx, 0);
	CHECK_EQ(lapic_bus_hz(), r.ecx);             /* the APIC timer runs at it */
	r = guest_cpuid(0x16, 0);
	CHECK_EQ(r.eax, 2864);                       /* base MHz */
	CHECK_EQ(r.ebx, 0);                          /* maximum: not known */
	CHECK_EQ(r.ecx, 100);                        /* bus MHz */
	CHECK_EQ(r.edx, 0);
	/* the leaves between the host's maximum and 0x15 read as zeros */
	for (uint32_t leaf = 0xe; leaf < 0x15; leaf++) {
		r = guest_cpuid(leaf, 0);
		CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
	/* those below it still pass */
	fake_cpuid_set(0xd, 1, 0xf, 0, 0, 0);
	CHECK_EQ(guest_cpuid(0xd, 1).eax, 0xf);

	/* Limit CPUID Maxval still says 2 */
	fx_vcpu->msr.misc_enable |= MISC_ENABLE_LIMIT_CPUID;
	CHECK_EQ(guest_cpuid(0, 0).eax, 2);
}

/* A host whose leaves state the frequency: they pass, and the APIC timer
 * runs at the host's crystal. */
static void test_frequency_leaves_host(void)
{
	setup_host(0x1f);
	fake_tsc_hz = 3609600000ull;
	fake_cpuid_set(0x15, FAKE_CPUID_ANY_SUB, 2, 188, 38400000, 0);
	fake_cpuid_set(0x16, FAKE_CPUID_ANY_SUB, 3600, 5000, 100, 0);
	fake_cpuid_set(0x17, FAKE_CPUID_ANY_SUB, 1, 2, 3, 4);
	CHECK_EQ(guest_cpuid(0, 0).eax, 0x1f);       /* not lowered */
	struct cpuid_regs r = guest_cpuid(0x15, 0);
	CHECK_EQ(r.eax, 2);
	CHECK_EQ(r.ebx, 188);
	CHECK_EQ(r.ecx, 38400000);
	CHECK_EQ(lapic_bus_hz(), 38400000);
	r = guest_cpuid(0x16, 0);
	CHECK_EQ(r.eax, 3600);
	CHECK_EQ(r.ebx, 5000);
	CHECK_EQ(r.ecx, 100);
	CHECK_EQ(guest_cpuid(0x17, 0).edx, 4);       /* above 0x16: the host's */
}

/* Leaf 0x15 without its crystal (ECX 0) is replaced, so that the guest
 * does not guess a crystal the virtual APIC timer does not run at;
 * the host's leaf 0x16 passes. */
static void test_frequency_leaf_15_without_crystal(void)
{
	setup_host(0x16);
	fake_tsc_hz = 2112000000ull;
	fake_cpuid_set(0x15, FAKE_CPUID_ANY_SUB, 2, 176, 0, 0);
	fake_cpuid_set(0x16, FAKE_CPUID_ANY_SUB, 2100, 4200, 100, 0);
	struct cpuid_regs r = guest_cpuid(0x15, 0);
	CHECK_EQ(r.ecx, 100000000);
	CHECK_EQ((uint64_t)r.ecx * r.ebx / r.eax, 2112000000ull);
	CHECK_EQ(lapic_bus_hz(), 100000000);
	CHECK_EQ(guest_cpuid(0x16, 0).eax, 2100);
}

/* A local APIC disabled globally is gone from CPUID.1:EDX (SDM 11.4.3). */
static void test_apic_bit_follows_apic_base(void)
{
	fx_setup(MIB(2));
	fake_cpuid_set(0, FAKE_CPUID_ANY_SUB, 0x16, 0, 0, 0);
	fake_cpuid_set(1, FAKE_CPUID_ANY_SUB, 0x906ea, 0, 0, 0);
	CHECK(guest_cpuid(1, 0).edx & (1u << 9));
	CHECK_EQ(vlapic_set_base(&fx_vcpu->lapic, VLAPIC_BASE_ADDR | VLAPIC_BASE_BSP), 0);
	CHECK(!(guest_cpuid(1, 0).edx & (1u << 9)));
	CHECK_EQ(vlapic_set_base(&fx_vcpu->lapic, VLAPIC_BASE_ADDR | VLAPIC_BASE_BSP | VLAPIC_BASE_EN), 0);
	CHECK(guest_cpuid(1, 0).edx & (1u << 9));
}

int main(void)
{
	RUN(test_apic_bit_follows_apic_base);
	RUN(test_passthrough);
	RUN(test_leaf_1);
	RUN(test_upper_halves_ignored);
	RUN(test_hidden_leaves);
	RUN(test_leaf_7);
	RUN(test_topology);
	RUN(test_hypervisor_leaves);
	RUN(test_frequency_leaves_made);
	RUN(test_frequency_leaves_host);
	RUN(test_frequency_leaf_15_without_crystal);
	return check_summary();
}
