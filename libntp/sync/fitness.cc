#include "libntp/sync/fitness.hh"

#include <algorithm>
#include <cmath>

namespace ntp::sync {

double root_distance(const DistanceInput& in, double min_dist_s) {
    const double lambda = (in.delay_s + in.root_delay_s) / 2 + in.dispersion_s +
                          constants::phi * std::max(in.age_s, 0.0) + in.root_dispersion_s +
                          in.jitter_s;
    // NaN from a hostile packet must not make a source look perfect.
    if (!std::isfinite(lambda)) return constants::max_dispersion_s;
    return std::max(lambda, min_dist_s);
}

std::uint16_t check_fitness(const FitnessInput& in, const FitnessLimits& limits) {
    constexpr std::uint32_t loopback_refid = 0x7f000001;
    std::uint16_t bad = 0;
    if (in.leap == 3 || in.stratum < limits.floor || in.stratum >= limits.ceiling)
        bad |= flash::test10_bad_sync;
    if (!in.refclock &&
        !(in.root_distance_s < limits.max_dist_s +
                                   constants::phi * std::ldexp(1.0, in.host_poll_log2)))
        bad |= flash::test11_distance;
    // Only a source we hear from can form a loop: an unreached one still
    // carries INIT, which is also our own refid before the first sync.
    if (in.reachable && in.stratum > 1 && in.peer_refid != loopback_refid &&
        ((in.our_address_refid != 0 && in.peer_refid == in.our_address_refid) ||
         (in.system_refid != 0 && in.peer_refid == in.system_refid)))
        bad |= flash::test12_loop;
    if (!in.reachable || in.noselect) bad |= flash::test13_unreachable;
    return bad;
}

}  // namespace ntp::sync
