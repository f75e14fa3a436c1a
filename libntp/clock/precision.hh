#pragma once
// Clock precision measured the classic way: the smallest increment seen
// between successive readings of the clock (ntpd "proto: precision = ...").

#include <ctime>
#include <functional>

namespace ntp::clock {

// Reads `read_clock` in a tight loop and returns the smallest increment, in
// seconds, between two successive readings. Increments of 20 ns or less (and
// backward jumps) count as "no change", as in classic ntpd, because two reads
// that close say more about the cost of reading than about the clock. Stops
// after 12 increments or `max_reads` readings; returns 1.0 s when the clock
// never moved.
double measure_precision_s(const std::function<timespec()>& read_clock,
                           long max_reads = 50'000'000);

// The classic sys_precision: log2 of `precision_s` rounded to the nearest
// power of two the way ntpd does (0.070 us -> -24). Non-positive or
// non-finite input gives -30 (1 ns), the finest value ntpd reports.
int precision_log2(double precision_s);

}  // namespace ntp::clock
