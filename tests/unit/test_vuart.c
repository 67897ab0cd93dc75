/* units: vmm/dev/vuart.c */
/*
 * The 16550A as a guest driver sees it: scratch and divisor registers,
 * line output through the callback, loopback, the receive FIFO, and the
 * IIR priority / clearing rules that decide when IRQ 4 is raised.
 */
#include "check.h"
#include "vmm/dev/vuart.h"

static char lines[8][VUART_LINE_MAX + 1];
static size_t line_lens[8];
static int nlines;

static void record_line(void *ctx, const char *line, size_t len)
{
	int *calls = ctx;

	(*calls)++;
	if (nlines < 8) {
		memcpy(lines[nlines], line, len);
		lines[nlines][len] = '\0';
		line_lens[nlines++] = len;
	}
}

static int calls;

static void setup(struct vuart *u)
{
	nlines = 0;
	calls = 0;
	vuart_init(u, record_line, &calls);
}

static void put(struct vuart *u, const char *s)
{
	while (*s)
		vuart_write(u, 0, (uint8_t)*s++);
}

static void test_scratch_and_dlab(void)
{
	struct vuart u;

	setup(&u);
	vuart_write(&u, 7, 0x5a);
	CHECK_EQ(vuart_read(&u, 7), 0x5a);
	vuart_write(&u, 7, 0xa5);
	CHECK_EQ(vuart_read(&u, 7), 0xa5);

	/* 115200 baud: DLAB=1, DLL=1, DLM=0, then 8N1 with DLAB clear. */
	vuart_write(&u, 1, 0x00);
	vuart_write(&u, 3, 0x80);
	vuart_write(&u, 0, 0x01);
	vuart_write(&u, 1, 0x02);
	CHECK_EQ(vuart_read(&u, 0), 0x01);
	CHECK_EQ(vuart_read(&u, 1), 0x02);
	vuart_write(&u, 3, 0x03);
	CHECK_EQ(vuart_read(&u, 3), 0x03);
	/* IER was not touched by the DLM write. */
	CHECK_EQ(vuart_read(&u, 1), 0x00);
	/* Writing DLL did not transmit anything. */
	CHECK_EQ(calls, 0);
	vuart_write(&u, 3, 0x83);
	CHECK_EQ(vuart_read(&u, 1), 0x02);
}

static void test_lsr_and_msr(void)
{
	struct vuart u;

	setup(&u);
	CHECK_EQ(vuart_read(&u, 5), VUART_LSR_THRE | VUART_LSR_TEMT);
	CHECK_EQ(vuart_read(&u, 6), 0xb0);
	/* Out-of-range offsets float high; writes there change nothing. */
	CHECK_EQ(vuart_read(&u, 8), 0xff);
	vuart_write(&u, 5, 0);
	vuart_write(&u, 6, 0);
	CHECK_EQ(vuart_read(&u, 5), 0x60);
}

static void test_line_output(void)
{
	struct vuart u;

	setup(&u);
	put(&u, "hello\r\nworld");
	CHECK_EQ(calls, 1);
	CHECK_EQ(line_lens[0], 5);
	CHECK(strcmp(lines[0], "hello") == 0);
	put(&u, "\n");
	CHECK_EQ(calls, 2);
	CHECK(strcmp(lines[1], "world") == 0);
	put(&u, "\n");
	CHECK_EQ(calls, 3);
	CHECK_EQ(line_lens[2], 0);
	put(&u, "tail");
	vuart_flush(&u);
	CHECK(strcmp(lines[3], "tail") == 0);
}

static void test_long_line_split(void)
{
	struct vuart u;

	setup(&u);
	for (int i = 0; i < VUART_LINE_MAX + 5; i++)
		vuart_write(&u, 0, 'a' + i % 26);
	CHECK_EQ(calls, 1);
	CHECK_EQ(line_lens[0], VUART_LINE_MAX);
	CHECK_EQ(lines[0][0], 'a');
	CHECK_EQ(lines[0][VUART_LINE_MAX - 1], 'a' + (VUART_LINE_MAX - 1) % 26);
	put(&u, "\n");
	CHECK_EQ(line_lens[1], 5);
}

static void test_no_callback(void)
{
	struct vuart u;

	vuart_init(&u, NULL, NULL);
	put(&u, "dropped\n");
	CHECK_EQ(vuart_read(&u, 5) & VUART_LSR_DR, 0);
}

static void test_loopback(void)
{
	struct vuart u;

	setup(&u);
	vuart_write(&u, 4, 0xff);
	CHECK_EQ(vuart_read(&u, 4), 0x1f);   /* bits 5-7 read as 0 */
	vuart_write(&u, 4, VUART_MCR_LOOP | VUART_MCR_RTS | VUART_MCR_OUT2);
	CHECK_EQ(vuart_read(&u, 6), 0x90);   /* CTS from RTS, DCD from OUT2 */
	vuart_write(&u, 4, VUART_MCR_LOOP | VUART_MCR_DTR | VUART_MCR_OUT1);
	CHECK_EQ(vuart_read(&u, 6), 0x60);   /* DSR from DTR, RI from OUT1 */
	put(&u, "Z\n");
	CHECK_EQ(calls, 0);
	CHECK(vuart_read(&u, 5) & VUART_LSR_DR);
	CHECK_EQ(vuart_read(&u, 0), 'Z');
	CHECK_EQ(vuart_read(&u, 0), '\n');
	CHECK_EQ(vuart_read(&u, 5) & VUART_LSR_DR, 0);
	vuart_write(&u, 4, 0);
	put(&u, "out\n");
	CHECK_EQ(calls, 1);
}

