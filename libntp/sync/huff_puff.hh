#pragma once
// Huff-n'-puff filter (`tinker huffpuff S`; classic ntp_loopfilter.c
// huffpuff()/local_clock): for links whose delay grows in one direction only
// when busy (a saturated modem or DSL uplink), where the extra delay biases
// the offset by half of it. The filter keeps the minimum round-trip delay
// seen over the last S seconds, in stages of 900 s (HUFFPUFF), and takes
// half the current delay's excess over that minimum off the offset - away
// from zero, as classic does: a positive offset is lowered, a negative one
// raised.
//
// Pure: `now_s` is a parameter (any monotonic-enough timescale, e.g. the
// daemon's local seconds); a stage is opened every 900 s of it. Delays are
// seconds >= 0; a NaN or negative delay leaves the offset alone.

#include <cstddef>
#include <vector>

namespace ntp::sync {

class HuffPuff {
public:
    // `window_s` below 900 is raised to 900 (one stage); otherwise
    // floor(window_s / 900) stages, as classic.
    explicit HuffPuff(double window_s);

    // Record the system peer's delay measured with this offset and return
    // the offset corrected by half the delay's excess over the minimum.
    double correct(double offset_s, double delay_s, double now_s);

    // Minimum delay over the window (infinite before the first sample).
    double min_delay_s() const;
    std::size_t stages() const { return stages_.size(); }

private:
    void advance(double now_s);

    std::vector<double> stages_;  // minimum delay per 900 s stage
    std::size_t current_ = 0;
    double stage_start_s_ = 0;
    bool started_ = false;
};

}  // namespace ntp::sync
