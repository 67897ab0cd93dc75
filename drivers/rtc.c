/*
 * The host RTC, read once to give guests the time of day.  Registers are
 * read twice until two reads agree, so an update in between (UIP) cannot
 * tear the value; BCD and 12-hour formats are converted (register B).
 */
#include "drivers/rtc.h"
#include "arch/x86_64/cpu.h"

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static uint8_t bin(uint8_t v, bool bcd)
{
	return bcd ? (uint8_t)((v >> 4) * 10 + (v & 15)) : v;
}

static void read_once(uint8_t r[7])
{
	static const uint8_t regs[7] = { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32 };

	for (int i = 0; i < 1000 && (cmos(0x0a) & 0x80); i++)
		cpu_relax();
	for (int i = 0; i < 7; i++)
		r[i] = cmos(regs[i]);
}

void rtc_read(struct rtc_time *t)
{
	uint8_t a[7], b[7];
	int tries = 0;

	read_once(a);
	do {
		for (int i = 0; i < 7; i++)
			b[i] = a[i];
		read_once(a);
	} while (tries++ < 5 && (a[0] != b[0] || a[1] != b[1] || a[2] != b[2]));

	uint8_t regb = cmos(0x0b);
	bool bcd = !(regb & 4), h12 = !(regb & 2);
	uint8_t hour = bin(a[2] & 0x7f, bcd);
	if (h12 && (a[2] & 0x80))
		hour = (uint8_t)((hour % 12) + 12);
	else if (h12 && hour == 12)
		hour = 0;
	uint8_t century = bin(a[6], bcd);
	t->sec = bin(a[0], bcd);
	t->min = bin(a[1], bcd);
	t->hour = hour;
	t->day = bin(a[3], bcd);
	t->month = bin(a[4], bcd);
	t->year = (uint16_t)((century >= 19 && century <= 30 ? century : 20) * 100 + bin(a[5], bcd));
}
