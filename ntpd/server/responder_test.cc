#include "ntpd/server/responder.hh"

#include <catch2/catch.hpp>

#include <array>
#include <cstring>
#include <random>
#include <vector>

#include "libntp/wire/ntp_packet.hh"
#include "libntp/wire/ntp_time.hh"

namespace wire = ntp::wire;
using ntp::io::Endpoint;
using ntp::io::IpAddress;
using ntpd::Action;
using ntpd::Outcome;
using ntpd::Request;
using ntpd::ServerResponder;
using ntpd::SystemState;
namespace rflag = ntpd::rflag;

namespace {

// Digest = 16 copies of (key id low byte XOR sum of data): enough to tell
// right from wrong without real crypto; key 7 is trusted, others are not.
class FakeAuth : public ntpd::PacketAuth {
public:
    static std::uint8_t sum(std::span<const std::uint8_t> d) {
        std::uint8_t s = 0;
        for (auto b : d) s = static_cast<std::uint8_t>(s + b);
        return s;
    }
    bool verify(std::uint32_t key_id, std::span<const std::uint8_t> data,
                std::span<const std::uint8_t> digest, const IpAddress&) override {
        if (key_id != 7 || digest.size() != 16) return false;
        for (auto b : digest)
            if (b != static_cast<std::uint8_t>(key_id ^ sum(data))) return false;
        return true;
    }
    std::size_t sign(std::uint32_t key_id, std::span<const std::uint8_t> data,
                     std::span<std::uint8_t> out) override {
        if (key_id != 7 || out.size() < 16) return 0;
        std::fill_n(out.begin(), 16, static_cast<std::uint8_t>(key_id ^ sum(data)));
        ++signed_;
        return 16;
    }
    int signed_ = 0;
};

timespec at(long sec, long nsec = 0) {
    timespec ts{};
    ts.tv_sec = sec;
    ts.tv_nsec = nsec;
    return ts;
}

struct Fixture {
    ntpd::RestrictList restrictions;
    ntpd::MruList mru{{}, 1, 2};
    ntpd::RateLimiter limiter{no_leak(), 3};
    FakeAuth auth;
    timespec clock_now = at(1700000000, 500000000);
    ServerResponder responder{restrictions, mru, limiter, &auth, {}, [this] { return clock_now; }, 4};
    SystemState sys;
    std::array<std::uint8_t, 128> reply{};
    Endpoint client{*IpAddress::parse("192.0.2.10"), 40123};

    static ntpd::RateLimitSettings no_leak() {
        ntpd::RateLimitSettings s;
        s.leak_log2 = -1;
        return s;
    }

    static std::vector<std::uint8_t> request(std::uint8_t version, std::uint8_t mode,
                                             std::int8_t poll = 6) {
        wire::NtpHeader h;
        h.leap = wire::LeapIndicator::unsynchronised;
        h.version = version;
        h.mode = static_cast<wire::Mode>(mode);
        h.poll_log2 = poll;
        h.precision_log2 = -6;
        h.root_delay = wire::NtpShort::from_raw(0x00010203);
        h.root_dispersion = wire::NtpShort::from_raw(0x00040506);
        h.reference_ts = wire::NtpTimestamp(0x11111111, 0x22222222);
        h.transmit_ts = wire::NtpTimestamp(0xe5a1b2c3, 0xdeadbeef);
        std::vector<std::uint8_t> b(48);
        wire::encode_header(h, b);
        if (mode == 0) b[0] = static_cast<std::uint8_t>((3 << 6) | (version << 3));
        return b;
    }

    Outcome send(const std::vector<std::uint8_t>& bytes, timespec rx = at(1700000000, 400000000),
                 Endpoint from = Endpoint{}) {
        Request r;
        r.data = bytes;
        r.source = from.port == 0 && from.addr.family == ntp::io::Family::none ? client : from;
        r.local = *IpAddress::parse("192.0.2.1");
        r.rx_time = rx;
        return responder.handle(r, sys, reply);
    }

