#include "libntp/io/endpoint.hh"

#include <netinet/in.h>

#include <catch2/catch.hpp>
#include <cstring>

using ntp::io::Endpoint;
using ntp::io::Family;
using ntp::io::IpAddress;

TEST_CASE("IpAddress parses numeric v4 and v6 text only", "[endpoint]") {
    auto a = IpAddress::parse("192.0.2.7");
    REQUIRE(a);
    CHECK(a->is_v4());
    CHECK(a->v4_host_order() == 0xc0000207u);
    CHECK(a->to_string() == "192.0.2.7");

    auto b = IpAddress::parse("[2001:db8::1]");
    REQUIRE(b);
    CHECK(b->is_v6());
    CHECK(b->to_string() == "2001:db8::1");

    CHECK_FALSE(IpAddress::parse("example.org"));
    CHECK_FALSE(IpAddress::parse(""));
    CHECK_FALSE(IpAddress::parse("1.2.3.4.5"));
    CHECK_FALSE(IpAddress::parse("[::1"));
}

TEST_CASE("IpAddress classifies loopback, multicast, unspecified", "[endpoint]") {
    CHECK(IpAddress::parse("127.0.0.9")->is_loopback());
    CHECK(IpAddress::parse("::1")->is_loopback());
    CHECK_FALSE(IpAddress::parse("::2")->is_loopback());
    CHECK(IpAddress::parse("224.0.1.1")->is_multicast());
    CHECK(IpAddress::parse("ff02::101")->is_multicast());
    CHECK_FALSE(IpAddress::parse("192.0.2.1")->is_multicast());
    CHECK(IpAddress::any(Family::v6).is_unspecified());
}

TEST_CASE("masks and prefix lengths", "[endpoint]") {
    CHECK(IpAddress::mask_of(Family::v4, 24).to_string() == "255.255.255.0");
    CHECK(IpAddress::mask_of(Family::v4, 99).to_string() == "255.255.255.255");
    CHECK(IpAddress::mask_of(Family::v6, 64).to_string() == "ffff:ffff:ffff:ffff::");
    CHECK(IpAddress::mask_of(Family::v4, 20).prefix_length() == 20u);
    CHECK_FALSE(IpAddress::parse("255.0.255.0")->prefix_length());
    auto net = IpAddress::parse("192.168.17.33")->masked(IpAddress::mask_of(Family::v4, 16));
    CHECK(net.to_string() == "192.168.0.0");
}

TEST_CASE("compare orders by family then big-endian value", "[endpoint]") {
    auto lo = *IpAddress::parse("10.0.0.1");
    auto hi = *IpAddress::parse("10.0.1.0");
    CHECK(compare(lo, hi) < 0);
    CHECK(compare(hi, lo) > 0);
    CHECK(compare(lo, lo) == 0);
    CHECK(compare(lo, *IpAddress::parse("::1")) < 0);
}

TEST_CASE("Endpoint round-trips through sockaddr", "[endpoint]") {
    for (const char* text : {"192.0.2.1", "2001:db8::42"}) {
        Endpoint e{*IpAddress::parse(text), 123};
        sockaddr_storage ss{};
        socklen_t len = e.to_sockaddr(ss);
        REQUIRE(len > 0);
        auto back = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
        REQUIRE(back);
        CHECK(*back == e);
    }
    CHECK(Endpoint{*IpAddress::parse("::1"), 123}.to_string() == "[::1]:123");
    CHECK(Endpoint{*IpAddress::parse("127.0.0.1"), 5}.to_string() == "127.0.0.1:5");
}

TEST_CASE("v4-mapped IPv6 source becomes plain IPv4", "[endpoint]") {
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(4000);
    const unsigned char mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 51, 100, 2};
    std::memcpy(&sin6.sin6_addr, mapped, 16);
    auto e = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&sin6), sizeof sin6);
    REQUIRE(e);
    CHECK(e->addr.is_v4());
    CHECK(e->to_string() == "198.51.100.2:4000");
}

TEST_CASE("from_sockaddr rejects short lengths and other families", "[endpoint]") {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    CHECK_FALSE(Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&sin), 4));
    sockaddr sa{};
    sa.sa_family = AF_UNIX;
    CHECK_FALSE(Endpoint::from_sockaddr(&sa, sizeof sa));
    CHECK_FALSE(Endpoint::from_sockaddr(nullptr, 0));
}
