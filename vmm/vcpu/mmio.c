/*
 * MMIO emulation: an EPT violation on a device page (the local APIC's,
 * the I/O APIC's, the virtio-net windows)
 * is emulated by fetching the faulting instruction through the guest's
 * own page tables, decoding it, and doing its register side here.
 * Only the few instruction forms guests use on device registers are
 * decoded (vmm/emul/decode.c); anything else stops the guest with its opcode.
 */
#include "vmm/vcpu/mmio.h"
#include "vmm/vcpu/helpers.h"
#include "vmm/partition.h"
#include "vmm/net/net.h"
#include "vmm/vmx/vmx.h"
#include "vmm/emul/decode.h"
#include "vmm/emul/gwalk.h"
#include "arch/x86_64/cpu.h"
#include "hv/string.h"

#define AR_L (1u << 13)
#define AR_D (1u << 14)

static int read_gpa(void *ctx, gpa_t gpa, void *dst, size_t len)
{
	return guest_read(ctx, gpa, dst, len) ? 0 : -1;
}

static int fetch(struct vcpu *v, uint8_t *buf, size_t *len)
{
	struct gwalk_state st = {
		.cr0 = vmcs_readl(VMCS_GUEST_CR0), .cr3 = vmcs_readl(VMCS_GUEST_CR3),
		.cr4 = vmcs_readl(VMCS_GUEST_CR4), .efer = vmcs_read64(VMCS_GUEST_IA32_EFER),
	};
	uint64_t rip = vmcs_readl(VMCS_GUEST_CS_BASE) + vmcs_readl(VMCS_GUEST_RIP);

	/* the instruction may end before an unmapped page: try shorter reads */
	for (size_t n = 15; n > 0; n--) {
		if (gwalk_read(&st, rip, buf, n, read_gpa, v->part) == 0) {
			*len = n;
			return 0;
		}
	}
	return -1;
}

static void regs_in(struct vcpu *v, const uint64_t r[16])
{
	for (unsigned n = 0; n < 16; n++)
		vcpu_gpr_write(v, n, r[n]);
}

enum exit_result mmio_emulate(struct vcpu *v, gpa_t gpa, const struct mmio_device *dev)
{
	uint8_t insn[15];
	size_t n;
	struct decoded d;
	uint64_t regs[16];
	uint32_t ar = vmcs_read32(VMCS_GUEST_CS_AR);

	if (fetch(v, insn, &n) != 0) {
		guest_end(v, "killed", "MMIO at gpa 0x%llx: cannot fetch the instruction", (unsigned long long)gpa.v);
		return EXIT_GUEST_ENDED;
	}
	int err = decode_insn(insn, n, ar & AR_L, ar & AR_D, &d);
	if (err) {
		guest_end(v, "killed", "MMIO at gpa 0x%llx: unsupported instruction 0x%x (%s)",
			  (unsigned long long)gpa.v, d.opcode, decode_strerror(err));
		return EXIT_GUEST_ENDED;
	}
	vcpu_gprs_read(v, regs);
	uint64_t off = gpa.v - dev->base.v;
	if (d.kind == DEC_READ || d.kind == DEC_XCHG) {
		uint64_t old = dev->read(v, off, d.size);
		if (d.kind == DEC_XCHG)
			dev->write(v, off, d.size, decode_reg_read(regs, &d));
		decode_reg_write(regs, &d, old);
	} else if (d.kind == DEC_WRITE) {
		dev->write(v, off, d.size, decode_reg_read(regs, &d));
	} else {
		uint64_t cur = dev->read(v, off, d.size), src = decode_reg_read(regs, &d);
		uint64_t res = d.kind == DEC_OR ? cur | src : cur & src;
		dev->write(v, off, d.size, res);
		vmcs_writel(VMCS_GUEST_RFLAGS, decode_logic_flags(vmcs_readl(VMCS_GUEST_RFLAGS), &d, res));
	}
	regs_in(v, regs);
	vcpu_retire_instruction(v, d.length);
	return EXIT_HANDLED;
}

/* ---- the devices with MMIO pages: the local APIC, the I/O APIC ---------- */