    wire::NtpHeader reply_header(const Outcome& o) const {
        REQUIRE(o.action == Action::reply);
        REQUIRE(o.reply_length >= 48);
        auto h = wire::decode_header(std::span<const std::uint8_t>(reply.data(), o.reply_length));
        REQUIRE(h);
        return *h;
    }
};

std::vector<std::uint8_t> with_mac(std::vector<std::uint8_t> pkt, std::uint32_t key_id, bool good) {
    std::uint8_t s = FakeAuth::sum(pkt);
    pkt.push_back(static_cast<std::uint8_t>(key_id >> 24));
    pkt.push_back(static_cast<std::uint8_t>(key_id >> 16));
    pkt.push_back(static_cast<std::uint8_t>(key_id >> 8));
    pkt.push_back(static_cast<std::uint8_t>(key_id));
    for (int i = 0; i < 16; ++i) pkt.push_back(static_cast<std::uint8_t>((key_id ^ s) + (good ? 0 : 1)));
    return pkt;
}

}  // namespace

TEST_CASE("a client request gets a mode 4 reply with the classic fields", "[responder]") {
    Fixture f;
    auto req = Fixture::request(4, 3, 6);
    auto o = f.send(req);
    auto h = f.reply_header(o);
    CHECK(o.reply_length == 48);
    CHECK(h.mode == wire::Mode::server);
    CHECK(h.version == 4);
    // Unsynchronised: LI 3, stratum 16 sent as 0, refid INIT.
    CHECK(h.leap == wire::LeapIndicator::unsynchronised);
    CHECK(h.stratum == 0);
    CHECK(h.refid.is("INIT"));
    CHECK(h.poll_log2 == 6);
    CHECK(h.precision_log2 == f.sys.precision_log2);
    CHECK(h.root_delay.raw() == 0);
    CHECK(h.root_dispersion.raw() == 0);
    // Origin is the request's transmit timestamp, bit for bit.
    CHECK(h.origin_ts.raw() == wire::NtpTimestamp(0xe5a1b2c3, 0xdeadbeef).raw());
    CHECK(h.receive_ts == wire::NtpTime::from_timespec(at(1700000000, 400000000)).timestamp());
    CHECK(wire::diff_s(h.transmit_ts, h.receive_ts) > 0.09);
    CHECK(wire::diff_s(h.transmit_ts, h.receive_ts) < 0.11);
    CHECK(f.responder.counters().processed == 1);
    CHECK(f.responder.counters().current_version == 1);
}

TEST_CASE("a synchronised server sends its system variables", "[responder]") {
    Fixture f;
    f.sys.leap = ntpd::leap::none;
    f.sys.stratum = 2;
    f.sys.refid = 0xc0000201;  // 192.0.2.1
    f.sys.root_delay_s = 0.0125;
    f.sys.root_dispersion_s = 0.5;
    f.sys.reftime_ntp = 0xe5a1b2c000000000ULL;
    f.sys.precision_log2 = -23;
    auto h = f.reply_header(f.send(Fixture::request(4, 3)));
    CHECK(h.leap == wire::LeapIndicator::none);
    CHECK(h.stratum == 2);
    CHECK(h.refid.dotted_quad() == "192.0.2.1");
    CHECK(h.root_delay.raw() == 819);  // 0.0125 * 65536, rounded
    CHECK(h.root_dispersion.raw() == 32768);
    CHECK(h.reference_ts.raw() == 0xe5a1b2c000000000ULL);
    CHECK(h.precision_log2 == -23);

    f.sys.leap = ntpd::leap::add_second;
    CHECK(f.reply_header(f.send(Fixture::request(4, 3))).leap == wire::LeapIndicator::add_second);
}

TEST_CASE("the request's version is echoed; mode 0 is dropped in every version", "[responder]") {
    Fixture f;
    for (std::uint8_t v : {1, 2, 3, 4}) {
        auto h = f.reply_header(f.send(Fixture::request(v, 3)));
        CHECK(h.version == v);
    }
    CHECK(f.responder.counters().old_version == 3);
    // Classic ntpd answers NTPv1 mode 0 as a client request; we drop it.
    for (std::uint8_t v = 0; v < 8; ++v) {
        CHECK(f.send(Fixture::request(v, 0)).action == Action::drop);
    }
    CHECK(f.responder.counters().bad_format == 8);
    CHECK(f.responder.counters().processed == 4);
    CHECK(f.responder.counters().current_version == 1);  // mode 0 is not counted as a version
    CHECK(f.mru.depth() == 1);                          // only the four good requests
}

