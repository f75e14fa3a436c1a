#include "ntpd/core/broadcast.hh"

#include <catch2/catch.hpp>

using namespace ntpd;
using ntp::wire::Mode;
using ntp::wire::NtpHeader;
using ntp::wire::NtpTimestamp;

namespace {

NtpHeader bcast(std::uint32_t xmt_seconds, int poll = 6) {
    NtpHeader h;
    h.mode = Mode::broadcast;
    h.stratum = 2;
    h.poll_log2 = static_cast<std::int8_t>(poll);
    h.transmit_ts = NtpTimestamp(xmt_seconds, 0);
    return h;
}

}  // namespace

TEST_CASE("a broadcast carries the system variables, mode 5 and no origin") {
    SystemState sys;
    sys.leap = leap::none;
    sys.stratum = 3;
    sys.refid = refid_from_text("GPS");
    sys.root_delay_s = 0.25;
    sys.root_dispersion_s = 0.5;
    sys.reftime_ntp = 0x1234567800000000ull;
    sys.precision_log2 = -22;
    const NtpHeader h = broadcast::server_header(sys, 3, 6);
    CHECK(h.mode == Mode::broadcast);
    CHECK(h.version == 3);
    CHECK(h.stratum == 3);
    CHECK(h.poll_log2 == 6);
    CHECK(h.precision_log2 == -22);
    CHECK(h.refid.host_order() == refid_from_text("GPS"));
    CHECK(h.root_delay.to_seconds() == Approx(0.25).margin(1e-4));
    CHECK(h.root_dispersion.to_seconds() == Approx(0.5).margin(1e-4));
    CHECK(h.reference_ts.raw() == 0x1234567800000000ull);
    CHECK(h.origin_ts.is_zero());
    CHECK(h.receive_ts.is_zero());
    CHECK(broadcast::may_send(sys));
    CHECK(broadcast::server_header(sys, 9, 6).version == 4);
}

TEST_CASE("nothing is broadcast while unsynchronised") {
    SystemState sys;  // leap alarm, stratum 16
    CHECK_FALSE(broadcast::may_send(sys));
    sys.leap = leap::none;
    CHECK_FALSE(broadcast::may_send(sys));
    sys.stratum = 4;
    CHECK(broadcast::may_send(sys));
}

TEST_CASE("broadcast checks: replays, earlier timestamps, floods and odd polls") {
    broadcast::ClientState st;
    CHECK(broadcast::check(st, bcast(1000), 0, 6, 6) == broadcast::Verdict::accepted);
    // The same packet again: a replay.
    CHECK(broadcast::check(st, bcast(1000), 64, 6, 6) == broadcast::Verdict::duplicate);
    // An older timestamp: a replay of an earlier packet.
    CHECK(broadcast::check(st, bcast(990), 64, 6, 6) == broadcast::Verdict::non_monotonic);
    // Sooner than its own poll: a flood; it does not move the schedule.
    CHECK(broadcast::check(st, bcast(1010), 10, 6, 6) == broadcast::Verdict::too_soon);
    CHECK(broadcast::check(st, bcast(1064), 63.5, 6, 6) == broadcast::Verdict::accepted);
    // A poll outside [minpoll, maxpoll].
    CHECK(broadcast::check(st, bcast(1200, 10), 300, 6, 6) == broadcast::Verdict::poll_out_of_range);
    NtpHeader zero = bcast(0);
    CHECK(broadcast::check(st, zero, 400, 6, 6) == broadcast::Verdict::zero_transmit);
    CHECK(broadcast::check(st, bcast(1400), 400, 6, 6) == broadcast::Verdict::accepted);
}

TEST_CASE("the volley calibrates the one-way delay; broadcasts then give offsets") {
    // Server 30 ms ahead, 2 ms each way: T3 - T4 = 0.030 - 0.002.
    const double t34 = 0.028;
    CHECK(broadcast::calibrated_delay_s(0.030, t34) == Approx(0.004));
    CHECK(broadcast::calibrated_delay_s(0.0, 5.0) == 1.0);
    const auto s = broadcast::sample(t34, 0.004, 1e-6, 1e-6);
    CHECK(s.offset_s == Approx(0.030));
    CHECK(s.delay_s == Approx(0.004));
    CHECK(s.dispersion_s > 0);
    CHECK(s.dispersion_s < 1e-4);
}

TEST_CASE("default multicast groups") {
    CHECK(broadcast::default_group_v4().to_string() == "224.0.1.1");
    CHECK(broadcast::default_group_v6().to_string() == "ff05::101");
    CHECK(broadcast::default_group_v4().is_multicast());
    CHECK(broadcast::default_group_v6().is_multicast());
}
