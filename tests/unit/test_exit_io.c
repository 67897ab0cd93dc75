/* units: vmm/vcpu/io.c vmm/vcpu/helpers.c vmm/vcpu/smp.c vmm/dev/ipi_route.c ept/ept.c ept/pool.c lib/fmt.c vmm/dev/platform.c arch/x86_64/tsc_freq.c vmm/dev/vioapic.c vmm/dev/acpi_guest.c vmm/dev/vuart.c vmm/dev/vpic.c vmm/dev/vpit.c vmm/dev/vrtc.c vmm/dev/fwcfg.c vmm/dev/vlapic.c vmm/dev/vpm.c vmm/dev/virtio_net.c tests/unit/fake_vmcs.c tests/unit/fake_cpu.c tests/unit/vcpu_fixture.c lib/regdump.c */
/*
 * Port I/O exits (vmm/vcpu/io.c) over the real devices: each port range
 * reaches its device with the right offset and width, IN merges or
 * zero-extends into RAX as the SDM says, a port nobody claims reads all
 * ones and is logged once (the first 8), and the ports that end a guest:
 * isa-debug-exit, Bochs' "Shutdown", the reset lines, ACPI S5.  String
 * I/O is refused (the caller stops the guest).
 */
#include "exit_checks.h"
#include "host_log.h"
#include "vmm/vcpu/exit.h"

static uint64_t io_qual(uint16_t port, unsigned size, bool in)
{
	return (uint64_t)(size - 1) | (in ? 1u << 3 : 0) | ((uint64_t)port << 16);
}

static uint64_t rip(void) { return fake_vmcs_get(VMCS_GUEST_RIP); }

/* OUT of `val` (from RAX) with `size` bytes: the exit's result. */
static enum exit_result out(uint16_t port, unsigned size, uint64_t val)
{
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fx_vcpu->regs.rax = val;
	return exit_io(fx_vcpu, io_qual(port, size, false));
}

/* IN of `size` bytes with RAX holding `rax` before: RAX after. */
static uint64_t in_rax(uint16_t port, unsigned size, uint64_t rax)
{
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fx_vcpu->regs.rax = rax;
	CHECK_EQ(exit_io(fx_vcpu, io_qual(port, size, true)), EXIT_HANDLED);
	CHECK_RETIRED();
	return fx_vcpu->regs.rax;
}

static uint32_t in(uint16_t port, unsigned size)
{
	uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
	return (uint32_t)(in_rax(port, size, 0) & mask);
}

static void outb_ok(uint16_t port, uint8_t val)
{
	CHECK_EQ(out(port, 1, val), EXIT_HANDLED);
	CHECK_RETIRED();
}

static void test_uart(void)
{
	fx_setup(MIB(2));
	outb_ok(0x3f8, 'h');
	outb_ok(0x3f8, 'i');
	outb_ok(0x3f8, '\n');
	CHECK_EQ(fx_console_lines, 1);
	CHECK(strcmp(fx_console, "hi") == 0);
	CHECK_EQ(in(0x3fd, 1), VUART_LSR_THRE | VUART_LSR_TEMT);
	outb_ok(0x3ff, 0x5a);                     /* scratch register */
	CHECK_EQ(in(0x3ff, 1), 0x5a);
}

/* The UART's interrupt line reaches the PIC at the next entry: every
 * access that may move it marks the platform for a look. */
static void test_uart_interrupt_line(void)
{
	struct platform *pf = &fx_part.platform;

	fx_setup(MIB(2));
	outb_ok(0x3fc, VUART_MCR_OUT2);
	pf->dirty = false;
	outb_ok(0x3f9, VUART_IER_THRE);           /* THR empty: the line rises */
	CHECK(vuart_irq_line(&pf->uart));
	CHECK(pf->dirty);
	pf->dirty = false;
	CHECK_EQ(in(0x3fa, 1) & 0x0f, VUART_IIR_THRE);   /* reading IIR clears it */
	CHECK(!vuart_irq_line(&pf->uart));
	CHECK(pf->dirty);
	/* a byte to THR: the line drops at the PIC until the next sample */
	pf->dirty = false;
	vpic_set_irq(&pf->pic, 4, 1);
	outb_ok(0x3f8, 'x');
	CHECK(pf->dirty);
	CHECK_EQ(pf->pic.chip[0].lines & (1u << 4), 0);   /* so the next rise is an edge */
}

/* 8- and 16-bit IN merge into RAX; 32-bit IN zero-extends (SDM "IN"). */
static void test_in_widths(void)
{
	fx_setup(MIB(2));
	CHECK_EQ(in_rax(0x2f8, 1, 0x1122334455667788ull), 0x11223344556677ffull);
	CHECK_EQ(in_rax(0x2f8, 2, 0x1122334455667788ull), 0x112233445566ffffull);
	CHECK_EQ(in_rax(0x2f8, 4, 0x1122334455667788ull), 0xffffffffull);
	outb_ok(0x3ff, 0xa5);
	CHECK_EQ(in_rax(0x3ff, 1, 0xffffffffffff0000ull), 0xffffffffffff00a5ull);
}

