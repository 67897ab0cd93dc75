/* units: vmm/vcpu/msr.c vmm/vcpu/cpuid.c vmm/vcpu/inject.c vmm/vcpu/helpers.c vmm/vcpu/smp.c vmm/dev/ipi_route.c ept/ept.c ept/pool.c lib/fmt.c vmm/dev/platform.c arch/x86_64/tsc_freq.c vmm/dev/vioapic.c vmm/dev/acpi_guest.c vmm/dev/vuart.c vmm/dev/vpic.c vmm/dev/vpit.c vmm/dev/vrtc.c vmm/dev/fwcfg.c vmm/dev/vlapic.c vmm/dev/vpm.c vmm/dev/virtio_net.c vmm/net/net.c vmm/net/switch.c tests/unit/fake_vmcs.c tests/unit/fake_cpu.c tests/unit/vcpu_fixture.c lib/regdump.c */
/*
 * The MSRs that tie into other CPU state, as hardware has them
 * (vmm/vcpu/msr.c): EFER keeps every bit the CPU has and no other, with
 * LMA read-only; IA32_MISC_ENABLE reads as KVM's and keeps its writable
 * bits per vCPU; FS_BASE and GS_BASE take every canonical address of the
 * CPU's width and nothing else; IA32_TSC and IA32_TSC_ADJUST move the
 * guest's TSC, which the VMCS offset, RDMSR and the local APIC's timers
 * all follow.
 */
#include <stdlib.h>
#include "exit_checks.h"
#include "vmm/vcpu/exit.h"
#include "vmm/vcpu/msr.h"
#include "vmm/vcpu/inject.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/memlayout.h"

#define CPUID_EXT_EDX_NX  (1u << 20)
#define CPUID_EXT_EDX_LM  (1u << 29)
#define EFER_BITS         (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

#define X2APIC_LVT_TIMER  0x832
#define X2APIC_INIT_COUNT 0x838
#define X2APIC_CUR_COUNT  0x839
#define X2APIC_DIVIDE     0x83e
#define TIMER_VEC         0x40

#define HOST_T0           1000000000ull   /* the host's TSC when a test starts */

static uint64_t vmcs(uint32_t f) { return fake_vmcs_get(f); }
static struct platform *pf(void) { return &fx_part.platform; }

/* RDMSR: the value EDX:EAX got, or ~0 if it faulted (#GP(0)). */
static uint64_t rd(uint32_t msr)
{
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fake_vmcs_set(VMCS_ENTRY_INTR_INFO, 0);
	fx_vcpu->regs.rcx = msr;
	CHECK_EQ(exit_rdmsr(fx_vcpu, 0), EXIT_HANDLED);
	if (fx_injected_vector(NULL) >= 0) {
		CHECK_FAULT(X86_VEC_GP, 0);
		return ~0ull;
	}
	return fx_vcpu->regs.rdx << 32 | (uint32_t)fx_vcpu->regs.rax;
}

static bool wr(uint32_t msr, uint64_t val) { return fx_wrmsr(msr, val); }

static uint32_t cpuid_eax(uint32_t leaf)
{
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fx_vcpu->regs.rax = leaf;
	fx_vcpu->regs.rcx = 0;
	CHECK_EQ(exit_cpuid(fx_vcpu, 0), EXIT_HANDLED);
	return (uint32_t)fx_vcpu->regs.rax;
}

/* MSR bitmap (SDM 25.6.9): read-low, read-high, write-low, write-high. */
static bool exits(const uint8_t *bm, uint32_t msr, bool write)
{
	unsigned base = (msr >= 0xc0000000u ? 1024 : 0) + (write ? 2048 : 0);
	uint32_t idx = msr & 0x1fff;

	return bm[base + idx / 8] & (1u << (idx % 8));
}

/* The host CPUs of these tests: leaf 0 answers up to 0xd, leaf 7 has
 * TSC_ADJUST (and LA57 if asked), leaf 0x80000001 the given bits. */
static void host_cpu(uint32_t ext_edx, bool la57)
{
	fake_cpuid_set(0, 0, 0xd, 0, 0, 0);
	fake_cpuid_set(7, 0, 0, 1u << 1, la57 ? 1u << 16 : 0, 0);
	fake_cpuid_set(0x80000001, 0, 0, 0, 0, ext_edx);
}

