#include "libntp/clock/kernel_clock.hh"

#include <sys/time.h>
#include <sys/timex.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "libntp/clock/precision.hh"

namespace ntp::clock {

namespace {

constexpr double kMaxFrequency_ppm = 500.0;
constexpr double kMaxFastSlew_ppm = 90000.0;
// The kernel PLL clamps phase to +-0.5 s (MAXPHASE); clamping here keeps the
// nanosecond value well inside a long on every platform.
constexpr double kMaxPllOffset_s = 0.5;
constexpr double kMaxErrorField_s = 16.0;  // kernel NTP_PHASE_LIMIT

ClockResult failure_from_errno() { return ClockResult::failure(std::strerror(errno)); }

long to_micros_clamped(double seconds, double limit_s) {
    double clamped = std::clamp(std::isfinite(seconds) ? seconds : limit_s, 0.0, limit_s);
    return static_cast<long>(std::llround(clamped * 1e6));
}

int call_ntp_adjtime(timex& tx) { return ::ntp_adjtime(&tx); }

// timex.tick: microseconds added per clock interrupt of 1/USER_HZ s.
long nominal_tick_us() {
    static const long tick = [] {
        const long hz = ::sysconf(_SC_CLK_TCK);
        return hz > 0 ? (1'000'000 + hz / 2) / hz : 10'000;
    }();
    return tick;
}

}  // namespace

timespec read_realtime() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return ts;
}

timespec KernelClock::now() { return read_realtime(); }

double KernelClock::precision_s() {
    if (!precision_s_) precision_s_ = measure_precision_s(read_realtime);
    return *precision_s_;
}

ClockResult KernelClock::step(double offset_s) {
    if (!std::isfinite(offset_s)) return ClockResult::failure(std::strerror(EINVAL));
    timespec target = add_seconds(read_realtime(), offset_s);
    if (::clock_settime(CLOCK_REALTIME, &target) != 0) return failure_from_errno();
    return ClockResult::success();
}

ClockResult KernelClock::slew(double offset_s) {
    if (!std::isfinite(offset_s) || std::fabs(offset_s) > 1e6) {
        return ClockResult::failure(std::strerror(EINVAL));
    }
    // Split with truncation towards zero so both fields carry the same sign,
    // which is how adjtime() expects a negative delta.
    long long total_us = std::llround(offset_s * 1e6);
    timeval delta{};
    delta.tv_sec = static_cast<time_t>(total_us / 1'000'000);
    delta.tv_usec = static_cast<suseconds_t>(total_us % 1'000'000);
    if (::adjtime(&delta, nullptr) != 0) return failure_from_errno();
    return ClockResult::success();
}

TickAndFrequency split_rate(double total_ppm, long nominal_tick_us) {
    // One microsecond of tick is 1e6 / nominal_tick_us ppm (100 at USER_HZ 100).
    const double unit_ppm = 1e6 / static_cast<double>(nominal_tick_us);
    long units = 0;
    if (std::fabs(total_ppm) > kMaxFrequency_ppm) units = std::lround(total_ppm / unit_ppm);
    const double freq = std::clamp(total_ppm - static_cast<double>(units) * unit_ppm,
                                   -kMaxFrequency_ppm, kMaxFrequency_ppm);
    return {nominal_tick_us + units, freq};
}

ClockResult KernelClock::write_rate(double total_ppm) {
    const auto split = split_rate(total_ppm, nominal_tick_us());
    timex tx{};
    tx.modes = MOD_FREQUENCY | ADJ_TICK;
    // timex.freq is ppm with a 16-bit binary fraction.
    tx.freq = static_cast<long>(std::llround(split.freq_ppm * 65536.0));
    tx.tick = split.tick_us;
    if (call_ntp_adjtime(tx) == -1) return failure_from_errno();
    return ClockResult::success();
}

ClockResult KernelClock::set_frequency(double freq_ppm) {
    if (!std::isfinite(freq_ppm)) return ClockResult::failure(std::strerror(EINVAL));
    const double freq = std::clamp(freq_ppm, -kMaxFrequency_ppm, kMaxFrequency_ppm);
    auto result = write_rate(freq + fast_slew_ppm_);
    if (result.ok) freq_ppm_ = freq;
    return result;
}

double KernelClock::frequency_ppm() {
    timex tx{};
    if (call_ntp_adjtime(tx) == -1) return 0;
    const double unit_ppm = 1e6 / static_cast<double>(nominal_tick_us());
    return static_cast<double>(tx.freq) / 65536.0 +
           static_cast<double>(tx.tick - nominal_tick_us()) * unit_ppm - fast_slew_ppm_;
}

double KernelClock::fast_slew_limit_ppm() { return kernel_state().available ? kMaxFastSlew_ppm : 0; }

ClockResult KernelClock::set_fast_slew(double extra_ppm) {
    if (!std::isfinite(extra_ppm)) return ClockResult::failure(std::strerror(EINVAL));
    const double extra = std::clamp(extra_ppm, -kMaxFastSlew_ppm, kMaxFastSlew_ppm);
    // The frequency under the slew: the last one written, else the kernel's.
    const double base = freq_ppm_ ? *freq_ppm_ : frequency_ppm();
    auto result = write_rate(base + extra);
    if (result.ok) {
        freq_ppm_ = base;
        fast_slew_ppm_ = extra;
    }
    return result;
}