TEST_CASE("the reply poll is at least discard average", "[responder]") {
    Fixture f;
    CHECK(f.reply_header(f.send(Fixture::request(4, 3, 1))).poll_log2 == 3);
    CHECK(f.reply_header(f.send(Fixture::request(4, 3, -5))).poll_log2 == 3);
    CHECK(f.reply_header(f.send(Fixture::request(4, 3, 10))).poll_log2 == 10);
}

TEST_CASE("transmit is strictly later than receive even when the clock lags", "[responder]") {
    Fixture f;
    f.clock_now = at(1700000000, 0);  // earlier than the receive time
    auto h = f.reply_header(f.send(Fixture::request(4, 3)));
    CHECK(wire::diff_s(h.transmit_ts, h.receive_ts) > 0);
}

TEST_CASE("malformed packets are counted and dropped without state", "[responder]") {
    Fixture f;
    std::vector<std::vector<std::uint8_t>> bad;
    bad.push_back({});
    bad.push_back(std::vector<std::uint8_t>(47, 0x23));  // short v4 client
    for (std::uint8_t v : {0, 5, 6, 7}) bad.push_back(Fixture::request(v, 3));
    bad.push_back(Fixture::request(4, 0));  // mode 0, any version
    bad.push_back(Fixture::request(1, 0));
    bad.push_back(Fixture::request(3, 0));
    auto odd = Fixture::request(4, 3);
    odd.resize(50);  // not a multiple of 4
    bad.push_back(odd);
    auto short_ef = Fixture::request(4, 3);
    short_ef.resize(56);  // 8 trailing octets: neither a MAC nor an extension field
    bad.push_back(short_ef);
    auto bad_ef = Fixture::request(4, 3);
    bad_ef.resize(48 + 32);
    bad_ef[48 + 2] = 0x01;  // field length 256: runs past the end
    bad.push_back(bad_ef);
    auto odd_mac = Fixture::request(4, 3);
    odd_mac.resize(48 + 12);  // 12-octet trailer
    bad.push_back(odd_mac);
    for (const auto& b : bad) CHECK(f.send(b).action == Action::drop);
    CHECK(f.responder.counters().bad_format == bad.size());
    CHECK(f.responder.counters().processed == 0);
    CHECK(f.mru.depth() == 0);

    // Oversize datagram (did not fit the buffer), and source port 0.
    Request r;
    auto good = Fixture::request(4, 3);
    r.data = good;
    r.source = f.client;
    r.truncated = true;
    CHECK(f.responder.handle(r, f.sys, f.reply).action == Action::drop);
    r.truncated = false;
    r.source.port = 0;
    CHECK(f.responder.handle(r, f.sys, f.reply).action == Action::drop);
    CHECK(f.mru.depth() == 0);
}

namespace {
// A v4 client request followed by `trailer` octets: the first four are key
// id 9 (an untrusted key; as an extension field header, type 0 with the
// impossible length 9), the rest zero.
std::vector<std::uint8_t> with_trailer(std::size_t trailer) {
    auto pkt = Fixture::request(4, 3);
    std::vector<std::uint8_t> t(trailer, 0);
    if (trailer >= 4) t[3] = 9;
    pkt.insert(pkt.end(), t.begin(), t.end());
    return pkt;
}
}  // namespace

TEST_CASE("MAC trailers: only 4, 20 and 24 octets are MACs, the rest is dropped unseen",
          "[responder]") {
    for (std::size_t n = 1; n <= 64; ++n) {
        INFO("trailer of " << n << " octets");
        Fixture f;
        f.restrictions.add_default(ntp::io::Family::v4, rflag::limited | rflag::kod);
        auto pkt = with_trailer(n);
        auto o = f.send(pkt);
        const auto& c = f.responder.counters();
        if (n == 20 || n == 24) {
            // Well formed, wrong key: answered with a crypto-NAK, still no
            // larger than the request.
            REQUIRE(o.action == Action::reply);
            CHECK(o.reply_length == 52);
            CHECK(o.reply_length <= pkt.size());
            CHECK(c.bad_auth == 1);
            CHECK(f.mru.depth() == 1);
        } else if (n == 4) {
            // A crypto-NAK from a client: declined, nothing sent back.
            CHECK(o.action == Action::drop);
            CHECK(c.declined == 1);
            CHECK(c.bad_format == 0);
        } else {
            CHECK(o.action == Action::drop);
            CHECK(c.bad_format == 1);
            CHECK(c.processed == 0);
            CHECK(c.limited == 0);
            CHECK(f.mru.depth() == 0);
        }
    }
}

