#include "ntpd/control/reply_budget.hh"

#include <catch2/catch.hpp>
#include <string>

using ntpd::control::ReplyBudget;

namespace {
ntp::io::IpAddress ip(const char* text) { return *ntp::io::IpAddress::parse(text); }
}  // namespace

TEST_CASE("reply budget: a burst, then the refill rate, per source") {
    ReplyBudget b({.burst_bytes = 1000, .rate_bytes_s = 100, .slots = 64}, 7);
    const auto victim = ip("192.0.2.1");
    int sent = 0;
    for (int i = 0; i < 100; ++i) sent += b.spend(victim, 100, 10.0) ? 1 : 0;
    CHECK(sent == 10);                        // the burst
    CHECK_FALSE(b.spend(victim, 100, 10.5));  // 50 octets refilled: not enough
    CHECK(b.spend(victim, 100, 11.0));        // 100 octets refilled after 1 s
    CHECK_FALSE(b.spend(victim, 1, 11.0));
    // Long idle: back to the burst, never beyond it.
    CHECK(b.spend(victim, 1000, 1000.0));
    CHECK_FALSE(b.spend(victim, 1, 1000.0));
}

TEST_CASE("reply budget: a refused reply costs nothing, time going back refills nothing") {
    ReplyBudget b({.burst_bytes = 500, .rate_bytes_s = 100, .slots = 64}, 7);
    const auto a = ip("2001:db8::1");
    CHECK_FALSE(b.spend(a, 501, 0));
    CHECK(b.spend(a, 500, 0));
    CHECK_FALSE(b.spend(a, 100, -50));
    CHECK_FALSE(b.spend(a, 100, 0.5));
    CHECK(b.spend(a, 100, 1.0));
}

TEST_CASE("reply budget: sources are independent, memory is the fixed table") {
    ReplyBudget b({.burst_bytes = 500, .rate_bytes_s = 0, .slots = 4096}, 99);
    CHECK(b.spend(ip("192.0.2.1"), 500, 0));
    CHECK_FALSE(b.spend(ip("192.0.2.1"), 1, 0));
    // Most other addresses land in other slots and keep their own budget.
    int fresh = 0;
    for (int i = 0; i < 200; ++i) {
        const std::string a = "10.1." + std::to_string(i) + ".1";
        fresh += b.spend(ip(a.c_str()), 500, 0) ? 1 : 0;
    }
    CHECK(fresh >= 180);  // a few collisions at most (200 into 4096 slots)
}