ClockResult KernelClock::kernel_pll_update(const KernelPllUpdate& update) {
    if (!std::isfinite(update.offset_s)) return ClockResult::failure(std::strerror(EINVAL));
    timex tx{};
    tx.modes = MOD_OFFSET | MOD_MAXERROR | MOD_ESTERROR | MOD_STATUS | MOD_TIMECONST | MOD_NANO;
    double offset_s = std::clamp(update.offset_s, -kMaxPllOffset_s, kMaxPllOffset_s);
    tx.offset = static_cast<long>(std::llround(offset_s * 1e9));
    tx.constant = std::max(0, update.time_constant);
    tx.esterror = to_micros_clamped(update.est_error_s, kMaxErrorField_s);
    tx.maxerror = to_micros_clamped(update.max_error_s, kMaxErrorField_s);
    tx.status = STA_PLL;
    if (update.leap_insert) tx.status |= STA_INS;
    if (update.leap_delete) tx.status |= STA_DEL;
    if (update.unsynchronised) tx.status |= STA_UNSYNC;
    if (call_ntp_adjtime(tx) == -1) return failure_from_errno();

    if (update.tai_offset_s > 0) {
        timex tai{};
        tai.modes = MOD_TAI;
        tai.constant = update.tai_offset_s;
        if (call_ntp_adjtime(tai) == -1) return failure_from_errno();
    }
    return ClockResult::success();
}

ClockResult KernelClock::set_sync_status(bool synchronised, double max_error_s,
                                         double est_error_s) {
    timex current{};
    if (call_ntp_adjtime(current) == -1) return failure_from_errno();
    timex tx{};
    tx.modes = MOD_STATUS | MOD_MAXERROR | MOD_ESTERROR;
    tx.status = current.status & ~(STA_RONLY | STA_UNSYNC);
    if (!synchronised) tx.status |= STA_UNSYNC;
    tx.maxerror = to_micros_clamped(max_error_s, kMaxErrorField_s);
    tx.esterror = to_micros_clamped(est_error_s, kMaxErrorField_s);
    if (call_ntp_adjtime(tx) == -1) return failure_from_errno();
    return ClockResult::success();
}

ClockResult KernelClock::arm_leap(LeapDirection direction, int tai_offset_s) {
    timex current{};
    if (call_ntp_adjtime(current) == -1) return failure_from_errno();
    timex tx{};
    tx.modes = MOD_STATUS;
    tx.status = current.status & ~(STA_RONLY | STA_INS | STA_DEL);
    if (direction == LeapDirection::insert) tx.status |= STA_INS;
    if (direction == LeapDirection::remove) tx.status |= STA_DEL;
    if (call_ntp_adjtime(tx) == -1) return failure_from_errno();
    if (tai_offset_s > 0 && tai_offset_s != current.tai) {
        timex tai{};
        tai.modes = MOD_TAI;
        tai.constant = tai_offset_s;
        if (call_ntp_adjtime(tai) == -1) return failure_from_errno();
    }
    return ClockResult::success();
}

KernelState KernelClock::kernel_state() {
    timex tx{};  // modes = 0: a pure read
    int state = call_ntp_adjtime(tx);
    KernelState ks;
    if (state == -1) return ks;
    ks.available = true;
    ks.time_state = state;
    ks.status_bits = tx.status;
    ks.unsynchronised = (tx.status & STA_UNSYNC) != 0;
    ks.pll = (tx.status & STA_PLL) != 0;
    ks.freq_ppm = static_cast<double>(tx.freq) / 65536.0;
    double offset_unit_s = (tx.status & STA_NANO) ? 1e-9 : 1e-6;
    ks.offset_s = static_cast<double>(tx.offset) * offset_unit_s;
    ks.max_error_s = static_cast<double>(tx.maxerror) * 1e-6;
    ks.est_error_s = static_cast<double>(tx.esterror) * 1e-6;
    ks.tai_offset_s = tx.tai;
    return ks;
}

std::optional<std::string> kernel_report_text(int time_state, int status_bits) {
    switch (time_state) {
        case TIME_OK:
            return std::nullopt;
        case TIME_INS:
            return "kernel reports leap second insertion scheduled";
        case TIME_DEL:
            return "kernel reports leap second deletion scheduled";
        case TIME_OOP:
            return "kernel reports leap second in progress";
        case TIME_WAIT:
            return "kernel reports leap second has occurred";
        case TIME_ERROR:
            break;
        default:
            return "kernel reports unhandled return value " + std::to_string(time_state) +
                   " from ntp_adjtime()";
    }
    // The reasons ntpd lists for TIME_ERROR, in its order, joined by "; ".
    const bool pps_signal = (status_bits & STA_PPSSIGNAL) != 0;
    const bool pps_freq = (status_bits & STA_PPSFREQ) != 0;
    const bool pps_time = (status_bits & STA_PPSTIME) != 0;
    std::string reasons;
    auto add = [&](bool condition, const char* text) {
        if (!condition) return;
        if (!reasons.empty()) reasons += "; ";
        reasons += text;
    };
    add(status_bits & STA_UNSYNC, "Clock Unsynchronized");
    add(status_bits & STA_CLOCKERR, "Clock Error");
    add(!pps_signal && pps_freq, "PPS Frequency Sync wanted but no PPS");
    add(!pps_signal && pps_time, "PPS Time Sync wanted but no PPS signal");
    add(pps_time && (status_bits & STA_PPSJITTER), "PPS Time Sync wanted but PPS Jitter exceeded");
    add(pps_freq && (status_bits & STA_PPSWANDER),
        "PPS Frequency Sync wanted but PPS Wander exceeded");
    add(pps_freq && (status_bits & STA_PPSERROR),
        "PPS Frequency Sync wanted but Calibration error detected");
    // "%#x" prints 0 without the 0x prefix.
    char hex[32];
    std::snprintf(hex, sizeof hex, "%#x", static_cast<unsigned>(status_bits));
    return std::string("kernel reports TIME_ERROR: ") + hex + ": " + reasons;
}

}  // namespace ntp::clock
