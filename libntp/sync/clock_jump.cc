#include "libntp/sync/clock_jump.hh"

#include <cmath>

#include "libntp/sync/constants.hh"

namespace ntp::sync {

std::optional<double> ClockJumpDetector::check(double realtime_s, double monotonic_s, double own_step_s) {
    std::optional<double> jump;
    if (primed_) {
        const double elapsed = monotonic_s - last_mono_s_;
        const double moved = realtime_s - last_real_s_ - own_step_s;
        const double diff = moved - elapsed;
        const double allowed = tolerance_s_ + constants::max_slew_ppm * 1e-6 * std::fabs(elapsed);
        if (std::fabs(diff) > allowed) jump = diff;
    }
    primed_ = true;
    last_real_s_ = realtime_s;
    last_mono_s_ = monotonic_s;
    return jump;
}

}  // namespace ntp::sync
