#include "ntpd/interface_changes.hh"

#include <catch2/catch.hpp>

using ntp::config::InterfaceAction;
using ntp::config::InterfaceMatch;
using ntp::config::InterfaceRule;
using ntp::io::IpAddress;
using ntpd::diff_sockets;
using ntpd::InterfaceOptions;
using ntpd::LocalAddress;
using ntpd::plan_sockets;
using ntpd::PlannedSocket;
using ntpd::SocketRole;

namespace {

LocalAddress addr(const char* ifname, const char* ip, std::uint32_t scope = 0) {
    LocalAddress a;
    a.interface = ifname;
    a.address = *IpAddress::parse(ip);
    a.loopback = std::string(ifname) == "lo";
    a.scope_id = scope;
    return a;
}

std::vector<LocalAddress> start() { return {addr("lo", "127.0.0.1"), addr("lo", "::1")}; }

InterfaceRule name_rule(InterfaceAction a, const char* name) {
    InterfaceRule r;
    r.action = a;
    r.match = InterfaceMatch::name;
    r.name = name;
    return r;
}

std::vector<PlannedSocket> plan(const std::vector<LocalAddress>& host,
                                const std::vector<InterfaceRule>& rules = {},
                                const InterfaceOptions& o = {}) {
    return plan_sockets(host, rules, o);
}

}  // namespace

TEST_CASE("interface changes: nothing changed, nothing to do", "[interfaces]") {
    auto now = plan(start());
    CHECK(diff_sockets(now, plan(start())).empty());
}

TEST_CASE("interface changes: a new address is opened, the others kept", "[interfaces]") {
    auto now = plan(start());
    auto host = start();
    host.push_back(addr("veth0", "10.93.0.1"));
    auto c = diff_sockets(now, plan(host));
    CHECK(c.close.empty());
    CHECK(c.set_role.empty());
    REQUIRE(c.open.size() == 1);
    CHECK(c.open[0].name == "veth0");
    CHECK(c.open[0].endpoint.addr == *IpAddress::parse("10.93.0.1"));
    CHECK(c.open[0].endpoint.port == 123);
    CHECK(c.open[0].role == SocketRole::listen);
}

TEST_CASE("interface changes: a vanished address is closed, wildcards stay", "[interfaces]") {
    auto host = start();
    host.push_back(addr("veth0", "10.93.0.1"));
    auto now = plan(host);
    auto c = diff_sockets(now, plan(start()));
    CHECK(c.open.empty());
    REQUIRE(c.close.size() == 1);
    CHECK(now[c.close[0]].endpoint.addr == *IpAddress::parse("10.93.0.1"));
}

TEST_CASE("interface changes: an address that moves to another interface is reopened",
          "[interfaces]") {
    auto host = start();
    host.push_back(addr("veth0", "10.93.0.1"));
    auto now = plan(host);
    host.back().interface = "veth1";
    auto c = diff_sockets(now, plan(host));
    REQUIRE(c.close.size() == 1);
    REQUIRE(c.open.size() == 1);
    CHECK(c.open[0].name == "veth1");
}

TEST_CASE("interface changes: IPv6 scope is part of the identity", "[interfaces]") {
    auto host = start();
    host.push_back(addr("veth0", "fe80::1", 3));
    auto now = plan(host);
    host.back().scope_id = 4;  // link re-created with a new index
    auto c = diff_sockets(now, plan(host));
    CHECK(c.close.size() == 1);
    CHECK(c.open.size() == 1);
}

TEST_CASE("interface changes: rules apply to addresses that appear later", "[interfaces]") {
    std::vector<InterfaceRule> rules = {name_rule(InterfaceAction::ignore, "veth0"),
                                        name_rule(InterfaceAction::drop, "veth1")};
    auto now = plan(start(), rules);
    auto host = start();
    host.push_back(addr("veth0", "10.93.0.1"));
    host.push_back(addr("veth1", "10.94.0.1"));
    auto c = diff_sockets(now, plan(host, rules));
    REQUIRE(c.open.size() == 1);  // veth0 ignored
    CHECK(c.open[0].name == "veth1");
    CHECK(c.open[0].role == SocketRole::drop);
}

TEST_CASE("interface changes: -I and -4 apply to addresses that appear later", "[interfaces]") {
    InterfaceOptions o;
    o.only = {"veth1"};
    o.ipv4_only = true;
    auto now = plan(start(), {}, o);
    auto host = start();
    host.push_back(addr("veth0", "10.93.0.1"));
    host.push_back(addr("veth1", "10.94.0.1"));
    host.push_back(addr("veth1", "fd00::1"));
    auto c = diff_sockets(now, plan(host, {}, o));
    REQUIRE(c.open.size() == 1);
    CHECK(c.open[0].endpoint.addr == *IpAddress::parse("10.94.0.1"));
}

TEST_CASE("interface changes: a rule added later switches a socket's role in place",
          "[interfaces]") {
    auto host = start();
    host.push_back(addr("veth0", "10.93.0.1"));
    auto now = plan(host);
    auto c = diff_sockets(now, plan(host, {name_rule(InterfaceAction::drop, "veth0")}));
    CHECK(c.open.empty());
    CHECK(c.close.empty());
    REQUIRE(c.set_role.size() == 1);
    CHECK(now[c.set_role[0].first].name == "veth0");
    CHECK(c.set_role[0].second == SocketRole::drop);
    // and `ignore` closes it
    auto c2 = diff_sockets(now, plan(host, {name_rule(InterfaceAction::ignore, "veth0")}));
    REQUIRE(c2.close.size() == 1);
    CHECK(now[c2.close[0]].name == "veth0");
}

TEST_CASE("interface changes: a downed interface's addresses are closed", "[interfaces]") {
    auto host = start();
    host.push_back(addr("veth0", "10.93.0.1"));
    auto now = plan(host);
    host.back().up = false;
    auto c = diff_sockets(now, plan(host));
    CHECK(c.close.size() == 1);
}

TEST_CASE("interface changes: classic's Deleting line", "[interfaces]") {
    PlannedSocket s;
    s.name = "veth0";
    s.endpoint = {*IpAddress::parse("10.93.0.1"), 123};
    CHECK(ntpd::deleting_message(4, s, {3, 2, 1, 12}) ==
          "Deleting interface #4 veth0, 10.93.0.1#123, interface stats: received=3, sent=2, "
          "dropped=1, active_time=12 secs");
    s.endpoint = {*IpAddress::parse("fe80::1"), 123, 2};
    CHECK(ntpd::deleting_message(5, s, {}) ==
          "Deleting interface #5 veth0, fe80::1%2#123, interface stats: received=0, sent=0, "
          "dropped=0, active_time=0 secs");
}
