#include "libntp/sync/loop_filter.hh"

#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/support/sim_clock.hh"

using namespace ntp::sync;
using ntp::clock::SimClock;

namespace {

bool has(const std::vector<LoopEvent>& ev, LoopEventType t) {
    return std::any_of(ev.begin(), ev.end(), [&](const LoopEvent& e) { return e.type == t; });
}

// Drives a loop against a SimClock with a perfect one-second tick and a
// noiseless measurement every `interval_s`: offset = -(clock error).
struct Bench {
    SimClock clock;
    LoopFilter loop;
    double t = 0;  // local time as the loop sees it (true time + error)

    Bench(const SimClock::Options& o, const LoopConfig& cfg) : clock(o), loop(clock, cfg) {}
    double local() const { return clock.true_elapsed_s() + clock.error_s(); }
    UpdateResult measure() {
        LoopUpdate u;
        u.offset_s = -clock.error_s();
        u.now_s = u.sample_time_s = local();
        return loop.update(u);
    }
    void run(double seconds) {
        for (double s = 0; s < seconds; ++s) {
            clock.advance(1);
            loop.tick(local());
        }
    }
};

SimClock::Options clock_with(double offset_s, double freq_ppm) {
    SimClock::Options o;
    o.initial_offset_s = offset_s;
    o.freq_error_ppm = freq_ppm;
    return o;
}

// Drift 0 from the file, so the loop starts in FSET.
LoopConfig with_drift_file_zero() {
    LoopConfig cfg;
    cfg.drift_ppm = 0;
    return cfg;
}

// Twenty updates 64 s apart: SYNC, frequency trained.
void converge(Bench& b) {
    b.loop.start(b.local());
    for (int i = 0; i < 20; ++i) {
        b.measure();
        b.run(64);
    }
}

}  // namespace

TEST_CASE("loop: start reports freq_not_set / freq_set and sets the frequency") {
    SimClock c(clock_with(0, 0));
    LoopFilter l(c, LoopConfig{});
    auto ev = l.start(0);
    CHECK(has(ev, LoopEventType::freq_not_set));
    CHECK(l.state() == LoopState::nset);

    LoopConfig cfg;
    cfg.drift_ppm = -12.345;
    LoopFilter l2(c, cfg);
    ev = l2.start(0);
    REQUIRE(has(ev, LoopEventType::freq_set));
    CHECK(ev.back().detail == "ntpd -12.345 PPM");
    CHECK(c.frequency_ppm() == Approx(-12.345));
    CHECK(l2.state() == LoopState::fset);
    CHECK(event_code(LoopEventType::freq_set) == 2);
}

TEST_CASE("loop: NSET slews a small offset, goes FREQ, then SYNC after stepout") {
    Bench b(clock_with(-0.05, 0), LoopConfig{});
    b.loop.start(b.local());
    auto r = b.measure();  // offset +0.05 (clock behind)
    CHECK(r.outcome == UpdateOutcome::adjusted);
    CHECK(has(r.events, LoopEventType::freq_mode));
    CHECK(b.loop.state() == LoopState::freq);
    CHECK(b.clock.steps().empty());
    b.run(64);
    CHECK(std::fabs(b.clock.error_s()) < 1e-6);  // the start-up fast slew: gone in seconds
    b.measure();
    CHECK(b.loop.state() == LoopState::freq);
    for (int i = 0; i < 5; ++i) {
        b.run(64);
        r = b.measure();
    }
    CHECK(b.loop.state() == LoopState::sync);
    CHECK(std::fabs(b.clock.error_s()) < 1e-4);
    CHECK(b.clock.steps().empty());
}

