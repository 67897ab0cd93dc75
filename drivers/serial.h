/* The 16550 UART console on COM1 (115200 8N1), probed before use. */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include "hv/types.h"

#define COM1_PORT 0x3f8

bool serial_init(uint16_t port);   /* false when no UART answers */
bool serial_present(void);
void serial_write(const char *s, size_t n);
void serial_drain(void);
int serial_getc(void);              /* -1 when nothing received */

#endif
