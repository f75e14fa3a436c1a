#include "libntp/sync/clock_filter.hh"

#include <catch2/catch.hpp>

using namespace ntp::sync;

namespace {
Sample smp(double offset, double delay, double disp = 1e-5) { return Sample{offset, delay, disp}; }
}  // namespace

TEST_CASE("filter: the first sample is used at once") {
    ClockFilter f(1e-6);
    CHECK(f.add(smp(0.002, 0.010), 100, 6, true) == FilterOutcome::new_sample);
    CHECK(f.offset_s() == 0.002);
    CHECK(f.delay_s() == 0.010);
    CHECK(f.jitter_s() == 1e-6);  // floored at precision
    // Seven empty stages weigh in: 0.5 * 1e-5 + 16 * (0.25 + ... + 1/256)
    CHECK(f.dispersion_s() == Approx(0.5e-5 + 16 * (0.5 - 1.0 / 256)).margin(1e-9));
}

TEST_CASE("filter: the minimum-delay sample wins once sorted; older ones are not reused") {
    ClockFilter f(1e-6);
    CHECK(f.add(smp(0.001, 0.010), 0, 6, true) == FilterOutcome::new_sample);
    CHECK(f.add(smp(0.003, 0.030), 64, 6, true) == FilterOutcome::stale);  // best is still the first
    CHECK(f.offset_s() == 0.001);
    CHECK(f.add(smp(0.0015, 0.005), 128, 6, true) == FilterOutcome::new_sample);
    CHECK(f.offset_s() == 0.0015);
    CHECK(f.epoch_s() == 128);
    // Unsorted (start-up clamp): the newest is used even if its delay is larger.
    CHECK(f.add(smp(0.002, 0.050), 192, 6, false) == FilterOutcome::new_sample);
    CHECK(f.offset_s() == 0.002);
}

TEST_CASE("filter: after falling back on an older sample its own arrival time is known") {
    // Unsorted while the loop trains: the newest sample is used each time.
    ClockFilter f(1e-6);
    CHECK(f.add(smp(-0.049, 0.0002), 2, 6, false) == FilterOutcome::new_sample);
    CHECK(f.add(smp(0.000006, 0.0003), 345, 6, false) == FilterOutcome::new_sample);
    CHECK(f.sample_time_s() == 345);
    // Sorted from now on: the short-delay sample from t=2 is the best again.
    // It is not handed on (older than the one used), and the values shown
    // are its values, measured at 2, not at the epoch 345.
    CHECK(f.add(smp(0.000004, 0.0003), 409, 6, true) == FilterOutcome::stale);
    CHECK(f.offset_s() == -0.049);
    CHECK(f.epoch_s() == 345);
    CHECK(f.sample_time_s() == 2);
    f.clear();
    CHECK(f.sample_time_s() < -1e299);
}

TEST_CASE("filter: dispersion ages by PHI and jitter is the RMS offset difference") {
    ClockFilter f(1e-9);
    for (int i = 0; i < 8; ++i) f.add(smp(i % 2 ? 0.0001 : -0.0001, 0.001 + i * 1e-6, 0), i * 64.0, 6, true);
    // Best = the first (least delay): -0.0001; the others alternate.
    const auto st = f.stages_newest_first();
    CHECK(st[7].dispersion_s == Approx(15e-6 * 7 * 64));
    CHECK(st[0].dispersion_s == 0);
    CHECK(f.offset_s() == -0.0001);
    // 4 differences of 0.0002 and 3 of 0 over 7.
    CHECK(f.jitter_s() == Approx(std::sqrt(4 * 0.0002 * 0.0002 / 7)));
}

TEST_CASE("filter: a popcorn spike is discarded once, then a persistent level is accepted") {
    ClockFilter f(1e-9);
    double t = 0;
    for (int i = 0; i < 8; ++i, t += 64) f.add(smp(1e-5 * (i % 3), 0.001, 1e-6), t, 6, true);
    const double before = f.offset_s();
    CHECK(f.add(smp(0.05, 0.0005, 1e-6), t, 6, true) == FilterOutcome::popcorn);
    CHECK(f.offset_s() == before);
    t += 64;
    CHECK(f.add(smp(0.05, 0.0005, 1e-6), t, 6, true) == FilterOutcome::new_sample);
    CHECK(f.offset_s() == 0.05);
}

TEST_CASE("filter: with spike suppression off, a jump is taken at once") {
    ClockFilter on(1e-9), off(1e-9);
    double t = 0;
    for (int i = 0; i < 8; ++i, t += 64) {
        on.add(smp(1e-5 * (i % 3), 0.001, 1e-6), t, 6, FilterMode{true, true});
        off.add(smp(1e-5 * (i % 3), 0.001, 1e-6), t, 6, FilterMode{true, true});
    }
    // The same history, the same spike: only the mode differs.
    CHECK(on.add(smp(0.05, 0.0005, 1e-6), t, 6, FilterMode{true, true}) == FilterOutcome::popcorn);
    CHECK(off.add(smp(0.05, 0.0005, 1e-6), t, 6, FilterMode{true, false}) == FilterOutcome::new_sample);
    CHECK(off.offset_s() == 0.05);
    CHECK(on.offset_s() != 0.05);
}

TEST_CASE("filter: rejects non-finite samples, dummies make the distance grow, clear forgets") {
    ClockFilter f;
    CHECK(f.add(smp(std::nan(""), 0.01), 0, 6, true) == FilterOutcome::rejected);
    CHECK(f.add(smp(0.0, -1), 0, 6, true) == FilterOutcome::rejected);
    f.add(smp(0.001, 0.01), 0, 6, true);
    const double d0 = f.dispersion_s();
    f.add_dummy(64);
    CHECK(f.dispersion_s() > d0);
    f.clear();
    CHECK_FALSE(f.has_sample());
}