TEST_CASE("malformed packets change no state, even under limited kod", "[responder]") {
    Fixture f;
    f.restrictions.add_default(ntp::io::Family::v4, rflag::limited | rflag::kod);
    std::vector<std::vector<std::uint8_t>> bad;
    for (std::uint8_t v : {0, 5, 6, 7}) bad.push_back(Fixture::request(v, 3));
    for (std::uint8_t v = 0; v < 8; ++v) bad.push_back(Fixture::request(v, 0));
    bad.push_back(std::vector<std::uint8_t>(12, 0x23));
    bad.push_back(with_trailer(8));
    bad.push_back(with_trailer(28));
    // A burst far over the rate limit: no KoD, no MRU entry, no reply.
    for (int round = 0; round < 10; ++round) {
        for (const auto& b : bad) CHECK(f.send(b, at(1700000000, round * 1000)).action == Action::drop);
    }
    CHECK(f.responder.counters().bad_format == 10 * bad.size());
    CHECK(f.responder.counters().kod_sent == 0);
    CHECK(f.responder.counters().limited == 0);
    CHECK(f.mru.depth() == 0);
    // The client's first good request afterwards is a first request: answered.
    CHECK(f.reply_header(f.send(Fixture::request(4, 3), at(1700000000, 20000))).refid.is("INIT"));
    const auto* e = f.mru.find(f.client.addr);
    REQUIRE(e);
    CHECK(e->count == 1);
}

TEST_CASE("oversize datagrams are dropped in every mode, mode 6 included", "[responder]") {
    Fixture f;
    std::vector<std::uint8_t> m6(12, 0);
    m6[0] = (2 << 3) | 6;
    m6[1] = 1;
    for (const auto& pkt : {Fixture::request(4, 3), Fixture::request(4, 1), m6}) {
        Request r;
        r.data = pkt;
        r.source = f.client;
        r.truncated = true;
        CHECK(f.responder.handle(r, f.sys, f.reply).action == Action::drop);
    }
    CHECK(f.responder.counters().bad_format == 3);
    CHECK(f.mru.depth() == 0);
}

TEST_CASE("valid extension fields are accepted and not echoed", "[responder]") {
    Fixture f;
    auto req = Fixture::request(4, 3);
    std::vector<std::uint8_t> ef(28, 0);
    ef[0] = 0x01;  // type 0x0104
    ef[1] = 0x04;
    ef[3] = 28;
    req.insert(req.end(), ef.begin(), ef.end());
    auto o = f.send(req);
    CHECK(o.action == Action::reply);
    CHECK(o.reply_length == 48);
}

TEST_CASE("mode 7 is never answered and mode 6 goes to the control server", "[responder]") {
    Fixture f;
    for (std::uint8_t v = 0; v < 8; ++v) {
        for (std::size_t len : {8, 48, 192, 440}) {
            std::vector<std::uint8_t> m7(len, 0);
            m7[0] = static_cast<std::uint8_t>((v << 3) | 7);
            m7[3] = 42;  // monlist (MON_GETLIST_1) request code
            CHECK(f.send(m7).action == Action::drop);
        }
    }
    CHECK(f.responder.counters().restricted == 32);
    CHECK(f.mru.depth() == 0);
    f.responder.reset_counters();

    std::vector<std::uint8_t> m6(12, 0);
    m6[0] = (2 << 3) | 6;
    m6[1] = 1;
    CHECK(f.send(m6).action == Action::control);
    f.restrictions.add_default(ntp::io::Family::v4, rflag::noquery | rflag::noserve);
    CHECK(f.send(m6).action == Action::drop);
    CHECK(f.responder.counters().restricted == 1);
}

