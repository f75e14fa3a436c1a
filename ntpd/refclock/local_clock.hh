#pragma once
// The LOCAL reference clock driver, 127.127.1.u (ntp.conf.md §5).
//
// It reads nothing: the system clock is the reference. Each poll produces a
// sample with offset 0, delay 0 and a fixed dispersion of 10 ms, at the
// fudged stratum (default 5) with refid LOCL (or the fudge refid). To avoid
// feeding the discipline with itself while a better source steers the clock,
// it only produces samples when there is no system peer or when it is the
// system peer (classic behaviour).

#include <string>

#include "libntp/sync/sample.hh"

namespace ntpd::refclock_local {

inline constexpr int driver_type = 1;
inline constexpr int default_stratum = 5;
inline constexpr double sample_dispersion_s = 0.010;

// Whether a poll should produce a sample now.
constexpr bool may_sample(bool have_system_peer, bool is_system_peer) {
    return !have_system_peer || is_system_peer;
}

// The sample of one poll.
ntp::sync::Sample sample();

// "LOCAL(0)": the clock name ntpq shows for the association.
std::string clock_name(int unit);

}  // namespace ntpd::refclock_local
