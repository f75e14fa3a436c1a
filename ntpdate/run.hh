#pragma once
// One ntpdate run from parsed options to exit status: resolve the servers,
// open the sockets, poll (Poller), filter and select
// (sample_filter.hh), report, adjust the clock (adjust.hh), --hwclock.
//
// Exit status as classic: 0 after a step/adjust/query message, 1 when no
// server is usable or suitable, the NTP port is in use, keys are missing, the
// name server fails or a slew fails.

#include <functional>

#include "libntp/clock/clock.hh"
#include "libntp/clock/hwclock.hh"
#include "ntpdate/messages.hh"
#include "ntpdate/options.hh"

namespace ntpdate {

struct RunContext {
    ntp::clock::Clock& clock;
    Messages& messages;
    // Writes the RTC (--hwclock), called only after a successful set.
    std::function<ntp::clock::HwclockReport()> write_rtc;
};

int run(const Options& options, RunContext& context);

}  // namespace ntpdate