static void setup(void)
{
	fx_setup(MIB(2));
	host_cpu(CPUID_EXT_EDX_LM | CPUID_EXT_EDX_NX, false);
	fake_tsc = HOST_T0;
}

/* ---- EFER ----------------------------------------------------------------- */

/* A 64-bit guest turns SYSCALL on: SCE reaches the VMCS, which loads it
 * at entry; the rest of EFER and the entry controls stay; the SYSCALL
 * MSRs are the CPU's own. */
static void test_efer_sce_for_syscall(void)
{
	uint8_t *bm = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

	setup();
	fake_vmcs_set(VMCS_GUEST_IA32_EFER, EFER_LME | EFER_LMA | EFER_NXE);
	uint64_t entry = vmcs(VMCS_ENTRY_CTLS);
	CHECK(wr(MSR_IA32_EFER, rd(MSR_IA32_EFER) | EFER_SCE));
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
	CHECK_EQ(rd(MSR_IA32_EFER), EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
	CHECK_EQ(vmcs(VMCS_ENTRY_CTLS), entry);
	CHECK(entry & VMX_ENTRY_LOAD_EFER);
	CHECK(wr(MSR_IA32_EFER, EFER_LME | EFER_NXE));            /* and off again */
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_LME | EFER_LMA | EFER_NXE);

	msr_bitmap_init(virt_to_phys(bm));
	for (int w = 0; w < 2; w++) {
		CHECK(!exits(bm, MSR_IA32_STAR, w));
		CHECK(!exits(bm, MSR_IA32_LSTAR, w));
		CHECK(!exits(bm, MSR_IA32_FMASK, w));
	}
	free(bm);
}

/* Every bit but SCE, LME, LMA and NXE is reserved: #GP, EFER unchanged. */
static void test_efer_reserved_bits(void)
{
	setup();
	fake_vmcs_forget_writes();
	for (int b = 0; b < 64; b++) {
		uint64_t bit = 1ull << b;

		if (bit & EFER_BITS)
			continue;
		bool refused = !wr(MSR_IA32_EFER, FX_EFER | bit);

		if (!refused)
			printf("  EFER bit %d accepted\n", b);
		CHECK(refused);
	}
	CHECK_EQ(fake_vmcs_writes(VMCS_GUEST_IA32_EFER), 0);
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), FX_EFER);
}

/* NXE exists only where CPUID.80000001H:EDX.NX says so. */
static void test_efer_nxe_needs_nx(void)
{
	setup();
	host_cpu(CPUID_EXT_EDX_LM, false);
	fake_vmcs_set(VMCS_GUEST_IA32_EFER, EFER_SCE | EFER_LME | EFER_LMA);
	CHECK(!wr(MSR_IA32_EFER, EFER_SCE | EFER_LME | EFER_NXE));
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_SCE | EFER_LME | EFER_LMA);
	CHECK(wr(MSR_IA32_EFER, EFER_LME));
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_LME | EFER_LMA);

	host_cpu(CPUID_EXT_EDX_LM | CPUID_EXT_EDX_NX, false);
	CHECK(wr(MSR_IA32_EFER, EFER_LME | EFER_NXE));
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_LME | EFER_LMA | EFER_NXE);
}

/* LME (and LMA) exist only with long mode; SCE always, as in KVM. */
static void test_efer_lme_needs_long_mode(void)
{
	setup();
	host_cpu(CPUID_EXT_EDX_NX, false);
	fx_protected_mode();
	CHECK(!wr(MSR_IA32_EFER, EFER_LME));
	CHECK(!wr(MSR_IA32_EFER, EFER_LMA));
	CHECK(wr(MSR_IA32_EFER, EFER_SCE | EFER_NXE));
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_SCE | EFER_NXE);
}

/* LMA is read-only: writes neither set nor clear it, whichever way the
 * CPU has it; LME does not move while paging is on. */
static void test_efer_lma_read_only(void)
{
	setup();
	CHECK(wr(MSR_IA32_EFER, EFER_LME | EFER_NXE));          /* long mode: LMA written 0 */
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_LME | EFER_LMA | EFER_NXE);
	CHECK(!wr(MSR_IA32_EFER, EFER_NXE));                    /* LME with CR0.PG = 1 */
	CHECK(!wr(MSR_IA32_EFER, EFER_LMA | EFER_NXE));
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_LME | EFER_LMA | EFER_NXE);

	fx_protected_mode();                                     /* paging off */
	CHECK(wr(MSR_IA32_EFER, EFER_LMA | EFER_SCE));
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_SCE);
	CHECK(wr(MSR_IA32_EFER, EFER_LME));
	CHECK_EQ(rd(MSR_IA32_EFER), EFER_LME);
}

