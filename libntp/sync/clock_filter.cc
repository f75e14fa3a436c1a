#include "libntp/sync/clock_filter.hh"

#include <algorithm>
#include <cmath>

namespace ntp::sync {

namespace c = constants;

const char* to_string(FilterOutcome outcome) {
    switch (outcome) {
    case FilterOutcome::new_sample: return "new_sample";
    case FilterOutcome::stale: return "stale";
    case FilterOutcome::popcorn: return "popcorn";
    case FilterOutcome::no_valid: return "no_valid";
    case FilterOutcome::rejected: return "rejected";
    }
    return "?";
}

ClockFilter::ClockFilter(double precision_s) : precision_s_(std::fabs(precision_s)) { clear(); }

void ClockFilter::clear() {
    stages_.fill(Stage{});
    next_ = 0;
    offset_s_ = delay_s_ = 0;
    dispersion_s_ = c::max_dispersion_s;
    jitter_s_ = 0;
    epoch_s_ = sample_time_s_ = -1e300;
    has_sample_ = false;
    last_was_popcorn_ = false;
}

void ClockFilter::shift_in(const Stage& stage, double now_s) {
    // Every stage already held ages by PHI over the time since the last
    // sample (RFC 5905 A.5.2): old samples lose weight as they lose trust.
    const double aged_s = c::phi * std::max(now_s - update_s_, 0.0);
    for (auto& s : stages_) s.dispersion_s = std::min(s.dispersion_s + aged_s, c::max_dispersion_s);
    update_s_ = now_s;
    stages_[next_] = stage;
    next_ = (next_ + 1) % c::filter_stages;
}

void ClockFilter::add_dummy(double now_s) {
    shift_in(Stage{0, 0, c::max_dispersion_s, now_s}, now_s);
    // Recompute the dispersion so the distance of an unreachable source grows.
    double disp = 0;
    for (int i = c::filter_stages - 1; i >= 0; --i) {
        const auto& s = stages_[(next_ + c::filter_stages - 1 - i) % c::filter_stages];
        disp = c::filter_weight * (disp + s.dispersion_s);
    }
    dispersion_s_ = disp;
}

FilterOutcome ClockFilter::add(const Sample& sample, double now_s, int poll_log2, FilterMode mode) {
    if (!std::isfinite(sample.offset_s) || !std::isfinite(sample.delay_s) ||
        !std::isfinite(sample.dispersion_s) || !std::isfinite(now_s) || sample.delay_s < 0 ||
        sample.dispersion_s < 0)
        return FilterOutcome::rejected;

    Stage fresh{sample.offset_s, sample.delay_s, std::min(sample.dispersion_s, c::max_dispersion_s),
                now_s};
    // Popcorn spike (ntp_proto.c, CLOCK_SGATE): judged against the current
    // peer values, only once the register holds enough samples for the peer
    // dispersion to drop below maxdist (so the early, slewing samples of an
    // iburst are never mistaken for spikes).
    const double recent_s = 2.0 * std::ldexp(1.0, poll_log2);
    const bool spike = mode.suppress_spikes && has_sample_ && !last_was_popcorn_ &&
                       dispersion_s_ < c::max_distance_s &&
                       std::fabs(sample.offset_s - offset_s_) > c::popcorn_gate * jitter_s_ &&
                       now_s - epoch_s_ < recent_s;
    if (spike) fresh.dispersion_s = c::max_dispersion_s;  // kept in the register, never used
    last_was_popcorn_ = spike;
    shift_in(fresh, now_s);

    // Order the stages newest first, then (after the start-up clamp) by distance.
    std::array<int, c::filter_stages> order{};
    std::array<double, c::filter_stages> dist{};
    for (int i = 0; i < c::filter_stages; ++i) {
        const int j = (next_ + c::filter_stages - 1 - i) % c::filter_stages;
        const auto& s = stages_[j];
        order[i] = j;
        if (s.dispersion_s >= c::max_dispersion_s)
            dist[i] = c::max_dispersion_s;
        else if (now_s - s.time_s > std::ldexp(1.0, c::allan_log2))
            dist[i] = s.delay_s + s.dispersion_s;
        else
            dist[i] = s.delay_s;
    }
    if (mode.sort_by_distance) {
        for (int i = 1; i < c::filter_stages; ++i)  // stable insertion sort: ties keep age order
            for (int k = i; k > 0 && dist[k] < dist[k - 1]; --k) {
                std::swap(dist[k], dist[k - 1]);
                std::swap(order[k], order[k - 1]);
            }
    }
    int valid = 0;
    for (int i = 0; i < c::filter_stages; ++i) {
        if (dist[i] >= c::max_dispersion_s || (valid >= 2 && dist[i] >= c::max_distance_s)) continue;
        ++valid;
    }
    double disp = 0, jitter_sq = 0;
    const auto& best = stages_[order[0]];
    for (int i = c::filter_stages - 1; i >= 0; --i) {
        const auto& s = stages_[order[i]];
        disp = c::filter_weight * (disp + s.dispersion_s);
        if (i < valid) jitter_sq += (s.offset_s - best.offset_s) * (s.offset_s - best.offset_s);
    }
    dispersion_s_ = disp;
    if (spike) return FilterOutcome::popcorn;
    if (valid == 0) return FilterOutcome::no_valid;

    offset_s_ = best.offset_s;
    delay_s_ = best.delay_s;
    sample_time_s_ = best.time_s;
    jitter_s_ = std::max(valid > 1 ? std::sqrt(jitter_sq / (valid - 1)) : 0.0, precision_s_);
    has_sample_ = true;
    if (best.time_s <= epoch_s_) return FilterOutcome::stale;
    epoch_s_ = best.time_s;
    return FilterOutcome::new_sample;
}

std::array<ClockFilter::Stage, constants::filter_stages> ClockFilter::stages_newest_first() const {
    std::array<Stage, c::filter_stages> out{};
    for (int i = 0; i < c::filter_stages; ++i)
        out[i] = stages_[(next_ + c::filter_stages - 1 - i) % c::filter_stages];
    return out;
}

}  // namespace ntp::sync
