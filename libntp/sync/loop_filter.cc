#include "libntp/sync/loop_filter.hh"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ntp::sync {

namespace c = constants;

namespace {

constexpr double slew_rate = c::max_slew_ppm * 1e-6;  // s/s
constexpr double startup_time_constant_s = 2;        // "2^1" while clamped
// Linux with STA_NANO amortizes the PLL phase by offset / 2^(SHIFT_PLL + tc)
// per second, SHIFT_PLL = 2: a time constant of 4 * 2^tc seconds.
// Corrections are kept this long so the value at the time of any sample the
// clock filters can still hand in (8 stages at 1024 s) can be recovered.
constexpr double correction_history_s = 3 * 3600;

std::string format(const char* fmt, double v) {
    char buf[96];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

}  // namespace

const char* to_string(LoopState state) {
    switch (state) {
    case LoopState::nset: return "NSET";
    case LoopState::fset: return "FSET";
    case LoopState::spik: return "SPIK";
    case LoopState::freq: return "FREQ";
    case LoopState::sync: return "SYNC";
    }
    return "?";
}

LoopFilter::LoopFilter(clock::Clock& clock, const LoopConfig& config)
    : clock_(clock), config_(config), poll_(config.min_poll_log2, config.max_poll_log2) {}

std::vector<LoopEvent> LoopFilter::start(double now_s) {
    std::vector<LoopEvent> events;
    started_ = true;
    precision_s_ = std::max(std::fabs(clock_.precision_s()), 1e-9);
    jitter_s_ = precision_s_;
    allow_panic_ = config_.panic_gate;
    force_step_ = config_.force_first_step;
    clamp_left_s_ = config_.stepout_s;
    poll_.reset();
    reset_timescale(now_s);
    state_epoch_s_ = now_s;

    const bool thresholds_allow_kernel =
        config_.step_forward_s > 0 && config_.step_forward_s <= c::kernel_max_step_s &&
        config_.step_back_s > 0 && config_.step_back_s <= c::kernel_max_step_s;
    kernel_mode_ = config_.kernel_enabled && thresholds_allow_kernel && !config_.one_shot &&
                   config_.ntp_enabled && clock_.kernel_state().available;
    if (kernel_mode_) events.push_back({LoopEventType::kern, 0, "kernel time sync enabled"});
    // Only with the classic step thresholds (the kernel's condition): so the
    // fast slew never amortizes more than 0.5 s, and -x keeps 500 ppm.
    fast_slew_limit_ppm_ = config_.ntp_enabled && !config_.one_shot && thresholds_allow_kernel
                               ? std::min(clock_.fast_slew_limit_ppm(), c::max_fast_slew_ppm)
                               : 0;
    fast_slew_ppm_ = 0;

    if (config_.drift_ppm) {
        freq_ppm_ = std::clamp(*config_.drift_ppm, -c::max_freq_ppm, c::max_freq_ppm);
        prior_freq_ppm_ = freq_ppm_;
        state_ = LoopState::fset;
        events.push_back({LoopEventType::freq_set, freq_ppm_,
                          format(kernel_mode_ ? "kernel %.3f PPM" : "ntpd %.3f PPM", freq_ppm_)});
    } else {
        freq_ppm_ = 0;
        state_ = LoopState::nset;
        events.push_back({LoopEventType::freq_not_set, 0, ""});
    }
    // The bookkeeping of corrections needs a known starting frequency, so it
    // is written even when it is 0 (classic does the same at loop start).
    if (config_.ntp_enabled) clock_.set_frequency(freq_ppm_);
    return events;
}

void LoopFilter::reset_timescale(double now_s) {
    corrections_.clear();
    correction_time_s_ = now_s;
    correction_total_s_ = correction_phase_s_ = 0;
    corrections_.push_back({now_s, 0, 0});
    last_tick_s_ = now_s;
    regression_.clear();
}

void LoopFilter::advance_corrections(double now_s) {
    const double dt = now_s - correction_time_s_;
    if (!(dt > 0)) return;
    double applied = std::copysign(std::min(std::fabs(slew_left_s_), slew_rate * dt), slew_left_s_);
    slew_left_s_ -= applied;
    if (fast_slew_ppm_ != 0) {
        const double fast = fast_slew_phase(dt);
        pending_phase_s_ -= fast;
        applied += fast;
    }
    if (kernel_phase_left_s_ != 0) {
        const double tau = 4.0 * std::ldexp(1.0, std::max(poll_.poll_log2() - 3, 0));
        const double k = kernel_phase_left_s_ * (1 - std::exp(-dt / tau));
        kernel_phase_left_s_ -= k;
        applied += k;
    }
    correction_total_s_ += applied + freq_ppm_ * 1e-6 * dt;
    correction_phase_s_ += applied;
    correction_time_s_ = now_s;
    corrections_.push_back({now_s, correction_total_s_, correction_phase_s_});
    while (corrections_.size() > 2 && corrections_.front().time_s < now_s - correction_history_s)
        corrections_.pop_front();
}

double LoopFilter::interpolate(double time_s, double CorrectionPoint::*field) const {
    if (time_s >= correction_time_s_) return corrections_.back().*field;
    auto it = std::lower_bound(corrections_.begin(), corrections_.end(), time_s,
                               [](const CorrectionPoint& p, double t) { return p.time_s < t; });
    if (it == corrections_.begin()) return corrections_.front().*field;
    const auto& hi = *it;
    const auto& lo = *(it - 1);
    const double span = hi.time_s - lo.time_s;
    if (span <= 0) return hi.*field;
    return lo.*field + (hi.*field - lo.*field) * (time_s - lo.time_s) / span;
}

double LoopFilter::refer_offset(double offset_s, double from_time_s, double to_time_s) const {
    if (corrections_.empty()) return offset_s;
    auto total_at = [&](double t) {
        double c = interpolate(t, &CorrectionPoint::total_s);
        // Beyond the last bookkeeping point the in-flight slew and the
        // frequency keep going.
        const double ahead = t - correction_time_s_;
        if (ahead > 0)
            c += std::copysign(std::min(std::fabs(slew_left_s_), slew_rate * ahead), slew_left_s_) +
                 fast_slew_phase(ahead) + freq_ppm_ * 1e-6 * ahead;
        return c;
    };
    // Everything applied in between comes off; what the clock itself did
    // meanwhile is predicted with today's frequency estimate. While the
    // frequency was constant this is just the phase corrections; after the
    // estimate moved (start-up, a step) it keeps an early sample from
    // carrying the old frequency's error into the present.
    return offset_s - (total_at(to_time_s) - total_at(from_time_s)) + freq_ppm_ * 1e-6 * (to_time_s - from_time_s);
}

bool LoopFilter::exceeds_step(double offset_s) const {
    const double threshold = offset_s >= 0 ? config_.step_forward_s : config_.step_back_s;
    return threshold > 0 && std::fabs(offset_s) > threshold;
}

void LoopFilter::enter(LoopState next, UpdateResult& r) {
    // Classic rstclock(): a state change is an event (FSET is only entered at start).
    if (next != state_) {
        if (next == LoopState::freq) r.events.push_back({LoopEventType::freq_mode, 0, ""});
        if (next == LoopState::sync) r.events.push_back({LoopEventType::clock_sync, 0, ""});
    }
    state_ = next;
}

double LoopFilter::phase_time_constant_s() const {
    if (clamp_left_s_ > 0) return startup_time_constant_s;
    return std::ldexp(1.0, poll_.poll_log2() - 1);
}

void LoopFilter::tick(double now_s) {
    if (!started_) return;
    advance_corrections(now_s);
    const double dt = now_s - last_tick_s_;
    last_tick_s_ = now_s;
    if (!config_.ntp_enabled || config_.one_shot || !(dt > 0)) return;
    if (state_ == LoopState::sync && clamp_left_s_ > 0) clamp_left_s_ = std::max(0.0, clamp_left_s_ - dt);

    update_fast_slew();
    if (fast_slew_ppm_ != 0) return;

    // Daemon loop: amortize the phase (ntp_loopfilter.c adj_host_clock).
    // Whatever the last adjtime() did not finish is replaced, so take it back.
    pending_phase_s_ += slew_left_s_;
    slew_left_s_ = 0;
    if (pending_phase_s_ == 0) return;
    const double tau = phase_time_constant_s();
    double chunk = pending_phase_s_ * std::min(1.0, dt / tau);
    const double limit = slew_rate * std::min(dt, 1.0);
    chunk = std::clamp(chunk, -limit, limit);
    if (clock_.slew(chunk).ok) {
        slew_left_s_ = chunk;
        pending_phase_s_ -= chunk;
    }
}

double LoopFilter::fast_slew_phase(double local_s) const {
    // The phase a clock running r fast gains while it reads local_s: r times
    // the true time elapsed, local_s / (1 + r). At 5% the difference from
    // r * local_s is 0.25% of the phase, which the frequency estimate would
    // otherwise take for hundreds of ppm.
    const double r = fast_slew_ppm_ * 1e-6;
    return r * local_s / (1 + r);
}

void LoopFilter::set_fast_slew(double ppm) {
    if (ppm == fast_slew_ppm_) return;
    if (clock_.set_fast_slew(ppm).ok) {
        fast_slew_ppm_ = ppm;
    } else {
        // Refused (e.g. no permission after all): slew at 500 ppm from now.
        fast_slew_limit_ppm_ = 0;
        if (fast_slew_ppm_ != 0 && clock_.set_fast_slew(0).ok) fast_slew_ppm_ = 0;
    }
}

void LoopFilter::end_fast_slew() {
    if (fast_slew_ppm_ == 0) return;
    set_fast_slew(0);
    fast_slew_limit_ppm_ = 0;
}

void LoopFilter::update_fast_slew() {
    const bool wanted = fast_slew_limit_ppm_ > 0 && clamp_left_s_ > 0 && pending_phase_s_ != 0 &&
                        !kernel_phase_left_s_;
    if (!wanted) {
        set_fast_slew(0);
        return;
    }
    // An adjtime() still in flight is folded into the fast slew.
    if (slew_left_s_ != 0 && clock_.slew(0).ok) {
        pending_phase_s_ += slew_left_s_;
        slew_left_s_ = 0;
    }
    // The rate leaves half of the phase for later at the next tick (a time
    // constant of 2 s): even a tick late by a second does not overshoot.
    const double ppm = pending_phase_s_ / startup_time_constant_s * 1e6;
    set_fast_slew(std::clamp(ppm, -fast_slew_limit_ppm_, fast_slew_limit_ppm_));
}

void LoopFilter::clock_jumped(double now_s, double jump_s) {
    set_fast_slew(0);
    foreign_jump_s_ = jump_s;
    if (regression_.size() >= 3) {
        prior_freq_ppm_ = freq_ppm_;
        prior_sigma_ppm_ = 1;
    }
    pending_phase_s_ = slew_left_s_ = kernel_phase_left_s_ = 0;
    reset_timescale(now_s);
    // As after a step of ours: measure again at minpoll, with unsorted
    // filters until a few updates have been made on the new timescale.
    poll_.reset();
    trained_updates_ = 0;
}

UpdateResult LoopFilter::update(const LoopUpdate& u) {
    UpdateResult r;
    if (!started_ || done_ || !std::isfinite(u.offset_s) || !std::isfinite(u.now_s)) return r;
    const double theta = u.offset_s;

    // `disable ntp`: record and go home, before any threshold (classic).
    if (!config_.ntp_enabled) {
        const double d = std::max(std::fabs(theta - last_offset_s_), precision_s_);
        jitter_s_ = std::sqrt(jitter_s_ * jitter_s_ + (d * d - jitter_s_ * jitter_s_) / c::averaging);
        offset_s_ = last_offset_s_ = theta;
        return r;
    }

    if (config_.panic_s > 0 && std::fabs(theta) > config_.panic_s && !allow_panic_) {
        r.outcome = UpdateOutcome::panic;
        char buf[128];
        std::snprintf(buf, sizeof buf, "%+.0f s; set clock manually within %.0f s.", theta,
                      config_.panic_s);
        r.events.push_back({LoopEventType::panic_stop, theta, buf});
        return r;
    }
    if (config_.one_shot) return one_shot(u);

    const double mu = u.now_s - state_epoch_s_;
    // The first update after someone else's step judges it: an offset that
    // undoes it is stepped now; anything else goes by the classic rules.
    const bool undoes_jump = foreign_jump_s_ && std::fabs(theta + *foreign_jump_s_) <= jump_match_s;
    foreign_jump_s_.reset();
    if (exceeds_step(theta) || force_step_) {
        if (undoes_jump) {
            step(u, r);
            return r;
        }
        switch (state_) {
        case LoopState::sync:
            // The first outlier in SYNC is a spike: ignore it, start counting stepout.
            state_ = LoopState::spik;
            r.events.push_back({LoopEventType::spike_detect, theta, format("%+.6f s", theta)});
            return r;
        case LoopState::freq:
        case LoopState::spik:
            if (mu < config_.stepout_s) return r;
            break;
        default:
            break;
        }
        step(u, r);
        return r;
    }

    // Within the step threshold: -g is used up, panic re-armed.
    allow_panic_ = false;
    const double d = std::max(std::fabs(theta - last_offset_s_), precision_s_);
    jitter_s_ = std::sqrt(jitter_s_ * jitter_s_ + (d * d - jitter_s_ * jitter_s_) / c::averaging);
    switch (state_) {
    case LoopState::nset: enter(LoopState::freq, r); state_epoch_s_ = u.now_s; break;
    case LoopState::fset: enter(LoopState::sync, r); state_epoch_s_ = u.now_s; break;
    case LoopState::freq:
        // Classic trains the frequency for stepout seconds here; we keep
        // disciplining meanwhile (see the header) but keep the visible state.
        if (mu >= config_.stepout_s) {
            enter(LoopState::sync, r);
            state_epoch_s_ = u.now_s;
        }
        break;
    default:
        enter(LoopState::sync, r);
        state_epoch_s_ = u.now_s;
        break;
    }
    discipline(u, r);
    ++trained_updates_;
    r.outcome = UpdateOutcome::adjusted;
    return r;
}

UpdateResult LoopFilter::one_shot(const LoopUpdate& u) {
    UpdateResult r;
    const double theta = u.offset_s;
    char buf[96];
    if (exceeds_step(theta) || force_step_) {
        const auto res = clock_.step(theta);
        if (!res.ok) r.clock_error = res.error;
        std::snprintf(buf, sizeof buf, "ntpd: time set %+.6f s", theta);
        r.events.push_back({LoopEventType::one_shot_set, theta, buf});
        r.outcome = UpdateOutcome::stepped;
    } else {
        const auto res = clock_.slew(theta);
        if (!res.ok) r.clock_error = res.error;
        std::snprintf(buf, sizeof buf, "ntpd: time slew %+.6f s", theta);
        r.events.push_back({LoopEventType::one_shot_slew, theta, buf});
        r.outcome = UpdateOutcome::adjusted;
    }
    offset_s_ = last_offset_s_ = theta;
    done_ = true;
    return r;
}

void LoopFilter::step(const LoopUpdate& u, UpdateResult& r) {
    const double theta = u.offset_s;
    // Anything still being slewed belongs to the old timescale.
    if (slew_left_s_ != 0 || pending_phase_s_ != 0) clock_.slew(0);
    set_fast_slew(0);
    const auto res = clock_.step(theta);
    if (!res.ok) r.clock_error = res.error;
    r.events.push_back({LoopEventType::clock_step, theta, format("%+.6f s", theta)});
    r.outcome = UpdateOutcome::stepped;

    if (regression_.size() >= 3) {
        prior_freq_ppm_ = freq_ppm_;
        prior_sigma_ppm_ = 1;
    }
    pending_phase_s_ = slew_left_s_ = kernel_phase_left_s_ = 0;
    const double after_s = u.now_s + theta;  // the local timescale moved by the step
    reset_timescale(after_s);
    trained_updates_ = 0;
    poll_.reset();
    jitter_s_ = precision_s_;
    offset_s_ = last_offset_s_ = 0;
    force_step_ = false;
    state_epoch_s_ = after_s;
    enter(state_ == LoopState::nset ? LoopState::freq : LoopState::sync, r);
}

double LoopFilter::estimate_frequency_ppm(const DriftFit& fit) const {
    const double slope_ppm = fit.slope * 1e6;
    // Two points give a slope but no idea of its error: use it only when
    // there is nothing better.
    if (fit.points < 3) return prior_freq_ppm_ ? *prior_freq_ppm_ : slope_ppm;
    if (!prior_freq_ppm_) return slope_ppm;
    // Inverse-variance blend with the prior (drift file / pre-step estimate):
    // early, a few iburst samples are far less certain than a drift file.
    const double s = std::max(fit.slope_sigma * 1e6, 1e-6);
    const double ws = 1 / (s * s), wp = 1 / (prior_sigma_ppm_ * prior_sigma_ppm_);
    return (slope_ppm * ws + *prior_freq_ppm_ * wp) / (ws + wp);
}

void LoopFilter::discipline(const LoopUpdate& u, UpdateResult& r) {
    const double theta = u.offset_s;
    advance_corrections(u.now_s);
    const double sample_time = std::min(u.sample_time_s, u.now_s);
    const double at_sample = correction_at(sample_time);
    regression_.add(sample_time, theta + at_sample);

    // What is left of this offset now, given what was corrected since.
    double phase = theta - (correction_total_s_ - at_sample);
    double freq = freq_ppm_;
    if (auto fit = regression_.fit(u.now_s);
        fit && fit->span_s >= 2 && (fit->points >= 3 || prior_freq_ppm_)) {
        freq = estimate_frequency_ppm(*fit);
        const double raw_now = fit->mean_raw_s + freq * 1e-6 * (u.now_s - fit->mean_time_s);
        phase = raw_now - correction_total_s_;
    }
    if (std::fabs(freq) > c::max_freq_ppm) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "frequency error %.0f PPM exceeds tolerance %.0f PPM", freq,
                      c::max_freq_ppm);
        r.events.push_back({LoopEventType::freq_clamped, freq, buf});
        freq = std::clamp(freq, -c::max_freq_ppm, c::max_freq_ppm);
    }
    const double dfreq = freq - freq_ppm_;
    wander_ppm_ = std::sqrt(wander_ppm_ * wander_ppm_ + (dfreq * dfreq - wander_ppm_ * wander_ppm_) / c::averaging);

    if (clamp_left_s_ > 0 && std::fabs(theta) < c::startup_floor_s) clamp_left_s_ = 0;
    if (clamp_left_s_ == 0 && state_ == LoopState::sync) poll_.update(theta, jitter_s_);

    // The in-flight adjtime() remainder will still be applied; the rest of
    // the phase is replaced by this newer estimate.
    bool to_kernel = kernel_mode_ && clamp_left_s_ == 0 && state_ == LoopState::sync;
    if (to_kernel) {
        if (!kernel_synced_) {
            const auto s = clock_.set_sync_status(true, u.root_delay_s / 2 + u.root_dispersion_s, jitter_s_);
            if (s.ok) kernel_synced_ = true;
        }
        clock::KernelPllUpdate k;
        k.offset_s = phase - slew_left_s_;
        k.time_constant = std::max(poll_.poll_log2() - 3, 0);
        k.est_error_s = jitter_s_;
        k.max_error_s = u.root_delay_s / 2 + u.root_dispersion_s;
        k.leap_insert = u.leap_insert;
        k.leap_delete = u.leap_delete;
        const auto res = clock_.kernel_pll_update(k);
        if (res.ok) {
            kernel_phase_left_s_ = k.offset_s;
            pending_phase_s_ = 0;
        } else {
            kernel_mode_ = false;
            to_kernel = false;
            r.clock_error = res.error;
            r.events.push_back({LoopEventType::kernel_failed, 0, res.error});
        }
    }
    if (!to_kernel) {
        kernel_phase_left_s_ = 0;
        pending_phase_s_ = phase - slew_left_s_;
    }
    // The start-up fast slew follows the new phase at once (or ends).
    if (fast_slew_limit_ppm_ > 0) update_fast_slew();
    // The kernel PLL nudges the frequency on every offset it is given; our
    // estimate replaces that (written after the offset on purpose).
    if (freq != freq_ppm_ || to_kernel) {
        const auto res = clock_.set_frequency(freq);
        if (res.ok)
            freq_ppm_ = freq;
        else
            r.clock_error = res.error;
    }
    offset_s_ = theta;
    last_offset_s_ = theta;
}

}  // namespace ntp::sync
