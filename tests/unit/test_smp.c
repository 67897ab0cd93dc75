/* units: vmm/vcpu/smp.c vmm/dev/ipi_route.c vmm/vcpu/inject.c vmm/vcpu/cpuid.c vmm/vcpu/msr.c vmm/vcpu/helpers.c ept/ept.c ept/pool.c lib/fmt.c vmm/dev/platform.c arch/x86_64/tsc_freq.c vmm/dev/vioapic.c vmm/dev/acpi_guest.c drivers/acpi.c vmm/dev/vuart.c vmm/dev/vpic.c vmm/dev/vpit.c vmm/dev/vrtc.c vmm/dev/fwcfg.c vmm/dev/vlapic.c vmm/dev/vpm.c vmm/dev/virtio_net.c vmm/net/net.c vmm/net/switch.c tests/unit/fake_vmcs.c tests/unit/fake_cpu.c tests/unit/vcpu_fixture.c lib/regdump.c */
/*
 * Partitions with several vCPUs, on the host: interrupt-message routing
 * among local APICs (vmm/dev/ipi_route.c), IPIs written to a vCPU's ICR
 * reaching the others' mailboxes and host CPUs (vmm/vcpu/smp.c), the
 * INIT / STARTUP rules a vCPU applies when it takes its mail, NMIs,
 * stopping a partition, EPT invalidation on every CPU, and what CPUID
 * and the firmware tables tell the guest about N vCPUs.
 */
#include "exit_checks.h"
#include "vmm/vcpu/exit.h"
#include "vmm/vcpu/inject.h"
#include "vmm/vcpu/smp.h"
#include "vmm/vcpu/mailbox.h"
#include "vmm/dev/ipi_route.h"
#include "vmm/vmx/vmx_caps.h"
#include "drivers/acpi.h"
#include "vmm/dev/acpi_guest.h"

#define NV 3                    /* vCPUs in the partition under test */

static const unsigned host_cpu[NV] = { FX_CPU, 5, 6 };

/* fx_part with NV vCPUs on host CPUs host_cpu[], every APIC enabled. */
static void setup(void)
{
	fx_setup(MIB(2));
	fx_part.nvcpus = NV;
	for (int i = 0; i < NV; i++) {
		struct vcpu *v = &fx_part.vcpus[i];
		v->part = &fx_part;
		v->id = i;
		v->cpu = host_cpu[i];
		v->mode = i ? VCPU_WAIT_SIPI : VCPU_RUN;
		platform_lapic_reset(&v->lapic, (unsigned)i, vcpu_send_ipi, vcpu_level_eoi, vcpu_lapic_clock, v);
		vlapic_mmio_write(&v->lapic, VLAPIC_REG_SVR, 0x1ff);   /* software-enabled */
	}
	fake_kicks = 0;
	fake_kicked = 0;
}

static struct vlapic *lapic(int i) { return &fx_part.vcpus[i].lapic; }

/* vCPU `from` writes its xAPIC ICR: destination field then low word. */
static void send(int from, uint8_t dest, uint32_t low)
{
	vlapic_mmio_write(lapic(from), VLAPIC_REG_ICR_HI, (uint32_t)dest << 24);
	vlapic_mmio_write(lapic(from), VLAPIC_REG_ICR_LO, low);
}

static bool posted(int i, uint8_t vec)
{
	return fx_part.vcpus[i].mbox.fixed[vec / 32] & (1u << (vec % 32));
}

static uint32_t route(int sender, uint32_t dest, uint32_t low)
{
	struct vlapic *l[NV] = { lapic(0), lapic(1), lapic(2) };

	return ipi_route(l, NV, sender, dest, low);
}

/* ---- routing ------------------------------------------------------------- */

