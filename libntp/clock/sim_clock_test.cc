#include "libntp/clock/sim_clock.hh"

#include <catch2/catch.hpp>

using ntp::clock::SimClock;
using ntp::clock::diff_seconds;

TEST_CASE("sim clock: time moves only on advance, with its frequency error") {
    SimClock::Options o;
    o.initial_offset_s = 0.1;
    o.freq_error_ppm = 30;
    SimClock c(o);
    const auto t0 = c.now();
    CHECK(diff_seconds(c.now(), t0) == 0);
    c.advance(1000);
    CHECK(diff_seconds(c.now(), t0) == Approx(1000 + 0.030).margin(1e-9));
    CHECK(c.error_s() == Approx(0.1 + 0.030).margin(1e-12));
    CHECK(diff_seconds(c.now(), c.true_now()) == Approx(0.130).margin(1e-9));
}

TEST_CASE("sim clock: slews at 500 ppm, a new slew replaces the old one") {
    SimClock c(SimClock::Options{});
    c.slew(-0.001);
    c.advance(1);
    CHECK(c.error_s() == Approx(-0.0005).margin(1e-12));
    c.advance(10);
    CHECK(c.error_s() == Approx(-0.001).margin(1e-12));
    c.slew(0.002);
    c.advance(1);
    c.slew(0);  // cancel what is left
    c.advance(10);
    CHECK(c.error_s() == Approx(-0.0005).margin(1e-12));
    CHECK(c.slew_count() == 3);
}

TEST_CASE("sim clock: frequency correction cancels the error; steps are recorded") {
    SimClock::Options o;
    o.freq_error_ppm = 30;
    SimClock c(o);
    c.set_frequency(-30);
    c.advance(3600);
    CHECK(c.error_s() == Approx(0).margin(1e-12));
    c.set_frequency(-900);
    CHECK(c.frequency_ppm() == -500);
    c.step(50);
    REQUIRE(c.steps().size() == 1);
    CHECK(c.steps()[0].offset_s == 50);
    CHECK(c.steps()[0].true_time_s == 3600);
    CHECK(c.error_s() == Approx(50));
}

TEST_CASE("sim clock: no kernel PLL; sync status is recorded") {
    SimClock c(SimClock::Options{});
    CHECK_FALSE(c.kernel_pll_update({}).ok);
    CHECK_FALSE(c.kernel_state().available);
    CHECK(c.kernel_state().unsynchronised);
    c.set_sync_status(true, 0.01, 0.001);
    CHECK_FALSE(c.kernel_state().unsynchronised);
}

TEST_CASE("sim clock: wander is a seeded random walk") {
    SimClock::Options o;
    o.wander_ppm_per_sqrt_s = 0.01;
    o.seed = 5;
    SimClock a(o), b(o);
    for (int i = 0; i < 100; ++i) {
        a.advance(1);
        b.advance(1);
    }
    CHECK(a.freq_error_ppm() == b.freq_error_ppm());
    CHECK(a.freq_error_ppm() != 0);
}
