/*
 * An emulated 16550A UART (the PC's COM1 at 0x3f8, IRQ 4).
 *
 * Output is instant: a byte the guest writes to THR is taken at once, so
 * LSR always shows THRE|TEMT.  Bytes are gathered into a line and handed to
 * line_out() on '\n' or when VUART_LINE_MAX bytes are waiting ('\r' is
 * dropped, the '\n' is not passed).  Input arrives through vuart_rx_push()
 * into the 16-byte receive FIFO.
 *
 * Registers (offset from the base port, DLAB = LCR bit 7), after the
 * National PC16550D datasheet, "Register Summary":
 *   0  RBR (read) / THR (write)      DLL when DLAB
 *   1  IER                           DLM when DLAB
 *   2  IIR (read) / FCR (write)
 *   3  LCR   4 MCR   5 LSR   6 MSR   7 SCR
 *
 * Plain C with no hardware access: the exit handler calls vuart_read /
 * vuart_write for an IN/OUT to base..base+7 with port_offset = port - base.
 */
#ifndef VMM_VUART_H
#define VMM_VUART_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define VUART_COM1_BASE 0x3f8
#define VUART_COM1_IRQ  4
#define VUART_NPORTS    8
#define VUART_FIFO_SIZE 16
#define VUART_LINE_MAX  200

/* IER bits */
#define VUART_IER_RDA   0x01    /* received data available */
#define VUART_IER_THRE  0x02    /* transmitter holding register empty */
#define VUART_IER_RLS   0x04    /* receiver line status */
#define VUART_IER_MS    0x08    /* modem status */

/* IIR values (bit 0 clear = interrupt pending), highest priority first. */
#define VUART_IIR_NONE  0x01
#define VUART_IIR_RLS   0x06
#define VUART_IIR_RDA   0x04
#define VUART_IIR_THRE  0x02
#define VUART_IIR_MS    0x00
#define VUART_IIR_FIFO  0xc0    /* both set while FCR bit 0 is set */

/* LSR bits */
#define VUART_LSR_DR    0x01
#define VUART_LSR_OE    0x02
#define VUART_LSR_THRE  0x20
#define VUART_LSR_TEMT  0x40

/* MCR bits */
#define VUART_MCR_DTR   0x01
#define VUART_MCR_RTS   0x02
#define VUART_MCR_OUT1  0x04
#define VUART_MCR_OUT2  0x08    /* on PCs: enables the IRQ line driver */
#define VUART_MCR_LOOP  0x10

#define VUART_LCR_DLAB  0x80
#define VUART_FCR_ENABLE 0x01

typedef void (*vuart_line_fn)(void *ctx, const char *line, size_t len);

struct vuart {
	uint8_t ier, lcr, mcr, fcr, scr, dll, dlm;
	bool overrun;           /* LSR.OE, cleared by reading LSR */
	bool thre_pending;      /* THRE interrupt latched (16550 IIR rules) */
	uint8_t rx[VUART_FIFO_SIZE];
	unsigned rx_head, rx_count;
	char line[VUART_LINE_MAX + 1];  /* NUL-terminated for the callback */
	size_t line_len;
	vuart_line_fn line_out;
	void *ctx;
};

/* Power-on state; line_out may be NULL (output is then discarded). */
void vuart_init(struct vuart *u, vuart_line_fn line_out, void *ctx);

/* One byte register; the I/O layer splits wider accesses into bytes, as
 * an 8-bit ISA device sees them.  Offsets past 7 read as 0xff. */
uint8_t vuart_read(struct vuart *u, uint16_t port_offset);
void vuart_write(struct vuart *u, uint16_t port_offset, uint8_t value);

/* A byte from the host side.  false if the FIFO was full (byte dropped,
 * LSR.OE set). */
bool vuart_rx_push(struct vuart *u, uint8_t byte);

/* Hand over a partial line now (e.g. before the guest is torn down). */
void vuart_flush(struct vuart *u);

/* The UART's INTR output: some enabled source is pending. */
bool vuart_irq_pending(const struct vuart *u);
/* IRQ 4 as the PC sees it: INTR gated by MCR.OUT2. */
bool vuart_irq_line(const struct vuart *u);

#endif