static void test_rx_fifo_overrun(void)
{
	struct vuart u;

	setup(&u);
	CHECK_EQ(vuart_read(&u, 0), 0);      /* empty FIFO reads 0 */
	for (int i = 0; i < VUART_FIFO_SIZE; i++)
		CHECK(vuart_rx_push(&u, (uint8_t)(0x40 + i)));
	CHECK(!vuart_rx_push(&u, 0x99));
	CHECK_EQ(vuart_read(&u, 5), 0x63);   /* THRE TEMT OE DR */
	CHECK_EQ(vuart_read(&u, 5), 0x61);   /* OE cleared by the read */
	for (int i = 0; i < VUART_FIFO_SIZE; i++)
		CHECK_EQ(vuart_read(&u, 0), 0x40 + i);
	CHECK_EQ(vuart_read(&u, 5), 0x60);
	/* FIFO reset through FCR drops waiting bytes. */
	vuart_rx_push(&u, 1);
	vuart_write(&u, 2, 0x07);
	CHECK_EQ(vuart_read(&u, 5) & VUART_LSR_DR, 0);
	vuart_rx_push(&u, 2);
	vuart_write(&u, 2, 0x01);            /* enable unchanged: kept */
	CHECK(vuart_read(&u, 5) & VUART_LSR_DR);
	vuart_write(&u, 2, 0x00);            /* disabling clears */
	CHECK_EQ(vuart_read(&u, 5) & VUART_LSR_DR, 0);
}

static void test_iir_fifo_bits(void)
{
	struct vuart u;

	setup(&u);
	CHECK_EQ(vuart_read(&u, 2), 0x01);
	vuart_write(&u, 2, 0xc7);
	CHECK_EQ(vuart_read(&u, 2), 0xc1);
	vuart_write(&u, 2, 0x00);
	CHECK_EQ(vuart_read(&u, 2), 0x01);
}

static void test_iir_priority_and_clearing(void)
{
	struct vuart u;

	setup(&u);
	vuart_write(&u, 4, VUART_MCR_OUT2);
	CHECK(!vuart_irq_line(&u));
	vuart_write(&u, 1, VUART_IER_RDA | VUART_IER_THRE | VUART_IER_RLS);
	/* THRE raised by enabling it with THR empty. */
	CHECK(vuart_irq_line(&u));
	CHECK_EQ(vuart_read(&u, 2), VUART_IIR_THRE);
	/* Reading IIR cleared it. */
	CHECK_EQ(vuart_read(&u, 2), VUART_IIR_NONE);
	CHECK(!vuart_irq_pending(&u));
	/* A THR write re-arms it (the byte is gone at once). */
	put(&u, "x");
	CHECK(vuart_irq_pending(&u));

	/* RX data outranks THRE; overrun outranks both. */
	for (int i = 0; i < VUART_FIFO_SIZE + 1; i++)
		vuart_rx_push(&u, 'k');
	CHECK_EQ(vuart_read(&u, 2), VUART_IIR_RLS);
	vuart_read(&u, 5);                   /* clears overrun */
	CHECK_EQ(vuart_read(&u, 2), VUART_IIR_RDA);
	CHECK_EQ(vuart_read(&u, 2), VUART_IIR_RDA); /* not cleared by IIR */
	for (int i = 0; i < VUART_FIFO_SIZE; i++)
		vuart_read(&u, 0);
	/* THRE still latched underneath, reported once RX is drained. */
	CHECK_EQ(vuart_read(&u, 2), VUART_IIR_THRE);
	CHECK_EQ(vuart_read(&u, 2), VUART_IIR_NONE);

	/* OUT2 gates the PC's IRQ line but not the UART's own INTR. */
	vuart_rx_push(&u, 'q');
	CHECK(vuart_irq_line(&u));
	vuart_write(&u, 4, 0);
	CHECK(vuart_irq_pending(&u));
	CHECK(!vuart_irq_line(&u));
	/* Masking in IER removes the source. */
	vuart_write(&u, 1, 0);
	CHECK(!vuart_irq_pending(&u));
}

int main(void)
{
	RUN(test_scratch_and_dlab);
	RUN(test_lsr_and_msr);
	RUN(test_line_output);
	RUN(test_long_line_split);
	RUN(test_no_callback);
	RUN(test_loopback);
	RUN(test_rx_fifo_overrun);
	RUN(test_iir_fifo_bits);
	RUN(test_iir_priority_and_clearing);
	return check_summary();
}
