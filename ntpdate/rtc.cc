#include "ntpdate/rtc.hh"

namespace ntpdate {

namespace clk = ntp::clock;

clk::RtcReadResult SimulatedRtc::read() {
    clk::RtcReadResult r;
    r.time = time_;
    if (!time_) r.error = "simulated RTC " + path_ + " was never set";
    return r;
}

clk::ClockResult SimulatedRtc::set(const clk::RtcTime& time) {
    time_ = time;
    return clk::ClockResult::success();
}

clk::HwclockReport write_rtc(ClockBackend backend, const std::function<timespec()>& now) {
    clk::HwclockOptions options;
    if (backend == ClockBackend::kernel) return clk::write_system_time_to_rtc(options, now);
    options.device = "null-rtc";
    options.timescale = clk::RtcTimescale::utc;
    options.delay_s = 0;
    options.update_adjtime = false;
    auto opener = [](const std::string& path, int&) -> std::unique_ptr<clk::RtcDevice> {
        return std::make_unique<SimulatedRtc>(path);
    };
    return clk::write_system_time_to_rtc(options, now, opener);
}

}  // namespace ntpdate
