/*
 * Control-register exits (qualification: SDM Table 28-3).  They happen
 * when the guest writes a CR0/CR4 bit the hypervisor owns (see vmcs.c);
 * the guest's value goes to the read shadow, the value VMX needs to the
 * real register.  Entering or leaving long mode and PAE paging need the
 * same care as on hardware: EFER.LMA and the IA-32e entry control follow
 * CR0.PG, and PAE paging needs its PDPTEs loaded into the VMCS.
 */
#include "vmm/vcpu/exit.h"
#include "vmm/vcpu/helpers.h"
#include "vmm/partition.h"
#include "arch/x86_64/vectors.h"
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmcs.h"
#include "arch/x86_64/cpu.h"

#define CR0_VALID (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG)
#define CR4_PCIDE (1ull << 17)

enum cr_access { CR_MOV_TO, CR_MOV_FROM, CR_CLTS, CR_LMSW };

static void load_pae_pdptes(struct vcpu *v)
{
	uint64_t pdpte[4] = { 0 };

	guest_read(v->part, GPA(vmcs_readl(VMCS_GUEST_CR3) & ~0x1full), pdpte, sizeof(pdpte));
	vmcs_write64(VMCS_GUEST_PDPTE0, pdpte[0]);
	vmcs_write64(VMCS_GUEST_PDPTE1, pdpte[1]);
	vmcs_write64(VMCS_GUEST_PDPTE2, pdpte[2]);
	vmcs_write64(VMCS_GUEST_PDPTE3, pdpte[3]);
}

static void sync_paging_mode(struct vcpu *v, uint64_t cr0, uint64_t cr4)
{
	uint64_t efer = vmcs_read64(VMCS_GUEST_IA32_EFER);
	uint32_t entry = vmcs_read32(VMCS_ENTRY_CTLS);

	if ((cr0 & CR0_PG) && (efer & EFER_LME)) {
		efer |= EFER_LMA;
		entry |= VMX_ENTRY_IA32E_MODE_GUEST;
	} else {
		efer &= ~EFER_LMA;
		entry &= ~VMX_ENTRY_IA32E_MODE_GUEST;
	}
	vmcs_write64(VMCS_GUEST_IA32_EFER, efer);
	vmcs_write32(VMCS_ENTRY_CTLS, entry);
	if ((cr0 & CR0_PG) && (cr4 & CR4_PAE) && !(efer & EFER_LMA))
		load_pae_pdptes(v);
}

static bool guest_set_cr0(struct vcpu *v, uint64_t val)
{
	uint64_t cr4 = vcpu_guest_cr4(v);
	uint64_t efer = vmcs_read64(VMCS_GUEST_IA32_EFER);

	if ((val >> 32) || (val & ~CR0_VALID) || ((val & CR0_PG) && !(val & CR0_PE)) ||
	    ((val & CR0_NW) && !(val & CR0_CD)))
		return false;
	/* long mode needs PAE before paging is switched on (SDM 10.8.5) */
	if ((val & CR0_PG) && (efer & EFER_LME) && !(cr4 & CR4_PAE))
		return false;
	vmcs_writel(VMCS_CR0_READ_SHADOW, val);
	vmcs_writel(VMCS_GUEST_CR0, vmcs_cr0_real(val));
	sync_paging_mode(v, val, cr4);
	return true;
}

static bool guest_set_cr4(struct vcpu *v, uint64_t val)
{
	uint64_t cr0 = vcpu_guest_cr0(v);
	uint64_t supported = vmcs_cr4_real(~0ull) & ~(CR4_VMXE | CR4_SMXE);

	if (val & ~supported)
		return false;                  /* VMXE included: the guest has no VMX */
	if ((vmcs_read64(VMCS_GUEST_IA32_EFER) & EFER_LMA) && !(val & CR4_PAE))
		return false;
	vmcs_writel(VMCS_CR4_READ_SHADOW, val);
	vmcs_writel(VMCS_GUEST_CR4, vmcs_cr4_real(val));
	sync_paging_mode(v, cr0, val);
	return true;
}

/*
 * MOV to CR3 exits only on CPUs that force CR3-load exiting.  Do what the
 * CPU would have: drop the PCID no-flush bit (it is not part of CR3), and
 * under PAE paging load the PDPTEs with it (SDM Vol. 3A 4.4.1).
 */
static void guest_set_cr3(struct vcpu *v, uint64_t val)
{
	uint64_t cr0 = vcpu_guest_cr0(v), cr4 = vcpu_guest_cr4(v);

	if (cr4 & CR4_PCIDE)
		val &= ~(1ull << 63);
	vmcs_writel(VMCS_GUEST_CR3, val);
	if ((cr0 & CR0_PG) && (cr4 & CR4_PAE) && !(vmcs_read64(VMCS_GUEST_IA32_EFER) & EFER_LMA))
		load_pae_pdptes(v);
}

/*
 * CR8 is the local APIC's TPR (SDM Vol. 3A 11.8.6).  Both MOVs exit, so
 * the guest's priority lives in its virtual APIC and never reaches the
 * host's real TPR, which would block the host's own interrupts.
 */
static bool guest_set_cr8(struct vcpu *v, uint64_t val)
{
	if (val & ~0xfull)
		return false;                  /* reserved bits: #GP */
	vlapic_set_cr8(&v->lapic, val);
	vcpu_lapic_changed(v);   /* a lower priority may let an interrupt in */
	return true;
}

enum exit_result exit_cr_access(struct vcpu *v, uint64_t qual)
{
	unsigned cr = qual & 15, type = (qual >> 4) & 3, reg = (qual >> 8) & 15;
	uint64_t cr0 = vcpu_guest_cr0(v);
	bool ok = true;

	switch (type) {
	case CR_MOV_TO:
		if (cr == 0)
			ok = guest_set_cr0(v, vcpu_gpr_read(v, reg));
		else if (cr == 4)
			ok = guest_set_cr4(v, vcpu_gpr_read(v, reg));
		else if (cr == 3)
			guest_set_cr3(v, vcpu_gpr_read(v, reg));
		else if (cr == 8)
			ok = guest_set_cr8(v, vcpu_gpr_read(v, reg));
		else
			return EXIT_UNHANDLED;
		break;
	case CR_MOV_FROM:
		if (cr == 3)
			vcpu_gpr_write(v, reg, vmcs_readl(VMCS_GUEST_CR3));
		else if (cr == 8)
			vcpu_gpr_write(v, reg, vlapic_get_cr8(&v->lapic));
		else
			return EXIT_UNHANDLED;
		break;
	case CR_CLTS:
		ok = guest_set_cr0(v, cr0 & ~CR0_TS);
		break;
	case CR_LMSW: {
		/* LMSW sets PE but never clears it; it writes only bits 3:0 */
		uint64_t src = (qual >> 16) & 0xf;
		ok = guest_set_cr0(v, (cr0 & ~0xeull) | (src & 0xe) | ((cr0 | src) & CR0_PE));
		break;
	}
	}
	if (!ok) {
		vcpu_inject_exception(v, X86_VEC_GP, true, 0);
		return EXIT_HANDLED;
	}
	vcpu_skip_instruction(v);
	return EXIT_HANDLED;
}
