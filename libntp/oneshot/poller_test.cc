#include "libntp/oneshot/poller.hh"

#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <vector>

namespace wire = ntp::wire;
using ntp::io::Endpoint;
using ntp::io::IpAddress;

namespace {

Endpoint server(int last_octet, std::uint16_t port = 123) {
    return Endpoint{IpAddress::v4(0x7f000000u | static_cast<std::uint32_t>(last_octet)), port, 0};
}

wire::NtpTimestamp at(double s) {
    const std::uint64_t base = std::uint64_t{0xeeaca764} << 32;
    return wire::NtpTimestamp::from_raw(base + static_cast<std::uint64_t>(ntp::oneshot::lfp_from_seconds(s)));
}

// A server reply to a request with origin `origin`, whose clock is `offset_s`
// ahead; received `rtt_s` after `sent_s`.
struct Reply {
    wire::NtpHeader h;
    std::array<std::uint8_t, 48> bytes{};

    std::span<const std::uint8_t> encode() {
        wire::encode_header(h, bytes);
        return bytes;
    }
};

Reply good_reply(wire::NtpTimestamp origin, double sent_s, double offset_s, double rtt_s = 0.0002) {
    Reply r;
    r.h.leap = wire::LeapIndicator::none;
    r.h.version = 4;
    r.h.mode = wire::Mode::server;
    r.h.stratum = 2;
    r.h.precision_log2 = -20;
    r.h.refid = wire::RefId::from_ascii("GPS");
    r.h.reference_ts = at(sent_s + offset_s - 10);
    r.h.origin_ts = origin;
    r.h.receive_ts = at(sent_s + rtt_s / 2 + offset_s);
    r.h.transmit_ts = at(sent_s + rtt_s / 2 + offset_s + 0.00001);
    return r;
}

struct Session {
    std::vector<std::string> debug;
    std::vector<std::string> errors;
    ntp::oneshot::Poller poller;

    Session(ntp::oneshot::PollerConfig config, std::vector<Endpoint> servers,
            ntp::oneshot::AuthVerifier verify = nullptr)
        : poller(config, std::move(servers),
                 ntp::oneshot::PollerOutput{[this](const std::string& l) { debug.push_back(l); },
                                       [this](const std::string& l) { errors.push_back(l); }},
                 std::move(verify)) {}

    // Sends what is due at `now_s`; returns the transmit timestamps by server.
    std::vector<std::pair<std::size_t, wire::NtpTimestamp>> tick(double now_s) {
        std::vector<std::pair<std::size_t, wire::NtpTimestamp>> sent;
        for (std::size_t i : poller.due(now_s)) {
            wire::NtpTimestamp xmt = at(now_s);
            poller.transmitted(i, xmt, now_s);
            sent.emplace_back(i, xmt);
        }
        return sent;
    }
};

ntp::oneshot::PollerConfig config(int samples, int debug = 0) {
    ntp::oneshot::PollerConfig c;
    c.samples = samples;
    c.debug = debug;
    return c;
}

}  // namespace

TEST_CASE("request_header: the classic ntpdate request") {
    wire::NtpHeader h = ntp::oneshot::request_header(4, at(1));
    std::array<std::uint8_t, 48> b{};
    REQUIRE(wire::encode_header(h, b));
    CHECK(b[0] == 0xe3);  // LI 3, VN 4, mode 3
    CHECK(b[1] == 0);
    CHECK(b[2] == 3);
    CHECK(b[3] == 0xfa);  // -6
    CHECK(b[4] == 0x00);
    CHECK(b[5] == 0x01);  // root delay 1.0
    CHECK(b[9] == 0x01);  // root dispersion 1.0
    CHECK(h.origin_ts.is_zero());
    CHECK(h.transmit_ts == at(1));
    CHECK(ntp::oneshot::request_header(3, at(1)).version == 3);
}

TEST_CASE("poller: -p 1 with a responsive server is one round trip") {
    Session s(config(1), {server(1)});
    auto sent = s.tick(0.0);
    REQUIRE(sent.size() == 1);
    Reply r = good_reply(sent[0].second, 0.0, 0.25);
    s.poller.receive(server(1), r.encode(), at(0.0002), 0.0002);
    CHECK(s.poller.finished());
    const auto& st = s.poller.servers()[0];
    CHECK(st.filled == 1);
    CHECK(st.stratum == 2);
    CHECK(ntp::oneshot::lfp_to_seconds(st.slots[0].offset) == Approx(0.25).margin(1e-5));
}

