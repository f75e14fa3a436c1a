#include "libntp/clock/modelled_kernel.hh"

#include <sys/timex.h>

namespace ntp::clock {

namespace {
constexpr long seconds_per_day = 86400;

// Day number of a reading, shifted so a deletion's boundary (the start of
// 23:59:59) counts as the day change.
long long day_of(const timespec& ts, long shift_s) {
    const long long s = static_cast<long long>(ts.tv_sec) + shift_s;
    return s >= 0 ? s / seconds_per_day : -((-s + seconds_per_day - 1) / seconds_per_day);
}
}  // namespace

void ModelledKernel::set_sync_status(bool synchronised, double max_error_s, double est_error_s) {
    synchronised_ = synchronised;
    max_error_s_ = max_error_s;
    est_error_s_ = est_error_s;
}

void ModelledKernel::arm_leap(LeapDirection direction, int tai_offset_s) {
    if (direction != leap_) leap_done_ = false;
    leap_ = direction;
    if (tai_offset_s > 0) tai_offset_s_ = tai_offset_s;
}

std::optional<double> ModelledKernel::take_leap(const timespec& before, const timespec& after) {
    if (leap_ == LeapDirection::none || leap_done_) return std::nullopt;
    const long shift = leap_ == LeapDirection::insert ? 0 : 1;
    if (day_of(after, shift) <= day_of(before, shift)) return std::nullopt;
    leap_done_ = true;
    if (tai_offset_s_ > 0) tai_offset_s_ += leap_ == LeapDirection::insert ? 1 : -1;
    return leap_ == LeapDirection::insert ? -1.0 : 1.0;
}

KernelState ModelledKernel::state(double freq_ppm, double offset_s) const {
    KernelState k;
    k.available = false;
    k.unsynchronised = !synchronised_;
    k.freq_ppm = freq_ppm;
    k.offset_s = offset_s;
    k.max_error_s = max_error_s_;
    k.est_error_s = est_error_s_;
    k.tai_offset_s = tai_offset_s_;
    if (leap_ == LeapDirection::insert) k.status_bits |= STA_INS;
    if (leap_ == LeapDirection::remove) k.status_bits |= STA_DEL;
    if (!synchronised_) k.status_bits |= STA_UNSYNC;
    k.time_state = leap_done_                           ? TIME_WAIT
                   : leap_ == LeapDirection::insert ? TIME_INS
                   : leap_ == LeapDirection::remove ? TIME_DEL
                                                    : TIME_OK;
    return k;
}

}  // namespace ntp::clock
