#include "libntp/clock/null_clock.hh"

#include <catch2/catch.hpp>
#include <cmath>

#include "libntp/clock/kernel_clock.hh"

using ntp::clock::add_seconds;
using ntp::clock::diff_seconds;
using ntp::clock::NullClock;

namespace {
// The host clock as the test wants it: moves only when told.
struct FakeHost {
    timespec t{1'700'000'000, 250'000'000};
    void advance(double s) { t = add_seconds(t, s); }
};

NullClock make_clock(FakeHost& host) {
    return NullClock([&host] { return host.t; });
}

double offset_from_host(NullClock& clock, const FakeHost& host) {
    return diff_seconds(clock.now(), host.t);
}
}  // namespace

TEST_CASE("a fresh NullClock reads the host clock") {
    FakeHost host;
    auto clock = make_clock(host);
    CHECK(offset_from_host(clock, host) == 0);
    host.advance(12.5);
    CHECK(offset_from_host(clock, host) == 0);
}

TEST_CASE("a step moves the virtual clock at once and stays") {
    FakeHost host;
    auto clock = make_clock(host);
    REQUIRE(clock.step(1.5).ok);
    CHECK(offset_from_host(clock, host) == Approx(1.5).margin(1e-9));
    host.advance(100);
    REQUIRE(clock.step(-0.25).ok);
    CHECK(offset_from_host(clock, host) == Approx(1.25).margin(1e-9));
}

TEST_CASE("a slew is amortized at 500 ppm like adjtime") {
    FakeHost host;
    auto clock = make_clock(host);
    REQUIRE(clock.slew(0.001).ok);
    CHECK(clock.pending_slew_s() == Approx(0.001).margin(1e-12));
    host.advance(1);
    CHECK(offset_from_host(clock, host) == Approx(0.0005).margin(1e-9));
    host.advance(1);
    CHECK(offset_from_host(clock, host) == Approx(0.001).margin(1e-9));
    host.advance(10);
    CHECK(offset_from_host(clock, host) == Approx(0.001).margin(1e-9));
    CHECK(clock.pending_slew_s() == Approx(0).margin(1e-12));

    REQUIRE(clock.slew(-0.002).ok);
    host.advance(2);
    CHECK(offset_from_host(clock, host) == Approx(0.0).margin(1e-9));
    host.advance(2);
    CHECK(offset_from_host(clock, host) == Approx(-0.001).margin(1e-9));
}

TEST_CASE("a new slew replaces what is left of the previous one") {
    FakeHost host;
    auto clock = make_clock(host);
    REQUIRE(clock.slew(0.010).ok);
    host.advance(4);  // 2 ms done, 8 ms left
    REQUIRE(clock.slew(0).ok);
    host.advance(100);
    CHECK(offset_from_host(clock, host) == Approx(0.002).margin(1e-9));
}

TEST_CASE("the frequency correction accumulates over host time, clamped to 500 ppm") {
    FakeHost host;
    auto clock = make_clock(host);
    REQUIRE(clock.set_frequency(10).ok);
    CHECK(clock.frequency_ppm() == 10);
    host.advance(100);
    CHECK(offset_from_host(clock, host) == Approx(0.001).margin(1e-9));
    REQUIRE(clock.set_frequency(-600).ok);
    CHECK(clock.frequency_ppm() == -500);
    host.advance(2);
    CHECK(offset_from_host(clock, host) == Approx(0.0).margin(1e-9));
    CHECK_FALSE(clock.set_frequency(std::nan("")).ok);
}

TEST_CASE("the fast slew adds to the frequency over host time") {
    FakeHost host;
    auto clock = make_clock(host);
    REQUIRE(clock.set_frequency(10).ok);
    REQUIRE(clock.set_fast_slew(-20000).ok);
    host.advance(2);
    CHECK(offset_from_host(clock, host) == Approx(-0.03998).margin(1e-9));
    REQUIRE(clock.set_fast_slew(0).ok);
    host.advance(100);
    CHECK(offset_from_host(clock, host) == Approx(-0.03998 + 0.001).margin(1e-9));
    CHECK(clock.frequency_ppm() == 10);
    CHECK_FALSE(clock.set_fast_slew(std::nan("")).ok);
}

TEST_CASE("a host clock stepped backwards does not undo corrections") {
    FakeHost host;
    auto clock = make_clock(host);
    REQUIRE(clock.set_frequency(100).ok);
    host.advance(10);  // +1 ms
    host.advance(-60);
    CHECK(offset_from_host(clock, host) == Approx(0.0).margin(1e-9));  // elapsed clamps to 0
    REQUIRE(clock.step(0.5).ok);
    CHECK(offset_from_host(clock, host) == Approx(0.5).margin(1e-9));
}

TEST_CASE("the null clock has no kernel loop but remembers the sync status") {
    FakeHost host;
    auto clock = make_clock(host);
    CHECK_FALSE(clock.kernel_pll_update({}).ok);
    auto state = clock.kernel_state();
    CHECK_FALSE(state.available);
    CHECK(state.unsynchronised);
    REQUIRE(clock.set_sync_status(true, 0.02, 0.001).ok);
    state = clock.kernel_state();
    CHECK_FALSE(state.unsynchronised);
    CHECK(state.max_error_s == 0.02);
    CHECK(state.est_error_s == 0.001);
}

TEST_CASE("a simple discipline converges on the null clock") {
    // The host clock is 0.3 s slow and 40 ppm slow against the reference.
    // A crude PLL that only sees now() must bring the virtual clock onto the
    // reference: this is what lets `ntpd --no-adjust` declare itself in sync.
    FakeHost host;
    auto clock = make_clock(host);
    timespec host_start = host.t;
    auto reference_now = [&] {
        double elapsed = diff_seconds(host.t, host_start);
        return add_seconds(host.t, 0.3 + 40e-6 * elapsed);
    };
    double freq_ppm = 0;
    double offset_s = diff_seconds(reference_now(), clock.now());
    REQUIRE(clock.step(offset_s).ok);  // big initial offset: step
    for (int i = 0; i < 400; ++i) {
        host.advance(16);
        offset_s = diff_seconds(reference_now(), clock.now());
        freq_ppm += offset_s / 16 * 1e6 * 0.3;
        REQUIRE(clock.set_frequency(freq_ppm).ok);
        REQUIRE(clock.slew(offset_s * 0.5).ok);
    }
    host.advance(16);
    CHECK(std::fabs(diff_seconds(reference_now(), clock.now())) < 1e-6);
    CHECK(clock.frequency_ppm() == Approx(40).margin(0.1));
}

TEST_CASE("NullClock over the real clock never touches the host") {
    ntp::clock::KernelClock kernel;
    auto before = kernel.kernel_state();
    NullClock clock;
    CHECK(std::fabs(diff_seconds(clock.now(), kernel.now())) < 0.1);
    REQUIRE(clock.set_frequency(before.freq_ppm + 123).ok);
    REQUIRE(clock.slew(1.0).ok);
    REQUIRE(clock.step(3600).ok);
    REQUIRE(clock.set_sync_status(true, 0.1, 0.1).ok);
    auto after = kernel.kernel_state();
    // A host daemon may retune the kernel meanwhile, but never by 123 ppm.
    CHECK(std::fabs(after.freq_ppm - before.freq_ppm) < 5);
    CHECK(std::fabs(diff_seconds(kernel.now(), ntp::clock::read_realtime())) < 0.1);
    CHECK(diff_seconds(clock.now(), kernel.now()) > 3599);
    CHECK(clock.precision_s() > 0);
}

TEST_CASE("an armed leap second moves the virtual clock at UTC midnight, once") {
    FakeHost host;
    host.t = {1'483'228'790, 0};  // 2016-12-31 23:59:50 UTC
    auto clock = make_clock(host);
    REQUIRE(clock.arm_leap(ntp::clock::LeapDirection::insert, 36).ok);
    host.advance(9.5);
    CHECK(offset_from_host(clock, host) == 0);
    host.advance(1);  // the host does not leap; the served time does
    CHECK(offset_from_host(clock, host) == Approx(-1));
    CHECK(clock.kernel_state().tai_offset_s == 37);
    host.advance(86400);
    CHECK(offset_from_host(clock, host) == Approx(-1));  // once only

    FakeHost host2;
    host2.t = {1'483'228'790, 0};
    auto removal = make_clock(host2);
    removal.arm_leap(ntp::clock::LeapDirection::remove, 0);
    host2.advance(8.5);
    CHECK(offset_from_host(removal, host2) == 0);
    host2.advance(1);
    CHECK(offset_from_host(removal, host2) == Approx(1));
}
