#include "libntp/clock/null_clock.hh"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "libntp/clock/kernel_clock.hh"
#include "libntp/clock/precision.hh"

namespace ntp::clock {

namespace {
// Linux adjtime() amortizes at 500 us per second; the model does the same so
// the discipline sees the response it would get from the kernel.
constexpr double kSlewRate = 500e-6;
constexpr double kMaxFrequency_ppm = 500.0;
}  // namespace

NullClock::NullClock(std::function<timespec()> host_now)
    : host_now_(host_now ? std::move(host_now) : std::function<timespec()>(read_realtime)) {
    anchor_ = host_now_();
}

double NullClock::slew_done_at(const timespec& host) const {
    double elapsed_s = std::max(0.0, diff_seconds(host, anchor_));
    double done = std::min(std::fabs(slew_left_s_), kSlewRate * elapsed_s);
    return std::copysign(done, slew_left_s_);
}

double NullClock::correction_at(const timespec& host) const {
    // A host clock stepped backwards under us gives a negative interval;
    // treat it as no time passing rather than un-applying corrections.
    double elapsed_s = std::max(0.0, diff_seconds(host, anchor_));
    return base_correction_s_ + (freq_ppm_ + fast_slew_ppm_) * 1e-6 * elapsed_s + slew_done_at(host);
}

void NullClock::advance_to(const timespec& host) {
    double done = slew_done_at(host);
    base_correction_s_ = correction_at(host);
    slew_left_s_ -= done;
    anchor_ = host;
}

timespec NullClock::now() {
    timespec host = host_now_();
    timespec reading = add_seconds(host, correction_at(host));
    if (last_reading_) {
        if (const auto leap_s = kernel_.take_leap(*last_reading_, reading)) {
            advance_to(host);
            base_correction_s_ += *leap_s;
            reading = add_seconds(reading, *leap_s);
        }
    }
    last_reading_ = reading;
    return reading;
}

ClockResult NullClock::arm_leap(LeapDirection direction, int tai_offset_s) {
    kernel_.arm_leap(direction, tai_offset_s);
    if (!last_reading_) last_reading_ = now();
    return ClockResult::success();
}

double NullClock::precision_s() {
    if (!precision_s_) precision_s_ = measure_precision_s(host_now_);
    return *precision_s_;
}

ClockResult NullClock::step(double offset_s) {
    if (!std::isfinite(offset_s)) return ClockResult::failure(std::strerror(EINVAL));
    advance_to(host_now_());
    base_correction_s_ += offset_s;
    return ClockResult::success();
}

ClockResult NullClock::slew(double offset_s) {
    if (!std::isfinite(offset_s)) return ClockResult::failure(std::strerror(EINVAL));
    advance_to(host_now_());
    slew_left_s_ = offset_s;  // adjtime() replaces the outstanding adjustment
    return ClockResult::success();
}

ClockResult NullClock::set_frequency(double freq_ppm) {
    if (!std::isfinite(freq_ppm)) return ClockResult::failure(std::strerror(EINVAL));
    advance_to(host_now_());
    freq_ppm_ = std::clamp(freq_ppm, -kMaxFrequency_ppm, kMaxFrequency_ppm);
    return ClockResult::success();
}

ClockResult NullClock::set_fast_slew(double extra_ppm) {
    if (!std::isfinite(extra_ppm)) return ClockResult::failure(std::strerror(EINVAL));
    advance_to(host_now_());
    fast_slew_ppm_ = std::clamp(extra_ppm, -fast_slew_limit_ppm(), fast_slew_limit_ppm());
    return ClockResult::success();
}

ClockResult NullClock::kernel_pll_update(const KernelPllUpdate&) {
    return ClockResult::failure("kernel discipline not available on the null clock");
}

ClockResult NullClock::set_sync_status(bool synchronised, double max_error_s, double est_error_s) {
    kernel_.set_sync_status(synchronised, max_error_s, est_error_s);
    return ClockResult::success();
}

KernelState NullClock::kernel_state() { return kernel_.state(freq_ppm_, pending_slew_s()); }

double NullClock::correction_s() { return correction_at(host_now_()); }

double NullClock::pending_slew_s() { return slew_left_s_ - slew_done_at(host_now_()); }

}  // namespace ntp::clock