static void test_route_physical_and_broadcast(void)
{
	setup();
	CHECK_EQ(route(0, 2, 0x40), 1u << 2);
	CHECK_EQ(route(0, 1, 0x40), 1u << 1);
	CHECK_EQ(route(0, 7, 0x40), 0u);                 /* nobody has APIC id 7 */
	CHECK_EQ(route(0, 0xff, 0x40), 0x6u);            /* broadcast, less the sender */
	CHECK_EQ(route(1, 0, VLAPIC_ICR_SH_OTHERS | 0x40), 0x5u);
	CHECK_EQ(route(1, 0, VLAPIC_ICR_SH_ALL | 0x40), 0x5u);   /* the sender took its own */
	CHECK_EQ(route(1, 0, VLAPIC_ICR_SH_SELF | 0x40), 0u);
	/* an NMI or INIT to all includes the sender: nothing accepted it yet */
	CHECK_EQ(route(1, 0, VLAPIC_ICR_SH_ALL | (VLAPIC_DM_NMI << 8)), 0x7u);
	CHECK_EQ(route(1, 0, VLAPIC_ICR_SH_SELF | (VLAPIC_DM_NMI << 8)), 0x2u);
}

static void test_route_logical(void)
{
	setup();
	/* flat model: one bit per CPU */
	for (int i = 0; i < NV; i++)
		vlapic_mmio_write(lapic(i), VLAPIC_REG_LDR, (1u << i) << 24);
	CHECK_EQ(route(0, 0x06, VLAPIC_ICR_LOGICAL | 0x40), 0x6u);
	CHECK_EQ(route(0, 0x04, VLAPIC_ICR_LOGICAL | 0x40), 0x4u);
	CHECK_EQ(route(0, 0x08, VLAPIC_ICR_LOGICAL | 0x40), 0u);
	/* cluster model: cluster in bits 7:4, members in bits 3:0 */
	for (int i = 0; i < NV; i++) {
		vlapic_mmio_write(lapic(i), VLAPIC_REG_DFR, 0x0fffffff);
		vlapic_mmio_write(lapic(i), VLAPIC_REG_LDR, (i == 2 ? 0x21u : 0x10u | (1u << i)) << 24);
	}
	CHECK_EQ(route(0, 0x13, VLAPIC_ICR_LOGICAL | 0x40), 0x2u);   /* cluster 1: 0 (sender), 1 */
	CHECK_EQ(route(0, 0x21, VLAPIC_ICR_LOGICAL | 0x40), 0x4u);
	CHECK_EQ(route(1, 0x11, VLAPIC_ICR_LOGICAL | 0x40), 0x1u);
}

static void test_route_lowest_priority_picks_one(void)
{
	setup();
	CHECK_EQ(route(0, 0xff, (VLAPIC_DM_LOWEST << 8) | 0x40), 0x2u);
	CHECK_EQ(route(2, 0xff, (VLAPIC_DM_LOWEST << 8) | 0x40), 0x1u);
}

static void test_route_x2apic_and_disabled(void)
{
	setup();
	for (int i = 0; i < NV; i++)
		CHECK_EQ(vlapic_set_base(lapic(i), VLAPIC_BASE_ADDR | VLAPIC_BASE_EN | VLAPIC_BASE_EXTD |
					 (i ? 0 : VLAPIC_BASE_BSP)), 0);
	CHECK_EQ(route(0, 2, 0x40), 1u << 2);
	CHECK_EQ(route(0, 0xffffffffu, 0x40), 0x6u);
	CHECK_EQ(route(0, 0x102, 0x40), 0u);            /* x2APIC ids are 32 bits */
	/* a globally disabled local APIC takes no message */
	CHECK_EQ(vlapic_set_base(lapic(2), VLAPIC_BASE_ADDR), 0);
	CHECK_EQ(route(0, 0xffffffffu, 0x40), 0x2u);
}

/* ---- IPIs through the ICR, the mailbox and the kick ------------------------ */

