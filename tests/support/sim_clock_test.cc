#include "tests/support/sim_clock.hh"

#include <sys/timex.h>

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

TEST_CASE("sim clock: an armed insertion repeats the last second of the UTC day, once") {
    // 2016-12-31 23:59:50 UTC, ten seconds before the 2017 leap second.
    SimClock::Options o;
    o.start = {1'483'228'790, 0};
    SimClock c(o);
    REQUIRE(c.arm_leap(ntp::clock::LeapDirection::insert, 36).ok);
    CHECK(c.kernel_state().time_state == TIME_INS);
    c.advance(9.5);  // 23:59:59.5
    CHECK(c.now().tv_sec == 1'483'228'799);
    CHECK(c.leaps().empty());
    c.advance(1);  // true 00:00:00.5; the clock shows 23:59:59.5 again
    CHECK(c.now().tv_sec == 1'483'228'799);
    REQUIRE(c.leaps().size() == 1);
    CHECK(c.leaps()[0].direction == ntp::clock::LeapDirection::insert);
    CHECK(c.error_s() == Approx(-1));
    CHECK(c.steps().empty());  // the kernel's doing, not a step
    CHECK(c.tai_offset_s() == 37);
    CHECK(c.kernel_state().time_state == TIME_WAIT);
    c.advance(86400);  // still armed (TIME_WAIT): no second leap the next day
    CHECK(c.leaps().size() == 1);
    REQUIRE(c.arm_leap(ntp::clock::LeapDirection::none, 0).ok);
    CHECK(c.kernel_state().time_state == TIME_OK);
}

TEST_CASE("sim clock: an armed deletion skips 23:59:59; disarming cancels") {
    SimClock::Options o;
    o.start = {1'483'228'790, 0};
    SimClock c(o);
    c.arm_leap(ntp::clock::LeapDirection::remove, 0);
    c.advance(8.5);  // 23:59:58.5
    CHECK(c.leaps().empty());
    c.advance(1);  // would be 23:59:59.5: skipped to 00:00:00.5
    CHECK(c.now().tv_sec == 1'483'228'800);
    CHECK(c.error_s() == Approx(1));
    REQUIRE(c.leaps().size() == 1);

    SimClock d(o);
    d.arm_leap(ntp::clock::LeapDirection::insert, 0);
    d.advance(5);
    d.arm_leap(ntp::clock::LeapDirection::none, 0);
    d.advance(10);
    CHECK(d.leaps().empty());
    CHECK(d.error_s() == 0);
}

TEST_CASE("sim clock: jump() is someone else's step, not recorded") {
    SimClock c(SimClock::Options{});
    c.jump(2);
    CHECK(c.error_s() == 2);
    CHECK(c.steps().empty());
}

TEST_CASE("sim clock: the fast slew adds to the frequency until ended") {
    SimClock c(SimClock::Options{});
    CHECK(c.fast_slew_limit_ppm() == 90000);
    c.set_frequency(10);
    REQUIRE(c.set_fast_slew(50000).ok);
    c.advance(2);
    CHECK(c.error_s() == Approx(2 * 50010e-6).margin(1e-12));
    c.set_fast_slew(0);
    c.advance(100);
    CHECK(c.error_s() == Approx(2 * 50010e-6 + 100 * 10e-6).margin(1e-12));
    c.set_fast_slew(1e6);  // clamped like the tick
    c.advance(1);
    CHECK(c.error_s() == Approx(2 * 50010e-6 + 101 * 10e-6 + 0.09).margin(1e-12));

    SimClock::Options o;
    o.fast_slew = false;
    SimClock without(o);
    CHECK(without.fast_slew_limit_ppm() == 0);
    CHECK_FALSE(without.set_fast_slew(100).ok);
}

TEST_CASE("sim clock: the kernel PLL model amortizes like Linux") {
    SimClock::Options o;
    o.kernel_pll = true;
    SimClock c(o);
    REQUIRE(c.kernel_state().available);
    CHECK_FALSE(c.kernel_state().pll);
    ntp::clock::KernelPllUpdate u;
    u.offset_s = 0.1;
    u.time_constant = 0;
    c.advance(0.5);
    REQUIRE(c.kernel_pll_update(u).ok);
    CHECK(c.kernel_state().pll);
    CHECK((c.kernel_state().status_bits & STA_PLL) != 0);
    CHECK_FALSE(c.kernel_state().unsynchronised);
    // Nothing happens before the next second boundary; then a quarter of the
    // offset (2^-(SHIFT_PLL + tc)) over each second, of what is left.
    c.advance(0.5);
    CHECK(c.error_s() == Approx(0).margin(1e-12));
    c.advance(0.5);  // t = 1.5
    CHECK(c.error_s() == Approx(0.0125).margin(1e-12));
    c.advance(0.5);  // t = 2: the next quarter is taken off what is left
    CHECK(c.error_s() == Approx(0.025).margin(1e-12));
    CHECK(c.kernel_state().offset_s == Approx(0.075 * 0.75).margin(1e-12));
    c.advance(1);
    CHECK(c.error_s() == Approx(0.025 + 0.075 / 4).margin(1e-12));
    c.advance(101);  // t = 104
    CHECK(c.error_s() == Approx(0.1).margin(1e-9));
    // A larger time constant amortizes slower: 2^-(2 + 4) per second.
    u.offset_s = 0.01;
    u.time_constant = 4;
    const double before = c.error_s();
    const double freq_before = c.frequency_ppm();
    REQUIRE(c.kernel_pll_update(u).ok);
    // The PLL nudged the frequency: offset * seconds since the last update
    // (104 boundaries) / 2^(2 * (4 + tc)).
    CHECK(c.frequency_ppm() - freq_before == Approx(0.01 * 104 / 65536.0 * 1e6).margin(1e-6));
    c.set_frequency(freq_before);  // as the discipline does right after
    c.advance(1);  // the second in progress ran on the old offset's rate
    CHECK(c.error_s() - before == Approx(0).margin(1e-9));
    c.advance(1);
    CHECK(c.error_s() - before == Approx(0.01 / 64).margin(1e-9));
    // Offsets beyond MAXPHASE are clamped; STA_UNSYNC follows the update.
    u.offset_s = 3;
    u.unsynchronised = true;
    REQUIRE(c.kernel_pll_update(u).ok);
    CHECK(c.kernel_state().offset_s == Approx(0.5));
    CHECK(c.kernel_state().unsynchronised);
}
