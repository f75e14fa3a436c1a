#include "tests/support/sim_clock.hh"

#include <algorithm>
#include <cmath>

#include <sys/timex.h>

namespace ntp::clock {

namespace {
constexpr double max_slew_rate = 500e-6;  // Linux adjtime() rate
constexpr double max_freq_ppm = 500;
constexpr double max_pll_offset_s = 0.5;  // MAXPHASE
constexpr int shift_pll = 2;              // SHIFT_PLL since Linux 2.6.31
constexpr int max_time_constant = 10;     // MAXTC
}  // namespace

SimClock::SimClock(const Options& o)
    : start_(o.start),
      error_s_(o.initial_offset_s),
      freq_error_ppm_(o.freq_error_ppm),
      wander_(o.wander_ppm_per_sqrt_s),
      precision_s_(o.precision_s),
      fast_slew_(o.fast_slew),
      rng_(o.seed) {
    pll_.enabled = o.kernel_pll;
}

void SimClock::advance(double seconds) {
    if (!(seconds > 0)) return;
    const timespec before = now();
    const double end_s = elapsed_s_ + seconds;
    if (pll_.enabled) {
        // The kernel PLL changes its rate at second boundaries only.
        while (next_second_s_ <= end_s) {
            run_for(next_second_s_ - elapsed_s_);
            elapsed_s_ = next_second_s_;
            next_second_s_ += 1;
            kernel_second();
        }
    }
    run_for(end_s - elapsed_s_);
    elapsed_s_ = end_s;
    if (wander_ > 0) freq_error_ppm_ += wander_ * std::sqrt(seconds) * normal_(rng_);
    execute_leap(before);
}

void SimClock::run_for(double seconds) {
    if (!(seconds > 0)) return;
    // Rates are constant over the interval except that the adjtime() slew
    // may finish inside it; the sum is exact either way.
    const double slewed =
        std::copysign(std::min(std::fabs(slew_left_s_), max_slew_rate * seconds), slew_left_s_);
    slew_left_s_ -= slewed;
    error_s_ += (freq_error_ppm_ + freq_ppm_ + fast_slew_ppm_) * 1e-6 * seconds + slewed +
                pll_.rate * seconds;
}

void SimClock::kernel_second() {
    if (pll_.on) {
        pll_.seconds_since_update += 1;
        pll_.rate = std::ldexp(pll_.offset_s, -(shift_pll + pll_.time_constant));
        pll_.offset_s -= pll_.rate;
    } else {
        pll_.rate = 0;
    }
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

ClockResult SimClock::set_fast_slew(double extra_ppm) {
    if (!fast_slew_) return Clock::set_fast_slew(extra_ppm);
    if (!std::isfinite(extra_ppm)) return ClockResult::failure("Invalid argument");
    fast_slew_ppm_ = std::clamp(extra_ppm, -fast_slew_limit_ppm(), fast_slew_limit_ppm());
    return ClockResult::success();
}

ClockResult SimClock::kernel_pll_update(const KernelPllUpdate& update) {
    if (!pll_.enabled) return ClockResult::failure("no kernel PLL in the simulated clock");
    if (!std::isfinite(update.offset_s)) return ClockResult::failure("Invalid argument");
    const int tc = std::clamp(update.time_constant, 0, max_time_constant);
    const double offset = std::clamp(update.offset_s, -max_pll_offset_s, max_pll_offset_s);
    // The PLL's frequency nudge (no FLL: updates are < 2048 s apart here).
    if (pll_.on && pll_.updated_before) {
        const double nudge = offset * pll_.seconds_since_update / std::ldexp(1.0, 2 * (4 + tc));
        freq_ppm_ = std::clamp(freq_ppm_ + nudge * 1e6, -max_freq_ppm, max_freq_ppm);
    }
    pll_.on = true;
    pll_.updated_before = true;
    pll_.seconds_since_update = 0;
    pll_.time_constant = tc;
    pll_.offset_s = offset;
    kernel_.set_sync_status(!update.unsynchronised, update.max_error_s, update.est_error_s);
    // The status word written carries the leap bits: what it does not carry
    // is disarmed, as with KernelClock.
    kernel_.arm_leap(update.leap_insert   ? LeapDirection::insert
                     : update.leap_delete ? LeapDirection::remove
                                          : LeapDirection::none,
                     update.tai_offset_s);
    return ClockResult::success();
}

ClockResult SimClock::set_sync_status(bool synchronised, double max_error_s, double est_error_s) {
    kernel_.set_sync_status(synchronised, max_error_s, est_error_s);
    return ClockResult::success();
}

KernelState SimClock::kernel_state() {
    if (!pll_.enabled) return kernel_.state(freq_ppm_, slew_left_s_);
    KernelState k = kernel_.state(freq_ppm_, pll_.offset_s);
    k.available = true;
    k.pll = pll_.on;
    if (pll_.on) k.status_bits |= STA_PLL;
    return k;
}

}  // namespace ntp::clock