/* ---- IA32_MISC_ENABLE ------------------------------------------------------ */

/* Fast strings on, BTS and PEBS unavailable (KVM's bits 11 and 12),
 * perfmon and MONITOR off: the virtual CPU has neither. */
static void test_misc_enable_reset_value(void)
{
	setup();
	CHECK_EQ(rd(MSR_IA32_MISC_ENABLE), (1ull << 0) | (1ull << 11) | (1ull << 12));
}

static void test_misc_enable_writable_bits_stick(void)
{
	setup();
	CHECK(wr(MSR_IA32_MISC_ENABLE, MISC_ENABLE_RESET & ~MISC_ENABLE_FAST_STRINGS));
	CHECK_EQ(rd(MSR_IA32_MISC_ENABLE), MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL);
	CHECK_EQ(fx_vcpu->msr.misc_enable, MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL);

	/* Limit CPUID Maxval: leaf 0 reports 2 while it is set (and
	 * otherwise the host's 0xd raised to 0x16, the frequency leaf) */
	CHECK_EQ(cpuid_eax(0), 0x16);
	CHECK(wr(MSR_IA32_MISC_ENABLE, MISC_ENABLE_RESET | MISC_ENABLE_LIMIT_CPUID));
	CHECK_EQ(rd(MSR_IA32_MISC_ENABLE), MISC_ENABLE_RESET | MISC_ENABLE_LIMIT_CPUID);
	CHECK_EQ(cpuid_eax(0), 2);
	CHECK(wr(MSR_IA32_MISC_ENABLE, MISC_ENABLE_RESET));
	CHECK_EQ(cpuid_eax(0), 0x16);
	CHECK_EQ(rd(MSR_IA32_MISC_ENABLE), MISC_ENABLE_RESET);
}

/* The bit matters where CPUID.0:EAX is above 2, and the guest's always
 * is (at least 0x16, the frequency leaf), even on a host that stops at 2. */
static void test_misc_enable_limit_cpuid_whatever_the_host(void)
{
	setup();
	fake_cpuid_set(0, 0, 2, 0, 0, 0);
	CHECK_EQ(cpuid_eax(0), 0x16);
	CHECK(wr(MSR_IA32_MISC_ENABLE, MISC_ENABLE_RESET | MISC_ENABLE_LIMIT_CPUID));
	CHECK_EQ(rd(MSR_IA32_MISC_ENABLE), MISC_ENABLE_RESET | MISC_ENABLE_LIMIT_CPUID);
	CHECK_EQ(cpuid_eax(0), 2);
}

/* Changing BTS/PEBS unavailable is #GP (KVM); other bits are ignored:
 * MONITOR (no MONITOR/MWAIT), perfmon available, XD disable, reserved. */
static void test_misc_enable_other_bits(void)
{
	setup();
	CHECK(!wr(MSR_IA32_MISC_ENABLE, MISC_ENABLE_RESET & ~MISC_ENABLE_BTS_UNAVAIL));
	CHECK(!wr(MSR_IA32_MISC_ENABLE, MISC_ENABLE_RESET & ~MISC_ENABLE_PEBS_UNAVAIL));
	CHECK(!wr(MSR_IA32_MISC_ENABLE, 0));
	CHECK_EQ(rd(MSR_IA32_MISC_ENABLE), MISC_ENABLE_RESET);

	CHECK(wr(MSR_IA32_MISC_ENABLE, MISC_ENABLE_RESET | MISC_ENABLE_MONITOR | MISC_ENABLE_EMON |
		 (1ull << 34) | (1ull << 63) | (1ull << 3)));
	CHECK_EQ(rd(MSR_IA32_MISC_ENABLE), MISC_ENABLE_RESET);
}

/* ---- FS_BASE, GS_BASE (and KERNEL_GS_BASE) --------------------------------- */

/* Every address with bits 63:width-1 equal is taken, every other one is
 * #GP(0) with the base unchanged. */
