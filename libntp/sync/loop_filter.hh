#pragma once
// The clock discipline (classic ntp_loopfilter.c local_clock; spec ntpd.md
// §4): turns each system offset into steps, slews and frequency changes on a
// ntp::clock::Clock, with the classic visible rules and our own numerics.
//
// Visible rules kept from classic ntpd:
//  * states NSET/FSET/FREQ/SYNC/SPIK and their events (freq_not_set,
//    freq_set, freq_mode, clock_sync, spike_detect, clock_step, panic_stop);
//  * step threshold 0.128 s (tinker step/stepfwd/stepback, 0 = never step),
//    stepout 300 s, panic 1000 s with -g excusing the first correction and
//    any later in-threshold update re-arming it; -G forces the first step;
//    -x = slew_only(): step threshold 600 s and no kernel loop;
//  * in SYNC a single outlier is a spike (ignored); a step needs the
//    outliers to persist for stepout; NSET/FSET step at once;
//  * -q: the first update steps or slews, then done() (panic still applies);
//  * `disable ntp`: measure only, the clock is never touched;
//  * start-up clamp: for stepout seconds in SYNC, or until an update is
//    within 0.5 ms, the phase is slewed fast, the poll stays at minpoll, the
//    clock filter is not delay-sorted (startup_clamp()) and the kernel is not
//    fed;
//  * frequency clamped to +/-500 ppm (message when exceeded), phase slews
//    at most 500 ppm;
//  * kernel discipline (enable kernel, step threshold in (0, 0.5], the clock
//    has ntp_adjtime): after the clamp every update goes to
//    Clock::kernel_pll_update, and the first one also calls
//    set_sync_status(true) - that is when STA_UNSYNC is cleared and the
//    kernel's 11-minute RTC mode starts. If the kernel refuses, the loop
//    falls back to the daemon loop (event kernel_failed). Never sets
//    STA_UNSYNC again.
//  * poll adaptation with the classic tc counter (poll_policy.hh).
//
// Numerics (ours, why): classic estimates frequency with a PLL/FLL whose gain
// follows the poll interval, which takes ~15 minutes to settle and lets
// measurement noise through (~190 us RMS on a LAN). Here every update is
// turned into a "raw" offset - the measured offset plus all corrections this
// loop has applied up to the time of the measurement, which it knows
// exactly because it issues them - and a least-squares line through recent
// raw offsets (drift_regression.hh) gives the frequency (slope) and the
// current phase (line at now minus corrections so far) with the noise
// averaged out. The frequency is set directly and the phase amortized with a
// time constant of half a poll interval (2 s during the start-up clamp).
// Unlike classic, the frequency is also corrected during FREQ and the
// start-up clamp (the states and their timing stay classic).
//
// Fast start-up slew (ours): during the start-up clamp a clock that can
// (Clock::fast_slew_limit_ppm(), KernelClock through the tick) amortizes the
// phase by running up to 50000 ppm fast or slow (Clock::set_fast_slew), not
// by adjtime()'s 500 ppm: a 0.1 s offset is gone in seconds, not in 200 s.
// The rate is set at each tick and update and its effect is exact, so the
// bookkeeping of corrections stays exact. It ends with the clamp. Only with
// step thresholds within 0.5 s (as for the kernel loop), so it never slews
// more than that; -x, larger `tinker step` values and a clock without it
// (no CAP_SYS_TIME) slew at adjtime()'s 500 ppm as classic does.
//
// `now_s` and `sample_time_s` are seconds on the local clock (any epoch,
// e.g. realtime as a double relative to the daemon's start). After a step by
// this loop the timescale moves by the step; after a step by someone else
// the caller reports clock_jumped() (see clock_jump.hh).

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "libntp/clock/clock.hh"
#include "libntp/sync/constants.hh"
#include "libntp/sync/drift_regression.hh"
#include "libntp/sync/loop_events.hh"
#include "libntp/sync/poll_policy.hh"

