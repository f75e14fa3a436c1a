#include "ntpd/broadcast_sockets.hh"

#include <catch2/catch.hpp>

using namespace ntpd;
using ntp::io::Endpoint;
using ntp::io::IpAddress;

namespace {

PlannedSocket sock(const char* name, const char* addr, const char* bcast = nullptr, bool loopback = false) {
    PlannedSocket s;
    s.name = name;
    s.endpoint = Endpoint{*IpAddress::parse(addr), 123};
    s.loopback = loopback;
    if (bcast) s.broadcast = *IpAddress::parse(bcast);
    return s;
}

}  // namespace

TEST_CASE("a subnet broadcast goes out from the address whose subnet it is", "[broadcast]") {
    PlannedSocket wc = sock("v4wildcard", "0.0.0.0");
    wc.wildcard = true;
    wc.role = SocketRole::drop;
    const PlannedSocket lo = sock("lo", "127.0.0.1", nullptr, true);
    const PlannedSocket a = sock("eth0", "10.77.0.1", "10.77.0.255");
    const PlannedSocket b = sock("eth1", "192.0.2.7", "192.0.2.255");
    PlannedSocket dropped = sock("eth2", "198.51.100.1", "198.51.100.255");
    dropped.role = SocketRole::drop;
    const std::vector<const PlannedSocket*> all{&wc, &lo, &a, &b, &dropped};
    CHECK(broadcast_sources(all, *IpAddress::parse("192.0.2.255")) == std::vector<std::size_t>{3});
    CHECK(broadcast_sources(all, *IpAddress::parse("10.77.0.255")) == std::vector<std::size_t>{2});
    // Not a broadcast address of ours, or of an interface we do not listen on.
    CHECK(broadcast_sources(all, *IpAddress::parse("10.78.0.255")).empty());
    CHECK(broadcast_sources(all, *IpAddress::parse("198.51.100.255")).empty());
}

TEST_CASE("a multicast group goes out once per interface of its family, loopback aside", "[broadcast]") {
    const PlannedSocket lo = sock("lo", "127.0.0.1", nullptr, true);
    const PlannedSocket a = sock("eth0", "10.77.0.1", "10.77.0.255");
    const PlannedSocket a2 = sock("eth0", "10.78.0.1", "10.78.0.255");
    const PlannedSocket b = sock("eth1", "192.0.2.7", "192.0.2.255");
    const PlannedSocket v6 = sock("eth0", "fd00::1");
    const std::vector<const PlannedSocket*> all{&lo, &a, &a2, &b, &v6};
    CHECK(broadcast_sources(all, *IpAddress::parse("224.0.1.1")) == std::vector<std::size_t>{1, 3});
    CHECK(broadcast_sources(all, *IpAddress::parse("ff05::101")) == std::vector<std::size_t>{4});
}
