#pragma once
// One on-wire exchange turned into a clock sample (RFC 5905 §8, A.5.1.1;
// spec ntpd.md §5.3).
//
// The timestamps of an exchange are T1 (our transmit), T2 (server receive),
// T3 (server transmit) and T4 (our receive). Absolute NTP times do not fit a
// double with sub-microsecond resolution, so the caller hands over the two
// exact differences its timestamp type computes (libntp/wire ntp_time):
//
//   forward_s   = T2 - T1   (request leg, server clock minus ours)
//   backward_s  = T3 - T4   (reply leg, server clock minus ours)
//   round_trip_s= T4 - T1   (on our clock, for the dispersion term)
//
// From these: offset theta = (forward + backward) / 2,
//             delay  delta = forward - backward = (T4-T1) - (T3-T2),
//             dispersion epsilon = peer precision + our precision + PHI*(T4-T1).
// Positive offset = the server is ahead: our clock must be advanced.

namespace ntp::sync {

struct ExchangeTimes {
    double forward_s = 0;     // T2 - T1
    double backward_s = 0;    // T3 - T4
    double round_trip_s = 0;  // T4 - T1 (>= 0 on a sane clock)
};

struct Sample {
    double offset_s = 0;      // theta
    double delay_s = 0;       // delta, floored at our precision
    double dispersion_s = 0;  // epsilon
};

// Never fails: a negative delay (a server whose clock ran backwards between
// T2 and T3, or a rigged reply) is floored at the system precision exactly
// like classic ntpd; callers that want to discard such samples can compare
// the raw values themselves.
Sample compute_sample(const ExchangeTimes& t, double peer_precision_s, double sys_precision_s);

}  // namespace ntp::sync
