/*
 * An emulated MC146818 real-time clock with its CMOS RAM (ports 0x70 index,
 * 0x71 data; IRQ 8).
 *
 * Time of day = base (read from the host RTC by the caller) + time elapsed
 * on the caller's nanosecond clock since base_ns + an offset the guest sets
 * by writing the time registers.  Nothing is stored per second: each read
 * converts the current time into registers, in BCD or binary and 12- or
 * 24-hour format as register B says.
 *
 * CMOS map (MC146818 datasheet "Address Map"; PC use after the IBM AT
 * technical reference and what SeaBIOS/QEMU read):
 *   0x00-0x09  seconds, alarm s, minutes, alarm m, hours, alarm h,
 *              weekday (1 = Sunday), day, month, year (00-99)
 *   0x0a-0x0d  registers A-D
 *   0x0e-0x7f  plain battery-backed bytes, readable and writable; at init:
 *     0x10        floppy types: none
 *     0x14        equipment: FPU present, VGA
 *     0x15/0x16   base memory in KiB (640)
 *     0x17/0x18   extended memory above 1 MiB in KiB, capped at 0xffff
 *     0x30/0x31   the same (the POST's copy)
 *     0x2e/0x2f   checksum of 0x10-0x2d, high byte first
 *     0x32        century (in the register-B format, like the year)
 *     0x34/0x35   memory between 16 MiB and 4 GiB in 64 KiB units, capped
 *     0x5b-0x5d   memory above 4 GiB in 64 KiB units (24 bits)
 *
 * Interrupt flags (register C) are raised from the clock: UF once per
 * second, PF at the register-A rate, AF at a second boundary that matches
 * the alarm (checked at the time the flags are brought up to date).  The
 * divider bits of register A are stored but the clock always runs.
 */
#ifndef VMM_VRTC_H
#define VMM_VRTC_H

#include <stdint.h>
#include <stdbool.h>

#define VRTC_BASE_PORT 0x70
#define VRTC_NPORTS    2
#define VRTC_IRQ       8
#define VRTC_NO_IRQ    UINT64_MAX

/* Register indexes */
#define VRTC_SEC       0x00
#define VRTC_SEC_ALARM 0x01
#define VRTC_MIN       0x02
#define VRTC_MIN_ALARM 0x03
#define VRTC_HOUR      0x04
#define VRTC_HOUR_ALARM 0x05
#define VRTC_WEEKDAY   0x06
#define VRTC_DAY       0x07
#define VRTC_MONTH     0x08
#define VRTC_YEAR      0x09
#define VRTC_REG_A     0x0a
#define VRTC_REG_B     0x0b
#define VRTC_REG_C     0x0c
#define VRTC_REG_D     0x0d
#define VRTC_CENTURY   0x32

#define VRTC_A_UIP     0x80
#define VRTC_B_SET     0x80
#define VRTC_B_PIE     0x40
#define VRTC_B_AIE     0x20
#define VRTC_B_UIE     0x10
#define VRTC_B_BINARY  0x04
#define VRTC_B_24H     0x02
#define VRTC_C_IRQF    0x80
#define VRTC_C_PF      0x40
#define VRTC_C_AF      0x20
#define VRTC_C_UF      0x10
#define VRTC_D_VRT     0x80
#define VRTC_HOUR_PM   0x80

typedef uint64_t (*vrtc_clock_fn)(void *ctx);

/* A calendar time, year in full (e.g. 2024), month 1-12, day 1-31. */
struct vrtc_time {
	uint16_t year;
	uint8_t month, day, hour, min, sec;
};

struct vrtc_config {
	struct vrtc_time base;  /* wall time at base_ns (host RTC, UTC) */
	uint64_t base_ns;       /* clock value when base was read */
	vrtc_clock_fn now_ns;
	void *clock_ctx;
	uint64_t ram_below_4g;  /* guest RAM in bytes below 4 GiB */
	uint64_t ram_above_4g;  /* and above */
};

struct vrtc {
	uint8_t index;
	uint8_t cmos[128];
	uint8_t flags;          /* register C bits PF/AF/UF not yet read */
	uint64_t flags_ns;      /* clock value the flags are up to date with */
	uint64_t base_secs;     /* base as seconds since 1900-01-01 */
	uint64_t base_ns;
	int64_t offset_s;       /* guest-set time minus host time */
	bool held;              /* register B SET: time frozen in hold */
	struct vrtc_time hold;
	vrtc_clock_fn now_ns;
	void *clock_ctx;
};

void vrtc_init(struct vrtc *r, const struct vrtc_config *cfg);

/* port_offset 0 = port 0x70 (index, bit 7 = NMI disable, ignored; reads
 * 0xff), 1 = port 0x71 (data). */
uint8_t vrtc_read(struct vrtc *r, uint16_t port_offset);
void vrtc_write(struct vrtc *r, uint16_t port_offset, uint8_t value);

/* The guest's current wall time (what the registers would say). */
struct vrtc_time vrtc_now(struct vrtc *r);

/* IRQ 8 output: a flag in register C whose enable is set in register B;
 * stays up until the guest reads register C. */
bool vrtc_irq_pending(struct vrtc *r);
/* When an enabled flag will next be raised, VRTC_NO_IRQ if none is
 * enabled.  The caller re-checks vrtc_irq_pending() then. */
uint64_t vrtc_next_irq_ns(struct vrtc *r);

#endif