static void check_bases(unsigned width)
{
	static const uint32_t bases[] = { MSR_IA32_FS_BASE, MSR_IA32_GS_BASE,
					  MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP };
	static const uint32_t fields[] = { VMCS_GUEST_FS_BASE, VMCS_GUEST_GS_BASE,
					   VMCS_GUEST_IA32_SYSENTER_ESP, VMCS_GUEST_IA32_SYSENTER_EIP };
	uint64_t top = 1ull << (width - 1), low = top - 1, high = ~low;

	for (size_t i = 0; i < ARRAY_SIZE(bases); i++) {
		const uint64_t good[] = { 0, 0x1000, low, high, ~0ull, high | 0x1234 };

		for (size_t k = 0; k < ARRAY_SIZE(good); k++) {
			CHECK(wr(bases[i], good[k]));
			CHECK_EQ(vmcs(fields[i]), good[k]);
			CHECK_EQ(rd(bases[i]), good[k]);
		}
		CHECK(wr(bases[i], 0x5000));
		for (unsigned b = width - 1; b < 64; b++) {
			bool refused = !wr(bases[i], 1ull << b) && !wr(bases[i], ~(1ull << b));

			if (!refused)
				printf("  MSR 0x%x: bit %u of %u accepted alone\n", bases[i], b, width);
			CHECK(refused);
		}
		CHECK(!wr(bases[i], top));                       /* the first address past the low half */
		CHECK(!wr(bases[i], high - 1));                  /* the last one below the high half */
		CHECK_EQ(vmcs(fields[i]), 0x5000);
	}
}

/* A CPU without 5-level paging: 48-bit addresses. */
static void test_bases_canonical_48(void)
{
	setup();
	check_bases(48);
	CHECK(!wr(MSR_IA32_FS_BASE, 0x00ff000000000000ull));
}

/* With 5-level paging, 57 bits, whether or not CR4.LA57 is set (the
 * check is static, as KVM's is_noncanonical_msr_address). */
static void test_bases_canonical_57(void)
{
	setup();
	host_cpu(CPUID_EXT_EDX_LM | CPUID_EXT_EDX_NX, true);
	check_bases(57);
	CHECK(wr(MSR_IA32_GS_BASE, 0x00ff000000000000ull));
	CHECK(!wr(MSR_IA32_GS_BASE, 0x0100000000000000ull));
	fx_set_cr4(FX_CR4 | (1ull << 12));                  /* LA57 on: the same */
	check_bases(57);
}

/* KERNEL_GS_BASE is the CPU's: the guest's WRMSR does not exit, and the
 * CPU makes the same canonical check (SDM Vol. 2B, WRMSR). */
static void test_kernel_gs_base_is_checked_by_the_cpu(void)
{
	uint8_t *bm = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

	setup();
	msr_bitmap_init(virt_to_phys(bm));
	CHECK(!exits(bm, MSR_IA32_KERNEL_GS_BASE, false));
	CHECK(!exits(bm, MSR_IA32_KERNEL_GS_BASE, true));
	CHECK(exits(bm, MSR_IA32_FS_BASE, true));
	CHECK(exits(bm, MSR_IA32_GS_BASE, true));
	free(bm);
}

/* ---- IA32_TSC and IA32_TSC_ADJUST ------------------------------------------ */

/* WRMSR IA32_TSC sets the guest's TSC (the VMCS offset, RDMSR), which
 * goes on counting, and moves TSC_ADJUST by as much. */
static void test_tsc_write(void)
{
	setup();
	CHECK_EQ(rd(MSR_IA32_TSC), HOST_T0);                   /* offset 0 at boot */
	CHECK_EQ(rd(MSR_IA32_TSC_ADJUST), 0);
	CHECK(wr(MSR_IA32_TSC, 5000));
	CHECK_EQ(vmcs(VMCS_TSC_OFFSET), 5000 - HOST_T0);
	CHECK_EQ(fx_vcpu->msr.tsc_offset, 5000 - HOST_T0);
	CHECK_EQ(rd(MSR_IA32_TSC), 5000);
	CHECK_EQ(rd(MSR_IA32_TSC_ADJUST), 5000 - HOST_T0);
	fake_tsc += 300;
	CHECK_EQ(rd(MSR_IA32_TSC), 5300);
	CHECK_EQ(vcpu_guest_tsc(fx_vcpu), 5300);
	CHECK_EQ(rd(MSR_IA32_TSC_ADJUST), 5000 - HOST_T0);     /* moves only with WRMSR */

	/* forward, past the host's TSC */
	CHECK(wr(MSR_IA32_TSC, 0x8000000000000000ull));
	CHECK_EQ(rd(MSR_IA32_TSC), 0x8000000000000000ull);
	CHECK_EQ(vmcs(VMCS_TSC_OFFSET), 0x8000000000000000ull - HOST_T0 - 300);
	CHECK_EQ(rd(MSR_IA32_TSC_ADJUST), 0x8000000000000000ull - HOST_T0 - 300);
}