static void test_fixed_ipi_reaches_the_target(void)
{
	setup();
	send(0, 2, 0x41);
	CHECK(posted(2, 0x41));
	CHECK(!posted(1, 0x41));
	CHECK(!posted(0, 0x41));
	CHECK_EQ(fake_kicked, 1u << host_cpu[2]);
	CHECK(mbox_has_mail(&fx_part.vcpus[2].mbox));
	/* the target's CPU takes it into its own local APIC */
	vcpu_take_mail(&fx_part.vcpus[2]);
	CHECK(!mbox_has_mail(&fx_part.vcpus[2].mbox));
	CHECK(!posted(2, 0x41));
	CHECK_EQ(vlapic_pending_vector(lapic(2)), 0x41);
	/* delivery status reads idle at once */
	CHECK_EQ(vlapic_mmio_read(lapic(0), VLAPIC_REG_ICR_LO) & (1u << 12), 0u);
}

static void test_ipi_to_all_others_and_self(void)
{
	setup();
	send(1, 0, VLAPIC_ICR_SH_ALL | 0x50);
	CHECK(posted(0, 0x50));
	CHECK(posted(2, 0x50));
	CHECK(!posted(1, 0x50));
	CHECK_EQ(vlapic_pending_vector(lapic(1)), 0x50);   /* the sender's own share */
	CHECK_EQ(fake_kicked, (1u << host_cpu[0]) | (1u << host_cpu[2]));
}

static void test_several_vectors_in_one_take(void)
{
	setup();
	send(0, 1, 0x30);
	send(0, 1, 0xe5);
	send(2, 1, 0x61);
	vcpu_take_mail(&fx_part.vcpus[1]);
	CHECK_EQ(vlapic_pending_vector(lapic(1)), 0xe5);
	vlapic_ack(lapic(1), 0xe5);
	vlapic_mmio_write(lapic(1), VLAPIC_REG_EOI, 0);
	CHECK_EQ(vlapic_pending_vector(lapic(1)), 0x61);
	vlapic_ack(lapic(1), 0x61);
	vlapic_mmio_write(lapic(1), VLAPIC_REG_EOI, 0);
	CHECK_EQ(vlapic_pending_vector(lapic(1)), 0x30);
}

/* ---- INIT and STARTUP ------------------------------------------------------ */

#define INIT_ASSERT   ((VLAPIC_DM_INIT << 8) | VLAPIC_ICR_LEVEL_ASSERT)
#define INIT_DEASSERT ((VLAPIC_DM_INIT << 8) | VLAPIC_ICR_TRIGGER_LEVEL)
#define SIPI(vec)     ((VLAPIC_DM_SIPI << 8) | (vec))

static void test_init_sipi_starts_a_waiting_vcpu(void)
{
	struct vcpu *ap = &fx_part.vcpus[1];

	setup();
	send(0, 1, INIT_ASSERT);
	CHECK_EQ(fake_kicked, 1u << host_cpu[1]);
	vcpu_take_mail(ap);
	CHECK(ap->init_pending);
	CHECK(mbox_has_mail(&ap->mbox));           /* kept up: the run loop must see the INIT */
	send(0, 1, INIT_DEASSERT);                 /* de-assert: nothing is posted */
	CHECK_EQ(ap->mbox.events, 0u);
	ap->init_pending = false;                  /* what the AP thread does with it */
	ap->mode = VCPU_WAIT_SIPI;
	send(0, 1, SIPI(0x08));
	vcpu_take_mail(ap);
	CHECK(ap->sipi_pending);
	CHECK_EQ(ap->sipi_vector, 0x08);
	CHECK(!ap->init_pending);
}

static void test_sipi_to_a_running_vcpu_is_ignored(void)
{
	struct vcpu *ap = &fx_part.vcpus[2];

	setup();
	ap->mode = VCPU_RUN;
	send(0, 2, SIPI(0x10));
	vcpu_take_mail(ap);
	CHECK(!ap->sipi_pending);
	/* parked (halted with interrupts off): a SIPI does not wake it either */
	ap->mode = VCPU_PARKED;
	send(0, 2, SIPI(0x10));
	vcpu_take_mail(ap);
	CHECK(!ap->sipi_pending);
	/* INIT then SIPI taken together: INIT first, so the SIPI counts */
	send(0, 2, INIT_ASSERT);
	send(0, 2, SIPI(0x11));
	vcpu_take_mail(ap);
	CHECK(ap->init_pending);
	CHECK(ap->sipi_pending);
	CHECK_EQ(ap->sipi_vector, 0x11);
}

