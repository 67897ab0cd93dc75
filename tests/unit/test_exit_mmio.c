/* units: vmm/vcpu/mmio.c vmm/emul/decode.c vmm/emul/gwalk.c vmm/vcpu/helpers.c vmm/vcpu/smp.c vmm/dev/ipi_route.c ept/ept.c ept/pool.c lib/fmt.c vmm/dev/platform.c arch/x86_64/tsc_freq.c vmm/dev/vioapic.c vmm/dev/acpi_guest.c vmm/dev/vuart.c vmm/dev/vpic.c vmm/dev/vpit.c vmm/dev/vrtc.c vmm/dev/fwcfg.c vmm/dev/vlapic.c vmm/dev/vpm.c vmm/dev/virtio_net.c tests/unit/fake_vmcs.c tests/unit/fake_cpu.c tests/unit/vcpu_fixture.c lib/regdump.c */
/*
 * MMIO emulation (vmm/vcpu/mmio.c) of the xAPIC page: the instruction is
 * fetched from the fixture's guest RAM (paging off, or through 4-level
 * page tables built here), decoded, and done against the real vlapic --
 * reads into registers, writes from registers and immediates, OR with
 * its flags, RIP moved by the decoded length.  The refusals end the
 * guest: an instruction the decoder does not take, a REP prefix, an
 * instruction that cannot be fetched.  Outside the APIC page, or with
 * the APIC not in xAPIC mode, the access is not a device's.  A virtio-net
 * window (0xfeb00000 + n * 0x1000) answers only for the partition's
 * devices, its registers in the first 0x200 bytes, the rest floating.
 */
#include "exit_checks.h"
#include "host_log.h"
#include "vmm/vcpu/mmio.h"
#include "vmm/net/net.h"

#define RAM      MIB(2)
#define APIC     0xfee00000ull
#define RFLAGS_ZF (1ull << 6)
#define RFLAGS_PF (1ull << 2)
#define RFLAGS_CF (1ull << 0)

static uint64_t rip(void) { return fake_vmcs_get(VMCS_GUEST_RIP); }
static struct vlapic *lapic(void) { return &fx_part.vcpus[0].lapic; }

/* The guest's instruction at FX_RIP. */
static void code(const uint8_t *bytes, size_t n)
{
	fx_write(FX_RIP, bytes, n);
}

/* A 32-bit guest, paging off. */
static void setup_flat32(void)
{
	fx_setup(RAM);
	fx_protected_mode();
}

/* A 64-bit guest: PML4 at FX_CR3 -> PDPT -> PD mapping 0-2 MiB with one
 * 2 MiB page, identity. */
static void setup_long_mode(void)
{
	uint64_t pml4e = 0x2000 | 3, pdpte = 0x3000 | 3, pde = 0 | 0x83;

	fx_setup(RAM);
	fx_write(FX_CR3, &pml4e, 8);
	fx_write(0x2000, &pdpte, 8);
	fx_write(0x3000, &pde, 8);
}

static void test_read_32bit(void)
{
	static const uint8_t insn[] = { 0xa1, 0x30, 0x00, 0xe0, 0xfe };   /* mov 0xfee00030, %eax */

	setup_flat32();
	code(insn, sizeof(insn));
	fx_vcpu->regs.rax = 0xdeadbeef;
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC + 0x30)), EXIT_HANDLED);
	CHECK_EQ((uint32_t)fx_vcpu->regs.rax, VLAPIC_VERSION);
	CHECK_EQ(rip(), FX_RIP + sizeof(insn));
	CHECK_EQ(fx_injected_vector(NULL), -1);
}

static void test_write_32bit(void)
{
	static const uint8_t insn[] = { 0x89, 0x0d, 0x80, 0x00, 0xe0, 0xfe };   /* mov %ecx, 0xfee00080 */

	setup_flat32();
	code(insn, sizeof(insn));
	fx_vcpu->regs.rcx = 0x20;
	fx_part.platform.dirty = false;
	fx_part.platform.next_event = UINT64_MAX;
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC + 0x80)), EXIT_HANDLED);
	CHECK_EQ(lapic()->tpr, 0x20);
	/* the TPR may unmask a vector: the next entry looks, the devices stay */
	CHECK_EQ(fx_part.platform.next_event, 0);
	CHECK(!fx_part.platform.dirty);
	CHECK_EQ(rip(), FX_RIP + sizeof(insn));
	CHECK_EQ(fx_vcpu->regs.rcx, 0x20);
}

