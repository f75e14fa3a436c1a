#include "ntpd/core/peer.hh"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "ntpd/core/peer_manager.hh"

using namespace ntpd;
using ntp::wire::LeapIndicator;
using ntp::wire::Mode;
using ntp::wire::NtpHeader;
using ntp::wire::NtpTimestamp;

namespace {

PeerConfig server_config(bool iburst) {
    PeerConfig c;
    c.kind = PeerKind::server;
    c.address.addr = *ntp::io::IpAddress::parse("192.0.2.1");
    c.address.port = 123;
    c.iburst = iburst;
    return c;
}

NtpHeader reply_to(NtpTimestamp org, std::uint32_t xmt_seconds) {
    NtpHeader h;
    h.leap = LeapIndicator::none;
    h.mode = Mode::server;
    h.stratum = 2;
    h.poll_log2 = 6;
    h.origin_ts = org;
    h.receive_ts = NtpTimestamp(xmt_seconds, 0);
    h.transmit_ts = NtpTimestamp(xmt_seconds, 100);
    h.reference_ts = NtpTimestamp(xmt_seconds - 10, 0);
    return h;
}

// Drives one peer the way the core does: poll when due, "send" with a fresh
// transmit timestamp, optionally answer at once.
struct Driver {
    Peer peer;
    double now = 0;
    std::uint32_t clock = 3'900'000'000u;
    std::vector<double> sends;

    explicit Driver(PeerConfig c) : peer(7, std::move(c), 0, 1) {}

    // Advance second by second until `until`, answering every request when `answer`.
    void run(double until, bool answer, int sys_poll = 6) {
        for (; now <= until; now += 1) {
            if (!peer.poll_due(now)) continue;
            const PollAction a = peer.poll(now, sys_poll, true);
            if (!a.send) continue;
            const NtpTimestamp xmt(clock + static_cast<std::uint32_t>(now), 0x1234);
            peer.transmitted(now, xmt, 0);
            sends.push_back(now);
            if (answer) {
                const NtpHeader h = reply_to(xmt, clock + static_cast<std::uint32_t>(now));
                REQUIRE(peer.check_reply(h, false, false) == ReplyVerdict::accepted);
                peer.accept_reply(h, xmt, now, false);
            }
        }
    }
};

}  // namespace

TEST_CASE("iburst: first poll after 1 s, then five more packets 2 s apart") {
    Driver d(server_config(true));
    d.run(30, true);
    REQUIRE(d.sends.size() == 6);
    CHECK(d.sends == std::vector<double>{1, 3, 5, 7, 9, 11});
    // The burst does not shift the reach register: one poll, one bit.
    CHECK(d.peer.reach() == 01);
    // Next regular poll at 64 s after the last packet.
    CHECK(d.peer.next_poll_s() == Approx(11 + 64));
}

TEST_CASE("without iburst there is one packet per poll interval") {
    Driver d(server_config(false));
    d.run(200, true);
    CHECK(d.sends == std::vector<double>{1, 65, 129, 193});
    CHECK(d.peer.reach() == 017);
}

TEST_CASE("reach register shifts per poll and backs off when unreachable") {
    Driver d(server_config(false));
    d.run(200, true);
    REQUIRE(d.peer.reach() == 017);
    // Now the server goes silent.
    int unreachable_events = 0;
    for (; d.now < 200 + 64 * 20; d.now += 1) {
        if (!d.peer.poll_due(d.now)) continue;
        const PollAction a = d.peer.poll(d.now, 6, true);
        if (a.event == PeerEvent::unreachable) ++unreachable_events;
        d.peer.transmitted(d.now, NtpTimestamp(d.clock, static_cast<std::uint32_t>(d.now)), 0);
    }
    CHECK(d.peer.reach() == 0);
    CHECK(unreachable_events == 1);
    CHECK(d.peer.unreach() >= 10);
    CHECK(d.peer.hpoll_log2() > 6);  // backed off
}