/* An NMI to itself (the self shorthand) is delivered too. */
static void test_self_nmi(void)
{
	struct vcpu *v = &fx_part.vcpus[1];

	setup();
	send(1, 0, VLAPIC_ICR_SH_SELF | (VLAPIC_DM_NMI << 8));
	CHECK(mbox_has_mail(&v->mbox));
	vcpu_take_mail(v);
	CHECK(v->nmi_pending);
	CHECK(!mbox_has_mail(&fx_part.vcpus[0].mbox));
}

static void test_init_to_the_boot_vcpu_is_not_taken(void)
{
	struct vcpu *bsp = &fx_part.vcpus[0];

	setup();
	send(1, 0, INIT_ASSERT);
	vcpu_take_mail(bsp);
	CHECK(!bsp->init_pending);
}

static void test_nmi_ipi_is_injected_unless_blocked(void)
{
	struct vcpu *v = &fx_part.vcpus[0];

	setup();
	send(1, 0, VLAPIC_DM_NMI << 8);
	vcpu_take_mail(v);
	CHECK(v->nmi_pending);
	/* blocked by an NMI in service: stays pending, and the NMI window
	 * exit is asked for (virtual NMIs) */
	vmx_caps.virtual_nmis = true;
	fake_vmcs_set(VMCS_GUEST_INTERRUPTIBILITY, VMX_INTERRUPTIBILITY_NMI);
	vcpu_inject_interrupts(v, 0);
	CHECK(v->nmi_pending);
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO) & VMX_INTR_INFO_VALID, 0u);
	CHECK(fake_vmcs_get(VMCS_PROC_BASED_CTLS) & VMX_PROC_NMI_WINDOW_EXITING);
	fake_vmcs_set(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vcpu_inject_interrupts(v, 0);
	CHECK(!v->nmi_pending);
	CHECK(!(fake_vmcs_get(VMCS_PROC_BASED_CTLS) & VMX_PROC_NMI_WINDOW_EXITING));
	CHECK_EQ(fake_vmcs_get(VMCS_ENTRY_INTR_INFO),
		 X86_VEC_NMI | VMX_INTR_INFO_VALID | (VMX_INTR_TYPE_NMI << VMX_INTR_INFO_TYPE_SHIFT));
}

/* ---- stopping, EPT invalidation -------------------------------------------- */

static void test_stop_kicks_every_other_vcpu(void)
{
	setup();
	vcpu_stop_partition(&fx_part.vcpus[1]);
	CHECK(fx_part.stop);
	CHECK_EQ(fake_kicked, (1u << host_cpu[0]) | (1u << host_cpu[2]));
	/* the others find it in their mail, and the flag stays up after a take */
	CHECK(mbox_has_mail(&fx_part.vcpus[0].mbox));
	CHECK(mbox_has_mail(&fx_part.vcpus[2].mbox));
	CHECK(!mbox_has_mail(&fx_part.vcpus[1].mbox));
	vcpu_take_mail(&fx_part.vcpus[2]);
	CHECK(mbox_has_mail(&fx_part.vcpus[2].mbox));
}

static void test_ept_flush_reaches_every_cpu(void)
{
	setup();
	unsigned before = fake_invept_single_calls;
	vcpu_flush_ept_everywhere(&fx_part.vcpus[0]);
	CHECK_EQ(fake_kicked, (1u << host_cpu[1]) | (1u << host_cpu[2]));
	CHECK(mbox_has_mail(&fx_part.vcpus[1].mbox));
	vcpu_take_mail(&fx_part.vcpus[1]);         /* the mail does it */
	CHECK_EQ(fake_invept_single_calls, before + 1);
	before++;
	vcpu_sync_ept(&fx_part.vcpus[0]);          /* the one that flushed did it already */
	CHECK_EQ(fake_invept_single_calls, before);
	vcpu_sync_ept(&fx_part.vcpus[2]);
	CHECK_EQ(fake_invept_single_calls, before + 1);
	vcpu_sync_ept(&fx_part.vcpus[2]);          /* once only */
	CHECK_EQ(fake_invept_single_calls, before + 1);
}

