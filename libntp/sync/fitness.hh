#pragma once
// Root distance and the association fitness tests (RFC 5905 A.5.5.2,
// ntp_proto.c root_distance / peer_unfit; spec ntpd.md §5.5).

#include <cstdint>

#include "libntp/sync/constants.hh"

namespace ntp::sync {

// Peer "flash" bits as ntpq shows them; the fitness tests set TEST10..13.
namespace flash {
inline constexpr std::uint16_t test10_bad_sync = 0x0200;   // leap 11 / stratum out of range
inline constexpr std::uint16_t test11_distance = 0x0400;   // root distance too large
inline constexpr std::uint16_t test12_loop = 0x0800;       // synchronised to us
inline constexpr std::uint16_t test13_unreachable = 0x1000; // unreachable or noselect
inline constexpr std::uint16_t fitness_mask = 0x1e00;
}  // namespace flash

struct DistanceInput {
    double delay_s = 0;             // delta: peer delay (clock filter)
    double root_delay_s = 0;        // Delta: server's root delay
    double dispersion_s = 0;        // epsilon: peer dispersion at update_time_s
    double root_dispersion_s = 0;   // E: server's root dispersion
    double jitter_s = 0;            // psi: peer jitter
    double age_s = 0;               // now - time of the peer's last filter update
};

// Lambda = (delta + Delta)/2 + epsilon + PHI*age + E + psi, floored at
// mindist. The time the dispersion has grown since the last update is part
// of the distance, so a silent source slowly becomes unfit.
double root_distance(const DistanceInput& in, double min_dist_s = constants::min_dispersion_s);

struct FitnessInput {
    int leap = 0;                   // peer's leap indicator (3 = unsynchronised)
    int stratum = 0;                // peer stratum (0 mapped to 16 by the caller)
    bool reachable = false;         // reach register non-zero
    bool noselect = false;
    bool refclock = false;          // TEST11 does not apply to reference clocks
    double root_distance_s = 0;
    int host_poll_log2 = 6;
    // TEST12: the peer's refid names us (our address refid) or the system
    // refid, at stratum > 1; 127.0.0.1 is exempt (orphan parents).
    std::uint32_t peer_refid = 0;
    std::uint32_t our_address_refid = 0;
    std::uint32_t system_refid = 0;
};

struct FitnessLimits {
    int floor = 0;                  // tos floor
    int ceiling = 16;               // tos ceiling (exclusive)
    double max_dist_s = constants::max_distance_s;  // tos maxdist
};

// Returns the TEST10..TEST13 bits that fail; 0 means the peer is fit.
std::uint16_t check_fitness(const FitnessInput& in, const FitnessLimits& limits = {});

}  // namespace ntp::sync
