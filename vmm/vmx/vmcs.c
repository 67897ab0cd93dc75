/*
 * The VMCS of a vCPU: execution controls, host state and the guest's
 * initial state for the two boot modes the loaders produce (32-bit
 * protected mode with paging off, or 64-bit long mode).
 *
 * Bits VMX forces in CR0/CR4 (e.g. CR0.NE, CR4.VMXE) are owned by the
 * hypervisor through the guest/host masks: the guest reads its own
 * values from the read shadows and its writes to masked bits exit
 * (vmm/vcpu/cr.c).  With unrestricted guest, CR0.PE and CR0.PG are the guest's.
 */
#include "vmm/vmx/vmcs.h"
#include "arch/x86_64/vectors.h"
#include "vmm/partition.h"
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_caps.h"
#include "vmm/vmx/vmcheck.h"
#include "vmm/vmx/exit_reason.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/memlayout.h"
#include "pmm/kpage.h"
#include "hv/log.h"
#include "hv/string.h"

/* Bits of CR0/CR4 that VMX fixes and the guest must not own. */
static uint64_t cr0_host_owned(void)
{
	return (vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG)) | ~vmx_caps.cr0_fixed1 | CR0_CD | CR0_NW;
}

static uint64_t cr4_host_owned(void)
{
	return vmx_caps.cr4_fixed0 | ~vmx_caps.cr4_fixed1 | CR4_VMXE | CR4_SMXE;
}

uint64_t vmcs_cr0_real(uint64_t g)
{
	/* caching stays on: CD/NW would only slow the guest, and EPT sets the type */
	return ((g & ~(CR0_CD | CR0_NW)) | (vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG))) & vmx_caps.cr0_fixed1;
}

