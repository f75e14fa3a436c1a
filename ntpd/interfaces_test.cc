#include "ntpd/interfaces.hh"

#include <catch2/catch.hpp>

using ntp::config::InterfaceAction;
using ntp::config::InterfaceMatch;
using ntp::config::InterfaceRule;
using ntp::io::IpAddress;
using ntpd::LocalAddress;
using ntpd::PlannedSocket;
using ntpd::SocketRole;

namespace {
LocalAddress addr(const char* ifname, const char* ip, unsigned prefix = 8) {
    LocalAddress a;
    a.interface = ifname;
    a.address = *IpAddress::parse(ip);
    a.prefix_len = prefix;
    a.loopback = std::string(ifname) == "lo";
    return a;
}

std::vector<LocalAddress> host() {
    return {addr("lo", "127.0.0.1"), addr("eth0", "192.0.2.5", 24), addr("eth0:1", "192.0.2.6", 24),
            addr("lo", "::1", 128), addr("eth0", "2001:db8::5", 64)};
}

InterfaceRule rule(InterfaceAction a, InterfaceMatch m, const char* text = "") {
    InterfaceRule r;
    r.action = a;
    r.match = m;
    if (m == InterfaceMatch::name) r.name = text;
    if (m == InterfaceMatch::address) {
        std::string s = text;
        auto slash = s.find('/');
        if (slash != std::string::npos) {
            r.prefix_len = std::stoi(s.substr(slash + 1));
            s = s.substr(0, slash);
        }
        auto a = *IpAddress::parse(s);
        ntp::config::IpAddress c;
        c.family = a.is_v6() ? ntp::config::AddressFamily::ipv6 : ntp::config::AddressFamily::ipv4;
        c.bytes = a.bytes;
        r.address = c;
    }
    return r;
}

std::vector<std::string> messages(const std::vector<PlannedSocket>& plan) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < plan.size(); ++i) out.push_back(ntpd::listen_message(i, plan[i]));
    return out;
}
}  // namespace

TEST_CASE("without rules: wildcards dropped, every address served", "[interfaces]") {
    auto plan = ntpd::plan_sockets(host(), {}, {});
    CHECK(messages(plan) == std::vector<std::string>{
                                "Listen and drop on 0 v6wildcard [::]:123",
                                "Listen and drop on 1 v4wildcard 0.0.0.0:123",
                                "Listen normally on 2 lo 127.0.0.1:123",
                                "Listen normally on 3 eth0 192.0.2.5:123",
                                "Listen normally on 4 eth0:1 192.0.2.6:123",
                                "Listen normally on 5 lo [::1]:123",
                                "Listen normally on 6 eth0 [2001:db8::5]:123",
                            });
}

TEST_CASE("the last matching interface rule wins", "[interfaces]") {
    std::vector<InterfaceRule> rules = {
        rule(InterfaceAction::ignore, InterfaceMatch::all),
        rule(InterfaceAction::listen, InterfaceMatch::name, "lo"),
        rule(InterfaceAction::drop, InterfaceMatch::ipv6),
        rule(InterfaceAction::ignore, InterfaceMatch::wildcard),
    };
    auto plan = ntpd::plan_sockets(host(), rules, {});
    CHECK(messages(plan) == std::vector<std::string>{
                                "Listen normally on 0 lo 127.0.0.1:123",
                                "Listen and drop on 1 lo [::1]:123",
                                "Listen and drop on 2 eth0 [2001:db8::5]:123",
                            });
}

TEST_CASE("address rules with and without prefix", "[interfaces]") {
    auto plan = ntpd::plan_sockets(
        host(),
        {rule(InterfaceAction::ignore, InterfaceMatch::ipv4),
         rule(InterfaceAction::listen, InterfaceMatch::address, "192.0.2.0/24"),
         rule(InterfaceAction::ignore, InterfaceMatch::address, "192.0.2.6")},
        {});
    std::vector<std::string> names;
    for (const auto& s : plan) names.push_back(s.endpoint.addr.to_string());
    // ::1 matches no rule and is loopback: listened on; 2001:db8::5 matches
    // none and is not: ignored, as classic ignores it.
    CHECK(names == std::vector<std::string>{"::", "0.0.0.0", "192.0.2.5", "::1"});
}

TEST_CASE("`all` leaves loopback out, as classic's does", "[interfaces]") {
    auto plan = ntpd::plan_sockets(host(), {rule(InterfaceAction::ignore, InterfaceMatch::all)}, {});
    std::vector<std::string> names;
    for (const auto& s : plan) names.push_back(s.endpoint.addr.to_string());
    CHECK(names == std::vector<std::string>{"::", "0.0.0.0", "127.0.0.1", "::1"});
}

TEST_CASE("-I listens only on the named interfaces or addresses", "[interfaces]") {
    ntpd::InterfaceOptions o;
    o.only = {"lo", "2001:db8::5"};
    std::vector<std::string> names;
    for (const auto& s : ntpd::plan_sockets(host(), {}, o)) names.push_back(s.endpoint.to_string());
    CHECK(names == std::vector<std::string>{"[::]:123", "0.0.0.0:123", "127.0.0.1:123", "[::1]:123",
                                            "[2001:db8::5]:123"});
}

TEST_CASE("-L skips alias interfaces; -4 and -6 keep one family", "[interfaces]") {
    ntpd::InterfaceOptions o;
    o.novirtualips = true;
    for (const auto& s : ntpd::plan_sockets(host(), {}, o)) CHECK(s.name != "eth0:1");
    ntpd::InterfaceOptions v4;
    v4.ipv4_only = true;
    for (const auto& s : ntpd::plan_sockets(host(), {}, v4)) CHECK(s.endpoint.addr.is_v4());
    ntpd::InterfaceOptions v6;
    v6.ipv6_only = true;
    auto plan6 = ntpd::plan_sockets(host(), {}, v6);
    CHECK(plan6.size() == 3);
    for (const auto& s : plan6) CHECK(s.endpoint.addr.is_v6());
}

TEST_CASE("down interfaces are not opened; link-local shows its scope", "[interfaces]") {
    auto hosts = host();
    hosts[1].up = false;
    LocalAddress ll = addr("eth0", "fe80::1", 64);
    ll.scope_id = 2;
    hosts.push_back(ll);
    auto plan = ntpd::plan_sockets(hosts, {}, {});
    for (const auto& s : plan) CHECK(s.endpoint.addr.to_string() != "192.0.2.5");
    CHECK(ntpd::listen_message(9, plan.back()) == "Listen normally on 9 eth0 [fe80::1%2]:123");
}

TEST_CASE("the host's address list includes loopback", "[interfaces]") {
    auto list = ntpd::local_addresses();
    bool has_lo = false;
    for (const auto& a : list) has_lo |= a.address.to_string() == "127.0.0.1";
    CHECK(has_lo);
}

TEST_CASE("a socket keeps its address's broadcast address", "[interfaces]") {
    auto h = host();
    h[1].broadcast = *IpAddress::parse("192.0.2.255");
    auto plan = ntpd::plan_sockets(h, {}, {});
    REQUIRE(plan.size() == 7);
    CHECK(plan[3].broadcast == IpAddress::parse("192.0.2.255"));
    CHECK_FALSE(plan[2].broadcast);
    CHECK_FALSE(plan[4].broadcast);
}
