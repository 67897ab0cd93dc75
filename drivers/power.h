/* Powering the machine off. */
#ifndef DRIVERS_POWER_H
#define DRIVERS_POWER_H

#include "drivers/acpi.h"
#include "drivers/cmdline.h"

void power_init(const struct acpi_info *acpi, enum hv_poweroff method);
void power_off(void) __attribute__((noreturn));

#endif
