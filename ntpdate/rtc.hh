#pragma once
// --hwclock: copy the system time to the RTC after a successful set, with
// `hwclock --systohc` semantics (libntp/clock/hwclock.hh).
//
// With the test clock backend (--clock=null) the RTC is simulated too: the
// write goes to an in-memory device named "null-rtc" and /etc/adjtime is
// neither read nor written, so a test exercises the whole path without
// touching the host's hardware clock or files.

#include <functional>
#include <optional>

#include "libntp/clock/hwclock.hh"
#include "libntp/clock/rtc_device.hh"
#include "ntpdate/options.hh"

namespace ntpdate {

// An RTC that only remembers what it was set to.
class SimulatedRtc final : public ntp::clock::RtcDevice {
  public:
    explicit SimulatedRtc(std::string path) : path_(std::move(path)) {}
    const std::string& path() const override { return path_; }
    std::string driver_name() override { return "simulated"; }
    ntp::clock::RtcReadResult read() override;
    ntp::clock::ClockResult set(const ntp::clock::RtcTime& time) override;

  private:
    std::string path_;
    std::optional<ntp::clock::RtcTime> time_;
};

ntp::clock::HwclockReport write_rtc(ClockBackend backend, const std::function<timespec()>& now);

}  // namespace ntpdate