TEST_CASE("poller: 4 samples go out 2 s apart, never closer, and finish with the last reply") {
    Session s(config(4), {server(1), server(2)});
    std::vector<double> sends;
    double now = 0;
    for (int round = 0; round < 4; ++round) {
        auto sent = s.tick(now);
        REQUIRE(sent.size() == 2);  // both servers in parallel
        sends.push_back(now);
        for (auto [i, xmt] : sent) {
            Reply r = good_reply(xmt, now, 0.001);
            s.poller.receive(server(static_cast<int>(i) + 1), r.encode(), at(now + 0.0002), now + 0.0002);
        }
        if (round < 3) {
            CHECK_FALSE(s.poller.finished());
            // Nothing is due before the spacing has passed.
            CHECK(s.tick(now + 1.9).empty());
            REQUIRE(s.poller.next_event_s());
            now = *s.poller.next_event_s();
        }
    }
    CHECK(s.poller.finished());
    CHECK(sends == std::vector<double>{0.0, 2.0, 4.0, 6.0});
}

TEST_CASE("poller: an unanswered request becomes an empty slot after the timeout") {
    Session s(config(2), {server(1)});
    s.tick(0.0);
    CHECK(s.tick(1.0).empty());
    auto second = s.tick(2.0);  // slot 0 expired, request 2 goes out
    REQUIRE(second.size() == 1);
    CHECK(s.poller.servers()[0].filled == 1);
    CHECK(s.poller.servers()[0].slots[0].empty());
    s.tick(4.0);
    CHECK(s.poller.finished());
    CHECK(s.poller.servers()[0].transmitted == 2);
    CHECK(s.poller.servers()[0].filled == 2);
    CHECK(s.poller.servers()[0].stratum == 0);
}

TEST_CASE("poller: a late reply to an expired request is refused") {
    Session s(config(2, 1), {server(1)});
    auto first = s.tick(0.0);
    s.tick(2.0);  // request 2 replaces request 1
    Reply late = good_reply(first[0].second, 0.0, 0.0, 2.5);
    s.poller.receive(server(1), late.encode(), at(2.5), 2.5);
    CHECK(s.poller.servers()[0].filled == 1);  // only the expired empty slot
    CHECK(s.debug.back() == "receive: pkt.org and peer.xmt differ");
}

TEST_CASE("poller: each bad reply is ignored as classic ntpdate ignores it") {
    struct Case {
        const char* name;
        void (*spoil)(Reply&);
        int stratum_recorded;  // what the server's stratum reads afterwards
    };
    const Case cases[] = {
        {"wrong origin", [](Reply& r) { r.h.origin_ts = at(123); }, 0},
        {"stratum 16", [](Reply& r) { r.h.stratum = 16; }, 0},
        {"client mode", [](Reply& r) { r.h.mode = wire::Mode::client; }, 0},
        {"version 0", [](Reply& r) { r.h.version = 0; }, 0},
        {"version 5", [](Reply& r) { r.h.version = 5; }, 0},
        // Classic records the header before its timestamp sanity check.
        {"zero receive timestamp", [](Reply& r) { r.h.receive_ts = wire::NtpTimestamp(); }, 2},
        {"transmit equal to receive", [](Reply& r) { r.h.transmit_ts = r.h.receive_ts; }, 2},
        {"transmit before receive",
         [](Reply& r) { r.h.transmit_ts = wire::NtpTimestamp::from_raw(r.h.receive_ts.raw() - 1); }, 2},
    };
    for (const Case& c : cases) {
        SECTION(c.name) {
            Session s(config(1), {server(1)});
            auto sent = s.tick(0.0);
            Reply r = good_reply(sent[0].second, 0.0, 0.0);
            c.spoil(r);
            s.poller.receive(server(1), r.encode(), at(0.0002), 0.0002);
            CHECK_FALSE(s.poller.finished());
            CHECK(s.poller.servers()[0].filled == 0);
            CHECK(s.poller.servers()[0].stratum == c.stratum_recorded);
            // The slot stays open for a good reply until the timeout.
            Reply good = good_reply(sent[0].second, 0.0, 0.0);
            s.poller.receive(server(1), good.encode(), at(0.0003), 0.0003);
            CHECK(s.poller.finished());
        }
    }
}