TEST_CASE("restrict flags act per source address", "[responder]") {
    Fixture f;
    Endpoint a{*IpAddress::parse("127.0.0.2"), 5000};
    Endpoint b{*IpAddress::parse("127.0.0.3"), 5000};
    Endpoint c{*IpAddress::parse("127.0.0.4"), 5000};
    Endpoint d{*IpAddress::parse("127.0.0.5"), 5000};
    auto host = IpAddress::mask_of(ntp::io::Family::v4, 32);
    f.restrictions.add(a.addr, host, rflag::ignore);
    f.restrictions.add(b.addr, host, rflag::noserve);
    f.restrictions.add(c.addr, host, rflag::version);
    f.restrictions.add(d.addr, host, rflag::notrust);
    auto v4 = Fixture::request(4, 3);
    auto v3 = Fixture::request(3, 3);
    CHECK(f.send(v4, at(1700000000), a).action == Action::drop);
    CHECK(f.send(v4, at(1700000000), b).action == Action::drop);
    CHECK(f.send(v4, at(1700000000), c).action == Action::reply);
    CHECK(f.send(v3, at(1700000000), c).action == Action::drop);
    CHECK(f.send(v4, at(1700000000), d).action == Action::drop);  // no MAC
    CHECK(f.send(with_mac(v4, 7, true), at(1700000000), d).action == Action::reply);
    CHECK(f.send(with_mac(v4, 7, false), at(1700000000), d).action == Action::drop);
    // noserve still lets mode 6 through (only noquery stops it).
    std::vector<std::uint8_t> m6(12, 0);
    m6[0] = (2 << 3) | 6;
    CHECK(f.send(m6, at(1700000000), b).action == Action::control);
    // Everybody else is unaffected.
    CHECK(f.send(v3).action == Action::reply);
}

TEST_CASE("a symmetric active client without association gets a stateless mode 2 reply",
          "[responder]") {
    Fixture f;
    f.restrictions.add_default(ntp::io::Family::v4, rflag::nopeer | rflag::noquery);
    auto req = Fixture::request(3, 1, 10);  // w32time: mode 1, version 3
    auto o = f.send(req);
    auto h = f.reply_header(o);
    CHECK(h.mode == wire::Mode::symmetric_passive);
    CHECK(h.version == 3);
    CHECK(h.poll_log2 == 10);
    CHECK(h.origin_ts == wire::NtpTimestamp(0xe5a1b2c3, 0xdeadbeef));

    // A configured peer's packets go to the core instead.
    f.responder.set_peer_lookup([&](const Endpoint& e) { return e == f.client; });
    CHECK(f.send(req).action == Action::core);
    Endpoint stranger{*IpAddress::parse("192.0.2.99"), 123};
    CHECK(f.reply_header(f.send(req, at(1700000000), stranger)).mode ==
          wire::Mode::symmetric_passive);
}

TEST_CASE("server, passive and broadcast packets go to the core only when there is one",
          "[responder]") {
    Fixture f;
    for (std::uint8_t m : {2, 4, 5}) CHECK(f.send(Fixture::request(4, m)).action == Action::drop);
    CHECK(f.responder.counters().declined == 3);
    f.responder.set_peer_lookup([](const Endpoint&) { return false; });
    for (std::uint8_t m : {2, 4, 5}) CHECK(f.send(Fixture::request(4, m)).action == Action::core);
}

TEST_CASE("MACs: valid gets a signed reply, invalid a crypto-NAK, NAK nothing", "[responder]") {
    Fixture f;
    auto req = Fixture::request(4, 3);
    auto good = with_mac(req, 7, true);
    auto o = f.send(good);
    REQUIRE(o.action == Action::reply);
    CHECK(o.authenticated);
    CHECK(o.reply_length == 48 + 4 + 16);
    CHECK(o.reply_length <= good.size());
    CHECK(f.auth.signed_ == 1);
    auto view = wire::decode_packet(std::span<const std::uint8_t>(f.reply.data(), o.reply_length));
    REQUIRE(view.packet);
    REQUIRE(view.packet->mac);
    CHECK(view.packet->mac->key_id == 7);
    CHECK(f.auth.verify(7, view.packet->authenticated, view.packet->mac->digest, f.client.addr));

    // Untrusted key / wrong digest: classic crypto-NAK (key 0, no digest).
    for (auto bad : {with_mac(req, 7, false), with_mac(req, 9, true)}) {
        auto b = f.send(bad);
        REQUIRE(b.action == Action::reply);
        CHECK_FALSE(b.authenticated);
        CHECK(b.reply_length == 52);
        auto v = wire::decode_packet(std::span<const std::uint8_t>(f.reply.data(), b.reply_length));
        REQUIRE(v.packet);
        REQUIRE(v.packet->mac);
        CHECK(v.packet->mac->is_crypto_nak());
        CHECK(v.packet->mac->key_id == 0);
    }
    CHECK(f.responder.counters().bad_auth == 2);

    auto nak = req;
    nak.insert(nak.end(), {0, 0, 0, 7});
    CHECK(f.send(nak).action == Action::drop);
    CHECK(f.responder.counters().declined == 1);
}

