#pragma once
// Clock selection (RFC 5905 A.5.5.1 and ntp_proto.c clock_select; spec
// ntpd.md §6, §8): from the fit candidates, find the truechimers
// (intersection, Marzullo variant), prune them (cluster, cluster.hh), choose
// the system peer with clock-hop hysteresis and combine the survivors
// (combine.hh). Pure functions: the caller passes fit candidates only and
// owns the small ClockHop state between rounds.
//
// Held aside (not candidates for the intersection):
//   * LOCAL and modem refclocks without `prefer`: used only if no network
//     source survives and orphanwait has elapsed (modem before LOCAL);
//   * peers at the orphan stratum (`tos orphan S`): they elect an orphan
//     parent, used only when nothing else survives.

#include <optional>
#include <span>
#include <vector>

#include "libntp/sync/candidate.hh"
#include "libntp/sync/constants.hh"

namespace ntp::sync {

struct Interval {
    double low_s = 0;
    double high_s = 0;
};

struct IntersectionResult {
    std::optional<Interval> interval;   // none: no majority agrees
    std::vector<bool> truechimer;       // per input candidate
    int falsetickers_allowed = 0;       // f of the interval found
};

// Smallest interval containing at least n - f of the intervals
// [offset - lambda, offset + lambda], for the least f with 2f < n. A
// candidate survives when its interval overlaps the result, or when it is
// `true`. No majority: only `true` candidates survive.
IntersectionResult intersect(std::span<const Candidate> candidates);

// Orphan parent among peers at `orphan_stratum`: the lowest address metric,
// and only if lower than ours (otherwise we are the parent: nullopt).
std::optional<int> choose_orphan_parent(std::span<const Candidate> candidates, int orphan_stratum,
                                        std::uint32_t our_metric);

struct SelectionOptions {
    int min_clock = constants::min_clock;       // tos minclock
    int max_clock = constants::max_clock;       // tos maxclock
    int min_sane = constants::min_sane;         // tos minsane
    double min_dist_s = constants::min_dispersion_s;  // tos mindist
    int orphan_stratum = 16;                    // tos orphan; 16 = off
    std::uint32_t our_address_metric = 0xffffffffu;
    bool orphan_wait_elapsed = false;           // orphanwait since start / last loss
};

// Clock-hop hysteresis state (sys_clockhop) carried between rounds.
struct ClockHop {
    double threshold_s = 0;
};

enum class SelectedFrom : std::uint8_t {
    none,           // no system peer: leave the building dark
    network,        // normal selection
    modem,          // held-aside modem refclock as last resort
    local_clock,    // held-aside LOCAL as last resort
    orphan_parent,  // an orphan-mode peer elected parent
};

struct SelectionResult {
    std::optional<int> system_peer;     // candidate id
    SelectedFrom from = SelectedFrom::none;
    std::vector<Tally> tally;           // per input candidate
    std::vector<int> survivors;         // ids combined, best metric first
    double offset_s = 0;                // combined system offset (Theta)
    double jitter_s = 0;                // system jitter (psi_sys)
    double selection_jitter_s = 0;      // of the system peer
};

SelectionResult select_clock(std::span<const Candidate> candidates, const SelectionOptions& opts,
                             std::optional<int> previous_peer, ClockHop& hop);

}  // namespace ntp::sync
