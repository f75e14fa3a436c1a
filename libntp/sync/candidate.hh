#pragma once
// A selectable source as the system process sees it: one fit association
// (check_fitness() == 0) with its clock-filter values and root distance.

#include <cstdint>
#include <limits>

namespace ntp::sync {

enum class SourceKind : std::uint8_t {
    network,      // an NTP server or peer
    local_clock,  // LOCAL driver 127.127.1.u: last resort (held aside unless prefer)
    modem,        // ACTS-style dial-up refclock: held aside like LOCAL, tried first
    refclock,     // any other reference clock: a normal candidate
};

struct Candidate {
    int id = 0;                   // caller's handle (association id, index ...)
    double offset_s = 0;          // theta
    double root_distance_s = 0;   // lambda (root_distance())
    double jitter_s = 0;          // psi: peer jitter
    int stratum = 16;
    bool prefer = false;          // `prefer`
    bool truechimer = false;      // `true`: always survives intersection and cluster
    SourceKind kind = SourceKind::network;
    // Orphan election (ntpd.md §8): IPv4 address as a number, or the refid
    // hash of an IPv6 address; lower wins.
    std::uint32_t address_metric = std::numeric_limits<std::uint32_t>::max();
};

// How each candidate fared, for ntpq's tally character (x . - + # *).
enum class Tally : std::uint8_t {
    falseticker,   // 'x' outside the intersection
    excess,        // '.' beyond maxclock
    outlier,       // '-' discarded by the cluster algorithm
    held_aside,    // ' ' LOCAL/modem/orphan peer not needed this round
    survivor,      // '+' combined into the system offset
    system_peer,   // '*'
};

}  // namespace ntp::sync
