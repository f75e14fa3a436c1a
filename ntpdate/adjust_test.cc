#include "ntpdate/adjust.hh"

#include <catch2/catch.hpp>

#include <vector>

using ntp::clock::ClockResult;

namespace {

// Records what ntpdate asks of the clock; can be told to refuse.
class RecordingClock final : public ntp::clock::Clock {
  public:
    std::vector<double> steps, slews;
    bool refuse = false;

    timespec now() override { return timespec{1795304962, 0}; }
    double precision_s() override { return 1e-7; }
    ClockResult step(double offset_s) override {
        if (refuse) return ClockResult::failure("Operation not permitted");
        steps.push_back(offset_s);
        return ClockResult::success();
    }
    ClockResult slew(double offset_s) override {
        if (refuse) return ClockResult::failure("Operation not permitted");
        slews.push_back(offset_s);
        return ClockResult::success();
    }
    ClockResult set_frequency(double) override { return ClockResult::success(); }
    double frequency_ppm() override { return 0; }
    ClockResult kernel_pll_update(const ntp::clock::KernelPllUpdate&) override {
        return ClockResult::failure("none");
    }
    ClockResult set_sync_status(bool, double, double) override { return ClockResult::success(); }
    ntp::clock::KernelState kernel_state() override { return {}; }
};

ntpdate::AdjustRequest request(double offset_s) {
    ntpdate::AdjustRequest r;
    r.offset = ntp::oneshot::lfp_from_seconds(offset_s);
    return r;
}

}  // namespace

TEST_CASE("adjust: a large offset steps the clock by exactly the offset") {
    RecordingClock clock;
    auto out = ntpdate::adjust_clock(clock, request(-3.512345));
    CHECK(out.kind == ntp::oneshot::Adjustment::step);
    REQUIRE(clock.steps.size() == 1);
    CHECK(clock.steps[0] == Approx(-3.512345).margin(1e-9));
    CHECK(clock.slews.empty());
    CHECK(out.report);
    CHECK(out.clock_set);
    CHECK(out.exit_status == 0);
}

TEST_CASE("adjust: a small offset slews with classic's overshoot") {
    RecordingClock clock;
    auto out = ntpdate::adjust_clock(clock, request(0.1));
    CHECK(out.kind == ntp::oneshot::Adjustment::slew);
    REQUIRE(clock.slews.size() == 1);
    CHECK(clock.slews[0] == Approx(0.15).margin(1e-9));
    CHECK(out.report);
}

TEST_CASE("adjust: -b steps a small offset, -B slews a large one") {
    RecordingClock clock;
    auto r = request(0.01);
    r.always_step = true;
    ntpdate::adjust_clock(clock, r);
    CHECK(clock.steps.size() == 1);
    auto big = request(5.0);
    big.never_step = true;
    ntpdate::adjust_clock(clock, big);
    REQUIRE(clock.slews.size() == 1);
    CHECK(clock.slews[0] == Approx(5.0625));
}

TEST_CASE("adjust: -q / -d never touch the clock but still report") {
    RecordingClock clock;
    auto r = request(7.0);
    r.dry_run = true;
    auto out = ntpdate::adjust_clock(clock, r);
    CHECK(out.kind == ntp::oneshot::Adjustment::step);
    CHECK(out.report);
    CHECK_FALSE(out.clock_set);
    CHECK(clock.steps.empty());
    CHECK(clock.slews.empty());
}

TEST_CASE("adjust: a refused step logs step-systime and still exits 0") {
    RecordingClock clock;
    clock.refuse = true;
    auto out = ntpdate::adjust_clock(clock, request(2.0));
    CHECK_FALSE(out.report);
    CHECK_FALSE(out.clock_set);
    CHECK(out.error == "step-systime: Operation not permitted");
    CHECK(out.exit_status == 0);
}

TEST_CASE("adjust: a refused slew is fatal as in classic") {
    RecordingClock clock;
    clock.refuse = true;
    auto out = ntpdate::adjust_clock(clock, request(0.2));
    CHECK_FALSE(out.report);
    CHECK(out.error == "Can't adjust the time of day: Operation not permitted");
    CHECK(out.exit_status == 1);
}

TEST_CASE("adjust: a slew below a microsecond is not made") {
    RecordingClock clock;
    auto out = ntpdate::adjust_clock(clock, request(0.0000002));
    CHECK(clock.slews.empty());
    CHECK(out.report);
    CHECK(out.clock_set);
}
