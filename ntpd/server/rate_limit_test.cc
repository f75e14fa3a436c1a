#include "ntpd/server/rate_limit.hh"

#include <catch2/catch.hpp>

using ntp::io::Endpoint;
using ntp::io::IpAddress;
using ntpd::MruList;
using ntpd::RateDecision;
using ntpd::RateLimiter;
using ntpd::RateLimitSettings;

namespace {
struct Client {
    MruList mru{{}, 11, 12};
    RateLimiter limiter;
    Endpoint src{*IpAddress::parse("192.0.2.50"), 123};
    explicit Client(RateLimitSettings s = no_leak()) : limiter(s, 42) {}
    static RateLimitSettings no_leak() {
        RateLimitSettings s;
        s.leak_log2 = -1;
        return s;
    }
    RateDecision packet(double now, bool kod = true) {
        auto t = mru.record(src, src.addr, now);
        return limiter.decide(*t.entry, t.is_new, t.interval_s, kod);
    }
};
}  // namespace

TEST_CASE("a client polling at 64 s is never limited", "[ratelimit]") {
    Client c;
    for (int i = 0; i < 200; ++i) CHECK(c.packet(i * 64.0) == RateDecision::pass);
}

TEST_CASE("an iburst of 8 packets 2 s apart passes, then the average applies", "[ratelimit]") {
    Client c;
    double t = 0;
    for (int i = 0; i < 8; ++i, t += 2) CHECK(c.packet(t) == RateDecision::pass);
    // Keep sending every 2 s: the bucket fills and the excess gets one KoD.
    int kods = 0, drops = 0;
    for (int i = 0; i < 20; ++i, t += 2) {
        auto d = c.packet(t);
        kods += d == RateDecision::kod;
        drops += d == RateDecision::drop;
    }
    CHECK(kods >= 1);
    CHECK(drops >= 10);
}

TEST_CASE("packets closer than discard minimum are excess", "[ratelimit]") {
    Client c;
    CHECK(c.packet(100.0) == RateDecision::pass);
    CHECK(c.packet(100.2) == RateDecision::kod);
    CHECK(c.packet(100.4) == RateDecision::drop);  // KoDs are themselves limited
}

TEST_CASE("without kod the excess is dropped silently", "[ratelimit]") {
    Client c;
    CHECK(c.packet(0.0, false) == RateDecision::pass);
    CHECK(c.packet(0.1, false) == RateDecision::drop);
}

TEST_CASE("KoDs to one address go out at most about once per headway", "[ratelimit]") {
    Client c;
    int kods = 0;
    // A flood of 10 packets per second for 100 s.
    for (int i = 0; i < 1000; ++i) kods += c.packet(i * 0.1) == RateDecision::kod;
    CHECK(kods >= 1);
    CHECK(kods <= 100 / 8 + 1);
}

TEST_CASE("a limited client recovers after backing off", "[ratelimit]") {
    Client c;
    for (int i = 0; i < 50; ++i) c.packet(i * 0.5);
    // After a quiet minute and a half, a well-behaved poll passes again.
    CHECK(c.packet(25.0 + 90.0) == RateDecision::pass);
}

TEST_CASE("a share of the excess is still answered when leaking", "[ratelimit]") {
    RateLimitSettings s;
    s.leak_log2 = 2;  // 1 in 4
    Client c(s);
    int passed = 0;
    const int n = 4000;
    for (int i = 0; i < n; ++i) passed += c.packet(i * 0.01) == RateDecision::pass;
    // Roughly a quarter, not all, not none.
    CHECK(passed > n / 8);
    CHECK(passed < n / 2);
    CHECK(c.limiter.leaked() > 0);
}

TEST_CASE("the leak never swallows the kiss-o'-death", "[ratelimit]") {
    RateLimitSettings s;
    s.leak_log2 = 0;  // leak every silent drop
    Client c(s);
    CHECK(c.packet(0.0) == RateDecision::pass);
    CHECK(c.packet(0.1) == RateDecision::kod);   // first excess: still the KoD
    CHECK(c.packet(0.2) == RateDecision::pass);  // would be dropped: leaked
    CHECK(c.limiter.leaked() == 1);
}