/* WRMSR IA32_TSC_ADJUST moves the TSC by the change. */
static void test_tsc_adjust_write(void)
{
	setup();
	CHECK(wr(MSR_IA32_TSC_ADJUST, 1000));
	CHECK_EQ(rd(MSR_IA32_TSC), HOST_T0 + 1000);
	CHECK_EQ(vmcs(VMCS_TSC_OFFSET), 1000);
	CHECK(wr(MSR_IA32_TSC_ADJUST, 400));                   /* back by 600 */
	CHECK_EQ(rd(MSR_IA32_TSC), HOST_T0 + 400);
	CHECK_EQ(rd(MSR_IA32_TSC_ADJUST), 400);
	CHECK(wr(MSR_IA32_TSC_ADJUST, ~0ull));                 /* -1 */
	CHECK_EQ(rd(MSR_IA32_TSC), HOST_T0 - 1);
	fake_tsc += 10;
	CHECK_EQ(rd(MSR_IA32_TSC), HOST_T0 + 9);
	/* then a TSC write moves the adjustment on from there */
	CHECK(wr(MSR_IA32_TSC, HOST_T0 + 109));
	CHECK_EQ(rd(MSR_IA32_TSC_ADJUST), 99);
}

/* Without CPUID.7.0:EBX[1] there is no IA32_TSC_ADJUST; IA32_TSC stays. */
static void test_tsc_adjust_needs_cpuid(void)
{
	setup();
	fake_cpuid_set(7, 0, 0, 0, 0, 0);
	CHECK_EQ(rd(MSR_IA32_TSC_ADJUST), ~0ull);
	CHECK(!wr(MSR_IA32_TSC_ADJUST, 1));
	CHECK_EQ(fx_vcpu->msr.tsc_offset, 0);
	CHECK(wr(MSR_IA32_TSC, 7));
	CHECK_EQ(rd(MSR_IA32_TSC), 7);
}

static void x2apic_timer(uint32_t lvt)
{
	CHECK(wr(MSR_IA32_APIC_BASE, 0xfee00000ull | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD | VLAPIC_BASE_BSP));
	CHECK(wr(X2APIC_DIVIDE, 0xb));                         /* divide by 1 */
	CHECK(wr(X2APIC_LVT_TIMER, TIMER_VEC | lvt));
}

/* Deliver what is due at host TSC `now`: the vector injected, or -1. */
static int inject_at(uint64_t now)
{
	fake_tsc = now;
	fake_vmcs_set(VMCS_ENTRY_INTR_INFO, 0);
	vcpu_inject_interrupts(fx_vcpu, now);
	return fx_injected_vector(NULL);
}

/* IA32_TSC_DEADLINE is a value of the guest's TSC: after the guest set
 * its TSC to 0, a deadline of 5000 is 5000 ticks away, not long past. */
