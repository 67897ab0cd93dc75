/*
 * Port I/O exits (exit qualification: SDM Table 28-5).  The guest's
 * platform is a table of port ranges; a port nobody claims reads as all
 * ones and drops writes, as on a PC with nothing at that address, and
 * the first few such ports are logged once each so gaps are visible.
 */
#include "vmm/vcpu/exit.h"
#include "vmm/vcpu/helpers.h"
#include "vmm/partition.h"
#include "vmm/vcpu/smp.h"
#include "lib/log_once.h"
#include "vmm/dev/ioport.h"
#include "vmm/vmx/vmx.h"
#include "hv/log.h"
#include "hv/string.h"

#define QUAL_SIZE(q)   (((q) & 7) + 1)
#define QUAL_IN(q)     (((q) >> 3) & 1)
#define QUAL_STRING(q) (((q) >> 4) & 1)
#define QUAL_PORT(q)   ((uint16_t)((q) >> 16))

#define PORT_DEBUG_EXIT 0xf4     /* QEMU isa-debug-exit */
#define PORT_SHUTDOWN   0x8900   /* Bochs shutdown port */

struct port_range {
	uint16_t base, count;
	uint32_t (*read)(struct vcpu *v, uint16_t off, unsigned size);
	enum exit_result (*write)(struct vcpu *v, uint16_t off, unsigned size, uint32_t val);
};

/* ---- the byte-wide devices: wider accesses split by vmm/dev/ioport.h ---- */

static uint8_t uart_rd(void *u, uint16_t off) { return vuart_read(u, off); }
static void uart_wr(void *u, uint16_t off, uint8_t val) { vuart_write(u, off, val); }
static uint8_t pit_rd(void *p, uint16_t off) { return vpit_read(p, off); }
static void pit_wr(void *p, uint16_t off, uint8_t val) { vpit_write(p, off, val); }
static uint8_t rtc_rd(void *r, uint16_t off) { return vrtc_read(r, off); }
static uint8_t pic_rd(void *p, uint16_t port) { return vpic_read(p, port); }
static void pic_wr(void *p, uint16_t port, uint8_t val) { vpic_write(p, port, val); }
static void rtc_wr(void *r, uint16_t off, uint8_t val) { vrtc_write(r, off, val); }

static struct ioport_bytes uart_bytes(struct vcpu *v)
{
	return (struct ioport_bytes){ uart_rd, uart_wr, &v->part->platform.uart, 0, VUART_NPORTS };
}

static uint32_t uart_read(struct vcpu *v, uint16_t off, unsigned size)
{
	struct ioport_bytes b = uart_bytes(v);
	bool line = vuart_irq_line(&v->part->platform.uart);
	uint32_t val = ioport_read_split(&b, off, size);

	if (vuart_irq_line(&v->part->platform.uart) != line)   /* reading IIR/RBR can clear it */
		platform_touch(&v->part->platform);
	return val;
}

static enum exit_result uart_write(struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	struct ioport_bytes b = uart_bytes(v);
	bool line = vuart_irq_line(&v->part->platform.uart);

	ioport_write_split(&b, off, size, val);
	/*
	 * A byte written to THR leaves at once, so THRE -- and with it the
	 * interrupt -- comes straight back.  On real hardware the line drops
	 * while the byte is in THR; drop it here too, so the edge-triggered
	 * PIC sees a new edge when it rises again on the next entry.
	 */
	if (off == 0 && !(v->part->platform.uart.lcr & VUART_LCR_DLAB)) {
		vpic_set_irq(&v->part->platform.pic, VUART_COM1_IRQ, 0);
		platform_touch(&v->part->platform);
	} else if (vuart_irq_line(&v->part->platform.uart) != line) {
		platform_touch(&v->part->platform);
	}
	return EXIT_HANDLED;
}