static void test_pic(void)
{
	fx_setup(MIB(2));
	fx_part.platform.dirty = false;
	outb_ok(0x20, 0x11);
	CHECK(fx_part.platform.dirty);
	outb_ok(0x21, 0x20);
	outb_ok(0x21, 0x04);
	outb_ok(0x21, 0x01);
	outb_ok(0x21, 0xfb);                      /* IMR */
	CHECK_EQ(in(0x21, 1), 0xfb);
	CHECK_EQ(fx_part.platform.pic.chip[0].vector_base, 0x20);
	outb_ok(0xa1, 0x7f);                      /* OCW1 on the slave */
	CHECK_EQ(fx_part.platform.pic.chip[1].imr, 0x7f);
	outb_ok(0x4d1, 0x0e);                     /* ELCR2 */
	CHECK_EQ(in(0x4d1, 1), 0x0e);
}

static void test_pit_and_port_61(void)
{
	fx_setup(MIB(2));
	outb_ok(0x43, 0xb4);                      /* channel 2, lo/hi, mode 2 */
	outb_ok(0x42, 0x34);
	outb_ok(0x42, 0x12);
	CHECK_EQ(fx_part.platform.pit.ch[2].reload, 0x1234);
	outb_ok(0x61, VPIT_P61_GATE2 | VPIT_P61_SPKR);
	CHECK_EQ(in(0x61, 1) & 0x0f, VPIT_P61_GATE2 | VPIT_P61_SPKR);
}

static void test_rtc(void)
{
	fx_setup(MIB(2));
	outb_ok(0x70, VRTC_YEAR);
	CHECK_EQ(in(0x71, 1), 0x24);              /* BCD, from the host clock (2024) */
	outb_ok(0x70, VRTC_MONTH);
	CHECK_EQ(in(0x71, 1), 0x01);
}

static void test_fwcfg(void)
{
	char sig[5] = { 0 };

	fx_setup(MIB(2));
	CHECK_EQ(out(0x510, 2, FWCFG_SIGNATURE), EXIT_HANDLED);
	for (int i = 0; i < 4; i++)
		sig[i] = (char)in(0x511, 1);
	CHECK(strcmp(sig, "QEMU") == 0);
}

