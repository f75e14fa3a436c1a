#pragma once
// Detects the clock being stepped under the daemon by someone else (date -s,
// another daemon, a VM resume). Classic ntpd does not notice and later sees
// the jump as a spike; we notice at once so the discipline can drop the
// history built on the old timescale (LoopFilter::clock_jumped) and the
// daemon can clear its clock filters.
//
// Feed it realtime and a clock that is never stepped (CLOCK_MONOTONIC) read
// together, e.g. once per timer tick. Slews and frequency corrections move
// both alike on Linux, so any difference beyond `tolerance_s` (plus 500 ppm
// of the interval, for safety) is a step. Steps this process made itself are
// passed in `own_step_s` and not reported.

#include <optional>

namespace ntp::sync {

class ClockJumpDetector {
public:
    explicit ClockJumpDetector(double tolerance_s = 0.05) : tolerance_s_(tolerance_s) {}

    // Returns the size of a foreign step (realtime moved by this much more
    // than elapsed time), or nullopt.
    std::optional<double> check(double realtime_s, double monotonic_s, double own_step_s = 0);

private:
    double tolerance_s_;
    bool primed_ = false;
    double last_real_s_ = 0, last_mono_s_ = 0;
};

}  // namespace ntp::sync
