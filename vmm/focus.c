/* Console focus: routing COM1 input to one guest (see focus.h). */
#include "vmm/focus.h"
#include "vmm/partition.h"
#include "drivers/serial.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/spinlock.h"
#include "arch/x86_64/tsc.h"
#include "hv/log.h"

#define CTRL_A 0x01

static struct partition *parts;
static int nparts, focus;
static bool escape;
static spinlock_t lock;
static uint64_t next_poll;

void focus_init(struct partition *p, int n)
{
	parts = p;
	nparts = n;
	focus = 0;
}

static void switch_to(int i)
{
	if (i < 0 || i >= nparts)
		return;
	focus = i;
	log_printf("hv: console focus: guest %s\n", parts[i].name);
}

static void deliver(int c)
{
	struct partition *p = &parts[focus];

	if (escape) {
		escape = false;
		if (c >= '0' && c <= '9')
			switch_to(c - '0');
		else if (c == 'n')
			switch_to((focus + 1) % nparts);
		else if (c == CTRL_A && p->state == GUEST_RUNNING)
			ring_put(&p->console_in, CTRL_A);
		return;
	}
	if (c == CTRL_A) {
		escape = true;
		return;
	}
	/* the guest's own CPU moves it into its UART (vcpu_take_console_input) */
	if (p->state == GUEST_RUNNING)
		ring_put(&p->console_in, (uint8_t)c);
}

void focus_poll(uint64_t now)
{
	int c;

	if (!nparts || now < next_poll || !spin_trylock(&lock))
		return;
	next_poll = now + tsc_hz() / 1000;
	while ((c = serial_getc()) >= 0)
		deliver(c);
	spin_unlock(&lock);
}
