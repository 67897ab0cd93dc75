/*
 * Console fan-out and the log API (with panic()).  Each log_printf() call is formatted
 * into a buffer and written whole under a lock, so lines from different
 * CPUs do not interleave.
 */
#include "drivers/console.h"
#include "drivers/serial.h"
#include "drivers/fbcon.h"
#include "arch/x86_64/spinlock.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/cpu.h"
#include "hv/log.h"
#include "lib/fmt.h"

static spinlock_t console_lock;
static int lock_owner = -1;
static struct fbcon fb_console;
static bool fb_attached;
static bool use_serial = true, use_fb = true;

void console_init_serial(void)
{
	serial_init(COM1_PORT);
}

void console_attach_fb(const struct fb_desc *fb)
{
	if (fbcon_init(&fb_console, fb))
		fb_attached = true;
}

void console_set_mask(bool serial, bool fb)
{
	use_serial = serial;
	use_fb = fb;
}

void console_write(const char *s, size_t n)
{
	if (use_serial)
		serial_write(s, n);
	if (use_fb && fb_attached)
		fbcon_write(&fb_console, s, n);
}

void console_force_unlock(void)
{
	lock_owner = -1;
	spin_unlock(&console_lock);
}

void log_vprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	int me = cpu_index();
	bool nested = (lock_owner == me);

	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (!nested) {
		spin_lock(&console_lock);
		lock_owner = me;
	}
	console_write(buf, (size_t)n);
	if (!nested) {
		lock_owner = -1;
		spin_unlock(&console_lock);
	}
}

void log_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	log_printf("hv: PANIC: cpu %d: ", cpu_index());
	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
	log_printf("\n");
	halt_forever();
}
