#pragma once
// Cluster pruning and system peer choice (RFC 5905 A.5.5.2 cluster, ntp_proto.c
// clock_select second half; spec ntpd.md §6).

#include <optional>
#include <vector>

#include "libntp/sync/candidate.hh"
#include "libntp/sync/selection.hh"

namespace ntp::sync {

struct ClusterMember {
    Candidate candidate;
    double selection_jitter_s = 0;  // RMS offset difference to the other members
};

// Order by the selection metric (stratum x mindist + lambda), then, while more
// than max(1, min_clock) remain and the worst selection jitter (weighted by
// lambda) exceeds the smallest peer jitter, discard the worst; `true` and
// `prefer` members are never discarded (the loop stops at them, as classic).
// Returns the survivors (best metric first) and the ids of the outliers.
struct ClusterResult {
    std::vector<ClusterMember> survivors;
    std::vector<int> outliers;
};
ClusterResult cluster(std::vector<Candidate> truechimers, int min_clock, double min_dist_s);

// The system peer among survivors: least selection jitter x lambda +
// stratum x mindist; keeps the previous peer while the newcomer's offset
// differs by less than a hysteresis that halves each round (sys_clockhop).
// Returns the index into `survivors`.
std::size_t choose_system_peer(const std::vector<ClusterMember>& survivors,
                               std::optional<int> previous_peer, double min_dist_s, ClockHop& hop);

}  // namespace ntp::sync
