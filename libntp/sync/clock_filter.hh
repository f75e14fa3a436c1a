#pragma once
// The per-association clock filter (RFC 5905 A.5.2, ntp_proto.c clock_filter;
// spec ntpd.md §5.4): an 8-stage shift register of samples from which the
// association's offset, delay, dispersion and jitter are taken.
//
// Contract:
//  * `now_s` is a parameter: seconds on one local timescale that only jumps
//    when the clock is stepped (after a step the caller calls clear()).
//  * New sample shifts in; every older stage ages by PHI * (now - last add).
//  * Distance of a stage = its delay, or delay + dispersion once older than
//    the Allan intercept, or "infinity" for dummy/expired stages.
//  * Stages are sorted by distance except during the discipline's start-up
//    clamp (`sort_by_distance == false`), when the newest sample is used.
//  * Peer dispersion = sum of stage dispersions weighted 0.5^(i+1);
//    jitter = RMS of offset differences to the best stage, >= precision.
//  * Popcorn spike: a new sample whose offset differs from the current peer
//    offset by more than 3 x jitter (and that follows the previous sample
//    within two poll intervals) is discarded once; a second one in a row is
//    accepted because the level has really moved. The caller can turn the
//    suppressor off (FilterMode::suppress_spikes) while its loop does not
//    track the source yet.
//  * A best sample no newer than the last one used is not handed on again
//    (outcome `stale`), though the peer values show it (classic); its own
//    arrival time is sample_time_s().
// Nothing here can fail or throw on hostile input: NaN/inf samples are
// rejected by add().

#include <array>
#include <cstdint>

#include "libntp/sync/constants.hh"
#include "libntp/sync/sample.hh"

namespace ntp::sync {

enum class FilterOutcome : std::uint8_t {
    new_sample,   // offset/delay/jitter updated: run clock selection
    stale,        // the best stage was already used: nothing new
    popcorn,      // the new sample was a popcorn spike and was discarded
    no_valid,     // no stage holds a usable sample
    rejected,     // malformed sample (not finite, negative delay)
};

const char* to_string(FilterOutcome outcome);

// How the discipline wants the register used for one sample.
struct FilterMode {
    // Pick the least-distance stage (else the newest): off during the
    // discipline's start-up clamp (classic) and while it trains.
    bool sort_by_distance = true;
    // Popcorn suppression. It assumes a loop that tracks the source: before
    // that (start, after a step) offsets legitimately walk away by the
    // untrained frequency error between polls, and in an unsorted register a
    // suppressed stage would sit in front with MAXDISP, so the peer would
    // fail the distance test just when the loop needs updates most.
    bool suppress_spikes = true;
};

class ClockFilter {
public:
    explicit ClockFilter(double precision_s = 1e-6);

    // Shift a sample in. `poll_log2` is the association's host poll, used for
    // the popcorn recency window.
    FilterOutcome add(const Sample& sample, double now_s, int poll_log2, FilterMode mode);
    // Same, with spike suppression on.
    FilterOutcome add(const Sample& sample, double now_s, int poll_log2, bool sort_by_distance) {
        return add(sample, now_s, poll_log2, FilterMode{sort_by_distance, true});
    }

    // The reach register went to zero: shift in a dummy stage with
    // MAXDISPERSE so the association's distance grows (RFC 5905 poll()).
    void add_dummy(double now_s);

    // Forget everything (after a clock step or a restart).
    void clear();

    // Peer values after the last add() (RFC names in comments).
    double offset_s() const { return offset_s_; }          // theta
    double delay_s() const { return delay_s_; }            // delta
    double dispersion_s() const { return dispersion_s_; }  // epsilon, at update_time_s()
    double jitter_s() const { return jitter_s_; }          // psi
    double update_time_s() const { return update_s_; }     // time of the last add (peer->update)
    double epoch_s() const { return epoch_s_; }            // when the used sample arrived
    // When the sample behind offset_s()/delay_s() arrived. Equal to epoch_s()
    // after new_sample; after `stale` the values are those of an older,
    // better sample (classic keeps them for display too), so whoever refers
    // offset_s() to another time must start from here, not from epoch_s().
    double sample_time_s() const { return sample_time_s_; }
    bool has_sample() const { return has_sample_; }

    struct Stage {
        double offset_s = 0;
        double delay_s = constants::max_dispersion_s;
        double dispersion_s = constants::max_dispersion_s;
        double time_s = 0;
    };
    // Stages newest first, for ntpq's filtoffset/filtdelay/filtdisp lists.
    std::array<Stage, constants::filter_stages> stages_newest_first() const;

private:
    void shift_in(const Stage& stage, double now_s);

    std::array<Stage, constants::filter_stages> stages_{};
    int next_ = 0;  // slot the next sample goes into
    double precision_s_;
    double offset_s_ = 0, delay_s_ = 0, dispersion_s_ = constants::max_dispersion_s;
    double jitter_s_ = 0;
    double update_s_ = 0, epoch_s_ = -1e300, sample_time_s_ = -1e300;
    bool has_sample_ = false;
    bool last_was_popcorn_ = false;
};

}  // namespace ntp::sync