namespace ntp::sync {

// Classic state numbers (ntpq `state`).
enum class LoopState : std::uint8_t { nset = 0, fset = 1, spik = 2, freq = 3, sync = 4 };
const char* to_string(LoopState state);

struct LoopConfig {
    double step_forward_s = constants::step_threshold_s;  // tinker step / stepfwd; <= 0: never
    double step_back_s = constants::step_threshold_s;     // tinker step / stepback; <= 0: never
    double stepout_s = constants::stepout_s;              // tinker stepout
    double panic_s = constants::panic_threshold_s;        // tinker panic; 0: never panic
    bool panic_gate = false;        // -g
    bool force_first_step = false;  // -G
    bool one_shot = false;          // -q
    bool ntp_enabled = true;        // `disable ntp` -> false
    bool kernel_enabled = true;     // `disable kernel` -> false
    int min_poll_log2 = constants::default_min_poll_log2;
    int max_poll_log2 = constants::default_max_poll_log2;
    std::optional<double> drift_ppm;  // drift file value: start in FSET

    // -x: step threshold 600 s both ways and no kernel loop.
    void slew_only() {
        step_forward_s = step_back_s = constants::slew_only_step_s;
        kernel_enabled = false;
    }
};

struct LoopUpdate {
    double offset_s = 0;         // system offset (combine / prefer peer)
    double sample_time_s = 0;    // local time the offset was measured
    double now_s = 0;
    double root_delay_s = 0;     // for the kernel's maxerror
    double root_dispersion_s = 0;
    bool leap_insert = false;    // announce to the kernel (STA_INS / STA_DEL)
    bool leap_delete = false;
};

enum class UpdateOutcome : std::uint8_t {
    ignored,   // classic 0: measure-only, spike, waiting for stepout, -q already done
    adjusted,  // classic 1: the clock is being disciplined with this offset
    stepped,   // classic 2: the clock was stepped: clear all associations
    panic,     // classic -1: exit(255) after logging panic_stop
};

struct UpdateResult {
    UpdateOutcome outcome = UpdateOutcome::ignored;
    std::vector<LoopEvent> events;
    std::string clock_error;  // text of a refused clock operation, for the log
};

class LoopFilter {
public:
    LoopFilter(clock::Clock& clock, const LoopConfig& config);

    // Loop start (ntpd start-up step 5): sets the initial frequency, returns
    // freq_set / freq_not_set (+ kern when the kernel loop will be used).
    std::vector<LoopEvent> start(double now_s);

    // One clock update from the system process.
    UpdateResult update(const LoopUpdate& u);

    // Ends a start-up fast slew in progress (the clock back at the loop's
    // frequency); the daemon calls it before it exits, so a clock running
    // 5% fast is never left behind. The rest of the phase is dropped.
    void end_fast_slew();

    // Once a second: phase amortization and the start-up clamp countdown.
    void tick(double now_s);

    // An offset measured at `from_time_s` as it would be measured at
    // `to_time_s`: the phase corrections (slews) this loop applied in between
    // are taken off (or put back when going back in time). The system process
    // refers every peer's offset to now before selection and combine - peers
    // measured at different times (up to eight polls ago for a delay-sorted
    // filter) would otherwise pull the clock back by corrections already
    // made - and hands the combined offset to update() referred to the time
    // of the system peer's sample, whose raw measurement is what the
    // frequency estimate should see.
    double refer_offset(double offset_s, double from_time_s, double to_time_s) const;

    // Someone else stepped the clock by `jump_s`: forget the history built
    // on the old timescale. The next offsets are judged by the classic rules
    // with one exception: a first offset beyond the step threshold that
    // undoes the jump (within jump_match_s) is stepped at once, without
    // waiting out stepout. Two independent observations agree then - the
    // clock moved against CLOCK_MONOTONIC, and the servers see it moved -
    // so it is no spike. (A VM resume also "jumps" against CLOCK_MONOTONIC,
    // by the time suspended; the servers then see no such offset.)
    void clock_jumped(double now_s, double jump_s);
    static constexpr double jump_match_s = 0.05;

    // Whether update() would treat this offset as beyond the step threshold
    // (tinker step / stepfwd / stepback; never when they are 0).
    bool beyond_step_threshold(double offset_s) const { return exceeds_step(offset_s); }