TEST_CASE("loop: the start-up fast slew halves the phase each second and keeps its books") {
    Bench b(clock_with(-0.1, 0), LoopConfig{});
    const double t0 = b.local();
    b.loop.start(t0);
    b.measure();  // +0.1 s: 50000 ppm (the cap) until the next tick
    b.run(1);
    CHECK(b.clock.error_s() == Approx(-0.05).margin(1e-9));
    b.run(2);
    CHECK(std::fabs(b.clock.error_s()) < 0.02);
    b.run(20);
    CHECK(std::fabs(b.clock.error_s()) < 1e-6);
    // Exact books: the clock has no frequency error, nor does the estimate.
    for (int i = 0; i < 5; ++i) {
        b.measure();
        b.run(2);
    }
    CHECK(b.loop.frequency_ppm() == Approx(0).margin(1e-3));
    // All the phase it applied since the start is on its books: 0.1 s.
    CHECK(b.loop.refer_offset(0, t0, b.local()) == Approx(-0.1).margin(1e-9));
}

TEST_CASE("loop: end_fast_slew leaves the clock at the loop's frequency") {
    Bench b(clock_with(-0.1, 0), LoopConfig{});
    b.loop.start(b.local());
    b.measure();
    b.run(1);
    b.loop.end_fast_slew();  // the daemon exits
    const double e = b.clock.error_s();
    b.clock.advance(100);
    CHECK(b.clock.error_s() == Approx(e).margin(1e-12));
}

TEST_CASE("loop: a clock without the fast slew slews at 500 ppm; -x never fast-slews") {
    auto o = clock_with(-0.05, 0);
    o.fast_slew = false;
    Bench b(o, LoopConfig{});
    b.loop.start(b.local());
    b.measure();
    b.run(64);
    CHECK(b.clock.error_s() == Approx(-0.05 + 63 * 500e-6).margin(1e-9));  // 500 ppm from the next tick

    LoopConfig x;
    x.slew_only();
    Bench bx(clock_with(-0.05, 0), x);
    bx.loop.start(bx.local());
    bx.measure();
    bx.run(64);
    CHECK(bx.clock.error_s() == Approx(-0.05 + 63 * 500e-6).margin(1e-9));
}

TEST_CASE("loop: NSET steps a large offset at once and goes FREQ") {
    Bench b(clock_with(50, 0), LoopConfig{});
    b.loop.start(b.local());
    auto r = b.measure();
    CHECK(r.outcome == UpdateOutcome::stepped);
    REQUIRE(has(r.events, LoopEventType::clock_step));
    CHECK(r.events[0].detail == "-50.000000 s");
    CHECK(b.loop.state() == LoopState::freq);
    REQUIRE(b.clock.steps().size() == 1);
    CHECK(b.clock.error_s() == Approx(0).margin(1e-9));
}

TEST_CASE("loop: in SYNC a single spike is ignored; a persistent one steps after stepout") {
    LoopConfig cfg;
    cfg.drift_ppm = 0;
    Bench b(clock_with(0.001, 0), cfg);
    b.loop.start(b.local());
    CHECK(b.measure().outcome == UpdateOutcome::adjusted);
    CHECK(b.loop.state() == LoopState::sync);
    b.run(64);

    LoopUpdate spike;
    spike.offset_s = 0.5;
    spike.now_s = spike.sample_time_s = b.local();
    auto r = b.loop.update(spike);
    CHECK(r.outcome == UpdateOutcome::ignored);
    REQUIRE(has(r.events, LoopEventType::spike_detect));
    CHECK(r.events[0].detail == "+0.500000 s");
    CHECK(b.loop.state() == LoopState::spik);
    // An inlier returns to SYNC.
    b.run(64);
    r = b.measure();
    CHECK(r.outcome == UpdateOutcome::adjusted);
    CHECK(has(r.events, LoopEventType::clock_sync));
    CHECK(b.loop.state() == LoopState::sync);

    // Now the clock really is 0.5 s off: spikes until stepout, then a step.
    b.clock.step(-0.5);
    int steps_seen = 0;
    double waited = 0;
    while (waited < 600 && steps_seen == 0) {
        b.run(64);
        waited += 64;
        r = b.measure();
        if (r.outcome == UpdateOutcome::stepped) ++steps_seen;
    }
    CHECK(steps_seen == 1);
    CHECK(waited >= 300);
    CHECK(std::fabs(b.clock.error_s()) < 0.01);
}

