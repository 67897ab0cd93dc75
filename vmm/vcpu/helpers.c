/* The vCPU helpers every exit handler uses (see helpers.h). */
#include "vmm/vcpu/helpers.h"
#include "vmm/partition.h"
#include "ept/guest_ram.h"
#include "vmm/vcpu/smp.h"
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmcs.h"
#include "lib/regdump.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/memlayout.h"
#include "lib/fmt.h"
#include "hv/log.h"
#include "hv/string.h"

/* Host address of guest RAM bytes [gpa, gpa+len) within one page, mapping it first. */
static void *guest_page(struct partition *p, gpa_t gpa, uint64_t len)
{
	if (!guest_ram_contains(p->ram_size, gpa, len))
		return NULL;
	partition_ept_lock(p);
	enum ept_result r = ept_populate(&p->ept, gpa);
	partition_ept_unlock(p);
	if (r != EPT_MAPPED && r != EPT_SPURIOUS)
		return NULL;
	return phys_to_virt(guest_ram_hpa(p->base, p->ram_size, gpa));
}

/* All of [gpa, gpa+len) must be RAM, in one range: a copy that would run
 * into the hole below 4 GiB or past the end fails before it starts. */
static bool guest_copy(struct partition *p, gpa_t gpa, void *buf, uint64_t len, bool to_guest)
{
	if (len && !guest_ram_contains(p->ram_size, gpa, len))
		return false;
	while (len) {
		uint64_t n = MIN(len, PAGE_SIZE - (gpa.v & (PAGE_SIZE - 1)));
		uint8_t *h = guest_page(p, gpa, n);
		if (!h)
			return false;
		if (to_guest)
			memcpy(h, buf, n);
		else
			memcpy(buf, h, n);
		gpa.v += n;
		buf = (uint8_t *)buf + n;
		len -= n;
	}
	return true;
}

bool guest_read(struct partition *p, gpa_t gpa, void *dst, uint64_t len)
{
	return guest_copy(p, gpa, dst, len, false);
}

bool guest_write(struct partition *p, gpa_t gpa, const void *src, uint64_t len)
{
	return guest_copy(p, gpa, (void *)src, len, true);
}

#define GPR_RSP 4

/* Where register n is saved in struct guest_regs (RSP is in the VMCS). */
static const uint8_t gpr_offset[16] = {
	offsetof(struct guest_regs, rax), offsetof(struct guest_regs, rcx),
	offsetof(struct guest_regs, rdx), offsetof(struct guest_regs, rbx), 0,
	offsetof(struct guest_regs, rbp), offsetof(struct guest_regs, rsi),
	offsetof(struct guest_regs, rdi), offsetof(struct guest_regs, r8),
	offsetof(struct guest_regs, r9), offsetof(struct guest_regs, r10),
	offsetof(struct guest_regs, r11), offsetof(struct guest_regs, r12),
	offsetof(struct guest_regs, r13), offsetof(struct guest_regs, r14),
	offsetof(struct guest_regs, r15),
};

uint64_t vcpu_gpr_read(const struct vcpu *v, unsigned n)
{
	n &= 15;
	if (n == GPR_RSP)
		return vmcs_readl(VMCS_GUEST_RSP);
	return *(const uint64_t *)((const uint8_t *)&v->regs + gpr_offset[n]);
}

void vcpu_gpr_write(struct vcpu *v, unsigned n, uint64_t val)
{
	n &= 15;
	if (n == GPR_RSP)
		vmcs_writel(VMCS_GUEST_RSP, val);
	else
		*(uint64_t *)((uint8_t *)&v->regs + gpr_offset[n]) = val;
}

void vcpu_gprs_read(const struct vcpu *v, uint64_t gpr[16])
{
	for (unsigned n = 0; n < 16; n++)
		gpr[n] = vcpu_gpr_read(v, n);
}

void vcpu_dump(const struct vcpu *v)
{
	uint64_t gpr[16];

	vmcs_dump();
	vcpu_gprs_read(v, gpr);
	log_gprs("  regs: ", gpr);
}

uint64_t vcpu_guest_cr0(struct vcpu *v)
{
	uint64_t mask = vmcs_readl(VMCS_CR0_GUEST_HOST_MASK);

	return (vmcs_readl(VMCS_GUEST_CR0) & ~mask) | (vmcs_readl(VMCS_CR0_READ_SHADOW) & mask);
}

uint64_t vcpu_guest_cr4(struct vcpu *v)
{
	uint64_t mask = vmcs_readl(VMCS_CR4_GUEST_HOST_MASK);

	return (vmcs_readl(VMCS_GUEST_CR4) & ~mask) | (vmcs_readl(VMCS_CR4_READ_SHADOW) & mask);
}

void vcpu_retire_instruction(struct vcpu *v, uint64_t len)
{
	vmcs_writel(VMCS_GUEST_RIP, vmcs_readl(VMCS_GUEST_RIP) + len);
	/* the instruction retired: STI/MOV SS blocking ends with it */
	uint32_t intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	if (intr & 3)
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, intr & ~3u);
}

void vcpu_lapic_changed(struct vcpu *v)
{
	/* only the boot vCPU keeps the partition's fast-path state; the
	 * others look at their local APIC on every entry */
	if (v->id == 0)
		v->part->platform.next_event = 0;
}

void vcpu_skip_instruction(struct vcpu *v)
{
	vcpu_retire_instruction(v, vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN));
}

void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error)
{
	/* real mode pushes no error code, and VM entry refuses one there
	 * (SDM Vol. 3C 26.2.1.3): an unrestricted guest with CR0.PE = 0 */
	if (!(vcpu_guest_cr0(v) & CR0_PE))
		has_error = false;
	uint32_t info = vector | (VMX_INTR_TYPE_HW_EXCEPTION << VMX_INTR_INFO_TYPE_SHIFT) |
			VMX_INTR_INFO_VALID | (has_error ? VMX_INTR_INFO_ERROR_CODE : 0);

	if (has_error)
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE, error);
	vmcs_write32(VMCS_ENTRY_INTR_INFO, info);
}

void guest_end(struct vcpu *v, const char *kind, const char *fmt, ...)
{
	struct partition *p = v->part;
	va_list ap;
	size_t n = 0;

	/* the first vCPU to end the partition gives the reason */
	if (p->nvcpus > 1 && __atomic_exchange_n(&p->ended, true, __ATOMIC_ACQ_REL))
		return;
	p->killed = strcmp(kind, "killed") == 0;
	fmt_append(p->end_reason, sizeof(p->end_reason), &n, "%s: ", kind);
	va_start(ap, fmt);
	fmt_vappend(p->end_reason, sizeof(p->end_reason), &n, fmt, ap);
	va_end(ap);
	if (p->platform.uart.line_len)
		vuart_flush(&p->platform.uart);
	log_printf("hv: guest %s: %s\n", p->name, p->end_reason);
	if (p->nvcpus > 1)
		vcpu_stop_partition(v);
}
