#include "ntpd/refclock/driver.hh"

#include <catch2/catch.hpp>

#include <cmath>


using namespace ntpd::refclock;

namespace {

// A driver whose timecodes the test hands in.
class ScriptedDriver final : public Driver {
public:
    explicit ScriptedDriver(DriverConfig c) : Driver(std::move(c)) {}
    std::string description() const override { return "scripted"; }
    std::uint32_t default_refid() const override { return refid_word("TEST"); }
    void feed(long sec, double offset_s, int leap = 0) {
        const timespec rx{sec, 0};
        const long ns = static_cast<long>(offset_s * 1e9);
        timespec ref{sec, 0};
        if (ns >= 0) ref.tv_nsec = ns;
        else {
            ref.tv_sec -= 1;
            ref.tv_nsec = 1'000'000'000 + ns;
        }
        add_timecode(ref, rx, leap);
    }
};

}  // namespace

TEST_CASE("median filter: trims toward the median and averages the rest") {
    CHECK_FALSE(median_filter({}, -20));
    auto one = median_filter({0.5}, -20);
    REQUIRE(one);
    CHECK(one->offset_s == Approx(0.5));
    CHECK(one->jitter_s == Approx(std::ldexp(1.0, -20)));
    // Ten samples, one spike: 6 kept (n - 4n/10), the spike is not among them.
    auto r = median_filter({0.010, 0.011, 0.009, 0.010, 0.012, 0.008, 0.010, 0.011, 0.009, 5.0}, -20);
    REQUIRE(r);
    CHECK(r->offset_s == Approx(0.010).margin(0.001));
    CHECK(r->jitter_s < 0.002);
}

TEST_CASE("driver: a poll takes the timecodes of the last interval only") {
    DriverConfig c;
    c.time1_s = 0.002;
    ScriptedDriver d(c);
    d.feed(100, 0.050);
    d.feed(200, 0.030);
    d.feed(201, 0.030);
    auto s = d.take({202, 0}, 16);
    REQUIRE(s);
    CHECK(s->count == 2);  // the one of t=100 is older than the poll interval
    CHECK(s->offset_s == Approx(0.032));
    CHECK(s->reference.tv_sec == 201);
    // Consumed: the next poll without timecodes has no sample and reports no_reply.
    CHECK_FALSE(d.take({218, 0}, 16));
    CHECK(d.counters().no_reply == 1);
    CHECK(d.status() == ClockEvent::timeout);
    auto ev = d.take_event();
    REQUIRE(ev);
    CHECK(*ev == ClockEvent::timeout);
    CHECK_FALSE(d.take_event());
    // Leap bits travel with the sample.
    d.feed(230, 0.0, 1);
    s = d.take({231, 0}, 16);
    REQUIRE(s);
    CHECK(s->leap == 1);
    CHECK(d.status() == ClockEvent::nominal);
    CHECK(d.counters().polls == 3);
}

TEST_CASE("driver: the buffer holds the newest 60 timecodes") {
    ScriptedDriver d(DriverConfig{});
    for (int i = 0; i < 100; ++i) d.feed(1000 + i, i < 40 ? 1.0 : 0.0);
    auto s = d.take({1100, 0}, 1000);
    REQUIRE(s);
    CHECK(s->count == 60);
    CHECK(s->offset_s == Approx(0.0).margin(1e-9));
}

TEST_CASE("refid words") {
    CHECK(refid_word("SHM") == 0x53484d00u);
    CHECK(refid_word("GPS") == 0x47505300u);
    CHECK(refid_word("PPS") == 0x50505300u);
    CHECK(clock_event_name(ClockEvent::timeout) == std::string("clk_no_reply"));
}