static void test_tsc_deadline_on_the_guest_tsc(void)
{
	setup();
	x2apic_timer(VLAPIC_LVT_TIMER_TSC_DL);
	CHECK(wr(MSR_IA32_TSC, 0));
	CHECK(wr(MSR_IA32_TSC_DEADLINE, 5000));
	CHECK_EQ(rd(MSR_IA32_TSC_DEADLINE), 5000);
	CHECK_EQ(platform_next_deadline(pf(), &fx_vcpu->lapic, fx_vcpu->msr.tsc_offset), HOST_T0 + 5000);
	CHECK_EQ(inject_at(HOST_T0 + 4999), -1);
	CHECK_EQ(inject_at(HOST_T0 + 5000), TIMER_VEC);

	/* a deadline the guest's TSC has passed is due at once */
	fake_tsc = HOST_T0 + 6000;
	CHECK(wr(MSR_IA32_TSC_DEADLINE, 100));
	CHECK_EQ(platform_next_deadline(pf(), &fx_vcpu->lapic, fx_vcpu->msr.tsc_offset), HOST_T0 + 6000);

	/* a TSC write moves the deadline's host time */
	CHECK(wr(MSR_IA32_TSC_DEADLINE, 9000));
	CHECK_EQ(platform_next_deadline(pf(), &fx_vcpu->lapic, fx_vcpu->msr.tsc_offset), HOST_T0 + 9000);
	CHECK(wr(MSR_IA32_TSC, 8000));                         /* 1000 on, at host T0 + 6000 */
	CHECK_EQ(platform_next_deadline(pf(), &fx_vcpu->lapic, fx_vcpu->msr.tsc_offset), HOST_T0 + 7000);
	CHECK(pf()->dirty);                                    /* the devices are looked at again */
}

/* A one-shot count runs on the APIC's bus clock: a TSC write in the
 * middle leaves it the time it had left, either way. */
static void test_apic_count_survives_a_tsc_write(void)
{
	setup();
	x2apic_timer(0);                                       /* one-shot */
	CHECK(wr(X2APIC_INIT_COUNT, 1000));                    /* 10 TSC ticks a count */
	fake_tsc = HOST_T0 + 3000;
	CHECK_EQ(rd(X2APIC_CUR_COUNT), 700);
	CHECK_EQ(platform_next_deadline(pf(), &fx_vcpu->lapic, fx_vcpu->msr.tsc_offset), HOST_T0 + 10000);

	CHECK(wr(MSR_IA32_TSC, 123));                          /* back */
	CHECK_EQ(rd(X2APIC_CUR_COUNT), 700);
	CHECK_EQ(platform_next_deadline(pf(), &fx_vcpu->lapic, fx_vcpu->msr.tsc_offset), HOST_T0 + 10000);
	CHECK(wr(MSR_IA32_TSC, 1ull << 50));                   /* forward */
	CHECK_EQ(rd(X2APIC_CUR_COUNT), 700);
	CHECK_EQ(platform_next_deadline(pf(), &fx_vcpu->lapic, fx_vcpu->msr.tsc_offset), HOST_T0 + 10000);
	CHECK_EQ(inject_at(HOST_T0 + 9999), -1);
	CHECK_EQ(inject_at(HOST_T0 + 10000), TIMER_VEC);
}

/* A (re)boot puts the offset back to 0 (boot_guest() in vmm/vcpu/run.c
 * resets the state; vmcs_setup() writes the offset to the VMCS). */
static void test_reset_state(void)
{
	setup();
	CHECK(wr(MSR_IA32_TSC, 42));
	CHECK(wr(MSR_IA32_MISC_ENABLE, MISC_ENABLE_RESET | MISC_ENABLE_LIMIT_CPUID));
	vcpu_msr_state_reset(&fx_vcpu->msr);
	CHECK_EQ(fx_vcpu->msr.tsc_offset, 0);
	CHECK_EQ(fx_vcpu->msr.tsc_adjust, 0);
	CHECK_EQ(fx_vcpu->msr.misc_enable, MISC_ENABLE_RESET);
	CHECK_EQ(rd(MSR_IA32_TSC), HOST_T0);
}

int main(void)
{
	RUN(test_efer_sce_for_syscall);
	RUN(test_efer_reserved_bits);
	RUN(test_efer_nxe_needs_nx);
	RUN(test_efer_lme_needs_long_mode);
	RUN(test_efer_lma_read_only);
	RUN(test_misc_enable_reset_value);
	RUN(test_misc_enable_writable_bits_stick);
	RUN(test_misc_enable_limit_cpuid_whatever_the_host);
	RUN(test_misc_enable_other_bits);
	RUN(test_bases_canonical_48);
	RUN(test_bases_canonical_57);
	RUN(test_kernel_gs_base_is_checked_by_the_cpu);
	RUN(test_tsc_write);
	RUN(test_tsc_adjust_write);
	RUN(test_tsc_adjust_needs_cpuid);
	RUN(test_tsc_deadline_on_the_guest_tsc);
	RUN(test_apic_count_survives_a_tsc_write);
	RUN(test_reset_state);
	return check_summary();
}
