#pragma once
// System poll adaptation (ntp_loopfilter.c tail of local_clock; spec ntpd.md
// §4.3): a counter that rises by the poll exponent when the offset is small
// compared with the jitter and falls by twice it otherwise; crossing +/-
// CLOCK_LIMIT moves the poll exponent one step within [min, max].

#include "libntp/sync/constants.hh"

namespace ntp::sync {

class PollPolicy {
public:
    PollPolicy(int min_poll_log2 = constants::default_min_poll_log2,
               int max_poll_log2 = constants::default_max_poll_log2);

    // Limits of the system peer (its minpoll/maxpoll); the current poll is
    // clamped into them.
    void set_limits(int min_poll_log2, int max_poll_log2);

    // One clock update with the offset just seen and the loop jitter.
    // Returns the (possibly changed) poll exponent.
    int update(double offset_s, double jitter_s);

    // After a step or a restart: back to minpoll, counter cleared.
    void reset();

    int poll_log2() const { return poll_; }
    int counter() const { return counter_; }
    int min_poll_log2() const { return min_; }
    int max_poll_log2() const { return max_; }

private:
    int min_, max_, poll_;
    int counter_ = 0;
};

// Seconds until an association's next poll: 2^poll_log2 stretched by the
// classic random 0..255/4096 (0-6 %) so that clients do not synchronise
// their polls; `random_byte` is the caller's randomness (0..255).
double poll_interval_s(int poll_log2, unsigned random_byte);

}  // namespace ntp::sync
