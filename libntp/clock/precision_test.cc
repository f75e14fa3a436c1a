#include "libntp/clock/precision.hh"

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <vector>

#include "libntp/clock/clock.hh"

using ntp::clock::add_seconds;
using ntp::clock::measure_precision_s;
using ntp::clock::precision_log2;

namespace {
// A fake clock that advances by the next step of a repeating pattern per read.
struct SteppingClock {
    std::vector<double> steps_s;
    size_t next = 0;
    timespec t{1000, 0};
    long reads = 0;
    timespec operator()() {
        ++reads;
        timespec now = t;
        t = add_seconds(t, steps_s[next++ % steps_s.size()]);
        return now;
    }
};
}  // namespace

TEST_CASE("precision is the smallest increment between successive readings") {
    SteppingClock c{{70e-9, 90e-9, 150e-9}};
    CHECK(measure_precision_s(std::ref(c)) == Approx(70e-9).epsilon(1e-3));
}

TEST_CASE("increments of 20 ns or less count as no change, as in classic ntpd") {
    // Reads that cost 10 ns each on a clock that ticks every microsecond.
    SteppingClock c{{0, 0, 0, 10e-9, 1e-6}};
    CHECK(measure_precision_s(std::ref(c)) == Approx(1e-6).epsilon(1e-3));
}

TEST_CASE("a clock stepped backwards during the measurement is not a fine tick") {
    SteppingClock c{{2e-6, -5.0, 3e-6}};
    CHECK(measure_precision_s(std::ref(c)) == Approx(2e-6).epsilon(1e-3));
}

TEST_CASE("measurement stops after 12 increments or the read budget") {
    SteppingClock ticking{{1e-6}};
    measure_precision_s(std::ref(ticking));
    CHECK(ticking.reads == 13);  // one initial read plus 12 increments

    SteppingClock frozen{{0}};
    CHECK(measure_precision_s(std::ref(frozen), 1000) == 1.0);
    CHECK(frozen.reads == 1001);
}

TEST_CASE("precision_log2 rounds to the nearest power of two like sys_precision") {
    CHECK(precision_log2(70e-9) == -24);  // "0.070 usec (-24)"
    CHECK(precision_log2(1e-6) == -20);
    CHECK(precision_log2(1.5e-6) == -19);
    CHECK(precision_log2(std::ldexp(1.0, -20)) == -20);
    CHECK(precision_log2(0.015) == -6);
    CHECK(precision_log2(0) == -30);
    CHECK(precision_log2(-1) == -30);
    CHECK(precision_log2(std::nan("")) == -30);
}
