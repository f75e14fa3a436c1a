#include "libntp/sync/selection.hh"

#include <algorithm>
#include <cmath>

#include "libntp/sync/cluster.hh"
#include "libntp/sync/combine.hh"

namespace ntp::sync {

IntersectionResult intersect(std::span<const Candidate> candidates) {
    IntersectionResult out;
    const int n = static_cast<int>(candidates.size());
    out.truechimer.assign(candidates.size(), false);
    if (n == 0) return out;

    // Endpoints typed -1 (low) / +1 (high), sorted by value. Classic 4.2.8
    // scans only the endpoints (no midpoints): the smallest interval into
    // which at least n - f intervals reach from both sides.
    struct Endpoint {
        double value;
        int type;
    };
    std::vector<Endpoint> ends;
    ends.reserve(2 * candidates.size());
    for (const auto& c : candidates) {
        ends.push_back({c.offset_s - c.root_distance_s, -1});
        ends.push_back({c.offset_s + c.root_distance_s, +1});
    }
    std::stable_sort(ends.begin(), ends.end(),
                     [](const Endpoint& a, const Endpoint& b) { return a.value < b.value; });

    for (int allow = 0; 2 * allow < n; ++allow) {
        double low = 0, high = 0;
        int count = 0;
        for (const auto& e : ends) {
            low = e.value;
            count -= e.type;
            if (count >= n - allow) break;
        }
        count = 0;
        for (auto it = ends.rbegin(); it != ends.rend(); ++it) {
            high = it->value;
            count += it->type;
            if (count >= n - allow) break;
        }
        // high == low is a point where the required intervals just touch:
        // accepted so that identical zero-width sources still agree.
        if (high >= low) {
            out.interval = Interval{low, high};
            out.falsetickers_allowed = allow;
            break;
        }
    }
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const auto& c = candidates[i];
        if (c.truechimer) {
            out.truechimer[i] = true;
        } else if (out.interval) {
            out.truechimer[i] = !(c.offset_s + c.root_distance_s < out.interval->low_s ||
                                  c.offset_s - c.root_distance_s > out.interval->high_s);
        }
    }
    return out;
}

std::optional<int> choose_orphan_parent(std::span<const Candidate> candidates, int orphan_stratum,
                                        std::uint32_t our_metric) {
    std::optional<int> best;
    std::uint32_t best_metric = our_metric;
    for (const auto& c : candidates) {
        if (c.stratum != orphan_stratum) continue;
        if (c.address_metric < best_metric) {
            best_metric = c.address_metric;
            best = c.id;
        }
    }
    return best;
}

namespace {

bool held_aside_refclock(const Candidate& c) {
    return !c.prefer && (c.kind == SourceKind::local_clock || c.kind == SourceKind::modem);
}

std::size_t index_of(std::span<const Candidate> candidates, int id) {
    for (std::size_t i = 0; i < candidates.size(); ++i)
        if (candidates[i].id == id) return i;
    return candidates.size();
}

// Last resort when no network source survives: modem, then LOCAL (both only
// after orphanwait), then the orphan parent.
void fall_back(std::span<const Candidate> candidates, const SelectionOptions& opts,
               SelectionResult& r) {
    auto pick = [&](const Candidate& c, SelectedFrom from) {
        r.system_peer = c.id;
        r.from = from;
        r.offset_s = c.offset_s;
        r.jitter_s = c.jitter_s;
        r.survivors = {c.id};
        r.tally[index_of(candidates, c.id)] = Tally::system_peer;
    };
    if (opts.orphan_wait_elapsed) {
        for (auto kind : {SourceKind::modem, SourceKind::local_clock})
            for (const auto& c : candidates)
                if (held_aside_refclock(c) && c.kind == kind)
                    return pick(c, kind == SourceKind::modem ? SelectedFrom::modem
                                                             : SelectedFrom::local_clock);
    }
    if (opts.orphan_stratum < 16) {
        if (auto parent = choose_orphan_parent(candidates, opts.orphan_stratum,
                                               opts.our_address_metric))
            pick(candidates[index_of(candidates, *parent)], SelectedFrom::orphan_parent);
    }
}

}  // namespace

SelectionResult select_clock(std::span<const Candidate> candidates, const SelectionOptions& opts,
                             std::optional<int> previous_peer, ClockHop& hop) {
    SelectionResult r;
    r.tally.assign(candidates.size(), Tally::held_aside);

    std::vector<Candidate> pool;
    std::vector<std::size_t> pool_index;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const auto& c = candidates[i];
        if (held_aside_refclock(c)) continue;
        if (opts.orphan_stratum < 16 && c.stratum == opts.orphan_stratum) continue;
        pool.push_back(c);
        pool_index.push_back(i);
    }

    const auto inter = intersect(pool);
    std::vector<Candidate> truechimers;
    for (std::size_t k = 0; k < pool.size(); ++k) {
        if (inter.truechimer[k])
            truechimers.push_back(pool[k]);
        else
            r.tally[pool_index[k]] = Tally::falseticker;
    }
    if (truechimers.empty()) {
        hop.threshold_s = 0;
        fall_back(candidates, opts, r);
        return r;
    }

    // Keep the best maxclock by the selection metric; the rest are excess.
    std::stable_sort(truechimers.begin(), truechimers.end(), [&](const Candidate& a, const Candidate& b) {
        return a.stratum * opts.min_dist_s + a.root_distance_s <
               b.stratum * opts.min_dist_s + b.root_distance_s;
    });
    const auto max_clock = static_cast<std::size_t>(std::max(opts.max_clock, 1));
    for (std::size_t k = max_clock; k < truechimers.size(); ++k)
        r.tally[index_of(candidates, truechimers[k].id)] = Tally::excess;
    if (truechimers.size() > max_clock) truechimers.resize(max_clock);

    auto clustered = cluster(std::move(truechimers), opts.min_clock, opts.min_dist_s);
    for (int id : clustered.outliers) r.tally[index_of(candidates, id)] = Tally::outlier;
    for (const auto& m : clustered.survivors) {
        r.tally[index_of(candidates, m.candidate.id)] = Tally::survivor;
        r.survivors.push_back(m.candidate.id);
    }
    // Fewer than minsane survivors: no system peer ("leave the building dark").
    if (static_cast<int>(clustered.survivors.size()) < std::max(opts.min_sane, 1)) {
        hop.threshold_s = 0;
        return r;
    }

    std::size_t peer = choose_system_peer(clustered.survivors, previous_peer, opts.min_dist_s, hop);
    const auto prefer = std::find_if(clustered.survivors.begin(), clustered.survivors.end(),
                                     [](const ClusterMember& m) { return m.candidate.prefer; });
    if (prefer != clustered.survivors.end()) {
        // A prefer survivor is the system peer and its own offset and jitter
        // are used as they are (ntp_proto.c 4.2.8).
        peer = static_cast<std::size_t>(prefer - clustered.survivors.begin());
        hop.threshold_s = 0;
        r.offset_s = prefer->candidate.offset_s;
        r.jitter_s = prefer->candidate.jitter_s;
    } else {
        const auto combined = combine(clustered.survivors, peer);
        r.offset_s = combined.offset_s;
        r.jitter_s = combined.jitter_s;
    }
    const auto& sp = clustered.survivors[peer];
    r.system_peer = sp.candidate.id;
    r.from = SelectedFrom::network;
    r.selection_jitter_s = sp.selection_jitter_s;
    r.tally[index_of(candidates, sp.candidate.id)] = Tally::system_peer;
    return r;
}

}  // namespace ntp::sync