static void test_pci_config(void)
{
	fx_setup(MIB(2));
	CHECK_EQ(out(0xcf8, 4, 0x80001008u), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(in(0xcf8, 4), 0x80001008u);
	CHECK_EQ(in(0xcfc, 4), 0xffffffffu);      /* no device */
	CHECK_EQ(in(0xcfe, 2), 0xffff);
	CHECK_EQ(in(0xcf8, 1), 0xff);             /* only dword accesses reach the address */
	CHECK_EQ(host_log_text()[0], 0);           /* claimed: not logged */
}

static void test_unemulated_port(void)
{
	fx_setup(MIB(2));
	CHECK_EQ(in(0x2f8, 1), 0xff);
	CHECK_STR_CONTAINS(host_log_text(), "hv: guest fx: unemulated port 0x2f8 (in)");
	host_log_clear();
	CHECK_EQ(in(0x2f8, 2), 0xffff);
	CHECK_EQ(out(0x2f8, 1, 0), EXIT_HANDLED);  /* dropped */
	CHECK_RETIRED();
	CHECK_EQ(host_log_text()[0], 0);           /* once per port */
	CHECK_EQ(out(0x2e8, 1, 0), EXIT_HANDLED);
	CHECK_STR_CONTAINS(host_log_text(), "unemulated port 0x2e8 (out)");
	/* port 0x80 (POST codes, I/O delay) is known: silent */
	host_log_clear();
	CHECK_EQ(in(0x80, 1), 0xff);
	outb_ok(0x80, 0x55);
	CHECK_EQ(host_log_text()[0], 0);
}

/* The port table is searched by halves: the ports on each side of a
 * range's edges land in the range or outside it, never in a neighbour. */
static void test_range_edges(void)
{
	static const struct { uint16_t port; bool claimed; } edges[] = {
		{ 0x1f, false }, { 0x20, true }, { 0x21, true }, { 0x22, false },
		{ 0x3f7, false }, { 0x3f8, true }, { 0x3ff, true }, { 0x400, false },
		{ 0x4cf, false }, { 0x4d0, true }, { 0x4d1, true }, { 0x4d2, false },
		{ 0x0, false }, { 0x8900, true }, { 0x8901, false }, { 0xffff, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(edges); i++) {
		fx_setup(MIB(2));
		in(edges[i].port, 1);
		bool logged = strstr(host_log_text(), "unemulated port") != NULL;
		if (logged == edges[i].claimed)
			printf("port 0x%x: %s\n", edges[i].port, logged ? "unemulated" : "claimed");
		CHECK_EQ(logged, !edges[i].claimed);
		host_log_clear();
	}
}

static void test_unemulated_ports_logged_up_to_8(void)
{
	fx_setup(MIB(2));
	for (uint16_t port = 0x100; port < 0x108; port++)
		in(port, 1);
	CHECK_STR_CONTAINS(host_log_text(), "unemulated port 0x107 (in); further ports not logged");
	host_log_clear();
	CHECK_EQ(in(0x108, 1), 0xff);
	CHECK_EQ(host_log_text()[0], 0);
}

static void check_ended(enum exit_result r, const char *reason)
{
	CHECK_EQ(r, EXIT_GUEST_ENDED);
	CHECK_EQ(rip(), FX_RIP);                  /* the guest is gone: RIP left as it was */
	CHECK(strcmp(fx_part.end_reason, reason) == 0);
	CHECK_STR_CONTAINS(host_log_text(), reason);
}

static void test_debug_exit(void)
{
	fx_setup(MIB(2));
	CHECK_EQ(in(0xf4, 1), 0xff);
	check_ended(out(0xf4, 1, 0x1231), "stopped: exit code 49");   /* a byte: 0x31 */
	fx_setup(MIB(2));
	check_ended(out(0xf4, 4, 0xffffffff00000103ull), "stopped: exit code 259");
}

static void test_bochs_shutdown(void)
{
	const char *s = "ShutXSShutdow";   /* a broken run, and one restarting at its 2nd S */

	fx_setup(MIB(2));
	for (; *s; s++)
		outb_ok(0x8900, (uint8_t)*s);
	CHECK_EQ(fx_part.end_reason[0], 0);
	check_ended(out(0x8900, 1, 'n'), "stopped: power off");
}

static void test_reset_lines(void)
{
	fx_setup(MIB(2));
	CHECK_EQ(in(0x64, 1), 0x1c);
	CHECK_EQ(in(0x60, 1), 0x00);
	outb_ok(0x64, 0xd1);                      /* another command: ignored */
	outb_ok(0x60, 0xfe);                      /* 0xfe as data is not a reset */
	outb_ok(0xcf9, 0x02);                     /* reset type only */
	outb_ok(0x92, 0x02);                      /* A20 only */
	CHECK_EQ(in(0xcf9, 1), 0);
	CHECK_EQ(fx_part.end_reason[0], 0);
	check_ended(out(0x64, 1, 0xfe), "stopped: reboot");
	fx_setup(MIB(2));
	check_ended(out(0xcf9, 1, 0x06), "stopped: reboot");
	fx_setup(MIB(2));
	check_ended(out(0x92, 1, 0x01), "stopped: reboot");
}

static void test_acpi_power_off(void)
{
	uint16_t cnt = PLATFORM_PM_BASE + VPM_PM1_CNT_OFF;

	fx_setup(MIB(2));
	CHECK_EQ(out(cnt, 2, VPM_SCI_EN), EXIT_HANDLED);
	CHECK_RETIRED();
	CHECK_EQ(in(cnt, 2) & VPM_SCI_EN, VPM_SCI_EN);
	check_ended(out(cnt, 2, (VPM_S5_SLP_TYP << VPM_SLP_TYP_SHIFT) | VPM_SLP_EN), "stopped: power off");
}

static void test_string_io_refused(void)
{
	fx_setup(MIB(2));
	fx_vcpu->regs.rax = 0x1234;
	CHECK_EQ(exit_io(fx_vcpu, io_qual(0x3f8, 1, false) | (1u << 4)), EXIT_UNHANDLED);
	CHECK_EQ(exit_io(fx_vcpu, io_qual(0x3f8, 1, true) | (1u << 4) | (1u << 5)), EXIT_UNHANDLED);
	CHECK_EQ(rip(), FX_RIP);
	CHECK_EQ(fx_vcpu->regs.rax, 0x1234);
	CHECK_EQ(fx_part.platform.uart.line_len, 0);
}

int main(void)
{
	RUN(test_uart);
	RUN(test_uart_interrupt_line);
	RUN(test_in_widths);
	RUN(test_pic);
	RUN(test_pit_and_port_61);
	RUN(test_rtc);
	RUN(test_fwcfg);
	RUN(test_pci_config);
	RUN(test_unemulated_port);
	RUN(test_range_edges);
	RUN(test_unemulated_ports_logged_up_to_8);
	RUN(test_debug_exit);
	RUN(test_bochs_shutdown);
	RUN(test_reset_lines);
	RUN(test_acpi_power_off);
	RUN(test_string_io_refused);
	return check_summary();
}
