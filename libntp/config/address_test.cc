#include "libntp/config/address.hh"

#include <catch2/catch.hpp>

using namespace ntp::config;

TEST_CASE("parse_ip: IPv4 dotted quads only") {
    auto a = parse_ip("192.0.2.255");
    REQUIRE(a);
    CHECK(a->is_v4());
    CHECK(a->to_string() == "192.0.2.255");
    CHECK_FALSE(parse_ip("255.255.255.999"));
    CHECK_FALSE(parse_ip("1.2.3"));
    CHECK_FALSE(parse_ip("1.2.3.4.5"));
    CHECK_FALSE(parse_ip("1.2.3.4 "));
    CHECK_FALSE(parse_ip("1..2.3"));
    CHECK_FALSE(parse_ip("0001.2.3.4"));
    CHECK_FALSE(parse_ip("pool.ntp.org"));
    CHECK_FALSE(parse_ip(""));
    CHECK(looks_like_ipv4("255.255.255.999"));
    CHECK_FALSE(looks_like_ipv4("ntp1.example"));
}

TEST_CASE("parse_ip: IPv6 with zone, no brackets") {
    auto a = parse_ip("2001:db8::1");
    REQUIRE(a);
    CHECK(a->is_v6());
    CHECK(a->to_string() == "2001:db8::1");
    auto z = parse_ip("fe80::1%eth0");
    REQUIRE(z);
    CHECK(z->zone == "eth0");
    CHECK(z->to_string() == "fe80::1%eth0");
    CHECK_FALSE(parse_ip("[::1]"));
    CHECK_FALSE(parse_ip("1::2::3"));
    CHECK_FALSE(parse_ip("fe80::1%"));
}

TEST_CASE("masks and prefix lengths") {
    CHECK(IpAddress::prefix_mask(AddressFamily::ipv4, 24).to_string() == "255.255.255.0");
    CHECK(IpAddress::prefix_mask(AddressFamily::ipv4, 0).to_string() == "0.0.0.0");
    CHECK(IpAddress::prefix_mask(AddressFamily::ipv6, 64).to_string() == "ffff:ffff:ffff:ffff::");
    CHECK(mask_prefix_len(*parse_ip("255.255.248.0")) == 21);
    CHECK(mask_prefix_len(*parse_ip("ffff:ffff::")) == 32);
    CHECK_FALSE(mask_prefix_len(*parse_ip("255.0.255.0")));
}

TEST_CASE("refclock addresses and driver names") {
    auto id = refclock_id(*parse_ip("127.127.28.1"));
    REQUIRE(id);
    CHECK(id->driver_type == 28);
    CHECK(id->unit == 1);
    CHECK_FALSE(refclock_id(*parse_ip("127.0.0.1")));
    CHECK(refclock_address({1, 0}).to_string() == "127.127.1.0");
    CHECK(refclock_type_by_name("shm") == 28);
    CHECK(refclock_type_by_name("local") == 1);
    CHECK_FALSE(refclock_type_by_name("SHM"));
    CHECK(refclock_name_by_type(22) == "pps");
    CHECK(refclock_name_by_type(3).empty());
}