TEST_CASE("replies with a wrong or zero origin change nothing") {
    Driver d(server_config(true));
    d.run(1, false);
    REQUIRE(d.sends.size() == 1);
    const NtpTimestamp sent = d.peer.expected_origin();
    REQUIRE_FALSE(sent.is_zero());
    const double next_before = d.peer.next_poll_s();

    NtpHeader forged = reply_to(NtpTimestamp(sent.seconds(), sent.fraction() + 1), 3'900'000'001u);
    CHECK(d.peer.check_reply(forged, false, false) == ReplyVerdict::bogus_origin);
    forged.origin_ts = NtpTimestamp{};
    CHECK(d.peer.check_reply(forged, false, false) == ReplyVerdict::bogus_origin);
    CHECK(d.peer.reach() == 0);
    CHECK(d.peer.next_poll_s() == next_before);
    CHECK(d.peer.counters().bogus_origin == 2);

    // The genuine reply counts once; its replay does not.
    const NtpHeader good = reply_to(sent, 3'900'000'002u);
    REQUIRE(d.peer.check_reply(good, false, false) == ReplyVerdict::accepted);
    CHECK(d.peer.accept_reply(good, sent, 2, false) == PeerEvent::reachable);
    CHECK(d.peer.check_reply(good, false, false) == ReplyVerdict::duplicate);
    NtpHeader replay2 = good;
    replay2.transmit_ts = NtpTimestamp(3'900'000'003u, 0);
    CHECK(d.peer.check_reply(replay2, false, false) == ReplyVerdict::bogus_origin);
}

TEST_CASE("a keyed association needs an authenticated reply") {
    PeerConfig c = server_config(false);
    c.key_id = 5;
    Driver d(c);
    d.run(1, false);
    const NtpHeader h = reply_to(d.peer.expected_origin(), 3'900'000'001u);
    CHECK(d.peer.check_reply(h, false, false) == ReplyVerdict::bad_auth);
    CHECK(d.peer.check_reply(h, true, false) == ReplyVerdict::bad_auth);
    CHECK(d.peer.check_reply(h, true, true) == ReplyVerdict::accepted);
    CHECK(d.peer.status_word() >> 8 == 0xc0);  // conf, authenb
}

TEST_CASE("KoD RATE raises minpoll, DENY stops the association") {
    Driver d(server_config(true));
    d.run(1, false);
    NtpHeader kod = reply_to(d.peer.expected_origin(), 3'900'000'001u);
    kod.leap = LeapIndicator::unsynchronised;
    kod.stratum = 0;
    kod.poll_log2 = 9;
    kod.refid = ntp::wire::RefId::from_ascii("RATE");
    REQUIRE(d.peer.check_reply(kod, false, false) == ReplyVerdict::accepted);
    REQUIRE(Peer::classify_kiss(kod) == KissAction::rate);
    CHECK(d.peer.obey_kiss(KissAction::rate, kod, 1) == PeerEvent::rate_exceeded);
    CHECK(d.peer.minpoll_log2() == 9);
    CHECK(d.peer.next_poll_s() >= 1 + 512);
    CHECK(d.peer.reach() == 0);

    Driver e(server_config(false));
    e.run(1, false);
    NtpHeader deny = reply_to(e.peer.expected_origin(), 3'900'000'001u);
    deny.leap = LeapIndicator::unsynchronised;
    deny.stratum = 0;
    deny.refid = ntp::wire::RefId::from_ascii("DENY");
    REQUIRE(Peer::classify_kiss(deny) == KissAction::deny);
    CHECK(e.peer.obey_kiss(KissAction::deny, deny, 1) == PeerEvent::access_denied);
    CHECK(e.peer.stopped());
    CHECK_FALSE(e.peer.poll_due(1e6));
}

TEST_CASE("header tests flag unsynchronised and out-of-range servers") {
    NtpHeader h = reply_to(NtpTimestamp(1, 1), 3'900'000'000u);
    CHECK(Peer::header_tests(h, 0, 16) == 0);
    h.leap = LeapIndicator::unsynchronised;
    CHECK(Peer::header_tests(h, 0, 16) & flash::pkt_unsync);
    h.leap = LeapIndicator::none;
    h.stratum = 0;
    CHECK(Peer::header_tests(h, 0, 16) & flash::pkt_unsync);
    h.stratum = 5;
    CHECK(Peer::header_tests(h, 0, 4) & flash::pkt_stratum);
    h.root_dispersion = ntp::wire::NtpShort::from_seconds(17);
    CHECK(Peer::header_tests(h, 0, 16) & flash::pkt_header);
}

TEST_CASE("burst: a reachable peer sends min(2^(hpoll-minpoll), 8) packets per poll") {
    PeerConfig c = server_config(false);
    c.burst = true;
    Driver d(c);
    d.run(300, true, 8);
    // Poll 1 (t=1) arms the burst (unreachable: burst only when reachable, so
    // no); from the second poll on each poll is a burst of 4 (hpoll 8, minpoll 6).
    REQUIRE(d.sends.size() > 4);
    CHECK(d.sends[0] == 1);
    CHECK(d.sends[1] == 65);
    CHECK(d.sends[2] == 67);
    CHECK(d.sends[3] == 69);
    CHECK(d.sends[4] == 71);
}

TEST_CASE("a LOCAL clock shows its fudged stratum and refid before its first sample") {
    PeerConfig c;
    c.kind = PeerKind::refclock_local;
    c.fudge_stratum = 10;
    Peer p(1, c, 0.0, 1.0);
    CHECK(p.header().stratum == 10);
    CHECK(p.header().refid.is("LOCL"));
}

TEST_CASE("the association table refuses a 65536th association instead of looping for an id") {
    std::uint32_t seed = 7;
    ntpd::PeerManager m([&] { return seed = seed * 1103515245u + 12345u; }, 1e-6);
    PeerConfig c = server_config(false);
    for (std::size_t i = 0; i < ntpd::PeerManager::max_associations; ++i) m.add(c, 0, 1);
    CHECK(m.full());
    CHECK_THROWS_AS(m.add(c, 0, 1), std::length_error);
    // A freed id is found again, without a scan of the table per id.
    const std::uint16_t freed = m.entries()[1234]->peer.assoc_id();
    REQUIRE(m.remove(freed));
    CHECK_FALSE(m.full());
    CHECK(m.add(c, 0, 1).peer.assoc_id() == freed);
    CHECK(ntpd::too_many_message("192.0.2.1") == "too many associations (limit 65535): 192.0.2.1 not mobilized");
}
