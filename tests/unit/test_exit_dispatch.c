/* units: vmm/vcpu/exit.c vmm/vcpu/cr.c vmm/vcpu/msr.c vmm/vcpu/io.c vmm/vcpu/cpuid.c vmm/vcpu/hypercall.c vmm/vcpu/ept_exit.c vmm/vcpu/mmio.c vmm/vcpu/inject.c vmm/emul/decode.c vmm/emul/gwalk.c vmm/vmx/exit_reason.c vmm/vcpu/helpers.c vmm/vcpu/smp.c vmm/dev/ipi_route.c ept/ept.c ept/pool.c lib/fmt.c vmm/dev/platform.c arch/x86_64/tsc_freq.c vmm/dev/vioapic.c vmm/dev/acpi_guest.c vmm/dev/vuart.c vmm/dev/vpic.c vmm/dev/vpit.c vmm/dev/vrtc.c vmm/dev/fwcfg.c vmm/dev/vlapic.c vmm/dev/vpm.c vmm/dev/virtio_net.c vmm/net/net.c vmm/net/switch.c tests/unit/fake_vmcs.c tests/unit/fake_cpu.c tests/unit/vcpu_fixture.c lib/regdump.c vmm/emul/xcr0.c */
/*
 * Exit dispatch (vmm/vcpu/exit.c): the table routes each basic reason to
 * its handler with the VMCS exit qualification, counts exits, and owns
 * the one fatal path -- an unknown reason or a handler's EXIT_UNHANDLED
 * kills the guest with "unhandled exit <name>" and a VMCS dump, as does a
 * failed VM entry.  Also the small handlers living there: HLT, XSETBV,
 * VMX instructions (#UD), triple fault, NMI, external interrupt, the
 * interrupt window, INVD/WBINVD.
 */
#include "exit_checks.h"
#include "host_log.h"
#include "vmm/vcpu/exit.h"
#include "vmm/vmx/exit_reason.h"

static uint64_t rip(void) { return fake_vmcs_get(VMCS_GUEST_RIP); }

static bool dispatch(uint32_t reason, uint64_t qual)
{
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fake_vmcs_set(VMCS_ENTRY_INTR_INFO, 0);
	fake_vmcs_set(VMCS_EXIT_QUALIFICATION, qual);
	return exit_dispatch(fx_vcpu, reason);
}

static void check_killed_unhandled(uint32_t reason)
{
	char want[96];

	snprintf(want, sizeof(want), "killed: unhandled exit %s", exit_reason_name(reason));
	CHECK(strcmp(fx_part.end_reason, want) == 0);
	CHECK_EQ(fake_vmcs_dumps, 1);
	CHECK_EQ(rip(), FX_RIP);
}

static void test_unknown_reasons(void)
{
	static const uint32_t reasons[] = { EXIT_REASON_RDPMC, EXIT_REASON_EPT_MISCONFIG,
					    EXIT_REASON_COUNT - 1, EXIT_REASON_COUNT, 0xffff };

	for (unsigned i = 0; i < ARRAY_SIZE(reasons); i++) {
		fx_setup(MIB(2));
		CHECK(!dispatch(reasons[i], 0));
		check_killed_unhandled(reasons[i]);
		CHECK_EQ(fx_vcpu->exits, 1);
	}
	CHECK_STR_CONTAINS(fx_part.end_reason, "unknown");
}

static void test_counts(void)
{
	fx_setup(MIB(2));
	CHECK(dispatch(EXIT_REASON_INTERRUPT_WINDOW, 0));
	CHECK(dispatch(EXIT_REASON_INTERRUPT_WINDOW, 0));
	CHECK(dispatch(EXIT_REASON_WBINVD, 0));
	CHECK_EQ(fx_vcpu->exits, 3);
	CHECK_EQ(fx_vcpu->exit_counts[EXIT_REASON_INTERRUPT_WINDOW], 2);
	CHECK_EQ(fx_vcpu->exit_counts[EXIT_REASON_WBINVD], 1);
	/* the flag bits of the exit reason are not part of the index */
	CHECK(dispatch(EXIT_REASON_INVD | EXIT_REASON_FLAG_PENDING_MTF, 0));
	CHECK_EQ(fx_vcpu->exit_counts[EXIT_REASON_INVD], 1);
	CHECK_EQ(rip(), FX_RIP + FX_INSN_LEN);
	CHECK_EQ(fake_vmcs_dumps, 0);
}

static void test_entry_failure(void)
{
	static const struct { uint32_t basic; const char *why; } cases[] = {
		{ EXIT_REASON_ENTRY_FAIL_GUEST_STATE, "invalid guest state" },
		{ EXIT_REASON_ENTRY_FAIL_MSR_LOADING, "MSR loading" },
		{ EXIT_REASON_ENTRY_FAIL_MCE, "machine check" },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		char want[96];
		fx_setup(MIB(2));
		CHECK(!dispatch(EXIT_REASON_FLAG_ENTRY_FAIL | cases[i].basic, 3));
		snprintf(want, sizeof(want), "killed: VM entry failed: %s (exit qualification 3)", cases[i].why);
		CHECK(strcmp(fx_part.end_reason, want) == 0);
		CHECK_EQ(fake_vmcs_dumps, 1);
	}
}