/* 64-bit code, fetched through the guest's page tables: an EOI. */
static void test_write_64bit_through_page_tables(void)
{
	static const uint8_t insn[] = { 0x89, 0x83, 0xb0, 0x00, 0x00, 0x00 };   /* mov %eax, 0xb0(%rbx) */

	setup_long_mode();
	code(insn, sizeof(insn));
	vlapic_accept_irq(lapic(), 0x40, false);
	vlapic_ack(lapic(), 0x40);
	CHECK(lapic()->isr[2] & 1);
	fx_vcpu->regs.rbx = APIC;
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC + 0xb0)), EXIT_HANDLED);
	CHECK_EQ(lapic()->isr[2] & 1, 0);           /* EOI retired the vector */
	CHECK_EQ(rip(), FX_RIP + sizeof(insn));
}

/* A read into RSP goes to the VMCS; an immediate store needs no register. */
static void test_rsp_and_immediate(void)
{
	static const uint8_t rd[] = { 0x48, 0x8b, 0x63, 0x30 };   /* mov 0x30(%rbx), %rsp */
	static const uint8_t imm[] = { 0xc7, 0x83, 0x80, 0x00, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00 };   /* movl $0x30, 0x80(%rbx) */

	setup_long_mode();
	code(rd, sizeof(rd));
	fx_vcpu->regs.rbx = APIC;
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC + 0x30)), EXIT_HANDLED);
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RSP), VLAPIC_VERSION);   /* 32-bit register, zero-extended */
	CHECK_EQ(rip(), FX_RIP + sizeof(rd));

	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	code(imm, sizeof(imm));
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC + 0x80)), EXIT_HANDLED);
	CHECK_EQ(lapic()->tpr, 0x30);
	CHECK_EQ(rip(), FX_RIP + sizeof(imm));
}

static void test_xchg(void)
{
	static const uint8_t insn[] = { 0x87, 0x05, 0x80, 0x00, 0xe0, 0xfe };   /* xchg %eax, 0xfee00080 */

	setup_flat32();
	code(insn, sizeof(insn));
	vlapic_mmio_write(lapic(), VLAPIC_REG_TPR, 0x10);
	fx_vcpu->regs.rax = 0x20;
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC + 0x80)), EXIT_HANDLED);
	CHECK_EQ(lapic()->tpr, 0x20);
	CHECK_EQ(fx_vcpu->regs.rax, 0x10);
	CHECK_EQ(rip(), FX_RIP + sizeof(insn));
}

static void test_or_sets_flags(void)
{
	static const uint8_t insn[] = { 0x09, 0x05, 0x50, 0x03, 0xe0, 0xfe };   /* or %eax, 0xfee00350 */

	setup_flat32();
	code(insn, sizeof(insn));
	uint32_t lint0 = lapic()->lvt[VLAPIC_LVT_LINT0];
	fake_vmcs_set(VMCS_GUEST_RFLAGS, 0x2 | RFLAGS_IF | RFLAGS_ZF | RFLAGS_CF);
	fx_vcpu->regs.rax = VLAPIC_LVT_MASKED;
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC + 0x350)), EXIT_HANDLED);
	CHECK_EQ(lapic()->lvt[VLAPIC_LVT_LINT0], lint0 | VLAPIC_LVT_MASKED);
	uint64_t fl = fake_vmcs_get(VMCS_GUEST_RFLAGS);
	CHECK(!(fl & RFLAGS_ZF) && !(fl & RFLAGS_CF));
	CHECK(fl & RFLAGS_IF);
	CHECK_EQ(fx_vcpu->regs.rax, VLAPIC_LVT_MASKED);   /* OR leaves its source alone */
}

/* The emulated instruction retires like any other: the STI or MOV-SS
 * interrupt shadow it was in ends with it (SDM Vol. 3C 25.4.2). */
