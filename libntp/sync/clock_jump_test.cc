#include "libntp/sync/clock_jump.hh"

#include <catch2/catch.hpp>

using ntp::sync::ClockJumpDetector;

TEST_CASE("a foreign step is reported once, with its size") {
    ClockJumpDetector d;
    CHECK_FALSE(d.check(1000, 5));
    CHECK_FALSE(d.check(1001.0004, 6));  // slewing at 400 ppm is no step
    auto j = d.check(1032.0004, 7);      // someone set the clock 30 s ahead
    REQUIRE(j);
    CHECK(*j == Approx(30));
    CHECK_FALSE(d.check(1033.0004, 8));
    j = d.check(1034.0004 - 2, 9);
    REQUIRE(j);
    CHECK(*j == Approx(-2));
}

TEST_CASE("our own steps are not reported") {
    ClockJumpDetector d;
    d.check(0, 0);
    CHECK_FALSE(d.check(51, 1, 50));
}
