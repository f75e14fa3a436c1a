#include "libntp/clock/sim_clock.hh"

#include <sys/timex.h>

#include <algorithm>
#include <cmath>

namespace ntp::clock {

namespace {
constexpr double max_slew_rate = 500e-6;  // Linux adjtime() rate
constexpr double max_freq_ppm = 500;
constexpr long seconds_per_day = 86400;

// Day number of a reading, shifted so a deletion's boundary (the start of
// 23:59:59) counts as the day change.
long long day_of(const timespec& ts, long shift_s) {
    const long long s = static_cast<long long>(ts.tv_sec) + shift_s;
    return s >= 0 ? s / seconds_per_day : -((-s + seconds_per_day - 1) / seconds_per_day);
}
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
    if (leap_ == LeapDirection::none || leap_done_) return;
    // Like the kernel's second_overflow(): the reading crossing midnight
    // (insert) or the start of 23:59:59 (remove) while armed.
    const long shift = leap_ == LeapDirection::insert ? 0 : 1;
    if (day_of(now(), shift) == day_of(before, shift)) return;
    error_s_ += leap_ == LeapDirection::insert ? -1.0 : 1.0;
    leaps_.push_back({elapsed_s_, leap_});
    leap_done_ = true;
    if (tai_offset_s_ > 0) tai_offset_s_ += leap_ == LeapDirection::insert ? 1 : -1;
}

ClockResult SimClock::arm_leap(LeapDirection direction, int tai_offset_s) {
    if (direction != leap_) leap_done_ = false;
    leap_ = direction;
    if (tai_offset_s > 0) tai_offset_s_ = tai_offset_s;
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
    k.tai_offset_s = tai_offset_s_;
    if (leap_ == LeapDirection::insert) k.status_bits |= STA_INS;
    if (leap_ == LeapDirection::remove) k.status_bits |= STA_DEL;
    if (!synchronised_) k.status_bits |= STA_UNSYNC;
    k.time_state = leap_done_ ? TIME_WAIT
                   : leap_ == LeapDirection::insert ? TIME_INS
                   : leap_ == LeapDirection::remove ? TIME_DEL
                                                    : TIME_OK;
    return k;
}

}  // namespace ntp::clock