static uint64_t lapic_mmio_read(struct vcpu *v, uint64_t off, unsigned size)
{
	return vlapic_mmio_read(&v->lapic, (uint32_t)off);
}

static void lapic_mmio_write(struct vcpu *v, uint64_t off, unsigned size, uint64_t val)
{
	vlapic_mmio_write(&v->lapic, (uint32_t)off, (uint32_t)val);
	vcpu_lapic_changed(v);
}

/* Where no device answers: reads float high, writes go nowhere. */
static uint64_t nothing_read(struct vcpu *v, uint64_t off, unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static void nothing_write(struct vcpu *v, uint64_t off, unsigned size, uint64_t val)
{
}

/* The I/O APIC is the partition's: under its device lock. */
static uint64_t ioapic_mmio_read(struct vcpu *v, uint64_t off, unsigned size)
{
	partition_dev_lock(v->part);
	uint32_t val = vioapic_mmio_read(&v->part->platform.ioapic, (uint32_t)off);
	partition_dev_unlock(v->part);
	return val;
}

static void ioapic_mmio_write(struct vcpu *v, uint64_t off, unsigned size, uint64_t val)
{
	partition_dev_lock(v->part);
	vioapic_mmio_write(&v->part->platform.ioapic, (uint32_t)off, (uint32_t)val);
	platform_touch(&v->part->platform);
	partition_dev_unlock(v->part);
}

/* A virtio-net window: the device is the partition's, under its device
 * lock; its transmit and receive paths take a switch lock inside. */
static struct vnet *vnet_at(struct vcpu *v, uint64_t off)
{
	unsigned n = (unsigned)(off / PLATFORM_VNET_STRIDE);

	return &v->part->net[n]->vnet;
}

static uint64_t vnet_window_read(struct vcpu *v, uint64_t off, unsigned size)
{
	uint32_t reg = (uint32_t)(off % PLATFORM_VNET_STRIDE);

	if (reg >= VNET_MMIO_SIZE || size > 4)    /* the rest of the page floats */
		return nothing_read(v, off, size);
	partition_dev_lock(v->part);
	uint32_t val = vnet_mmio_read(vnet_at(v, off), reg, size);
	partition_dev_unlock(v->part);
	return val;
}

static void vnet_window_write(struct vcpu *v, uint64_t off, unsigned size, uint64_t val)
{
	uint32_t reg = (uint32_t)(off % PLATFORM_VNET_STRIDE);

	if (reg >= VNET_MMIO_SIZE || size > 4)
		return;
	partition_dev_lock(v->part);
	vnet_mmio_write(vnet_at(v, off), reg, size, (uint32_t)val);
	platform_touch(&v->part->platform);
	partition_dev_unlock(v->part);
}

enum exit_result mmio_exit(struct vcpu *v, gpa_t gpa)
{
	struct vlapic *l = &v->lapic;
	struct mmio_device apic = { vlapic_mmio_base(l), lapic_mmio_read, lapic_mmio_write };
	struct mmio_device ioapic = { GPA(VIOAPIC_BASE), ioapic_mmio_read, ioapic_mmio_write };

	if (vlapic_mmio_enabled(l) && gpa.v >= apic.base.v && gpa.v < apic.base.v + PAGE_SIZE)
		return mmio_emulate(v, gpa, &apic);
	/* the APIC page with the APIC off (globally disabled, or x2APIC
	 * mode): nothing answers there, as on a PC */
	if (!vlapic_mmio_enabled(l) && gpa.v >= apic.base.v && gpa.v < apic.base.v + PAGE_SIZE)
		return mmio_emulate(v, gpa, &(struct mmio_device){ apic.base, nothing_read, nothing_write });
	if (gpa.v >= VIOAPIC_BASE && gpa.v < VIOAPIC_BASE + VIOAPIC_MMIO_SIZE)
		return mmio_emulate(v, gpa, &ioapic);
	if (gpa.v >= PLATFORM_VNET_BASE && gpa.v < PLATFORM_VNET_GPA(v->part->nnets))
		return mmio_emulate(v, gpa, &(struct mmio_device){ GPA(PLATFORM_VNET_BASE),
				    vnet_window_read, vnet_window_write });
	return EXIT_UNHANDLED;
}