static uint32_t all_ones(struct vcpu *v, uint16_t off, unsigned size)
{
	return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

static enum exit_result debug_exit_write(struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	guest_end(v, "stopped", "exit code %u", val);
	return EXIT_GUEST_ENDED;
}

/* Bochs' convention: the bytes of "Shutdown" written in a row power off. */
static enum exit_result shutdown_write(struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	static const char magic[] = "Shutdown";
	struct partition *p = v->part;

	p->shutdown_progress = ((char)val == magic[p->shutdown_progress]) ? p->shutdown_progress + 1
			     : ((char)val == magic[0]);
	if (p->shutdown_progress == sizeof(magic) - 1) {
		guest_end(v, "stopped", "power off");
		return EXIT_GUEST_ENDED;
	}
	return EXIT_HANDLED;
}

/* The PIC decodes absolute ports: its ranges (0x20, 0xa0, 0x4d0) start at io_port - off. */
static struct ioport_bytes pic_bytes(struct vcpu *v, uint16_t off)
{
	return (struct ioport_bytes){ pic_rd, pic_wr, &v->part->platform.pic,
				      (uint16_t)(v->io_port - off), 2 };
}

static uint32_t pic_read(struct vcpu *v, uint16_t off, unsigned size)
{
	struct ioport_bytes b = pic_bytes(v, off);

	platform_touch(&v->part->platform);   /* OCW3 reads and acks change state */
	return ioport_read_split(&b, off, size);
}

static enum exit_result pic_write(struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	struct ioport_bytes b = pic_bytes(v, off);

	ioport_write_split(&b, off, size, val);
	platform_touch(&v->part->platform);
	return EXIT_HANDLED;
}

/* The PIT's ports 0x40-0x43 and port 0x61 share one device. */
static struct ioport_bytes pit_bytes(struct vcpu *v)
{
	return (struct ioport_bytes){ pit_rd, pit_wr, &v->part->platform.pit, 0, VPIT_NPORTS };
}

static uint32_t pit_read(struct vcpu *v, uint16_t off, unsigned size)
{
	struct ioport_bytes b = pit_bytes(v);

	return ioport_read_split(&b, off, size);
}

static enum exit_result pit_write(struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	struct ioport_bytes b = pit_bytes(v);

	ioport_write_split(&b, off, size, val);
	platform_touch(&v->part->platform);
	return EXIT_HANDLED;
}

/* Port 0x61 (system control port B): the PIT's gate and speaker bits. */

static uint32_t port61_read(struct vcpu *v, uint16_t off, unsigned size)
{
	struct ioport_bytes b = { pit_rd, pit_wr, &v->part->platform.pit, VPIT_PORT61_OFFSET, 1 };

	return ioport_read_split(&b, off, size);
}

static enum exit_result port61_write(struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	struct ioport_bytes b = { pit_rd, pit_wr, &v->part->platform.pit, VPIT_PORT61_OFFSET, 1 };

	ioport_write_split(&b, off, size, val);
	platform_touch(&v->part->platform);
	return EXIT_HANDLED;
}

static struct ioport_bytes rtc_bytes(struct vcpu *v)
{
	return (struct ioport_bytes){ rtc_rd, rtc_wr, &v->part->platform.rtc, 0, VRTC_NPORTS };
}

static uint32_t rtc_read_port(struct vcpu *v, uint16_t off, unsigned size)
{
	struct ioport_bytes b = rtc_bytes(v);

	platform_touch(&v->part->platform);   /* reading register C lowers IRQ 8 */
	return ioport_read_split(&b, off, size);
}

static enum exit_result rtc_write_port(struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	struct ioport_bytes b = rtc_bytes(v);

	ioport_write_split(&b, off, size, val);
	platform_touch(&v->part->platform);
	return EXIT_HANDLED;
}

static uint32_t fwcfg_read_port(struct vcpu *v, uint16_t off, unsigned size)
{
	return fwcfg_read(&v->part->platform.fwcfg, off, size);
}

static enum exit_result fwcfg_write_port(struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	fwcfg_write(&v->part->platform.fwcfg, off, size, val);
	return EXIT_HANDLED;
}

/*
 * PCI configuration mechanism #1 with no devices behind it: the address
 * register at 0xcf8 holds what was written, data reads as all ones.
 */
static uint32_t pci_read(struct vcpu *v, uint16_t off, unsigned size)
{
	if (off == 0 && size == 4)
		return v->part->platform.pci_addr;
	return all_ones(v, off, size);
}

static enum exit_result pci_write(struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	if (off == 0 && size == 4)
		v->part->platform.pci_addr = val;
	return EXIT_HANDLED;
}

/*
 * The keyboard controller, only as far as a guest's reboot goes: its
 * status reads "no data, input buffer empty", and command 0xfe (pulse
 * the reset line) reboots the guest -- never the machine.  Port 0xcf9
 * (reset control) and 0x92 bit 0 (fast reset) do the same.
 */
static uint32_t kbd_read(struct vcpu *v, uint16_t off, unsigned size)
{
	return v->io_port == 0x64 ? 0x1c : 0x00;
}

static enum exit_result guest_reset(struct vcpu *v)
{
	guest_end(v, "stopped", "reboot");
	return EXIT_GUEST_ENDED;
}

static enum exit_result kbd_write(struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	if (v->io_port == 0x64 && (val & 0xff) == 0xfe)
		return guest_reset(v);
	return EXIT_HANDLED;
}

static enum exit_result reset_write(struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	if (v->io_port == 0xcf9 && (val & 0x04))
		return guest_reset(v);
	if (v->io_port == 0x92 && (val & 0x01))
		return guest_reset(v);
	return EXIT_HANDLED;
}

static uint32_t pm_read(struct vcpu *v, uint16_t off, unsigned size)
{
	return vpm_read(&v->part->platform.pm, off, size);
}

static enum exit_result pm_write(struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	platform_touch(&v->part->platform);
	if (vpm_write(&v->part->platform.pm, off, size, val) == VPM_NONE)
		return EXIT_HANDLED;
	guest_end(v, "stopped", "power off");   /* ACPI S5 (or any sleep state: we have no wake-up) */
	return EXIT_GUEST_ENDED;
}

static uint32_t zero(struct vcpu *v, uint16_t off, unsigned size)
{
	return 0;
}

static enum exit_result drop(struct vcpu *v, uint16_t off, unsigned size, uint32_t val)
{
	return EXIT_HANDLED;
}

/* Sorted by base, without overlaps: find_port() searches it by halves. */
static const struct port_range ports[] = {
	{ 0x20, 2, pic_read, pic_write },
	{ VPIT_BASE_PORT, VPIT_NPORTS, pit_read, pit_write },
	{ 0x60, 1, kbd_read, kbd_write },              /* keyboard controller data */
	{ 0x61, 1, port61_read, port61_write },        /* system control port B */
	{ 0x64, 1, kbd_read, kbd_write },              /* keyboard controller status/command */
	{ VRTC_BASE_PORT, VRTC_NPORTS, rtc_read_port, rtc_write_port },
	{ 0x80, 1, all_ones, drop },                   /* POST code / I/O delay port */
	{ 0x92, 1, zero, reset_write },
	{ 0xa0, 2, pic_read, pic_write },
	{ PORT_DEBUG_EXIT, 4, all_ones, debug_exit_write },
	{ VUART_COM1_BASE, VUART_NPORTS, uart_read, uart_write },
	{ 0x4d0, 2, pic_read, pic_write },
	{ 0x510, 2, fwcfg_read_port, fwcfg_write_port },
	{ PLATFORM_PM_BASE, VPM_NPORTS, pm_read, pm_write },
	{ 0xcf9, 1, zero, reset_write },
	{ PORT_SHUTDOWN, 1, all_ones, shutdown_write },
};

static const struct port_range pci_ports = { 0xcf8, 8, pci_read, pci_write };

static void log_unemulated(struct vcpu *v, uint16_t port, bool in)
{
	struct partition *p = v->part;
	enum log_once_verdict once = log_once(&p->logged_ports, port);

	if (once != LOG_ONCE_SKIP)
		log_printf("hv: guest %s: unemulated port 0x%x (%s)%s\n", p->name, port, in ? "in" : "out",
			   once == LOG_ONCE_LAST ? "; further ports not logged" : "");
}

static const struct port_range *find_port(uint16_t port, unsigned size)
{
	if (port >= 0xcf8 && port < 0xd00 && !(port == 0xcf9 && size == 1))
		return &pci_ports;
	/* the last range that starts at or below the port, if it reaches it */
	size_t lo = 0, hi = ARRAY_SIZE(ports);
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (ports[mid].base <= port)
			lo = mid;
		else
			hi = mid;
	}
	if (port >= ports[lo].base && port < ports[lo].base + ports[lo].count)
		return &ports[lo];
	return NULL;
}