/* The reason that routes to a handler hands it the exit qualification. */
static void test_routes_with_qualification(void)
{
	fx_setup(MIB(2));
	fx_vcpu->regs.rax = 0x40000000;
	CHECK(dispatch(EXIT_REASON_CPUID, 0));
	CHECK_EQ(fx_vcpu->regs.rax, 0x40000000);   /* our leaf answered */
	CHECK_EQ(fx_vcpu->regs.rbx, 0x7263694d);   /* "Micr" */

	fx_vcpu->regs.rax = 9;
	CHECK(!dispatch(EXIT_REASON_IO_INSTRUCTION, 0xf4ull << 16));   /* OUT 0xf4, AL */
	CHECK(strcmp(fx_part.end_reason, "stopped: exit code 9") == 0);
	CHECK_EQ(fake_vmcs_dumps, 0);              /* ended by its handler, not unhandled */
}

/* A handler that refuses (string I/O) takes the one fatal path. */
static void test_handler_unhandled(void)
{
	fx_setup(MIB(2));
	CHECK(!dispatch(EXIT_REASON_IO_INSTRUCTION, (0x3f8ull << 16) | (1u << 4)));
	check_killed_unhandled(EXIT_REASON_IO_INSTRUCTION);
}

static void input_after_three_polls(uint64_t now)
{
	if (fake_focus_polls == 3)
		ring_put(&fx_part.console_in, 'q');
}

static void test_hlt(void)
{
	fx_setup(MIB(2));
	fake_vmcs_set(VMCS_GUEST_RFLAGS, 0x2);
	CHECK(!dispatch(EXIT_REASON_HLT, 0));
	CHECK(strcmp(fx_part.end_reason, "stopped: halted with interrupts disabled") == 0);
	CHECK_EQ(rip(), FX_RIP);

	/* nothing armed: not the end, it waits (here for console input) */
	fx_setup(MIB(2));
	fake_focus_hook = input_after_three_polls;
	CHECK(dispatch(EXIT_REASON_HLT, 0));
	CHECK_RETIRED();
	CHECK_EQ(fx_part.end_reason[0], 0);
	CHECK_EQ(fake_focus_polls, 3);

	/* something to wake it: resumed past the HLT, STI blocking over */
	fx_setup(MIB(2));
	fake_vmcs_set(VMCS_GUEST_INTERRUPTIBILITY, VMX_INTERRUPTIBILITY_STI);
	vlapic_accept_irq(&fx_part.vcpus[0].lapic, 0x40, false);
	CHECK(dispatch(EXIT_REASON_HLT, 0));
	CHECK_RETIRED();
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_INTERRUPTIBILITY), 0);
	CHECK_EQ(fx_part.end_reason[0], 0);
}

static void xsetbv_with(uint32_t xcr, uint64_t val)
{
	fx_set_cr4(FX_CR4 | CR4_OSXSAVE);
	fx_vcpu->regs.rcx = xcr;
	fx_vcpu->regs.rax = (uint32_t)val | 0xabcd000000000000ull;   /* upper halves ignored */
	fx_vcpu->regs.rdx = val >> 32;
	CHECK(dispatch(EXIT_REASON_XSETBV, 0));
}

static void test_xsetbv(void)
{
	fx_setup(MIB(2));
	fake_cpuid_set(0xd, 0, 0x7, 0, 0, 0);       /* x87, SSE, AVX */
	xsetbv_with(0, 0x7);
	CHECK_RETIRED();
	CHECK_EQ(fake_xsetbv_calls, 1);
	CHECK_EQ(fake_xsetbv_xcr, 0);
	CHECK_EQ(fake_xsetbv_val, 0x7);
}

/* #UD without CR4.OSXSAVE, #GP from ring 3, before any value check. */
static void test_xsetbv_mode_checks(void)
{
	fx_setup(MIB(2));
	fake_cpuid_set(0xd, 0, 0x7, 0, 0, 0);
	fx_vcpu->regs.rcx = 0;
	fx_vcpu->regs.rax = 0x7;
	CHECK(dispatch(EXIT_REASON_XSETBV, 0));            /* fixture CR4: no OSXSAVE */
	CHECK_FAULT(X86_VEC_UD, -1);
	CHECK_EQ(fake_xsetbv_calls, 0);

	fx_setup(MIB(2));
	fake_cpuid_set(0xd, 0, 0x7, 0, 0, 0);
	fake_vmcs_set(VMCS_GUEST_SS_AR, fake_vmcs_get(VMCS_GUEST_SS_AR) | (3u << 5));   /* DPL 3 */
	xsetbv_with(0, 0x7);
	CHECK_FAULT(X86_VEC_GP, 0);
	CHECK_EQ(fake_xsetbv_calls, 0);
}

static void check_xsetbv_refused(uint32_t xcr, uint64_t val)
{
	xsetbv_with(xcr, val);
	CHECK_FAULT(X86_VEC_GP, 0);
	CHECK_EQ(fake_xsetbv_calls, 0);
}

