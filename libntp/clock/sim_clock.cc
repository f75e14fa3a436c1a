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
    const timespec before = now();
    // Rate and slew are both constant over the interval except that the slew
    // may finish inside it; the sum is exact either way.
    const double slewed =
        std::copysign(std::min(std::fabs(slew_left_s_), max_slew_rate * seconds), slew_left_s_);
    slew_left_s_ -= slewed;
    error_s_ += (freq_error_ppm_ + freq_ppm_) * 1e-6 * seconds + slewed;
    elapsed_s_ += seconds;
    if (wander_ > 0) freq_error_ppm_ += wander_ * std::sqrt(seconds) * normal_(rng_);
    execute_leap(before);
}

void SimClock::execute_leap(const timespec& before) {
    // Like the kernel's second_overflow(): the reading crossing midnight
    // (insert) or the start of 23:59:59 (remove) while armed.
    const auto leap_s = kernel_.take_leap(before, now());
    if (!leap_s) return;
    error_s_ += *leap_s;
    leaps_.push_back({elapsed_s_, kernel_.leap_armed()});
}

ClockResult SimClock::arm_leap(LeapDirection direction, int tai_offset_s) {
    kernel_.arm_leap(direction, tai_offset_s);
    return ClockResult::success();
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
    kernel_.set_sync_status(synchronised, max_error_s, est_error_s);
    return ClockResult::success();
}

KernelState SimClock::kernel_state() { return kernel_.state(freq_ppm_, slew_left_s_); }

}  // namespace ntp::clock