    // Poll limits of the current system peer.
    void set_poll_limits(int min_poll_log2, int max_poll_log2) { poll_.set_limits(min_poll_log2, max_poll_log2); }

    // --- state for ntpq / loopstats / the daemon ---
    LoopState state() const { return state_; }
    double offset_s() const { return offset_s_; }         // last offset handed in
    double frequency_ppm() const { return freq_ppm_; }    // correction applied
    double jitter_s() const { return jitter_s_; }         // clk_jitter
    double wander_ppm() const { return wander_ppm_; }     // clk_wander
    int poll_log2() const { return poll_.poll_log2(); }   // sys_poll / tc
    bool startup_clamp() const { return clamp_left_s_ > 0; }
    // Whether clock filters should delay-sort (classic: not during the
    // start-up clamp). We also keep them unsorted until the frequency has been
    // trained on a few updates after a start or step: a delay-sorted filter
    // hands on a new sample only now and then, and an untrained loop must not
    // go without updates.
    bool sort_filters() const { return clamp_left_s_ <= 0 && trained_updates_ >= training_updates; }
    static constexpr int training_updates = 8;
    bool kernel_mode() const { return kernel_mode_; }
    bool done() const { return done_; }                   // -q finished
    double pending_phase_s() const { return pending_phase_s_ + slew_left_s_ + kernel_phase_left_s_; }

private:
    struct CorrectionPoint {
        double time_s;
        double total_s;  // phase + frequency corrections
        double phase_s;  // phase corrections (slews) only
    };
    // Start-up fast slew: sets the rate for pending_phase_s_, or ends it.
    void update_fast_slew();
    void set_fast_slew(double ppm);
    double fast_slew_phase(double local_s) const;
    void advance_corrections(double now_s);
    double correction_at(double time_s) const { return interpolate(time_s, &CorrectionPoint::total_s); }
    double interpolate(double time_s, double CorrectionPoint::*field) const;
    void reset_timescale(double now_s);
    bool exceeds_step(double offset_s) const;
    void enter(LoopState next, UpdateResult& r);
    UpdateResult one_shot(const LoopUpdate& u);
    void step(const LoopUpdate& u, UpdateResult& r);
    void discipline(const LoopUpdate& u, UpdateResult& r);
    double phase_time_constant_s() const;
    double estimate_frequency_ppm(const DriftFit& fit) const;

    clock::Clock& clock_;
    LoopConfig config_;
    PollPolicy poll_;
    DriftRegression regression_;

    LoopState state_ = LoopState::nset;
    double state_epoch_s_ = 0;   // last accepted update (classic clock_epoch)
    double offset_s_ = 0, last_offset_s_ = 0;
    double freq_ppm_ = 0;
    double jitter_s_ = 0, wander_ppm_ = 0;
    double precision_s_ = 1e-6;
    double clamp_left_s_ = 0;    // classic freq_cnt
    bool allow_panic_ = false;
    bool force_step_ = false;
    std::optional<double> foreign_jump_s_;  // clock_jumped() not yet judged by an update
    bool kernel_mode_ = false;
    bool kernel_synced_ = false;
    bool started_ = false;
    bool done_ = false;
    int trained_updates_ = 0;  // updates since start / the last step
    // A frequency known before the regression (drift file, or the estimate
    // kept across a step) and how much to trust it.
    std::optional<double> prior_freq_ppm_;
    double prior_sigma_ppm_ = 1;

    // Corrections applied so far (steps excluded: they restart the
    // timescale), as a time series so the value at any recent sample time
    // can be recovered.
    std::deque<CorrectionPoint> corrections_;
    double correction_time_s_ = 0, correction_total_s_ = 0, correction_phase_s_ = 0;
    double pending_phase_s_ = 0;     // still to amortize (daemon loop)
    double slew_left_s_ = 0;         // handed to Clock::slew, not yet applied
    double kernel_phase_left_s_ = 0; // handed to the kernel PLL, not yet applied
    double fast_slew_limit_ppm_ = 0; // start-up fast slew available (0: no)
    double fast_slew_ppm_ = 0;       // the rate set now (Clock::set_fast_slew)
    double last_tick_s_ = 0;
};

}  // namespace ntp::sync