/* ---- what the guest is told about N vCPUs ---------------------------------- */

static struct cpuid_regs guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub)
{
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	v->regs.rax = leaf;
	v->regs.rcx = sub;
	CHECK_EQ(exit_cpuid(v, 0), EXIT_HANDLED);
	return (struct cpuid_regs){ (uint32_t)v->regs.rax, (uint32_t)v->regs.rbx,
				    (uint32_t)v->regs.rcx, (uint32_t)v->regs.rdx };
}

static void test_cpuid_topology(void)
{
	setup();
	fake_cpuid_set(0, FAKE_CPUID_ANY_SUB, 0x1f, 0, 0, 0);
	fake_cpuid_set(1, FAKE_CPUID_ANY_SUB, 0x906ea, 0x12345678, 0, 0);
	fake_cpuid_set(4, FAKE_CPUID_ANY_SUB, 0xfc004121, 0, 0, 0);
	struct cpuid_regs r = guest_cpuid(&fx_part.vcpus[2], 1, 0);
	CHECK_EQ(r.ebx >> 24, 2u);                     /* its own APIC id */
	CHECK_EQ((r.ebx >> 16) & 0xff, 3u);            /* 3 logical processors */
	CHECK(r.edx & (1u << 28));                     /* HTT */
	CHECK_EQ(r.ebx & 0xffff, 0x5678u);
	r = guest_cpuid(&fx_part.vcpus[1], 4, 0);
	CHECK_EQ(r.eax >> 26, 2u);                     /* 3 cores */
	CHECK_EQ((r.eax >> 14) & 0xfff, 0u);           /* a cache per thread */
	CHECK_EQ(r.eax & 0x3ff, 0x121u);
	for (uint32_t leaf = 0xb; leaf <= 0x1f; leaf += 0x1f - 0xb) {
		r = guest_cpuid(&fx_part.vcpus[1], leaf, 0);
		CHECK_EQ(r.ebx, 1u);
		CHECK_EQ(r.ecx, 1u << 8);
		CHECK_EQ(r.edx, 1u);
		r = guest_cpuid(&fx_part.vcpus[1], leaf, 1);
		CHECK_EQ(r.eax, 2u);                    /* ceil(log2(3)) bits of core id */
		CHECK_EQ(r.ebx, 3u);
		CHECK_EQ(r.ecx, (2u << 8) | 1);
		CHECK_EQ(r.edx, 1u);
		r = guest_cpuid(&fx_part.vcpus[1], leaf, 2);
		CHECK_EQ(r.ebx, 0u);
		CHECK_EQ(r.ecx, 2u);
	}
	/* one vCPU: one logical processor, no HTT, no core level */
	fx_part.nvcpus = 1;
	r = guest_cpuid(&fx_part.vcpus[0], 1, 0);
	CHECK_EQ((r.ebx >> 16) & 0xff, 1u);
	CHECK(!(r.edx & (1u << 28)));
	r = guest_cpuid(&fx_part.vcpus[0], 0xb, 1);
	CHECK_EQ(r.ebx, 0u);
	r = guest_cpuid(&fx_part.vcpus[0], 4, 0);
	CHECK_EQ(r.eax >> 26, 0u);
}

static uint8_t tables[4096];

static const void *map_tables(uint64_t phys, size_t len)
{
	if (phys < PLATFORM_ACPI_GPA || phys + len > PLATFORM_ACPI_GPA + sizeof(tables))
		return NULL;
	return tables + (phys - PLATFORM_ACPI_GPA);
}

