#include "libntp/clock/sim_clock.hh"

#include <algorithm>
#include <cmath>

namespace ntp::clock {

namespace {
constexpr double max_slew_rate = 500e-6;  // Linux adjtime() rate
constexpr double max_freq_ppm = 500;
}  // namespace

SimClock::SimClock(const Options& o)
    : start_(o.start),
      error_s_(o.initial_offset_s),
      freq_error_ppm_(o.freq_error_ppm),
      wander_(o.wander_ppm_per_sqrt_s),
      precision_s_(o.precision_s),
      rng_(o.seed) {}

void SimClock::advance(double seconds) {
    if (!(seconds > 0)) return;
    // Rate and slew are both constant over the interval except that the slew
    // may finish inside it; the sum is exact either way.
    const double slewed =
        std::copysign(std::min(std::fabs(slew_left_s_), max_slew_rate * seconds), slew_left_s_);
    slew_left_s_ -= slewed;
    error_s_ += (freq_error_ppm_ + freq_ppm_) * 1e-6 * seconds + slewed;
    elapsed_s_ += seconds;
    if (wander_ > 0) freq_error_ppm_ += wander_ * std::sqrt(seconds) * normal_(rng_);
}

timespec SimClock::true_now() const { return add_seconds(start_, elapsed_s_); }

timespec SimClock::now() { return add_seconds(start_, elapsed_s_ + error_s_); }

ClockResult SimClock::step(double offset_s) {
    if (!std::isfinite(offset_s)) return ClockResult::failure("Invalid argument");
    error_s_ += offset_s;
    steps_.push_back({elapsed_s_, offset_s});
    return ClockResult::success();
}

ClockResult SimClock::slew(double offset_s) {
    if (!std::isfinite(offset_s)) return ClockResult::failure("Invalid argument");
    slew_left_s_ = offset_s;  // adjtime() replaces the outstanding adjustment
    ++slew_count_;
    slew_total_s_ += offset_s;
    return ClockResult::success();
}

ClockResult SimClock::set_frequency(double freq_ppm) {
    if (!std::isfinite(freq_ppm)) return ClockResult::failure("Invalid argument");
    freq_ppm_ = std::clamp(freq_ppm, -max_freq_ppm, max_freq_ppm);
    return ClockResult::success();
}

ClockResult SimClock::kernel_pll_update(const KernelPllUpdate&) {
    return ClockResult::failure("no kernel PLL in the simulated clock");
}

ClockResult SimClock::set_sync_status(bool synchronised, double max_error_s, double est_error_s) {
    synchronised_ = synchronised;
    max_error_s_ = max_error_s;
    est_error_s_ = est_error_s;
    return ClockResult::success();
}

KernelState SimClock::kernel_state() {
    KernelState k;
    k.available = false;
    k.unsynchronised = !synchronised_;
    k.freq_ppm = freq_ppm_;
    k.offset_s = slew_left_s_;
    k.max_error_s = max_error_s_;
    k.est_error_s = est_error_s_;
    return k;
}

}  // namespace ntp::clock
