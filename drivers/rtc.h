/* Reading the host's real-time clock (MC146818 CMOS). */
#ifndef DRIVERS_RTC_H
#define DRIVERS_RTC_H

#include "hv/types.h"

struct rtc_time { uint16_t year; uint8_t month, day, hour, min, sec; };

void rtc_read(struct rtc_time *t);

#endif