static void test_firmware_tables_list_every_vcpu(void)
{
	struct acpi_info info;

	/* one vCPU: no MADT (the 8259 stays behind LINT0) */
	size_t n = platform_firmware_tables(tables, sizeof(tables), 1, 0);
	CHECK(n > 0);
	CHECK_EQ(acpi_parse(tables, 36, map_tables, &info), ACPI_OK);
	CHECK(!info.has_madt);
	/* four: a MADT with local APIC ids 0..3 */
	n = platform_firmware_tables(tables, sizeof(tables), 4, 0);
	CHECK(n > 0);
	CHECK_EQ(acpi_parse(tables, 36, map_tables, &info), ACPI_OK);
	CHECK(info.has_madt);
	CHECK_EQ(info.ncpus, 4u);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(info.apic_ids[i], i);
	/* and the I/O APIC, with the PC's overrides */
	CHECK_EQ(info.nioapics, 1u);
	CHECK_EQ(info.ioapics[0].addr, (uint32_t)VIOAPIC_BASE);
	CHECK_EQ(info.ioapics[0].id, 4u);
	CHECK_EQ(info.ioapics[0].gsi_base, 0u);
	CHECK_EQ(info.nisos, 2u);
	CHECK_EQ(info.isos[0].irq, 0u);
	CHECK_EQ(info.isos[0].gsi, (uint32_t)PLATFORM_PIT_GSI);
	CHECK_EQ(info.isos[1].irq, ACPI_GUEST_SCI_IRQ);
	CHECK_EQ(info.isos[1].gsi, (uint32_t)ACPI_GUEST_SCI_IRQ);
	CHECK_EQ(info.isos[1].flags, 0xdu);             /* level, active high */
}

/* ---- the I/O APIC wired to the devices and the vCPUs ------------------------ */

static void ioapic_write(unsigned reg, uint32_t val)
{
	vioapic_mmio_write(&fx_part.platform.ioapic, VIOAPIC_IOREGSEL, reg);
	vioapic_mmio_write(&fx_part.platform.ioapic, VIOAPIC_IOWIN, val);
}

static uint32_t ioapic_read(unsigned reg)
{
	vioapic_mmio_write(&fx_part.platform.ioapic, VIOAPIC_IOREGSEL, reg);
	return vioapic_mmio_read(&fx_part.platform.ioapic, VIOAPIC_IOWIN);
}

/* COM1's interrupt line up (OUT2 and the THR-empty interrupt on) or down. */
static void uart_irq(bool up)
{
	vuart_write(&fx_part.platform.uart, 4, VUART_MCR_OUT2);
	vuart_write(&fx_part.platform.uart, 1, up ? VUART_IER_THRE : 0);
}

/* The platform as a boot of a 3-vCPU partition makes it. */
static void setup_platform(void)
{
	setup();
	platform_reset(&fx_part.platform, &(struct platform_config){
		.ram_size = MIB(2), .ncpus = NV,
		.ioapic_deliver = partition_ioapic_deliver, .ioapic_ctx = &fx_part });
}

static void test_uart_interrupt_reaches_the_vcpu_the_ioapic_names(void)
{
	struct vcpu *ap = &fx_part.vcpus[2];

	setup_platform();
	CHECK_EQ(ioapic_read(VIOAPIC_REG_ID) >> 24, (uint32_t)NV);   /* as the MADT says */
	/* COM1 (IRQ 4): level, vector 0x34, physical destination APIC 2 */
	ioapic_write(VIOAPIC_REG_RTE(4) + 1, 2u << 24);
	ioapic_write(VIOAPIC_REG_RTE(4), 0x34 | VIOAPIC_RTE_LEVEL);
	uart_irq(true);                               /* THR-empty interrupt on: the line is up */
	platform_update(&fx_part.platform, 0);
	CHECK(vuart_irq_line(&fx_part.platform.uart));
	CHECK(posted(2, 0x34));
	CHECK(!posted(0, 0x34) && !posted(1, 0x34));
	CHECK(fake_kicked & (1u << host_cpu[2]));
	vcpu_take_mail(ap);
	CHECK_EQ(vlapic_pending_vector(&ap->lapic), 0x34);
	vlapic_ack(&ap->lapic, 0x34);
	CHECK(ioapic_read(VIOAPIC_REG_RTE(4)) & VIOAPIC_RTE_REMOTE_IRR);
	/* no new message while remote IRR is set, however often it is sampled */
	platform_update(&fx_part.platform, 0);
	CHECK(!mbox_has_mail(&ap->mbox));
	/* the guest quiets the UART, then EOIs: remote IRR clears, nothing more */
	uart_irq(false);
	platform_update(&fx_part.platform, 0);
	vlapic_mmio_write(&ap->lapic, VLAPIC_REG_EOI, 0);
	CHECK(!(ioapic_read(VIOAPIC_REG_RTE(4)) & VIOAPIC_RTE_REMOTE_IRR));
	CHECK(!mbox_has_mail(&ap->mbox));
}

