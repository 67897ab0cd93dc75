/* units: vmm/vcpu/cr.c vmm/vcpu/helpers.c vmm/vcpu/smp.c vmm/dev/ipi_route.c ept/ept.c ept/pool.c lib/fmt.c vmm/dev/platform.c arch/x86_64/tsc_freq.c vmm/dev/vioapic.c vmm/dev/acpi_guest.c vmm/dev/vuart.c vmm/dev/vpic.c vmm/dev/vpit.c vmm/dev/vrtc.c vmm/dev/fwcfg.c vmm/dev/vlapic.c vmm/dev/vpm.c vmm/dev/virtio_net.c tests/unit/fake_vmcs.c tests/unit/fake_cpu.c tests/unit/vcpu_fixture.c lib/regdump.c */
/*
 * Control-register exits (vmm/vcpu/cr.c) against the fake VMCS: MOV to
 * CR0/CR4 with host-owned bits (the guest's value in the read shadow,
 * the VMX-compatible one in the guest field), entering and leaving long
 * mode and PAE paging (EFER.LMA, the IA-32e entry control, the PDPTEs),
 * CLTS, LMSW, MOV to and from CR3, and every refused value: #GP(0) with
 * RIP left on the instruction and nothing changed.
 */
#include "exit_checks.h"
#include "vmm/vcpu/exit.h"

enum { MOV_TO, MOV_FROM, CLTS, LMSW };

#define REG_RAX 0
#define REG_RBX 3
#define REG_RSP 4
#define REG_R13 13
#define CR4_PCIDE (1ull << 17)

static uint64_t qual(unsigned cr, unsigned type, unsigned reg)
{
	return cr | (type << 4) | (reg << 8);
}

static uint64_t lmsw_qual(uint16_t src)
{
	return (LMSW << 4) | ((uint64_t)src << 16);
}

static uint64_t vmcs(uint32_t f) { return fake_vmcs_get(f); }

/* MOV CR0, RAX with `val`: the exit's result. */
static enum exit_result mov_cr0(uint64_t val)
{
	fx_vcpu->regs.rax = val;
	return exit_cr_access(fx_vcpu, qual(0, MOV_TO, REG_RAX));
}

static void test_cr0_host_owned_bits(void)
{
	fx_setup(MIB(2));
	/* the guest turns caching off and NE off: it reads back what it wrote */
	uint64_t val = (FX_CR0 | CR0_CD) & ~CR0_NE;
	CHECK_EQ(mov_cr0(val), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(vmcs(VMCS_CR0_READ_SHADOW), val);
	/* the CPU keeps caching on and NE set (VMX fixed bit) */
	CHECK_EQ(vmcs(VMCS_GUEST_CR0), (FX_CR0 | CR0_NE) & ~CR0_CD);
	/* still in long mode */
	CHECK(vmcs(VMCS_GUEST_IA32_EFER) & EFER_LMA);
	CHECK(vmcs(VMCS_ENTRY_CTLS) & VMX_ENTRY_IA32E_MODE_GUEST);
	CHECK_EQ(fake_vmcs_bad_width_writes, 0);
}

static void check_cr0_refused(uint64_t val)
{
	fx_setup(MIB(2));
	CHECK_EQ(mov_cr0(val), EXIT_HANDLED);
	CHECK_FAULT(X86_VEC_GP, 0);
	CHECK_EQ(vmcs(VMCS_CR0_READ_SHADOW), FX_CR0);
	CHECK_EQ(fake_vmcs_writes(VMCS_GUEST_CR0), 0);
	CHECK_EQ(fake_vmcs_writes(VMCS_CR0_READ_SHADOW), 0);
	CHECK_EQ(fake_vmcs_writes(VMCS_GUEST_IA32_EFER), 0);
}

static void test_cr0_refused_values(void)
{
	check_cr0_refused(FX_CR0 | (1ull << 32));       /* bits 63:32 */
	check_cr0_refused(FX_CR0 | (1ull << 6));        /* reserved bit */
	check_cr0_refused(FX_CR0 | CR0_NW);             /* NW without CD */
	check_cr0_refused(CR0_PG | CR0_ET | CR0_NE);    /* PG without PE */
}

static void test_cr0_paging_needs_pae_in_long_mode(void)
{
	fx_setup(MIB(2));
	fx_protected_mode();
	fake_vmcs_set(VMCS_GUEST_IA32_EFER, EFER_LME);
	CHECK_EQ(mov_cr0(CR0_PE | CR0_PG | CR0_ET | CR0_NE), EXIT_HANDLED);
	CHECK_FAULT(X86_VEC_GP, 0);
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_LME);
}