static void test_interrupt_shadow_ends(void)
{
	static const uint8_t insn[] = { 0x89, 0x0d, 0x80, 0x00, 0xe0, 0xfe };   /* mov %ecx, 0xfee00080 */
	uint32_t blocking[] = { VMX_INTERRUPTIBILITY_STI, VMX_INTERRUPTIBILITY_MOV_SS };

	for (unsigned i = 0; i < ARRAY_SIZE(blocking); i++) {
		setup_flat32();
		code(insn, sizeof(insn));
		fake_vmcs_set(VMCS_GUEST_INTERRUPTIBILITY, blocking[i] | VMX_INTERRUPTIBILITY_NMI);
		CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC + 0x80)), EXIT_HANDLED);
		CHECK_EQ(rip(), FX_RIP + sizeof(insn));
		CHECK_EQ(fake_vmcs_get(VMCS_GUEST_INTERRUPTIBILITY), VMX_INTERRUPTIBILITY_NMI);
	}
}

static void check_killed(enum exit_result r, const char *why)
{
	CHECK_EQ(r, EXIT_GUEST_ENDED);
	CHECK_STR_CONTAINS(fx_part.end_reason, "killed: MMIO at gpa 0xfee00080: ");
	CHECK_STR_CONTAINS(fx_part.end_reason, why);
	CHECK_EQ(rip(), FX_RIP);
	CHECK_EQ(lapic()->tpr, 0);                 /* nothing reached the device */
}

static void test_unsupported_instruction(void)
{
	static const uint8_t add[] = { 0x01, 0x05, 0x80, 0x00, 0xe0, 0xfe };    /* add %eax, 0xfee00080 */
	static const uint8_t rep[] = { 0xf3, 0xa5 };                            /* rep movsl */

	setup_flat32();
	code(add, sizeof(add));
	fx_vcpu->regs.rax = 0x20;
	check_killed(mmio_exit(fx_vcpu, GPA(APIC + 0x80)), "unsupported instruction 0x1 (unsupported opcode)");
	setup_flat32();
	code(rep, sizeof(rep));
	check_killed(mmio_exit(fx_vcpu, GPA(APIC + 0x80)), "(REP/REPNE prefix)");
}

static void test_fetch_fails(void)
{
	/* paging off, RIP outside RAM */
	setup_flat32();
	fake_vmcs_set(VMCS_GUEST_RIP, RAM + 0x1000);
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC + 0x80)), EXIT_GUEST_ENDED);
	CHECK(strcmp(fx_part.end_reason, "killed: MMIO at gpa 0xfee00080: cannot fetch the instruction") == 0);
	CHECK_EQ(rip(), RAM + 0x1000);

	/* 64-bit, RIP not mapped by the guest's page tables */
	setup_long_mode();
	fake_vmcs_set(VMCS_GUEST_RIP, 0x40000000);
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC + 0x80)), EXIT_GUEST_ENDED);
	CHECK_STR_CONTAINS(fx_part.end_reason, "cannot fetch the instruction");
}

/* An instruction that ends right where RAM ends is fetched short. */
static void test_fetch_at_end_of_ram(void)
{
	static const uint8_t insn[] = { 0xa1, 0x30, 0x00, 0xe0, 0xfe };

	setup_flat32();
	fx_write(RAM - sizeof(insn), insn, sizeof(insn));
	fake_vmcs_set(VMCS_GUEST_RIP, RAM - sizeof(insn));
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC + 0x30)), EXIT_HANDLED);
	CHECK_EQ((uint32_t)fx_vcpu->regs.rax, VLAPIC_VERSION);
	CHECK_EQ(rip(), RAM);
}

static void test_not_a_device(void)
{
	setup_flat32();
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC + PAGE_SIZE)), EXIT_UNHANDLED);
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC - 4)), EXIT_UNHANDLED);
	CHECK_EQ(fx_part.end_reason[0], 0);
	CHECK_EQ(rip(), FX_RIP);
}

/* With the APIC off (x2APIC mode, or globally disabled) nothing answers
 * at its page: reads give all ones, writes are dropped, the guest goes
 * on (SDM Vol. 3A 11.4.3, 11.12.1.2). */
