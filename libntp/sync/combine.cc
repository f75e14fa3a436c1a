#include "libntp/sync/combine.hh"

#include <cmath>

namespace ntp::sync {

Combined combine(const std::vector<ClusterMember>& survivors, std::size_t system_peer) {
    Combined out;
    if (survivors.empty() || system_peer >= survivors.size()) return out;
    const auto& p = survivors[system_peer];
    double weights = 0, weighted_offset = 0, weighted_spread = 0;
    for (const auto& m : survivors) {
        // Distance is floored at mindist by root_distance(); guard anyway so a
        // zero can never divide.
        const double w = 1.0 / std::max(m.candidate.root_distance_s, 1e-9);
        const double d = m.candidate.offset_s - p.candidate.offset_s;
        weights += w;
        weighted_offset += w * m.candidate.offset_s;
        weighted_spread += w * d * d;
    }
    out.offset_s = weighted_offset / weights;
    out.jitter_s = std::sqrt(weighted_spread / weights + p.selection_jitter_s * p.selection_jitter_s);
    return out;
}

}  // namespace ntp::sync
