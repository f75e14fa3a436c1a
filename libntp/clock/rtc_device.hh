#pragma once
// The hardware clock (RTC) behind a small interface, so the hwclock logic can
// be tested against a simulated RTC and never needs a real /dev/rtc in tests.
//
// LinuxRtcDevice speaks the kernel RTC class ioctls (RTC_RD_TIME,
// RTC_SET_TIME); open_rtc() finds the device the way `hwclock` does.

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "libntp/clock/clock.hh"

namespace ntp::clock {

// Broken-down RTC time, like struct rtc_time but with a real year and a
// 1-based month.
struct RtcTime {
    int year = 1970;
    int month = 1;  // 1-12
    int day = 1;    // 1-31
    int hour = 0;
    int minute = 0;
    int second = 0;
    int weekday = 4;  // 0 = Sunday (1970-01-01 was a Thursday)
    int yearday = 0;  // 0-365

    bool operator==(const RtcTime&) const = default;
};

struct RtcReadResult {
    std::optional<RtcTime> time;
    std::string error;  // "ioctl(RTC_RD_TIME) to /dev/rtc0 to read the time failed: ..."
};

class RtcDevice {
  public:
    virtual ~RtcDevice() = default;
    virtual const std::string& path() const = 0;
    // The kernel driver's name ("rtc_cmos", "rtc-efi", ...), empty if unknown.
    virtual std::string driver_name() = 0;
    virtual RtcReadResult read() = 0;
    // Failure text: "ioctl(RTC_SET_TIME) to /dev/rtc0 to set the time failed: <strerror>".
    virtual ClockResult set(const RtcTime& time) = 0;
};

// Opens one device; on failure returns nullptr and sets `error_number`.
using RtcOpener =
    std::function<std::unique_ptr<RtcDevice>(const std::string& path, int& error_number)>;

// The real thing: open(path, O_RDONLY) (RTC_SET_TIME works on a read-only fd).
std::unique_ptr<RtcDevice> open_linux_rtc(const std::string& path, int& error_number);

// hwclock's search order when no device is named.
inline constexpr std::array<const char*, 3> kRtcSearchOrder = {"/dev/rtc", "/dev/rtc0",
                                                               "/dev/misc/rtc"};

struct RtcOpenResult {
    std::unique_ptr<RtcDevice> device;
    std::string error;  // set when device is null
};

// With `path`, opens exactly that device. Without, tries kRtcSearchOrder:
// ENOENT or ENODEV moves on to the next name, any other error stops the
// search there (the device exists but cannot be used), like hwclock.
RtcOpenResult open_rtc(const std::optional<std::string>& path,
                       const RtcOpener& opener = open_linux_rtc);

}  // namespace ntp::clock