TEST_CASE("poller: short packets, unknown sources and other ports are ignored") {
    Session s(config(1, 1), {server(1)});
    auto sent = s.tick(0.0);
    Reply r = good_reply(sent[0].second, 0.0, 0.0);
    auto bytes = r.encode();
    s.poller.receive(server(1), bytes.first(47), at(0.0002), 0.0002);
    CHECK(s.debug.back() == "receive: packet length 47");
    s.poller.receive(server(9), bytes, at(0.0002), 0.0002);
    CHECK(s.debug.back() == "receive: server not found");
    s.poller.receive(server(1, 1123), bytes, at(0.0002), 0.0002);
    CHECK(s.debug.back() == "receive: server not found");
    CHECK_FALSE(s.poller.finished());
}

TEST_CASE("poller: LI=3 replies are accepted into the filter (selection drops them later)") {
    Session s(config(1), {server(1)});
    auto sent = s.tick(0.0);
    Reply r = good_reply(sent[0].second, 0.0, 0.0);
    r.h.leap = wire::LeapIndicator::unsynchronised;
    s.poller.receive(server(1), r.encode(), at(0.0002), 0.0002);
    CHECK(s.poller.finished());
    CHECK(s.poller.servers()[0].leap == 3);
}

TEST_CASE("poller: KoD RATE stops polling that server with the classic message") {
    Session s(config(4), {server(1)});
    auto sent = s.tick(0.0);
    Reply r = good_reply(sent[0].second, 0.0, 0.0);
    r.h.leap = wire::LeapIndicator::unsynchronised;
    r.h.stratum = 0;
    r.h.refid = wire::RefId::from_ascii("RATE");
    s.poller.receive(server(1), r.encode(), at(0.0002), 0.0002);
    CHECK(s.poller.finished());
    CHECK(s.errors == std::vector<std::string>{"127.0.0.1 rate limit response from server."});
    CHECK(s.poller.servers()[0].filled == 0);
    CHECK(s.poller.servers()[0].stratum == 0);
}

TEST_CASE("poller: another kiss code (stratum 0) is recorded as stratum 16") {
    Session s(config(1), {server(1)});
    auto sent = s.tick(0.0);
    Reply r = good_reply(sent[0].second, 0.0, 0.0);
    r.h.leap = wire::LeapIndicator::unsynchronised;
    r.h.stratum = 0;
    r.h.refid = wire::RefId::from_ascii("DENY");
    s.poller.receive(server(1), r.encode(), at(0.0002), 0.0002);
    CHECK(s.poller.servers()[0].stratum == 16);
}

TEST_CASE("poller: a duplicated reply fills only one slot") {
    Session s(config(2), {server(1)});
    auto sent = s.tick(0.0);
    Reply r = good_reply(sent[0].second, 0.0, 0.0);
    s.poller.receive(server(1), r.encode(), at(0.0002), 0.0002);
    s.poller.receive(server(1), r.encode(), at(0.0003), 0.0003);
    CHECK(s.poller.servers()[0].filled == 1);
    CHECK_FALSE(s.poller.finished());
}

TEST_CASE("poller: -a marks failed authentications in the trust register") {
    bool pass = false;
    ntp::oneshot::PollerConfig c = config(2, 1);
    c.authenticate = true;
    c.auth_key = 7;
    Session a(c, {server(1)}, [&pass](std::span<const std::uint8_t>) { return pass; });
    auto sent = a.tick(0.0);
    Reply r = good_reply(sent[0].second, 0.0, 0.0);
    a.poller.receive(server(1), r.encode(), at(0.0002), 0.0002);
    CHECK(a.debug.back() == "receive: authentication failed");
    CHECK(a.poller.servers()[0].trust == 1);
    pass = true;
    sent = a.tick(2.0);
    r = good_reply(sent[0].second, 2.0, 0.0);
    a.poller.receive(server(1), r.encode(), at(2.0002), 2.0002);
    CHECK(a.debug.back() == "receive: authentication passed");
    CHECK(a.poller.servers()[0].trust == 2);  // shifted: the old failure is still there
    CHECK(a.poller.finished());
}

TEST_CASE("poller: the -d transcript lines") {
    Session s(config(1, 2), {server(1)});
    auto sent = s.tick(0.0);
    Reply r = good_reply(sent[0].second, 0.0, 0.0);
    s.poller.receive(server(1), r.encode(), at(0.0002), 0.0002);
    CHECK(s.debug == std::vector<std::string>{"transmit(127.0.0.1)", "transmit to 127.0.0.1",
                                              "receive(127.0.0.1)"});
}
