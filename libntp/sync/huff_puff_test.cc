#include "libntp/sync/huff_puff.hh"

#include <catch2/catch.hpp>

#include <cmath>

using ntp::sync::HuffPuff;

TEST_CASE("huffpuff: stages of 900 s, at least one") {
    CHECK(HuffPuff(7200).stages() == 8);
    CHECK(HuffPuff(1000).stages() == 1);
    CHECK(HuffPuff(60).stages() == 1);
    CHECK(HuffPuff(1e12).stages() > 0);
    CHECK(HuffPuff(std::nan("")).stages() == 1);
}

TEST_CASE("huffpuff: half the excess delay comes off, away from zero") {
    HuffPuff h(7200);
    CHECK(h.correct(0.001, 0.020, 0) == 0.001);  // the first delay is the minimum
    CHECK(h.min_delay_s() == 0.020);
    // A busy uplink: delay 60 ms, offset biased by +20 ms.
    CHECK(h.correct(0.021, 0.060, 64) == Approx(0.001));
    // Negative offsets are raised by the same amount.
    CHECK(h.correct(-0.015, 0.030, 128) == Approx(-0.010));
    // A new minimum replaces the old one at once.
    CHECK(h.correct(0.002, 0.010, 192) == 0.002);
    CHECK(h.min_delay_s() == 0.010);
}

TEST_CASE("huffpuff: the minimum is forgotten once its stage leaves the window") {
    HuffPuff h(1800);  // two stages
    h.correct(0, 0.010, 0);
    h.correct(0, 0.030, 1000);  // second stage
    CHECK(h.min_delay_s() == 0.010);
    h.correct(0, 0.030, 1900);  // third stage replaces the first
    CHECK(h.min_delay_s() == 0.030);
    // A long silence clears everything but what comes next.
    h.correct(0, 0.050, 100000);
    CHECK(h.min_delay_s() == 0.050);
}

TEST_CASE("huffpuff: bad input leaves the offset alone") {
    HuffPuff h(900);
    h.correct(0, 0.010, 0);
    CHECK(h.correct(0.005, std::nan(""), 10) == 0.005);
    CHECK(h.correct(0.005, -1, 10) == 0.005);
    CHECK(h.correct(0.005, 0.02, std::nan("")) == 0.005);
    CHECK(h.min_delay_s() == 0.010);
}
