/*
 * Everything a guest program needs, in one include.  A guest defines
 *
 *     int guest_main(uint32_t magic, const struct mb_info *mbi);
 *
 * calls guest_init() first, and returns its exit code (or calls
 * check_finish / guest_exit).
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"
#include "cmdline.h"
#include "console.h"
#include "cpu.h"
#include "fault.h"
#include "fmt.h"
#include "hcall.h"
#include "multiboot.h"
#include "paging.h"
#include "platform.h"
#include "string.h"
#include "timer.h"
#include "trap.h"
#include "uart.h"

int guest_main(uint32_t magic, const struct mb_info *mbi);

/* Linker-script symbols (guest.ld): the loaded image, 4 KiB aligned. */
extern char guest_image_start[], guest_image_end[];

#endif