TEST_CASE("loop: panic stops unless -g, and -g excuses only the first correction") {
    Bench b(clock_with(-2000, 0), LoopConfig{});
    b.loop.start(b.local());
    auto r = b.measure();
    CHECK(r.outcome == UpdateOutcome::panic);
    REQUIRE(has(r.events, LoopEventType::panic_stop));
    CHECK(r.events[0].detail == "+2000 s; set clock manually within 1000 s.");
    CHECK(b.clock.steps().empty());

    LoopConfig g;
    g.panic_gate = true;
    Bench bg(clock_with(-2000, 0), g);
    bg.loop.start(bg.local());
    CHECK(bg.measure().outcome == UpdateOutcome::stepped);
    bg.run(64);
    CHECK(bg.measure().outcome == UpdateOutcome::adjusted);  // re-arms panic
    LoopUpdate big;
    big.offset_s = 5000;
    big.now_s = big.sample_time_s = bg.local();
    CHECK(bg.loop.update(big).outcome == UpdateOutcome::panic);
}

TEST_CASE("loop: -x slews up to 600 s and never uses the kernel") {
    LoopConfig x;
    x.slew_only();
    Bench b(clock_with(-0.4, 0), x);
    b.loop.start(b.local());
    CHECK(b.measure().outcome == UpdateOutcome::adjusted);
    CHECK_FALSE(b.loop.kernel_mode());
    b.run(100);
    CHECK(b.clock.steps().empty());
    CHECK(b.clock.error_s() == Approx(-0.4 + 99 * 500e-6).margin(1e-6));
}

TEST_CASE("loop: -q steps or slews once, then is done") {
    LoopConfig q;
    q.one_shot = true;
    Bench b(clock_with(-0.3, 0), q);
    b.loop.start(b.local());
    auto r = b.measure();
    CHECK(r.outcome == UpdateOutcome::stepped);
    REQUIRE(has(r.events, LoopEventType::one_shot_set));
    CHECK(event_text(r.events[0]) == "ntpd: time set +0.300000 s");
    CHECK(b.loop.done());
    CHECK(b.measure().outcome == UpdateOutcome::ignored);

    Bench s(clock_with(-0.01, 0), q);
    s.loop.start(s.local());
    r = s.measure();
    CHECK(r.outcome == UpdateOutcome::adjusted);
    CHECK(event_text(r.events[0]) == "ntpd: time slew +0.010000 s");
    s.run(30);
    CHECK(s.clock.error_s() == Approx(0).margin(1e-9));
}

TEST_CASE("loop: disable ntp measures only") {
    LoopConfig off;
    off.ntp_enabled = false;
    Bench b(clock_with(-5, 30), off);
    b.loop.start(b.local());
    const double f0 = b.clock.frequency_ppm();
    auto r = b.measure();
    CHECK(r.outcome == UpdateOutcome::ignored);
    CHECK(b.loop.offset_s() == Approx(5));
    b.run(10);
    CHECK(b.clock.steps().empty());
    CHECK(b.clock.slew_count() == 0);
    CHECK(b.clock.frequency_ppm() == f0);
}

TEST_CASE("loop: learns the frequency error and ends the start-up clamp") {
    Bench b(clock_with(0, 30), LoopConfig{});
    b.loop.start(b.local());
    for (int i = 0; i < 40; ++i) {
        b.measure();
        b.run(64);
    }
    CHECK(b.loop.frequency_ppm() == Approx(-30).margin(0.01));
    CHECK_FALSE(b.loop.startup_clamp());
    CHECK(b.loop.state() == LoopState::sync);
    CHECK(std::fabs(b.clock.error_s()) < 5e-6);
    CHECK(b.loop.poll_log2() > 6);  // noiseless offsets: the poll went up
}

TEST_CASE("loop: frequency beyond 500 ppm is clamped with the classic message") {
    Bench b(clock_with(0, 800), LoopConfig{});
    b.loop.start(b.local());
    bool clamped = false;
    for (int i = 0; i < 10 && !clamped; ++i) {
        for (auto& e : b.measure().events)
            if (e.type == LoopEventType::freq_clamped) {
                clamped = true;
                CHECK(e.detail.find("exceeds tolerance 500 PPM") != std::string::npos);
            }
        b.run(16);
    }
    CHECK(clamped);
    CHECK(b.loop.frequency_ppm() == -500);
}

