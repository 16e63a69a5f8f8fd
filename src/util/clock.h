#ifndef BASALT_UTIL_CLOCK_H
#define BASALT_UTIL_CLOCK_H

#include <stdint.h>

/* Wall-clock time (for expiry, TIME, LASTSAVE). */
int64_t clock_unix_ms(void);
int64_t clock_unix_us(void);
/* Monotonic time (for durations: slowlog, idle times, timeouts). */
int64_t clock_mono_us(void);

#endif