static void test_apic_page_with_the_apic_off(void)
{
	static const uint8_t rd[] = { 0xa1, 0x30, 0x00, 0xe0, 0xfe };   /* mov 0xfee00030, %eax */
	static const uint8_t wr[] = { 0xa3, 0x80, 0x00, 0xe0, 0xfe };   /* mov %eax, 0xfee00080 */
	const uint64_t bases[] = { APIC | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD | VLAPIC_BASE_BSP,
				   APIC | VLAPIC_BASE_BSP };

	for (int i = 0; i < 2; i++) {
		setup_flat32();
		CHECK_EQ(vlapic_set_base(lapic(), bases[i]), 0);
		code(rd, sizeof(rd));
		fx_vcpu->regs.rax = 0x1234;
		CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC + 0x30)), EXIT_HANDLED);
		CHECK_EQ(fx_vcpu->regs.rax, 0xffffffffull);
		CHECK_EQ(rip(), FX_RIP + sizeof(rd));
		fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
		code(wr, sizeof(wr));
		fx_vcpu->regs.rax = 0xf0;
		CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC + 0x80)), EXIT_HANDLED);
		CHECK_EQ(lapic()->tpr, 0u);                 /* nothing reached the APIC */
		CHECK_EQ(fx_part.end_reason[0], 0);
	}
	/* enabled again: the APIC is back, its registers reset (11.4.3) */
	CHECK_EQ(vlapic_set_base(lapic(), APIC | VLAPIC_BASE_EN | VLAPIC_BASE_BSP), 0);
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	code(rd, sizeof(rd));
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(APIC + 0x30)), EXIT_HANDLED);
	CHECK_EQ((uint32_t)fx_vcpu->regs.rax, VLAPIC_VERSION);
}

static struct net_dev vnet0;

static void test_virtio_window(void)
{
	static const uint8_t rd_magic[] = { 0xa1, 0x00, 0x00, 0xb0, 0xfe };        /* mov 0xfeb00000, %eax */
	static const uint8_t rd_past[] = { 0xa1, 0x00, 0x03, 0xb0, 0xfe };         /* mov 0xfeb00300, %eax */
	static const uint8_t wr_status[] = { 0x89, 0x0d, 0x70, 0x00, 0xb0, 0xfe }; /* mov %ecx, 0xfeb00070 */

	setup_flat32();
	/* no device: nothing there */
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(0xfeb00000)), EXIT_UNHANDLED);

	vnet_init(&vnet0.vnet, &(struct vnet_config){ .mac = { 0x52, 0x54, 0, 1, 0, 1 } });
	fx_part.net[0] = &vnet0;
	fx_part.nnets = 1;
	code(rd_magic, sizeof(rd_magic));
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(0xfeb00000)), EXIT_HANDLED);
	CHECK_EQ((uint32_t)fx_vcpu->regs.rax, VNET_MAGIC);
	CHECK_EQ(rip(), FX_RIP + sizeof(rd_magic));

	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	code(rd_past, sizeof(rd_past));
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(0xfeb00300)), EXIT_HANDLED);
	CHECK_EQ((uint32_t)fx_vcpu->regs.rax, 0xffffffffu);

	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	code(wr_status, sizeof(wr_status));
	fx_vcpu->regs.rcx = VNET_S_ACKNOWLEDGE;
	fx_part.platform.dirty = false;
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(0xfeb00070)), EXIT_HANDLED);
	CHECK_EQ(vnet0.vnet.status, VNET_S_ACKNOWLEDGE);
	CHECK(fx_part.platform.dirty);              /* its line may have changed */

	/* net1's window, with one device only: nothing there */
	CHECK_EQ(mmio_exit(fx_vcpu, GPA(0xfeb01000)), EXIT_UNHANDLED);
	fx_part.net[0] = NULL;
	fx_part.nnets = 0;
}

int main(void)
{
	RUN(test_read_32bit);
	RUN(test_write_32bit);
	RUN(test_write_64bit_through_page_tables);
	RUN(test_rsp_and_immediate);
	RUN(test_xchg);
	RUN(test_or_sets_flags);
	RUN(test_interrupt_shadow_ends);
	RUN(test_unsupported_instruction);
	RUN(test_fetch_fails);
	RUN(test_fetch_at_end_of_ram);
	RUN(test_not_a_device);
	RUN(test_apic_page_with_the_apic_off);
	RUN(test_virtio_window);
	return check_summary();
}
