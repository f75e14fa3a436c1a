#include "libntp/sync/cluster.hh"

#include <algorithm>
#include <cmath>

namespace ntp::sync {

namespace {

void compute_selection_jitter(std::vector<ClusterMember>& members) {
    const auto n = members.size();
    for (auto& m : members) {
        double sum = 0;
        for (const auto& o : members) {
            const double d = o.candidate.offset_s - m.candidate.offset_s;
            sum += d * d;
        }
        m.selection_jitter_s = n > 1 ? std::sqrt(sum / static_cast<double>(n - 1)) : 0.0;
    }
}

}  // namespace

ClusterResult cluster(std::vector<Candidate> truechimers, int min_clock, double min_dist_s) {
    std::stable_sort(truechimers.begin(), truechimers.end(), [&](const Candidate& a, const Candidate& b) {
        return a.stratum * min_dist_s + a.root_distance_s < b.stratum * min_dist_s + b.root_distance_s;
    });
    ClusterResult r;
    for (auto& c : truechimers) r.survivors.push_back(ClusterMember{c, 0});

    const auto keep = static_cast<std::size_t>(std::max(1, min_clock));
    while (true) {
        compute_selection_jitter(r.survivors);
        if (r.survivors.size() <= keep) break;
        double min_peer_jitter = 1e300, worst_metric = -1;
        std::size_t worst = 0;
        for (std::size_t i = 0; i < r.survivors.size(); ++i) {
            const auto& m = r.survivors[i];
            min_peer_jitter = std::min(min_peer_jitter, m.candidate.jitter_s);
            const double metric = m.selection_jitter_s * m.candidate.root_distance_s;
            if (metric > worst_metric) {
                worst_metric = metric;
                worst = i;
            }
        }
        const auto& w = r.survivors[worst];
        // Stop once removing the worst can no longer reduce the spread below
        // what the best source itself shows, or when it is protected.
        if (w.selection_jitter_s <= min_peer_jitter || w.candidate.truechimer || w.candidate.prefer)
            break;
        r.outliers.push_back(w.candidate.id);
        r.survivors.erase(r.survivors.begin() + static_cast<std::ptrdiff_t>(worst));
    }
    return r;
}

std::size_t choose_system_peer(const std::vector<ClusterMember>& survivors,
                               std::optional<int> previous_peer, double min_dist_s, ClockHop& hop) {
    std::size_t best = 0;
    double best_metric = 1e300;
    for (std::size_t i = 0; i < survivors.size(); ++i) {
        const auto& m = survivors[i];
        const double metric = m.selection_jitter_s * m.candidate.root_distance_s +
                              m.candidate.stratum * min_dist_s;
        if (metric < best_metric) {
            best_metric = metric;
            best = i;
        }
    }
    if (!previous_peer || survivors[best].candidate.id == *previous_peer) {
        hop.threshold_s = 0;
        return best;
    }
    auto old = std::find_if(survivors.begin(), survivors.end(),
                            [&](const ClusterMember& m) { return m.candidate.id == *previous_peer; });
    if (old == survivors.end()) {
        hop.threshold_s = 0;
        return best;
    }
    // Clock-hop dance (4.2.8): stay with the old peer while it agrees with the
    // newcomer within a threshold that starts at mindist and halves each
    // round, so a marginally better source takes over only after a while.
    const double x = std::fabs(survivors[best].candidate.offset_s - old->candidate.offset_s);
    if (x < min_dist_s) {
        hop.threshold_s = hop.threshold_s == 0 ? min_dist_s : hop.threshold_s * 0.5;
        if (x < hop.threshold_s) return static_cast<std::size_t>(old - survivors.begin());
    }
    hop.threshold_s = 0;
    return best;
}

}  // namespace ntp::sync