static void test_level_eoi_with_the_line_still_up_delivers_again(void)
{
	struct vcpu *bsp = &fx_part.vcpus[0];

	setup_platform();
	ioapic_write(VIOAPIC_REG_RTE(4) + 1, 0);
	ioapic_write(VIOAPIC_REG_RTE(4), 0x35 | VIOAPIC_RTE_LEVEL);
	uart_irq(true);
	platform_update(&fx_part.platform, 0);
	vcpu_take_mail(bsp);
	CHECK_EQ(vlapic_pending_vector(&bsp->lapic), 0x35);
	vlapic_ack(&bsp->lapic, 0x35);
	vlapic_mmio_write(&bsp->lapic, VLAPIC_REG_EOI, 0);   /* the line is still up */
	CHECK(posted(0, 0x35));
}

static void test_masked_pins_and_the_pit_pin(void)
{
	setup_platform();
	/* every pin is masked at reset: a device line reaches nobody */
	uart_irq(true);
	platform_update(&fx_part.platform, 0);
	for (int i = 0; i < NV; i++)
		CHECK(!mbox_has_mail(&fx_part.vcpus[i].mbox));
	/* the PIT is on pin 2, edge: one message per period, to all (logical 0xff) */
	ioapic_write(VIOAPIC_REG_RTE(PLATFORM_PIT_GSI) + 1, 0xffu << 24);
	ioapic_write(VIOAPIC_REG_RTE(PLATFORM_PIT_GSI), 0x30 | VIOAPIC_RTE_LOGICAL);
	for (int i = 0; i < NV; i++)
		vlapic_mmio_write(lapic(i), VLAPIC_REG_LDR, (1u << i) << 24);
	/* channel 0, mode 2, count 1000: out pulses every ~838 us */
	vpit_write(&fx_part.platform.pit, 3, 0x34);
	vpit_write(&fx_part.platform.pit, 0, 1000 & 0xff);
	vpit_write(&fx_part.platform.pit, 0, 1000 >> 8);
	fake_tsc += 2 * 1000 * 1000;                  /* 2 ms at 1 GHz */
	platform_update(&fx_part.platform, fake_tsc);
	for (int i = 0; i < NV; i++)
		CHECK(posted(i, 0x30));
}

int main(void)
{
	RUN(test_route_physical_and_broadcast);
	RUN(test_route_logical);
	RUN(test_route_lowest_priority_picks_one);
	RUN(test_route_x2apic_and_disabled);
	RUN(test_fixed_ipi_reaches_the_target);
	RUN(test_ipi_to_all_others_and_self);
	RUN(test_several_vectors_in_one_take);
	RUN(test_init_sipi_starts_a_waiting_vcpu);
	RUN(test_sipi_to_a_running_vcpu_is_ignored);
	RUN(test_init_to_the_boot_vcpu_is_not_taken);
	RUN(test_self_nmi);
	RUN(test_nmi_ipi_is_injected_unless_blocked);
	RUN(test_stop_kicks_every_other_vcpu);
	RUN(test_ept_flush_reaches_every_cpu);
	RUN(test_cpuid_topology);
	RUN(test_firmware_tables_list_every_vcpu);
	RUN(test_uart_interrupt_reaches_the_vcpu_the_ioapic_names);
	RUN(test_level_eoi_with_the_line_still_up_delivers_again);
	RUN(test_masked_pins_and_the_pit_pin);
	return 0;
}