static void test_cr0_enter_and_leave_long_mode(void)
{
	fx_setup(MIB(2));
	fx_protected_mode();
	fx_set_cr4(CR4_PAE);
	fake_vmcs_set(VMCS_GUEST_IA32_EFER, EFER_LME);
	CHECK_EQ(mov_cr0(CR0_PE | CR0_PG | CR0_ET | CR0_NE), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_LME | EFER_LMA);
	CHECK(vmcs(VMCS_ENTRY_CTLS) & VMX_ENTRY_IA32E_MODE_GUEST);
	CHECK(vmcs(VMCS_ENTRY_CTLS) & VMX_ENTRY_LOAD_EFER);     /* other bits kept */
	/* long mode does not use the PDPTE fields */
	CHECK_EQ(fake_vmcs_writes(VMCS_GUEST_PDPTE0), 0);

	/* paging off again: LMA and the entry control follow */
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	CHECK_EQ(mov_cr0(CR0_PE | CR0_ET | CR0_NE), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_LME);
	CHECK(!(vmcs(VMCS_ENTRY_CTLS) & VMX_ENTRY_IA32E_MODE_GUEST));
	CHECK(vmcs(VMCS_ENTRY_CTLS) & VMX_ENTRY_LOAD_EFER);
}

/*
 * Bits the guest owns (outside the guest/host mask) change without an
 * exit: the guest field has them, the read shadow is stale.  A 32-bit
 * guest entering long mode as Linux does: CR4.PAE (no exit), EFER.LME,
 * then one MOV to CR0 with PG and NE, which exits because NE is masked.
 */