uint64_t vmcs_cr4_real(uint64_t g)
{
	return (g | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1;
}

static bool set_ctl(uint32_t field, uint64_t cap_msr, uint32_t want, const char *name)
{
	uint32_t val, missing;

	if (!vmx_ctl_adjust(cap_msr, want, &val, &missing)) {
		log_printf("hv: vmx: %s controls: CPU lacks bits 0x%x\n", name, missing);
		return false;
	}
	vmcs_write_raw(field, val);
	return true;
}

static bool setup_controls(struct vcpu *v)
{
	struct partition *p = v->part;
	uint32_t proc2 = VMX_PROC2_ENABLE_EPT | VMX_PROC2_UNRESTRICTED_GUEST;
	uint32_t may2 = (uint32_t)(vmx_caps.proc2 >> 32);

	if (vmx_caps.vpid)
		proc2 |= VMX_PROC2_ENABLE_VPID;
	proc2 |= may2 & (VMX_PROC2_ENABLE_RDTSCP | VMX_PROC2_ENABLE_INVPCID | VMX_PROC2_ENABLE_XSAVES);

	/* virtual NMIs: the guest's IRET ends the blocking of an NMI we inject
	 * (without them it never would, SDM Vol. 3C 26.3) */
	uint32_t pin = VMX_PIN_EXTINT_EXITING | VMX_PIN_NMI_EXITING |
		       (vmx_caps.virtual_nmis ? VMX_PIN_VIRTUAL_NMIS : 0);
	/* the VMX-preemption timer makes a guest that never exits leave on
	 * time for its timers and console input (vmm/vcpu/inject.c) */
	if (vmx_caps.preempt_timer)
		pin |= VMX_PIN_PREEMPTION_TIMER;

	bool ok = set_ctl(VMCS_PIN_BASED_CTLS, vmx_caps.pin, pin, "pin-based")
		&& set_ctl(VMCS_PROC_BASED_CTLS, vmx_caps.proc,
			   VMX_PROC_HLT_EXITING | VMX_PROC_USE_IO_BITMAPS | VMX_PROC_USE_MSR_BITMAPS |
			   VMX_PROC_CR8_LOAD_EXITING | VMX_PROC_CR8_STORE_EXITING |
			   VMX_PROC_TSC_OFFSETTING | VMX_PROC_ACTIVATE_SECONDARY, "processor-based")
		&& set_ctl(VMCS_PROC_BASED_CTLS2, vmx_caps.proc2, proc2, "secondary")
		&& set_ctl(VMCS_EXIT_CTLS, vmx_caps.exit,
			   VMX_EXIT_HOST_ADDR_SPACE_SIZE | VMX_EXIT_SAVE_EFER | VMX_EXIT_LOAD_EFER |
			   VMX_EXIT_SAVE_PAT | VMX_EXIT_LOAD_PAT | VMX_EXIT_ACK_INTR_ON_EXIT |
			   VMX_EXIT_SAVE_DEBUG_CTLS | (vmx_caps.preempt_save ? VMX_EXIT_SAVE_PREEMPTION_TIMER : 0),
			   "VM-exit")
		/* DR7 and IA32_DEBUGCTL are saved on exit and loaded on entry (a VM
		 * exit sets DR7 to 0x400): guest breakpoints survive every exit */
		&& set_ctl(VMCS_ENTRY_CTLS, vmx_caps.entry,
			   VMX_ENTRY_LOAD_EFER | VMX_ENTRY_LOAD_PAT | VMX_ENTRY_LOAD_DEBUG_CTLS, "VM-entry");
	if (!ok)
		return false;

	/* #MC: reported and the guest ended; #AC: reflected (vcpu/exit.c) */
	vmcs_write32(VMCS_EXCEPTION_BITMAP, (1u << X86_VEC_MC) | (1u << X86_VEC_AC));
	/* every #PF is the guest's: with mask = match = 0 and #PF clear in
	 * the bitmap none exits (SDM Vol. 3C 25.6.3) */
	vmcs_write32(VMCS_PF_ERROR_CODE_MASK, 0);
	vmcs_write32(VMCS_PF_ERROR_CODE_MATCH, 0);
	vmcs_write32(VMCS_CR3_TARGET_COUNT, 0);
	/* no MSR is loaded or stored on exit and entry: EFER and PAT go
	 * through their own controls; a cleared VMCS is not promised zero */
	vmcs_write32(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	if (proc2 & VMX_PROC2_ENABLE_XSAVES & may2)
		vmcs_write64(VMCS_XSS_EXITING_BITMAP, 0);   /* XSAVES/XRSTORS never exit */
	vmcs_write64(VMCS_IO_BITMAP_A, p->io_bitmap.v);
	vmcs_write64(VMCS_IO_BITMAP_B, p->io_bitmap.v + PAGE_SIZE);
	vmcs_write64(VMCS_MSR_BITMAP, p->msr_bitmap.v);
	/* RDTSC and RDTSCP do not exit: the CPU adds the guest's offset */
	vmcs_write64(VMCS_TSC_OFFSET, v->msr.tsc_offset);
	vmcs_write64(VMCS_EPT_POINTER, ept_eptp(&p->ept));
	if (vmx_caps.vpid)
		vmcs_write16(VMCS_VPID, v->vpid);
	vmcs_write64(VMCS_VMCS_LINK_POINTER, ~0ull);
	vmcs_writel(VMCS_CR0_GUEST_HOST_MASK, cr0_host_owned());
	vmcs_writel(VMCS_CR4_GUEST_HOST_MASK, cr4_host_owned());
	vmcs_write32(VMCS_ENTRY_INTR_INFO, 0);
	return true;
}

static void setup_host_state(void)
{
	struct percpu *c = this_cpu();
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr;

	asm volatile("sidt %0" : "=m"(idtr));
	vmcs_writel(VMCS_HOST_CR0, read_cr0());
	vmcs_writel(VMCS_HOST_CR3, read_cr3());
	vmcs_writel(VMCS_HOST_CR4, read_cr4());
	vmcs_write16(VMCS_HOST_CS_SEL, GDT_KERNEL_CS);
	vmcs_write16(VMCS_HOST_SS_SEL, GDT_KERNEL_DS);
	vmcs_write16(VMCS_HOST_DS_SEL, GDT_KERNEL_DS);
	vmcs_write16(VMCS_HOST_ES_SEL, GDT_KERNEL_DS);
	vmcs_write16(VMCS_HOST_FS_SEL, 0);
	vmcs_write16(VMCS_HOST_GS_SEL, 0);
	vmcs_write16(VMCS_HOST_TR_SEL, GDT_TSS);
	vmcs_writel(VMCS_HOST_FS_BASE, 0);
	vmcs_writel(VMCS_HOST_GS_BASE, (uint64_t)c);
	vmcs_writel(VMCS_HOST_TR_BASE, (uint64_t)&c->tss);
	vmcs_writel(VMCS_HOST_GDTR_BASE, (uint64_t)c->gdt);
	vmcs_writel(VMCS_HOST_IDTR_BASE, idtr.base);
	vmcs_write32(VMCS_HOST_IA32_SYSENTER_CS, 0);
	vmcs_writel(VMCS_HOST_IA32_SYSENTER_ESP, 0);
	vmcs_writel(VMCS_HOST_IA32_SYSENTER_EIP, 0);
	vmcs_write64(VMCS_HOST_IA32_EFER, rdmsr(MSR_IA32_EFER));
	vmcs_write64(VMCS_HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	vmcs_writel(VMCS_HOST_RIP, (uint64_t)vmx_exit_entry);
}

struct seg_init { uint16_t sel; uint64_t base; uint32_t limit, ar; };

#define SEG(name, s) do { \
	vmcs_write16(VMCS_GUEST_##name##_SEL, (s).sel); \
	vmcs_writel(VMCS_GUEST_##name##_BASE, (s).base); \
	vmcs_write32(VMCS_GUEST_##name##_LIMIT, (s).limit); \
	vmcs_write32(VMCS_GUEST_##name##_AR, (s).ar); \
	} while (0)

/* Access rights (SDM 25.4.1): type | S<<4 | DPL<<5 | P<<7 | L<<13 | D<<14 | G<<15 */
#define AR_CODE32 0xc09b
#define AR_CODE64 0xa09b
#define AR_DATA   0xc093
#define AR_CODE16 0x009b
#define AR_DATA16 0x0093
#define AR_TSS32_BUSY 0x008b
#define AR_UNUSABLE   0x10000

static void setup_guest_state(struct vcpu *v, const struct boot_state *b)
{
	bool lm = b->mode == BOOT_LONG64;
	struct seg_init code = { b->cs_sel ? b->cs_sel : 0x08, 0, 0xffffffff, lm ? AR_CODE64 : AR_CODE32 };
	struct seg_init data = { b->ds_sel ? b->ds_sel : 0x10, 0, 0xffffffff, AR_DATA };
	struct seg_init tr = { 0, 0, 0xffff, AR_TSS32_BUSY };
	struct seg_init ldtr = { 0, 0, 0, AR_UNUSABLE };
	uint64_t cr0 = CR0_PE | CR0_ET | (lm ? CR0_PG : 0);
	uint64_t cr4 = lm ? CR4_PAE : 0;

	if (b->mode == BOOT_REAL16) {
		/* the state INIT leaves (SDM Vol. 3A Table 9-1), CS from the SIPI */
		code = (struct seg_init){ b->cs_sel, (uint64_t)b->cs_sel << 4, 0xffff, AR_CODE16 };
		data = (struct seg_init){ 0, 0, 0xffff, AR_DATA16 };
		cr0 = CR0_CD | CR0_NW | CR0_ET;
	}
	SEG(CS, code);
	SEG(DS, data);
	SEG(ES, data);
	SEG(SS, data);
	SEG(FS, data);
	SEG(GS, data);
	SEG(TR, tr);
	SEG(LDTR, ldtr);
	vmcs_writel(VMCS_GUEST_GDTR_BASE, b->gdt_base);
	vmcs_write32(VMCS_GUEST_GDTR_LIMIT, b->mode == BOOT_REAL16 ? 0xffff : b->gdt_limit);
	vmcs_writel(VMCS_GUEST_IDTR_BASE, 0);
	vmcs_write32(VMCS_GUEST_IDTR_LIMIT, 0xffff);

	vmcs_writel(VMCS_GUEST_CR0, vmcs_cr0_real(cr0));
	vmcs_writel(VMCS_CR0_READ_SHADOW, cr0);
	vmcs_writel(VMCS_GUEST_CR4, vmcs_cr4_real(cr4));
	vmcs_writel(VMCS_CR4_READ_SHADOW, cr4);
	vmcs_writel(VMCS_GUEST_CR3, b->cr3);
	vmcs_write64(VMCS_GUEST_IA32_EFER, lm ? EFER_LME | EFER_LMA : 0);
	vmcs_write64(VMCS_GUEST_IA32_PAT, 0x0007040600070406ull);   /* power-on default */
	vmcs_write64(VMCS_GUEST_IA32_DEBUGCTL, 0);
	if (lm)
		vmcs_write32(VMCS_ENTRY_CTLS, vmcs_read32(VMCS_ENTRY_CTLS) | VMX_ENTRY_IA32E_MODE_GUEST);
	vmcs_writel(VMCS_GUEST_DR7, 0x400);
	vmcs_writel(VMCS_GUEST_RSP, b->rsp);
	vmcs_writel(VMCS_GUEST_RIP, b->rip);
	vmcs_writel(VMCS_GUEST_RFLAGS, 0x2);
	vmcs_writel(VMCS_GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write32(VMCS_GUEST_ACTIVITY_STATE, 0);
	vmcs_write32(VMCS_GUEST_IA32_SYSENTER_CS, 0);
	vmcs_writel(VMCS_GUEST_IA32_SYSENTER_ESP, 0);
	vmcs_writel(VMCS_GUEST_IA32_SYSENTER_EIP, 0);

	memset(&v->regs, 0, sizeof(v->regs));
	v->regs.rax = b->rax;
	v->regs.rbx = b->rbx;
	v->regs.rsi = b->rsi;
	if (b->mode == BOOT_REAL16)
		v->regs.rdx = cpuid(1, 0).eax;   /* after INIT: the processor signature */
}

bool vmcs_setup(struct vcpu *v, const struct boot_state *boot)
{
	if (!hpa_valid(v->vmcs)) {
		v->vmcs = kpage_alloc(0);
		memset(phys_to_virt(v->vmcs), 0, PAGE_SIZE);
		*(uint32_t *)phys_to_virt(v->vmcs) = (uint32_t)vmx_caps.basic & 0x7fffffff;
	}
	v->launched = false;
	v->exit_by = 0;               /* the preemption timer is not set yet */
	vmx_failed[cpu_index()] = false;
	if (!vmcs_clear(v->vmcs) || !vmcs_load(v->vmcs))
		return false;
	if (!setup_controls(v))
		return false;
	setup_host_state();
	setup_guest_state(v, boot);
	return !vmx_failed[cpu_index()];
}

#define READ_SEG(name, s) do { \
	(s).sel = vmcs_read16(VMCS_GUEST_##name##_SEL); \
	(s).base = vmcs_readl(VMCS_GUEST_##name##_BASE); \
	(s).limit = vmcs_read32(VMCS_GUEST_##name##_LIMIT); \
	(s).ar = vmcs_read32(VMCS_GUEST_##name##_AR); \
	} while (0)

static void snapshot(struct vmcheck_state *s)
{
	memset(s, 0, sizeof(*s));
	s->cr0 = vmcs_readl(VMCS_GUEST_CR0);
	s->cr3 = vmcs_readl(VMCS_GUEST_CR3);
	s->cr4 = vmcs_readl(VMCS_GUEST_CR4);
	s->dr7 = vmcs_readl(VMCS_GUEST_DR7);
	s->rsp = vmcs_readl(VMCS_GUEST_RSP);
	s->rip = vmcs_readl(VMCS_GUEST_RIP);
	s->rflags = vmcs_readl(VMCS_GUEST_RFLAGS);
	s->efer = vmcs_read64(VMCS_GUEST_IA32_EFER);
	s->pat = vmcs_read64(VMCS_GUEST_IA32_PAT);
	s->debugctl = vmcs_read64(VMCS_GUEST_IA32_DEBUGCTL);
	s->vmcs_link = vmcs_read64(VMCS_VMCS_LINK_POINTER);
	READ_SEG(ES, s->es);
	READ_SEG(CS, s->cs);
	READ_SEG(SS, s->ss);
	READ_SEG(DS, s->ds);
	READ_SEG(FS, s->fs);
	READ_SEG(GS, s->gs);
	READ_SEG(LDTR, s->ldtr);
	READ_SEG(TR, s->tr);
	s->gdtr_base = vmcs_readl(VMCS_GUEST_GDTR_BASE);
	s->idtr_base = vmcs_readl(VMCS_GUEST_IDTR_BASE);
	s->gdtr_limit = vmcs_read32(VMCS_GUEST_GDTR_LIMIT);
	s->idtr_limit = vmcs_read32(VMCS_GUEST_IDTR_LIMIT);
	s->activity = vmcs_read32(VMCS_GUEST_ACTIVITY_STATE);
	s->interruptibility = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	s->pending_dbg = vmcs_readl(VMCS_GUEST_PENDING_DBG_EXCEPTIONS);
	s->entry_ctls = vmcs_read32(VMCS_ENTRY_CTLS);
	s->pin_ctls = vmcs_read32(VMCS_PIN_BASED_CTLS);
	s->proc_ctls = vmcs_read32(VMCS_PROC_BASED_CTLS);
	s->proc_ctls2 = vmcs_read32(VMCS_PROC_BASED_CTLS2);
	s->entry_intr_info = vmcs_read32(VMCS_ENTRY_INTR_INFO);
	s->cr0_fixed0 = vmx_caps.cr0_fixed0;
	s->cr0_fixed1 = vmx_caps.cr0_fixed1;
	s->cr4_fixed0 = vmx_caps.cr4_fixed0;
	s->cr4_fixed1 = vmx_caps.cr4_fixed1;
	s->maxphyaddr = (uint8_t)vmx_caps.maxphyaddr;
}

bool vmcs_check_guest(struct vcpu *v, char *why, size_t whylen)
{
	struct vmcheck_state s;

	snapshot(&s);
	return vmcheck_guest(&s, why, whylen) == 0;
}

void vmcs_dump(void)
{
	log_printf("  vmcs: rip %016llx rsp %016llx rflags %08llx cs %04x ss %04x\n",
		   (unsigned long long)vmcs_readl(VMCS_GUEST_RIP),
		   (unsigned long long)vmcs_readl(VMCS_GUEST_RSP),
		   (unsigned long long)vmcs_readl(VMCS_GUEST_RFLAGS),
		   vmcs_read16(VMCS_GUEST_CS_SEL), vmcs_read16(VMCS_GUEST_SS_SEL));
	log_printf("  vmcs: cr0 %016llx cr3 %016llx cr4 %016llx efer %llx\n",
		   (unsigned long long)vmcs_readl(VMCS_GUEST_CR0),
		   (unsigned long long)vmcs_readl(VMCS_GUEST_CR3),
		   (unsigned long long)vmcs_readl(VMCS_GUEST_CR4),
		   (unsigned long long)vmcs_read64(VMCS_GUEST_IA32_EFER));
	log_printf("  vmcs: exit reason %u qualification %llx gpa %llx intr-info %x insn-len %u\n",
		   vmcs_read32(VMCS_EXIT_REASON),
		   (unsigned long long)vmcs_readl(VMCS_EXIT_QUALIFICATION),
		   (unsigned long long)vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS),
		   vmcs_read32(VMCS_EXIT_INTR_INFO), vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN));
}