namespace {
// A clock with a kernel PLL that accepts updates and records them.
class KernelFake final : public ntp::clock::Clock {
public:
    explicit KernelFake(SimClock& sim) : sim_(sim) {}
    timespec now() override { return sim_.now(); }
    double precision_s() override { return sim_.precision_s(); }
    ntp::clock::ClockResult step(double s) override { return sim_.step(s); }
    ntp::clock::ClockResult slew(double s) override { return sim_.slew(s); }
    ntp::clock::ClockResult set_frequency(double f) override { return sim_.set_frequency(f); }
    double frequency_ppm() override { return sim_.frequency_ppm(); }
    ntp::clock::ClockResult kernel_pll_update(const ntp::clock::KernelPllUpdate& u) override {
        updates.push_back(u);
        if (refuse) return ntp::clock::ClockResult::failure("Operation not permitted");
        return sim_.slew(u.offset_s);  // stand-in for the kernel's amortization
    }
    ntp::clock::ClockResult set_sync_status(bool s, double m, double e) override {
        ++sync_calls;
        return sim_.set_sync_status(s, m, e);
    }
    ntp::clock::KernelState kernel_state() override {
        auto k = sim_.kernel_state();
        k.available = true;
        return k;
    }
    std::vector<ntp::clock::KernelPllUpdate> updates;
    int sync_calls = 0;
    bool refuse = false;

private:
    SimClock& sim_;
};
}  // namespace

TEST_CASE("loop: kernel discipline is fed only after the clamp; STA_UNSYNC cleared then, once") {
    SimClock sim(clock_with(0.0002, 0));
    KernelFake k(sim);
    LoopConfig cfg;
    cfg.drift_ppm = 0;
    LoopFilter l(k, cfg);
    auto ev = l.start(0);
    CHECK(has(ev, LoopEventType::kern));
    CHECK(ev.back().detail == "kernel 0.000 PPM");
    CHECK(l.kernel_mode());
    CHECK(sim.kernel_state().unsynchronised);
    LoopUpdate u;
    u.offset_s = -sim.error_s();  // 0.2 ms: ends the clamp at once
    auto r = l.update(u);
    CHECK(r.outcome == UpdateOutcome::adjusted);
    CHECK_FALSE(l.startup_clamp());
    REQUIRE(k.updates.size() == 1);
    CHECK(k.updates[0].time_constant >= 0);
    CHECK(k.sync_calls == 1);
    CHECK_FALSE(sim.kernel_state().unsynchronised);
    u.now_s = u.sample_time_s = 64;
    l.update(u);
    CHECK(k.updates.size() == 2);
    CHECK(k.sync_calls == 1);

    // Refusal: fall back to the daemon loop and say why.
    k.refuse = true;
    u.now_s = u.sample_time_s = 128;
    r = l.update(u);
    CHECK(has(r.events, LoopEventType::kernel_failed));
    CHECK(r.clock_error == "Operation not permitted");
    CHECK_FALSE(l.kernel_mode());
}

TEST_CASE("loop: disable kernel or a large step threshold keeps the daemon loop") {
    SimClock sim(clock_with(0, 0));
    KernelFake k(sim);
    LoopConfig nok;
    nok.kernel_enabled = false;
    LoopFilter a(k, nok);
    a.start(0);
    CHECK_FALSE(a.kernel_mode());
    LoopConfig wide;
    wide.step_forward_s = wide.step_back_s = 0.6;
    LoopFilter b(k, wide);
    b.start(0);
    CHECK_FALSE(b.kernel_mode());
}

TEST_CASE("loop: -G steps the first correction even below the threshold") {
    LoopConfig cfg;
    cfg.force_first_step = true;
    Bench b(clock_with(0.01, 0), cfg);
    b.loop.start(b.local());
    CHECK(b.measure().outcome == UpdateOutcome::stepped);
    b.run(64);
    CHECK(b.measure().outcome == UpdateOutcome::adjusted);
    CHECK(b.clock.steps().size() == 1);
}

