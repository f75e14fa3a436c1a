#pragma once
// Copying the system time to the hardware clock with `hwclock --systohc`
// semantics (hwclock.md 1.2 and 4), for ntpd's `hwclock` directive /
// --hwclock option and ntpdate --hwclock.
//
// The write is aligned so RTC second boundaries fall on system second
// boundaries: an MC146818-style RTC (driver rtc_cmos) starts counting the
// value written 0.5 s after the write, so the write of second N happens at
// system time N + 0.5; other RTC drivers take the value at once (delay 0).
// Nothing here logs; results carry the lines to log.

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "libntp/clock/adjtime_file.hh"
#include "libntp/clock/rtc_device.hh"
#include "libntp/util/log.hh"

namespace ntp::clock {

// 0.5 s for rtc_cmos and for an unknown driver (the classic hwclock default,
// and the safe guess on PCs), 0 s for every other named driver (util-linux
// >= 2.32 behaviour).
double rtc_write_delay_s(const std::string& driver_name);

// Seconds from `now` until the next moment whose sub-second part equals
// `delay_s` (in [0, 1)). A daemon schedules its timer a little before this
// so systohc() spins for milliseconds instead of up to a second.
double seconds_until_rtc_write(const timespec& now, double delay_s);

// The RTC reading for Unix second `unix_s` in `timescale` (gmtime_r or
// localtime_r, so LOCAL follows TZ as hwclock does).
RtcTime rtc_time_for(long long unix_s, RtcTimescale timescale);

struct SystohcResult {
    bool ok = false;
    std::string message;        // "RTC /dev/rtc0 set to 2016-01-24 12:00:00 UTC" or the error
    long long reference_s = 0;  // the whole system second the write was planned from
    long long rtc_value_s = 0;  // the Unix second written to the RTC
    timespec written_at{};      // system time just before the RTC_SET_TIME
};

// The hwclock algorithm: reference = now truncated to the second; spin on
// `now` until it is reference + delay_s (tolerance 1 ms, widened by 1, 2,
// 4 ... ms after each miss, retargeting the same sub-second offset in the
// following second), then write reference + round(elapsed - delay_s).
// Busy-waits for up to about a second; gives up with an error if no
// acceptable moment came within 5 s (a clock that does not advance).
SystohcResult systohc(RtcDevice& rtc, const std::function<timespec()>& now, double delay_s,
                      RtcTimescale timescale);

struct HwclockOptions {
    std::optional<std::string> device;      // nullopt: hwclock's search order
    std::optional<RtcTimescale> timescale;  // nullopt: from the adjtime file
    std::optional<double> delay_s;          // nullopt: by driver name
    std::string adjtime_path = "/etc/adjtime";
    bool update_adjtime = true;  // like hwclock without --noadjfile
};

struct HwclockReport {
    bool ok = false;                                               // the RTC was set
    std::vector<std::pair<util::Severity, std::string>> messages;  // to log, in order
};

// The whole `hwclock --systohc`: read /etc/adjtime, choose UTC or LOCAL,
// find and open the RTC, write it aligned, then record the write in
// /etc/adjtime (lines 1-2 and 3; the drift factor is never recomputed).
HwclockReport write_system_time_to_rtc(const HwclockOptions& options,
                                       const std::function<timespec()>& now,
                                       const RtcOpener& opener = open_linux_rtc);

// The same with a device opened earlier (options.device is not used). A
// daemon that drops root opens the RTC with open_rtc() first and keeps it:
// /dev/rtc* is normally root-only, while RTC_SET_TIME itself only needs the
// CAP_SYS_TIME the daemon keeps. /etc/adjtime is root-owned too; set
// update_adjtime = false when running unprivileged to avoid a warning per write.
HwclockReport write_system_time_to_rtc(const HwclockOptions& options,
                                       const std::function<timespec()>& now, RtcDevice& device);

// When the daemon copies its time to the RTC: as soon as the clock is
// synchronised, then every `interval_s` while it stays so (default 660 s,
// the kernel's own 11-minute cadence), and once more at a clean exit when
// synchronised. A failed write is retried an interval later; only the first
// of a run of identical failures is worth logging.
class HwclockSync {
  public:
    static constexpr double kDefaultInterval_s = 660;
    // Good enough to copy to the RTC (hwclock.md 4.2): leap indicator not
    // 3 (unsynchronised) and |offset| < 0.1 s.
    static constexpr double kMaxOffset_s = 0.1;
    static bool clock_is_synchronised(int leap_bits, double offset_s);

    explicit HwclockSync(double interval_s = kDefaultInterval_s);

    // `now_s` is any steady seconds count (it must not jump with clock steps).
    bool due(double now_s, bool synchronised) const;
    // Records an attempt; returns true when a failure should be logged.
    bool record_attempt(double now_s, bool ok, const std::string& error = "");
    bool due_at_exit(bool synchronised) const { return synchronised; }

    double interval_s() const { return interval_s_; }
    std::optional<double> last_attempt_s() const { return last_attempt_s_; }

  private:
    double interval_s_;
    std::optional<double> last_attempt_s_;
    std::optional<std::string> last_error_;  // nullopt after a success
};

}  // namespace ntp::clock
