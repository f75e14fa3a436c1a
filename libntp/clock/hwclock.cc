#include "libntp/clock/hwclock.hh"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace ntp::clock {

namespace {

constexpr double kInitialTolerance_s = 0.001;
constexpr double kGiveUpAfter_s = 5.0;
// Even a jiffies-based clock changes within a few million reads; a clock
// that returns the same value this often is not moving at all.
constexpr long kMaxIdenticalReads = 10'000'000;

std::string format_rtc_time(const RtcTime& t) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", t.year, t.month, t.day, t.hour,
                  t.minute, t.second);
    return buf;
}

const char* timescale_name(RtcTimescale ts) { return ts == RtcTimescale::local ? "LOCAL" : "UTC"; }

}  // namespace

double rtc_write_delay_s(const std::string& driver_name) {
    return (driver_name.empty() || driver_name == "rtc_cmos") ? 0.5 : 0.0;
}

double seconds_until_rtc_write(const timespec& now, double delay_s) {
    double fraction = static_cast<double>(now.tv_nsec) * 1e-9;
    double wait_s = delay_s - fraction;
    return wait_s < 0 ? wait_s + 1.0 : wait_s;
}

RtcTime rtc_time_for(long long unix_s, RtcTimescale timescale) {
    time_t t = static_cast<time_t>(unix_s);
    std::tm tm{};
    if (timescale == RtcTimescale::local) {
        ::tzset();
        ::localtime_r(&t, &tm);
    } else {
        ::gmtime_r(&t, &tm);
    }
    RtcTime r;
    r.year = tm.tm_year + 1900;
    r.month = tm.tm_mon + 1;
    r.day = tm.tm_mday;
    r.hour = tm.tm_hour;
    r.minute = tm.tm_min;
    r.second = tm.tm_sec;
    r.weekday = tm.tm_wday;
    r.yearday = tm.tm_yday;
    return r;
}

SystohcResult systohc(RtcDevice& rtc, const std::function<timespec()>& now, double delay_s,
                      RtcTimescale timescale) {
    SystohcResult result;
    const timespec start = now();
    timespec reference{start.tv_sec, 0};
    timespec target = add_seconds(reference, delay_s);
    double tolerance_s = kInitialTolerance_s;
    double tolerance_step_s = kInitialTolerance_s;
    timespec previous = reference;
    timespec current{};
    long identical_reads = 0;

    for (;;) {
        current = now();
        double late_s = diff_seconds(current, target);
        double tick_s = diff_seconds(current, previous);
        identical_reads = tick_s == 0 ? identical_reads + 1 : 0;
        bool went_backwards = tick_s < 0;
        previous = current;
        double since_start_s = diff_seconds(current, start);
        if (since_start_s > kGiveUpAfter_s || since_start_s < -1 ||
            identical_reads > kMaxIdenticalReads) {
            result.message = "cannot time the write to " + rtc.path() +
                             ": the system clock did not reach the aligned moment";
            return result;
        }
        if (!went_backwards) {
            if (late_s < 0) continue;  // not there yet
            if (late_s <= tolerance_s) break;
            // Missed it (preempted, or called late): accept a little more
            // slack each time so a busy machine still gets its write.
            tolerance_s += tolerance_step_s;
            tolerance_step_s *= 2;
        }
        // Same sub-second offset, in this second if still ahead, else the next.
        target.tv_sec = current.tv_nsec < target.tv_nsec ? current.tv_sec : current.tv_sec + 1;
    }

    const long long elapsed_whole_s = std::llround(diff_seconds(current, reference) - delay_s);
    result.reference_s = reference.tv_sec;
    result.rtc_value_s = static_cast<long long>(reference.tv_sec) + elapsed_whole_s;
    result.written_at = current;
    RtcTime value = rtc_time_for(result.rtc_value_s, timescale);
    ClockResult set = rtc.set(value);
    if (!set.ok) {
        result.message = set.error;
        return result;
    }
    result.ok = true;
    result.message =
        "RTC " + rtc.path() + " set to " + format_rtc_time(value) + " " + timescale_name(timescale);
    return result;
}

namespace {

void say(HwclockReport& report, util::Severity severity, std::string text) {
    report.messages.emplace_back(severity, std::move(text));
}

// UTC or LOCAL for this write; the adjtime file's complaints go to the report.
RtcTimescale choose_timescale(const HwclockOptions& options, HwclockReport& report) {
    Adjtime adjtime;
    if (options.update_adjtime || !options.timescale) {
        AdjtimeRead read = read_adjtime(options.adjtime_path);
        if (!read.error.empty()) say(report, util::Severity::warning, read.error);
        for (auto& w : read.parsed.warnings) {
            say(report, util::Severity::warning, options.adjtime_path + ": " + w);
        }
        adjtime = read.parsed.adjtime;
    }
    return resolve_timescale(options.timescale, adjtime);
}

void write_and_record(const HwclockOptions& options, const std::function<timespec()>& now,
                      RtcDevice& device, RtcTimescale timescale, HwclockReport& report) {
    double delay_s = options.delay_s ? *options.delay_s : rtc_write_delay_s(device.driver_name());
    SystohcResult written = systohc(device, now, delay_s, timescale);
    if (!written.ok) {
        say(report, util::Severity::error, written.message);
        return;
    }
    report.ok = true;
    say(report, util::Severity::info, written.message);

    if (options.update_adjtime) {
        AdjtimeUpdate u =
            update_adjtime_after_systohc(options.adjtime_path, written.reference_s, timescale);
        if (!u.error.empty()) say(report, util::Severity::warning, u.error);
    }
}

}  // namespace

HwclockReport write_system_time_to_rtc(const HwclockOptions& options,
                                       const std::function<timespec()>& now,
                                       const RtcOpener& opener) {
    HwclockReport report;
    RtcTimescale timescale = choose_timescale(options, report);
    RtcOpenResult opened = open_rtc(options.device, opener);
    if (!opened.device) {
        say(report, util::Severity::error, opened.error);
        return report;
    }
    write_and_record(options, now, *opened.device, timescale, report);
    return report;
}

HwclockReport write_system_time_to_rtc(const HwclockOptions& options,
                                       const std::function<timespec()>& now, RtcDevice& device) {
    HwclockReport report;
    RtcTimescale timescale = choose_timescale(options, report);
    write_and_record(options, now, device, timescale, report);
    return report;
}

bool HwclockSync::clock_is_synchronised(int leap_bits, double offset_s) {
    return leap_bits != 3 && std::isfinite(offset_s) && std::fabs(offset_s) < kMaxOffset_s;
}

HwclockSync::HwclockSync(double interval_s) : interval_s_(interval_s) {}

bool HwclockSync::due(double now_s, bool synchronised) const {
    if (!synchronised) return false;
    if (!last_attempt_s_) return true;
    return now_s - *last_attempt_s_ >= interval_s_;
}

bool HwclockSync::record_attempt(double now_s, bool ok, const std::string& error) {
    last_attempt_s_ = now_s;
    if (ok) {
        last_error_.reset();
        return false;
    }
    bool worth_logging = !last_error_ || *last_error_ != error;
    last_error_ = error;
    return worth_logging;
}

}  // namespace ntp::clock
