#pragma once
// The last step of ntpdate (ntpdate.md 3.7): step or slew the clock by the
// chosen server's offset, and say so the classic way.
//
//   step  Clock::step(offset); on failure classic's "step-systime: <errno>"
//         is logged and nothing else (exit status still 0, as classic).
//   slew  Clock::slew(offset + overshoot); a correction that rounds to 0 us
//         is not made; on failure "Can't adjust the time of day: <errno>"
//         and exit status 1.
// With -q or -d nothing is changed and the message is printed anyway.

#include <optional>
#include <string>

#include "libntp/clock/clock.hh"
#include "libntp/oneshot/sample_filter.hh"

namespace ntpdate {

struct AdjustRequest {
    ntp::oneshot::Lfp offset = 0;
    bool always_step = false;  // -b
    bool never_step = false;   // -B
    bool dry_run = false;      // -q / -d
};

struct AdjustOutcome {
    ntp::oneshot::Adjustment kind = ntp::oneshot::Adjustment::slew;
    bool clock_set = false;               // not a dry run, and the step/slew succeeded
                                          // (or the slew was too small to make)
    bool report = false;                  // print the step/adjust message
    std::optional<std::string> error;     // LOG_ERR text
    int exit_status = 0;
};

AdjustOutcome adjust_clock(ntp::clock::Clock& clock, const AdjustRequest& request);

}  // namespace ntpdate