/* The access itself: an IN into RAX, or an OUT from it. */
static inline enum exit_result io_access(struct vcpu *v, const struct port_range *r, uint16_t port,
					 unsigned size, bool in)
{
	if (in) {
		uint32_t val = r ? r->read(v, port - r->base, size) : all_ones(v, 0, size);
		uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (size * 8)) - 1;
		/* a 32-bit IN zero-extends into RAX; 8/16-bit ones merge (SDM IN) */
		v->regs.rax = size == 4 ? val : (v->regs.rax & ~mask) | (val & mask);
		return EXIT_HANDLED;
	}
	if (!r)
		return EXIT_HANDLED;
	uint32_t val = (uint32_t)v->regs.rax & (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
	return r->write(v, port - r->base, size, val);
}

/*
 * With several vCPUs the devices are shared: the access is made under
 * the partition's device lock, and a device touched by a vCPU other than
 * vCPU 0 (which alone samples the interrupt lines) wakes vCPU 0.
 */
static enum exit_result io_access_shared(struct vcpu *v, const struct port_range *r, uint16_t port,
					 unsigned size, bool in)
{
	struct partition *p = v->part;

	partition_dev_lock(p);
	enum exit_result res = io_access(v, r, port, size, in);
	bool tell_bsp = v->id != 0 && p->platform.dirty;
	partition_dev_unlock(p);
	if (tell_bsp)
		vcpu_kick(&p->vcpus[0]);
	return res;
}

enum exit_result exit_io(struct vcpu *v, uint64_t qual)
{
	uint16_t port = QUAL_PORT(qual);
	unsigned size = QUAL_SIZE(qual);
	const struct port_range *r = find_port(port, size);
	enum exit_result res;

	if (QUAL_STRING(qual))
		return EXIT_UNHANDLED;   /* INS/OUTS: no device here needs them yet */
	v->io_port = port;
	if (!r)
		log_unemulated(v, port, QUAL_IN(qual));
	if (v->part->nvcpus > 1)
		res = io_access_shared(v, r, port, size, QUAL_IN(qual));
	else
		res = io_access(v, r, port, size, QUAL_IN(qual));
	if (res == EXIT_HANDLED)
		vcpu_skip_instruction(v);
	return res;
}