TEST_CASE("loop: an external step that the servers confirm is undone at once") {
    const LoopConfig cfg = with_drift_file_zero();
    Bench b(clock_with(0, 10), cfg);
    converge(b);
    const double f = b.loop.frequency_ppm();
    b.clock.jump(3);  // someone ran date -s
    b.loop.clock_jumped(b.local(), 3);
    auto r = b.measure();
    CHECK(r.outcome == UpdateOutcome::stepped);
    CHECK(has(r.events, LoopEventType::clock_step));
    CHECK(std::fabs(b.clock.error_s()) < 1e-3);
    CHECK(b.loop.frequency_ppm() == Approx(f).margin(0.01));
}

TEST_CASE("loop: an external step the servers do not confirm goes by the classic rules") {
    const LoopConfig cfg = with_drift_file_zero();
    Bench b(clock_with(0, 10), cfg);
    converge(b);
    const double f = b.loop.frequency_ppm();
    // A "jump" of 600 s against CLOCK_MONOTONIC that was a VM suspend, and
    // a measured offset of -3 s from something else: a spike, then stepout.
    b.clock.jump(3);
    b.loop.clock_jumped(b.local(), 600);
    auto r = b.measure();
    CHECK(has(r.events, LoopEventType::spike_detect));
    CHECK(b.loop.frequency_ppm() == f);
    // Only the first update judges the jump.
    b.run(64);
    CHECK(b.measure().outcome != UpdateOutcome::stepped);
    b.run(cfg.stepout_s);
    CHECK(b.measure().outcome == UpdateOutcome::stepped);
}

TEST_CASE("loop: refer_offset takes off the slews made since the sample") {
    LoopConfig cfg;
    cfg.drift_ppm = 0;
    Bench b(clock_with(-0.01, 0), cfg);
    b.loop.start(b.local());
    const double t0 = b.local();
    b.measure();  // +10 ms to slew
    b.run(10);
    const double now = b.local();
    CHECK(b.clock.error_s() > -0.0060);  // some 4.5 ms were slewed already
    CHECK(b.loop.refer_offset(0.01, t0, now) == Approx(-b.clock.error_s()).margin(1e-9));
    CHECK(b.loop.refer_offset(b.loop.refer_offset(0.01, t0, now), now, t0) == Approx(0.01).margin(1e-12));
}

TEST_CASE("loop: filters stay unsorted during the clamp and until trained") {
    LoopConfig cfg;
    cfg.drift_ppm = 0;
    Bench b(clock_with(-0.0001, 0), cfg);
    b.loop.start(b.local());
    CHECK_FALSE(b.loop.sort_filters());
    b.measure();
    CHECK_FALSE(b.loop.startup_clamp());  // 0.1 ms < 0.5 ms ends the clamp at once
    CHECK_FALSE(b.loop.sort_filters());
    for (int i = 1; i < LoopFilter::training_updates; ++i) {
        b.run(16);
        b.measure();
    }
    CHECK(b.loop.sort_filters());
}

TEST_CASE("loop: refer_offset predicts the clock with today's frequency, not the one it had") {
    // A clock 20 ppm fast, no drift file: the first updates move the
    // frequency a long way. An offset measured back then, referred to now,
    // must match what the clock shows now (noiseless here) even though the
    // frequency correction changed in between.
    LoopConfig cfg;
    Bench b(clock_with(0.002, 20), cfg);
    b.loop.start(b.local());
    b.measure();
    const double t0 = b.local();
    const double offset_t0 = -b.clock.error_s();
    for (int i = 0; i < 6; ++i) {
        b.run(16);
        b.measure();
    }
    b.run(40);
    REQUIRE(b.loop.frequency_ppm() == Approx(-20).margin(0.5));
    const double now = b.local();
    // Within what the remaining frequency error (< 0.5 ppm) makes over 140 s.
    CHECK(b.loop.refer_offset(offset_t0, t0, now) == Approx(-b.clock.error_s()).margin(1e-4));
}