static void test_xsetbv_refused(void)
{
	fx_setup(MIB(2));
	fake_cpuid_set(0xd, 0, 0x7, 0, 0, 0);
	check_xsetbv_refused(1, 0x1);               /* only XCR0 exists */
	check_xsetbv_refused(0, 0x6);               /* x87 must stay on */
	check_xsetbv_refused(0, 0x5);               /* AVX without SSE */
	check_xsetbv_refused(0, 0x9);               /* a feature the CPU lacks */
	check_xsetbv_refused(0, 0x100000001ull);
}

/*
 * State components that go in groups (SDM Vol. 1 13.3): the AVX-512
 * three (bits 7:5) all or none and only with AVX, MPX's two (bits 4:3)
 * together, AMX's two (bits 18:17) together.  The CPU #GPs on the rest
 * -- on the host's XSETBV, in VMX root, if the handler let it through.
 */
static void test_xsetbv_component_groups(void)
{
	fx_setup(MIB(2));
	fake_cpuid_set(0xd, 0, 0x600ff, 0, 0, 0);   /* bits 0-7 and 17-18 */
	check_xsetbv_refused(0, 0x27);              /* opmask without the ZMM halves */
	check_xsetbv_refused(0, 0x67);
	check_xsetbv_refused(0, 0xe3);              /* AVX-512 without AVX */
	check_xsetbv_refused(0, 0x0b);              /* BNDREGS without BNDCSR */
	check_xsetbv_refused(0, 0x13);
	check_xsetbv_refused(0, 0x20003);           /* TILECFG without TILEDATA */
	check_xsetbv_refused(0, 0x40003);
	xsetbv_with(0, 0x600ff);
	CHECK_RETIRED();
	CHECK_EQ(fake_xsetbv_val, 0x600ff);
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	xsetbv_with(0, 0x1b);                       /* MPX pair */
	CHECK_RETIRED();
	CHECK_EQ(fake_xsetbv_calls, 2);
}

static void test_vmx_instructions_raise_ud(void)
{
	static const uint32_t reasons[] = {
		EXIT_REASON_VMCLEAR, EXIT_REASON_VMLAUNCH, EXIT_REASON_VMPTRLD, EXIT_REASON_VMPTRST,
		EXIT_REASON_VMREAD, EXIT_REASON_VMRESUME, EXIT_REASON_VMWRITE, EXIT_REASON_VMXOFF,
		EXIT_REASON_VMXON, EXIT_REASON_INVEPT, EXIT_REASON_INVVPID, EXIT_REASON_VMFUNC,
	};

	fx_setup(MIB(2));
	for (unsigned i = 0; i < ARRAY_SIZE(reasons); i++) {
		CHECK(dispatch(reasons[i], 0));
		CHECK_FAULT(X86_VEC_UD, -1);
	}
	CHECK_EQ(fx_part.end_reason[0], 0);
}

static void test_triple_fault(void)
{
	fx_setup(MIB(2));
	CHECK(!dispatch(EXIT_REASON_TRIPLE_FAULT, 0));
	CHECK(strcmp(fx_part.end_reason, "killed: triple fault") == 0);
	CHECK_EQ(fake_vmcs_dumps, 0);
}

static void test_interrupts_and_nmi(void)
{
	fx_setup(MIB(2));
	CHECK(dispatch(EXIT_REASON_EXTERNAL_INTERRUPT, 0));
	CHECK_EQ(fake_lapic_eois, 1);
	CHECK_EQ(rip(), FX_RIP);

	fake_vmcs_set(VMCS_EXIT_INTR_INFO, 2 | VMX_INTR_INFO_VALID | (VMX_INTR_TYPE_NMI << VMX_INTR_INFO_TYPE_SHIFT));
	CHECK(dispatch(EXIT_REASON_EXCEPTION_NMI, 0));
	CHECK_EQ(fake_nmi_handler_calls, 1);
	CHECK_EQ(fx_injected_vector(NULL), -1);

	/* an exception exit: the exception bitmap is empty, so it is unexpected */
	fake_vmcs_set(VMCS_EXIT_INTR_INFO, 14 | VMX_INTR_INFO_VALID | (VMX_INTR_TYPE_HW_EXCEPTION << VMX_INTR_INFO_TYPE_SHIFT));
	CHECK(!dispatch(EXIT_REASON_EXCEPTION_NMI, 0));
	check_killed_unhandled(EXIT_REASON_EXCEPTION_NMI);
	CHECK_EQ(fake_nmi_handler_calls, 1);
}

int main(void)
{
	RUN(test_unknown_reasons);
	RUN(test_counts);
	RUN(test_entry_failure);
	RUN(test_routes_with_qualification);
	RUN(test_handler_unhandled);
	RUN(test_hlt);
	RUN(test_xsetbv);
	RUN(test_xsetbv_refused);
	RUN(test_xsetbv_mode_checks);
	RUN(test_xsetbv_component_groups);
	RUN(test_vmx_instructions_raise_ud);
	RUN(test_triple_fault);
	RUN(test_interrupts_and_nmi);
	return check_summary();
}
