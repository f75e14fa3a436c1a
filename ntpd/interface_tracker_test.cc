#include "ntpd/interface_tracker.hh"

#include <catch2/catch.hpp>

using ntp::config::InterfaceAction;
using ntp::config::InterfaceMatch;
using ntp::config::InterfaceRule;
using ntp::io::IpAddress;
using ntpd::InterfaceTracker;
using ntpd::LocalAddress;
using ntpd::ServerSocket;
using ntpd::SocketRole;

namespace {

LocalAddress addr(const char* ifname, const char* ip) {
    LocalAddress a;
    a.interface = ifname;
    a.address = *IpAddress::parse(ip);
    a.loopback = std::string(ifname) == "lo";
    return a;
}

// A tracker over a host that the test edits, on port 0 (any 127/8 address
// is bindable on Linux), IPv4 only.
struct Fixture {
    ntp::io::EventLoop loop;
    std::vector<InterfaceRule> rules;
    std::vector<LocalAddress> host = {addr("lo", "127.0.0.1")};
    std::vector<std::string> lines;
    std::vector<std::string> opened, closed;
    int changes = 0;
    double now_s = 100;
    InterfaceTracker tracker;

    static ntpd::InterfaceOptions options() {
        ntpd::InterfaceOptions o;
        o.ipv4_only = true;
        o.port = 0;
        return o;
    }
    InterfaceTracker::Hooks hooks() {
        InterfaceTracker::Hooks h;
        h.readable = [](ServerSocket&) {};
        h.opened = [this](const ServerSocket& s) { opened.push_back(s.plan.endpoint.addr.to_string()); };
        h.closing = [this](const ServerSocket& s) { closed.push_back(s.plan.endpoint.addr.to_string()); };
        h.changed = [this] { ++changes; };
        h.log = [this](ntp::util::Severity, const std::string& m) { lines.push_back(m); };
        h.monotonic_s = [this] { return now_s; };
        h.addresses = [this] { return host; };
        return h;
    }
    Fixture() : tracker(loop, rules, options(), ntp::io::UdpSocket::Options{}, hooks()) {}
};

}  // namespace

TEST_CASE("interface tracker: start-up, an address added, then removed", "[interfaces]") {
    Fixture f;
    f.tracker.open_initial();
    REQUIRE(f.tracker.sockets().size() == 2);
    REQUIRE(f.lines.size() == 2);
    CHECK(f.lines[0] == "Listen and drop on 0 v4wildcard 0.0.0.0:0");
    CHECK(f.lines[1] == "Listen normally on 1 lo 127.0.0.1:0");
    CHECK_FALSE(f.tracker.rescan());
    CHECK(f.changes == 0);

    f.host.push_back(addr("veth0", "127.0.0.2"));
    CHECK(f.tracker.rescan());
    CHECK(f.changes == 1);
    REQUIRE(f.tracker.sockets().size() == 3);
    CHECK(f.lines.back() == "Listen normally on 2 veth0 127.0.0.2:0");
    CHECK(f.opened.back() == "127.0.0.2");
    CHECK(f.tracker.sockets().back()->socket.valid());

    f.now_s = 112.7;
    f.host.pop_back();
    CHECK(f.tracker.rescan());
    CHECK(f.changes == 2);
    REQUIRE(f.tracker.sockets().size() == 2);
    CHECK(f.closed == std::vector<std::string>{"127.0.0.2"});
    CHECK(f.lines.back() ==
          "Deleting interface #2 veth0, 127.0.0.2#0, interface stats: received=0, sent=0, "
          "dropped=0, active_time=12 secs");

    // Numbers are never reused.
    f.host.push_back(addr("veth0", "127.0.0.3"));
    CHECK(f.tracker.rescan());
    CHECK(f.lines.back() == "Listen normally on 3 veth0 127.0.0.3:0");
}

TEST_CASE("interface tracker: rules added later are applied on the next rescan", "[interfaces]") {
    Fixture f;
    f.host.push_back(addr("veth0", "127.0.0.2"));
    f.tracker.open_initial();
    REQUIRE(f.tracker.sockets().size() == 3);

    InterfaceRule drop;
    drop.action = InterfaceAction::drop;
    drop.match = InterfaceMatch::name;
    drop.name = "veth0";
    f.rules.push_back(drop);
    CHECK(f.tracker.rescan());
    CHECK(f.tracker.sockets().back()->plan.role == SocketRole::drop);
    CHECK(f.closed.empty());

    f.rules.back().action = InterfaceAction::ignore;
    CHECK(f.tracker.rescan());
    CHECK(f.tracker.sockets().size() == 2);
    CHECK(f.closed == std::vector<std::string>{"127.0.0.2"});
}

TEST_CASE("interface tracker: an address not bindable yet is retried quietly", "[interfaces]") {
    Fixture f;
    f.tracker.open_initial();
    f.host.push_back(addr("eth9", "192.0.2.77"));  // not ours: EADDRNOTAVAIL
    f.lines.clear();
    CHECK_FALSE(f.tracker.rescan());
    CHECK_FALSE(f.tracker.rescan());
    CHECK(f.tracker.sockets().size() == 2);
    CHECK(f.changes == 0);
    for (const auto& l : f.lines) CHECK(l.find("Listen") == std::string::npos);
}

TEST_CASE("interface tracker: -U 0 tracks nothing", "[interfaces]") {
    Fixture f;
    f.tracker.open_initial();
    f.tracker.start_tracking(0);
    CHECK_FALSE(f.tracker.notifications_active());
}

TEST_CASE("interface tracker: notifications subscribe where the kernel allows", "[interfaces]") {
    Fixture f;
    f.tracker.open_initial();
    f.tracker.start_tracking(300);
    bool routing_line = false;
    for (const auto& l : f.lines) {
        routing_line |= l.rfind("Listening on routing socket on fd #", 0) == 0 ||
                        l.rfind("no routing socket (", 0) == 0;
    }
    CHECK(routing_line);
}

TEST_CASE("interface tracker: a wildcard port held by another process stops the start-up", "[interfaces]") {
    // Another "ntpd": the wildcard address on some port, without SO_REUSEADDR.
    ntp::io::UdpSocket::Options held_opt;
    held_opt.reuse_addr = false;
    ntp::io::Endpoint any;
    any.addr = IpAddress::any(ntp::io::Family::v4);
    any.port = 0;
    const auto held = ntp::io::UdpSocket::bind(any, held_opt);

    Fixture f;
    ntpd::InterfaceOptions o = Fixture::options();
    o.port = held.local().port;
    InterfaceTracker second(f.loop, f.rules, o, ntp::io::UdpSocket::Options{}, f.hooks());
    CHECK_FALSE(second.open_initial());
    REQUIRE_FALSE(f.lines.empty());
    CHECK(f.lines.back() == "unable to bind to wildcard address 0.0.0.0 - another process may be running - EXITING");
    CHECK(second.sockets().empty());

    // With the wildcard ignored, the same port on 127.0.0.1 alone is no reason to exit.
    InterfaceRule no_wildcard;
    no_wildcard.action = InterfaceAction::ignore;
    no_wildcard.match = InterfaceMatch::wildcard;
    f.rules.push_back(no_wildcard);
    InterfaceTracker third(f.loop, f.rules, o, ntp::io::UdpSocket::Options{}, f.hooks());
    CHECK(third.open_initial());
}
