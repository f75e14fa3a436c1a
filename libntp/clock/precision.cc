#include "libntp/clock/precision.hh"

#include <algorithm>
#include <cmath>

#include "libntp/clock/clock.hh"

namespace ntp::clock {

namespace {
// Classic ntpd's MINSTEP / MINCHANGES (ntp_proto.c, measure_tick_fuzz).
constexpr double kMinIncrement_s = 20e-9;
constexpr int kWantedIncrements = 12;
}  // namespace

double measure_precision_s(const std::function<timespec()>& read_clock, long max_reads) {
    double smallest_s = 1.0;
    int increments = 0;
    timespec previous = read_clock();
    for (long i = 0; i < max_reads && increments < kWantedIncrements; ++i) {
        timespec current = read_clock();
        double delta_s = diff_seconds(current, previous);
        previous = current;
        if (delta_s > kMinIncrement_s) {
            ++increments;
            smallest_s = std::min(smallest_s, delta_s);
        }
    }
    return smallest_s;
}

int precision_log2(double precision_s) {
    if (!std::isfinite(precision_s) || precision_s <= 0) return -30;
    // Scale into (1, 2] by doubling, then round towards the nearer of the two
    // bracketing powers of two; ntpd compares distances on a linear scale,
    // which we keep so the number printed at start-up matches.
    int exponent = 0;
    double scaled = precision_s;
    while (scaled <= 1.0) {
        scaled *= 2.0;
        --exponent;
    }
    if (scaled - 1.0 > 1.0 - scaled / 2.0) ++exponent;
    return exponent;
}

}  // namespace ntp::clock