static void test_cr0_sees_guest_owned_cr4_bits(void)
{
	fx_setup(MIB(2));
	fx_protected_mode();
	fx_set_cr0(CR0_PE | CR0_ET);                                    /* NE hidden, as set up */
	fake_vmcs_set(VMCS_GUEST_CR4, vmcs_cr4_real(CR4_PAE));          /* MOV to CR4, no exit */
	fake_vmcs_set(VMCS_GUEST_IA32_EFER, EFER_LME);
	CHECK_EQ(mov_cr0(CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(vmcs(VMCS_GUEST_IA32_EFER), EFER_LME | EFER_LMA);
	CHECK(vmcs(VMCS_ENTRY_CTLS) & VMX_ENTRY_IA32E_MODE_GUEST);
}

/* A PDPT at a 32-byte (not page) aligned gpa, as PAE allows. */
#define PDPT_GPA 0x3020ull
static const uint64_t pdpt[4] = { 0x5001, 0x6001, 0x7001, 0 };

static void check_pdptes_loaded(void)
{
	CHECK_EQ(vmcs(VMCS_GUEST_PDPTE0), pdpt[0]);
	CHECK_EQ(vmcs(VMCS_GUEST_PDPTE1), pdpt[1]);
	CHECK_EQ(vmcs(VMCS_GUEST_PDPTE2), pdpt[2]);
	CHECK_EQ(fake_vmcs_writes(VMCS_GUEST_PDPTE3), 1);
	CHECK_EQ(vmcs(VMCS_GUEST_PDPTE3), pdpt[3]);
}

static void test_cr0_pae_paging_loads_pdptes(void)
{
	fx_setup(MIB(2));
	fx_protected_mode();
	fx_write(PDPT_GPA, pdpt, sizeof(pdpt));
	fake_vmcs_set(VMCS_GUEST_CR3, PDPT_GPA | 0x18);   /* PCD, PWT: not address bits */
	fx_set_cr4(CR4_PAE);
	fake_vmcs_set(VMCS_GUEST_PDPTE0, 0xdead);
	CHECK_EQ(mov_cr0(CR0_PE | CR0_PG | CR0_ET | CR0_NE), EXIT_HANDLED);
	CHECK_RETIRED();
	check_pdptes_loaded();
	CHECK(!(vmcs(VMCS_GUEST_IA32_EFER) & EFER_LMA));
	CHECK(!(vmcs(VMCS_ENTRY_CTLS) & VMX_ENTRY_IA32E_MODE_GUEST));
}

static void test_cr4_write(void)
{
	fx_setup(MIB(2));
	fx_vcpu->regs.rbx = FX_CR4 | CR4_OSXSAVE;
	CHECK_EQ(exit_cr_access(fx_vcpu, qual(4, MOV_TO, REG_RBX)), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(vmcs(VMCS_CR4_READ_SHADOW), FX_CR4 | CR4_OSXSAVE);
	/* VMXE is forced on in the real register, hidden from the guest */
	CHECK_EQ(vmcs(VMCS_GUEST_CR4), FX_CR4 | CR4_OSXSAVE | CR4_VMXE);
	CHECK(vmcs(VMCS_GUEST_IA32_EFER) & EFER_LMA);
}

static void test_cr4_under_pae_paging_reloads_pdptes(void)
{
	fx_setup(MIB(2));
	fx_protected_mode();
	fx_write(PDPT_GPA, pdpt, sizeof(pdpt));
	fx_set_cr0(CR0_PE | CR0_PG | CR0_ET | CR0_NE);
	fake_vmcs_set(VMCS_GUEST_CR3, PDPT_GPA);
	fx_vcpu->regs.rax = CR4_PAE | CR4_PGE;
	CHECK_EQ(exit_cr_access(fx_vcpu, qual(4, MOV_TO, REG_RAX)), EXIT_HANDLED);
	CHECK_RETIRED();
	check_pdptes_loaded();
}

static void check_cr4_refused(uint64_t val)
{
	fx_setup(MIB(2));
	fx_vcpu->regs.rax = val;
	CHECK_EQ(exit_cr_access(fx_vcpu, qual(4, MOV_TO, REG_RAX)), EXIT_HANDLED);
	CHECK_FAULT(X86_VEC_GP, 0);
	CHECK_EQ(vmcs(VMCS_CR4_READ_SHADOW), FX_CR4);
	CHECK_EQ(fake_vmcs_writes(VMCS_GUEST_CR4), 0);
}

static void test_cr4_refused_values(void)
{
	check_cr4_refused(FX_CR4 | CR4_VMXE);          /* the guest has no VMX */
	check_cr4_refused(FX_CR4 | CR4_SMXE);
	check_cr4_refused(FX_CR4 | (1ull << 12));      /* LA57: not in fixed1 */
	check_cr4_refused(FX_CR4 & ~CR4_PAE);          /* PAE off in long mode */
}

static void test_mov_to_and_from_cr3(void)
{
	fx_setup(MIB(2));
	fx_vcpu->regs.r13 = 0x42000;
	CHECK_EQ(exit_cr_access(fx_vcpu, qual(3, MOV_TO, REG_R13)), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(vmcs(VMCS_GUEST_CR3), 0x42000);

	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	CHECK_EQ(exit_cr_access(fx_vcpu, qual(3, MOV_FROM, REG_RBX)), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(fx_vcpu->regs.rbx, 0x42000);

	/* RSP lives in the VMCS, not in the saved registers */
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	uint64_t rsp_slot = fx_vcpu->regs.rbp;
	CHECK_EQ(exit_cr_access(fx_vcpu, qual(3, MOV_FROM, REG_RSP)), EXIT_HANDLED);
	CHECK_EQ(vmcs(VMCS_GUEST_RSP), 0x42000);
	CHECK_EQ(fx_vcpu->regs.rbp, rsp_slot);

	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fake_vmcs_set(VMCS_GUEST_RSP, 0x9000);
	CHECK_EQ(exit_cr_access(fx_vcpu, qual(3, MOV_TO, REG_RSP)), EXIT_HANDLED);
	CHECK_EQ(vmcs(VMCS_GUEST_CR3), 0x9000);
}

/* On a CPU that forces CR3-load exiting: a CR3 load under PAE paging
 * also loads the PDPTEs (SDM Vol. 3A 4.4.1), as the CPU would. */
static void test_mov_to_cr3_under_pae_paging_loads_pdptes(void)
{
	fx_setup(MIB(2));
	fx_protected_mode();
	fx_write(PDPT_GPA, pdpt, sizeof(pdpt));
	fx_set_cr0(CR0_PE | CR0_PG | CR0_ET | CR0_NE);
	fx_set_cr4(CR4_PAE);
	fx_vcpu->regs.rcx = PDPT_GPA;
	CHECK_EQ(exit_cr_access(fx_vcpu, qual(3, MOV_TO, 1)), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(vmcs(VMCS_GUEST_CR3), PDPT_GPA);
	check_pdptes_loaded();

	/* without PAE paging the PDPTE fields are not the guest's business */
	fx_setup(MIB(2));
	fx_vcpu->regs.rcx = PDPT_GPA;
	CHECK_EQ(exit_cr_access(fx_vcpu, qual(3, MOV_TO, 1)), EXIT_HANDLED);
	CHECK_EQ(fake_vmcs_writes(VMCS_GUEST_PDPTE0), 0);
}

/* With CR4.PCIDE, bit 63 of the source asks not to flush; it is not
 * loaded into CR3 (SDM Vol. 2B MOV to CR3).  Left in, VM entry fails. */
static void test_mov_to_cr3_pcid_no_flush_bit(void)
{
	fx_setup(MIB(2));
	fx_set_cr4(FX_CR4 | CR4_PCIDE);
	fx_vcpu->regs.rax = (1ull << 63) | 0x42000 | 5;
	CHECK_EQ(exit_cr_access(fx_vcpu, qual(3, MOV_TO, REG_RAX)), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(vmcs(VMCS_GUEST_CR3), 0x42005);
}

/* CR8 is the virtual APIC's TPR: what is written reads back and shows
 * in the TPR register's bits 7:4; reserved bits are #GP. */
static void test_cr8(void)
{
	fx_setup(MIB(2));
	fx_vcpu->regs.rbx = 9;
	CHECK_EQ(exit_cr_access(fx_vcpu, qual(8, MOV_TO, REG_RBX)), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(vlapic_mmio_read(&fx_part.vcpus[0].lapic, VLAPIC_REG_TPR), 0x90);
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	CHECK_EQ(exit_cr_access(fx_vcpu, qual(8, MOV_FROM, REG_RAX)), EXIT_HANDLED);
	CHECK_EQ(fx_vcpu->regs.rax, 9);

	fx_setup(MIB(2));
	fx_vcpu->regs.rbx = 0x10;
	CHECK_EQ(exit_cr_access(fx_vcpu, qual(8, MOV_TO, REG_RBX)), EXIT_HANDLED);
	CHECK_FAULT(X86_VEC_GP, 0);
	CHECK_EQ(vlapic_mmio_read(&fx_part.vcpus[0].lapic, VLAPIC_REG_TPR), 0);
}

/* Other CRs never exit with this VMCS: the caller stops the guest. */
static void test_unexpected_registers(void)
{
	fx_setup(MIB(2));
	CHECK_EQ(exit_cr_access(fx_vcpu, qual(0, MOV_FROM, REG_RAX)), EXIT_UNHANDLED);
	CHECK_EQ(exit_cr_access(fx_vcpu, qual(2, MOV_TO, REG_RAX)), EXIT_UNHANDLED);
	CHECK_EQ(vmcs(VMCS_GUEST_RIP), FX_RIP);
	CHECK_EQ(fake_vmcs_total_writes(), 0);
}

static void test_clts(void)
{
	fx_setup(MIB(2));
	fx_set_cr0(FX_CR0 | CR0_TS);
	CHECK_EQ(exit_cr_access(fx_vcpu, CLTS << 4), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(vmcs(VMCS_CR0_READ_SHADOW), FX_CR0);
	CHECK(!(vmcs(VMCS_GUEST_CR0) & CR0_TS));
}

static void test_lmsw(void)
{
	fx_setup(MIB(2));
	fx_protected_mode();
	fx_set_cr0(CR0_ET | CR0_NE | CR0_TS);
	/* from real mode: PE and MP set, TS cleared, bits above 3 kept */
	CHECK_EQ(exit_cr_access(fx_vcpu, lmsw_qual(CR0_PE | CR0_MP | 0xfff0)), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(vmcs(VMCS_CR0_READ_SHADOW), CR0_ET | CR0_NE | CR0_PE | CR0_MP);

	/* LMSW cannot clear PE */
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	CHECK_EQ(exit_cr_access(fx_vcpu, lmsw_qual(0)), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(vmcs(VMCS_CR0_READ_SHADOW), CR0_ET | CR0_NE | CR0_PE);
}

int main(void)
{
	RUN(test_cr0_host_owned_bits);
	RUN(test_cr0_refused_values);
	RUN(test_cr0_paging_needs_pae_in_long_mode);
	RUN(test_cr0_enter_and_leave_long_mode);
	RUN(test_cr0_sees_guest_owned_cr4_bits);
	RUN(test_cr0_pae_paging_loads_pdptes);
	RUN(test_cr4_write);
	RUN(test_cr4_under_pae_paging_reloads_pdptes);
	RUN(test_cr4_refused_values);
	RUN(test_mov_to_and_from_cr3);
	RUN(test_mov_to_cr3_under_pae_paging_loads_pdptes);
	RUN(test_mov_to_cr3_pcid_no_flush_bit);
	RUN(test_cr8);
	RUN(test_unexpected_registers);
	RUN(test_clts);
	RUN(test_lmsw);
	return check_summary();
}