TEST_CASE("limited kod: bursts get one RATE kiss, then silence", "[responder]") {
    Fixture f;
    f.restrictions.add_default(ntp::io::Family::v4, rflag::limited | rflag::kod);
    auto req = Fixture::request(4, 3, 4);
    int replies = 0, kods = 0, drops = 0;
    for (int i = 0; i < 40; ++i) {
        auto o = f.send(req, at(1700000000 + i / 4, (i % 4) * 250000000L));
        if (o.action == Action::drop) {
            ++drops;
            continue;
        }
        auto h = f.reply_header(o);
        if (h.refid.is("RATE")) {
            ++kods;
            CHECK(h.stratum == 0);
            CHECK(h.leap == wire::LeapIndicator::unsynchronised);
            CHECK(h.mode == wire::Mode::server);
            CHECK(h.poll_log2 == 4);
            CHECK(h.origin_ts == h.transmit_ts);
            CHECK(h.receive_ts == h.transmit_ts);
            CHECK(h.origin_ts == wire::NtpTimestamp(0xe5a1b2c3, 0xdeadbeef));
            CHECK(h.precision_log2 == -6);  // copied from the request
            CHECK(h.root_delay.raw() == 0x00010203);
        } else {
            ++replies;
        }
    }
    CHECK(replies >= 1);
    CHECK(kods >= 1);
    CHECK(kods <= 3);
    CHECK(drops > 20);
    CHECK(f.responder.counters().kod_sent == static_cast<std::uint64_t>(kods));
    CHECK(f.responder.counters().limited == static_cast<std::uint64_t>(kods + drops));
    const auto* e = f.mru.find(f.client.addr);
    REQUIRE(e);
    CHECK(e->count == 40);
    CHECK((e->restrict_flags & rflag::limited) != 0);
}

TEST_CASE("a symmetric KoD is mode 1; limited without kod is silent", "[responder]") {
    Fixture f;
    f.restrictions.add_default(ntp::io::Family::v4, rflag::limited | rflag::kod);
    auto req = Fixture::request(3, 1);
    f.send(req, at(1700000000));
    auto o = f.send(req, at(1700000000, 1000));
    CHECK(f.reply_header(o).mode == wire::Mode::symmetric_active);
    CHECK(f.reply_header(o).refid.is("RATE"));

    Fixture g;
    g.restrictions.add_default(ntp::io::Family::v4, rflag::limited);
    auto c = Fixture::request(4, 3);
    CHECK(g.send(c, at(1700000000)).action == Action::reply);
    CHECK(g.send(c, at(1700000000, 1000)).action == Action::drop);
    CHECK(g.responder.counters().kod_sent == 0);
}

TEST_CASE("the MRU records time packets with mode and version", "[responder]") {
    Fixture f;
    f.send(Fixture::request(3, 3));
    const auto* e = f.mru.find(f.client.addr);
    REQUIRE(e);
    CHECK(e->mode_version() == ((3 << 3) | 3));
    CHECK(e->source.port == f.client.port);

    Fixture g;
    g.responder.set_settings({false, 3});  // disable monitor, no limited
    g.send(Fixture::request(4, 3));
    CHECK(g.mru.depth() == 0);
}

TEST_CASE("garbage never crashes and no reply is longer than the request", "[responder]") {
    Fixture f;
    f.responder.set_peer_lookup([](const Endpoint&) { return false; });
    std::uint32_t seed = Catch::rngSeed() ? Catch::rngSeed() : 12345;
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    for (int i = 0; i < 20000; ++i) {
        std::vector<std::uint8_t> pkt(rng() % 120);
        for (auto& b : pkt) b = static_cast<std::uint8_t>(rng());
        // Bias towards plausible first octets so deeper paths are reached.
        if (!pkt.empty() && i % 2) pkt[0] = static_cast<std::uint8_t>((rng() % 8) << 3 | (rng() % 8));
        Endpoint from{IpAddress::v4(0x7f000000u + rng() % 64), static_cast<std::uint16_t>(rng())};
        auto o = f.send(pkt, at(1700000000 + i), from);
        if (o.action == Action::reply) {
            CHECK(o.reply_length <= pkt.size());
            CHECK(o.reply_length >= 48);
        }
    }
}
