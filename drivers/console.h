/*
 * The hypervisor's consoles: COM1 and the framebuffer text console.
 * log_printf() (hv/log.h) writes to every console that is attached.
 */
#ifndef DRIVERS_CONSOLE_H
#define DRIVERS_CONSOLE_H

#include "hv/types.h"

struct fb_desc;

void console_init_serial(void);
void console_attach_fb(const struct fb_desc *fb);
void console_set_mask(bool serial, bool fb);
void console_write(const char *s, size_t n);
/* Panic path: stop waiting for the lock after a while. */
void console_force_unlock(void);

#endif
