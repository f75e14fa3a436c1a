#include "libntp/clock/modelled_kernel.hh"

#include <catch2/catch.hpp>

#include <sys/timex.h>

using ntp::clock::LeapDirection;
using ntp::clock::ModelledKernel;

namespace {
// 2016-12-31 23:59:58 UTC, two seconds before the last inserted leap second.
constexpr time_t before_midnight = 1483228798;
timespec at(time_t s) { return {s, 0}; }
}  // namespace

TEST_CASE("an inserted leap is taken once, at the reading that crosses midnight") {
    ModelledKernel k;
    k.arm_leap(LeapDirection::insert, 36);
    CHECK(k.state(0, 0).time_state == TIME_INS);
    CHECK((k.state(0, 0).status_bits & STA_INS) != 0);
    CHECK_FALSE(k.take_leap(at(before_midnight), at(before_midnight + 1)));
    const auto leap = k.take_leap(at(before_midnight + 1), at(before_midnight + 2));
    REQUIRE(leap);
    CHECK(*leap == -1.0);
    CHECK(k.tai_offset_s() == 37);
    CHECK(k.state(0, 0).time_state == TIME_WAIT);
    CHECK_FALSE(k.take_leap(at(before_midnight + 1), at(before_midnight + 2)));
    k.arm_leap(LeapDirection::none, 0);
    CHECK(k.state(0, 0).time_state == TIME_OK);
}

TEST_CASE("a removed leap skips 23:59:59") {
    ModelledKernel k;
    k.arm_leap(LeapDirection::remove, 0);
    CHECK_FALSE(k.take_leap(at(before_midnight - 1), at(before_midnight)));
    const auto leap = k.take_leap(at(before_midnight), at(before_midnight + 1));
    REQUIRE(leap);
    CHECK(*leap == 1.0);
    CHECK(k.tai_offset_s() == 0);  // unknown stays unknown
}

TEST_CASE("the modelled kernel reports sync status and the clock's figures") {
    ModelledKernel k;
    CHECK(k.state(0, 0).unsynchronised);
    CHECK((k.state(0, 0).status_bits & STA_UNSYNC) != 0);
    k.set_sync_status(true, 0.5, 0.001);
    const auto s = k.state(12.5, 0.002);
    CHECK_FALSE(s.available);
    CHECK_FALSE(s.unsynchronised);
    CHECK(s.freq_ppm == 12.5);
    CHECK(s.offset_s == 0.002);
    CHECK(s.max_error_s == 0.5);
    CHECK(s.est_error_s == 0.001);
}
