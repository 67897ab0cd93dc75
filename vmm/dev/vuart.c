/*
 * 16550A UART emulation; see vuart.h for the register map.
 *
 * Interrupt sources and their IIR codes follow the PC16550D datasheet,
 * Table IV "Interrupt Control Functions": receiver line status (overrun)
 * first, then received data, then THR empty, then modem status.  We never
 * raise modem status (the lines do not change) nor the FIFO character
 * timeout: data in the FIFO always reports as "received data available",
 * which every driver treats the same way.
 */
#include "vmm/dev/vuart.h"
#include "hv/string.h"

enum {
	REG_DATA = 0, REG_IER = 1, REG_IIR_FCR = 2, REG_LCR = 3,
	REG_MCR = 4, REG_LSR = 5, REG_MSR = 6, REG_SCR = 7,
};

/* MSR bits 4-7: CTS DSR RI DCD. */
#define MODEM_CTS 0x10
#define MODEM_DSR 0x20
#define MODEM_RI  0x40
#define MODEM_DCD 0x80

void vuart_init(struct vuart *u, vuart_line_fn line_out, void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->line_out = line_out;
	u->ctx = ctx;
	/* The divisor a BIOS leaves for 9600 baud; nothing depends on it. */
	u->dll = 12;
}

static bool dlab(const struct vuart *u)
{
	return u->lcr & VUART_LCR_DLAB;
}

void vuart_flush(struct vuart *u)
{
	u->line[u->line_len] = '\0';
	if (u->line_out)
		u->line_out(u->ctx, u->line, u->line_len);
	u->line_len = 0;
}

static void emit(struct vuart *u, uint8_t c)
{
	if (c == '\r')
		return;
	if (c == '\n') {
		vuart_flush(u);
		return;
	}
	u->line[u->line_len++] = (char)c;
	if (u->line_len == VUART_LINE_MAX)
		vuart_flush(u);
}

bool vuart_rx_push(struct vuart *u, uint8_t byte)
{
	if (u->rx_count == VUART_FIFO_SIZE) {
		u->overrun = true;
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % VUART_FIFO_SIZE] = byte;
	u->rx_count++;
	return true;
}

static uint8_t rx_pop(struct vuart *u)
{
	uint8_t c;

	if (u->rx_count == 0)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VUART_FIFO_SIZE;
	u->rx_count--;
	return c;
}

/* The highest-priority enabled source as an IIR code (bits 3-0). */
static uint8_t iir_source(const struct vuart *u)
{
	if ((u->ier & VUART_IER_RLS) && u->overrun)
		return VUART_IIR_RLS;
	if ((u->ier & VUART_IER_RDA) && u->rx_count)
		return VUART_IIR_RDA;
	if ((u->ier & VUART_IER_THRE) && u->thre_pending)
		return VUART_IIR_THRE;
	return VUART_IIR_NONE;
}

bool vuart_irq_pending(const struct vuart *u)
{
	return iir_source(u) != VUART_IIR_NONE;
}

bool vuart_irq_line(const struct vuart *u)
{
	return (u->mcr & VUART_MCR_OUT2) && vuart_irq_pending(u);
}

/* Reading IIR while it reports THRE clears that interrupt (datasheet). */
static uint8_t read_iir(struct vuart *u)
{
	uint8_t src = iir_source(u);

	if (src == VUART_IIR_THRE)
		u->thre_pending = false;
	return src | ((u->fcr & VUART_FCR_ENABLE) ? VUART_IIR_FIFO : 0);
}

static uint8_t read_lsr(struct vuart *u)
{
	uint8_t lsr = VUART_LSR_THRE | VUART_LSR_TEMT;

	if (u->rx_count)
		lsr |= VUART_LSR_DR;
	if (u->overrun)
		lsr |= VUART_LSR_OE;
	u->overrun = false;
	return lsr;
}

/*
 * In loopback the modem inputs are wired to the outputs (RTS->CTS,
 * DTR->DSR, OUT1->RI, OUT2->DCD).  Otherwise we present a terminal that is
 * always there and ready: CTS, DSR and DCD set.
 */
static uint8_t read_msr(const struct vuart *u)
{
	uint8_t m = u->mcr, msr = 0;

	if (!(m & VUART_MCR_LOOP))
		return MODEM_CTS | MODEM_DSR | MODEM_DCD;
	if (m & VUART_MCR_RTS)
		msr |= MODEM_CTS;
	if (m & VUART_MCR_DTR)
		msr |= MODEM_DSR;
	if (m & VUART_MCR_OUT1)
		msr |= MODEM_RI;
	if (m & VUART_MCR_OUT2)
		msr |= MODEM_DCD;
	return msr;
}

static uint8_t read8(struct vuart *u, uint16_t reg)
{
	switch (reg) {
	case REG_DATA:    return dlab(u) ? u->dll : rx_pop(u);
	case REG_IER:     return dlab(u) ? u->dlm : u->ier;
	case REG_IIR_FCR: return read_iir(u);
	case REG_LCR:     return u->lcr;
	case REG_MCR:     return u->mcr;
	case REG_LSR:     return read_lsr(u);
	case REG_MSR:     return read_msr(u);
	case REG_SCR:     return u->scr;
	default:          return 0xff;
	}
}

/* The byte leaves at once, so THR is empty again straight away and the
 * THRE interrupt (cleared by this write) re-arms. */
static void write_thr(struct vuart *u, uint8_t c)
{
	if (u->mcr & VUART_MCR_LOOP)
		vuart_rx_push(u, c);
	else
		emit(u, c);
	u->thre_pending = true;
}

/* Enabling the THRE interrupt while THR is empty raises it at once. */
static void write_ier(struct vuart *u, uint8_t v)
{
	if ((v & VUART_IER_THRE) && !(u->ier & VUART_IER_THRE))
		u->thre_pending = true;
	u->ier = v & 0x0f;
}

/* FCR: bit 0 enable, bit 1 clear RX FIFO, bit 2 clear TX FIFO (always
 * empty here), bits 6-7 RX trigger level (kept for IIR, not used).
 * Toggling bit 0 also clears both FIFOs. */
static void write_fcr(struct vuart *u, uint8_t v)
{
	bool toggled = (v ^ u->fcr) & VUART_FCR_ENABLE;

	if ((v & 0x02) || toggled) {
		u->rx_head = 0;
		u->rx_count = 0;
	}
	u->fcr = v & 0xc9;
}

static void write8(struct vuart *u, uint16_t reg, uint8_t v)
{
	switch (reg) {
	case REG_DATA:
		if (dlab(u))
			u->dll = v;
		else
			write_thr(u, v);
		break;
	case REG_IER:
		if (dlab(u))
			u->dlm = v;
		else
			write_ier(u, v);
		break;
	case REG_IIR_FCR: write_fcr(u, v); break;
	case REG_LCR:     u->lcr = v; break;
	case REG_MCR:     u->mcr = v & 0x1f; break;
	case REG_SCR:     u->scr = v; break;
	default:          break;  /* LSR/MSR writes are factory test only */
	}
}

uint8_t vuart_read(struct vuart *u, uint16_t port_offset)
{
	return read8(u, port_offset);
}

void vuart_write(struct vuart *u, uint16_t port_offset, uint8_t value)
{
	write8(u, port_offset, value);
}
