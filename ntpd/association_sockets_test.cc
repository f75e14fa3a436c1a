#include "ntpd/association_sockets.hh"

#include <poll.h>

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

using ntp::io::Datagram;
using ntp::io::Endpoint;
using ntp::io::EventLoop;
using ntp::io::IpAddress;
using ntp::io::RecvBatch;
using ntp::io::UdpSocket;
using ntpd::AssociationSockets;
using ntpd::SharedSource;

namespace {

Endpoint ep(const char* addr, std::uint16_t port = 0) { return Endpoint{*IpAddress::parse(addr), port}; }

timespec zero_time() { return timespec{}; }

UdpSocket bound(const char* addr) {
    UdpSocket::Options o;
    o.reuse_addr = false;
    return UdpSocket::bind(ep(addr), o);
}

// Waits (at most 2 s) for one datagram on `s`.
std::optional<Endpoint> receive_one(UdpSocket& s, std::vector<std::uint8_t>* data = nullptr) {
    pollfd p{s.fd(), POLLIN, 0};
    if (::poll(&p, 1, 2000) != 1) return std::nullopt;
    RecvBatch batch(1, 256);
    if (s.receive(batch, zero_time) != 1) return std::nullopt;
    if (data) data->assign(batch[0].data.begin(), batch[0].data.end());
    return batch[0].source;
}

struct Received {
    std::uint16_t assoc_id;
    Endpoint from;
    std::vector<std::uint8_t> data;
};

struct Fixture {
    EventLoop loop;
    std::vector<Received> delivered;
    std::vector<std::string> complaints;
    AssociationSockets sockets{loop, zero_time,
                               [this](std::uint16_t id, const Datagram& d) {
                                   delivered.push_back({id, d.source, {d.data.begin(), d.data.end()}});
                                   loop.stop();
                               },
                               [this](const std::string& m) { complaints.push_back(m); }, -1};

    // Runs the loop until something is delivered (or 3 s pass).
    void run() {
        auto guard = loop.once(std::chrono::seconds(3), [this] { loop.stop(); });
        loop.run();
    }
};

const std::array<std::uint8_t, 4> request{1, 2, 3, 4};
const std::array<std::uint8_t, 4> reply{5, 6, 7, 8};

}  // namespace

TEST_CASE("a shared source is chosen by route, then by loopback side, then by family",
          "[association_sockets]") {
    UdpSocket dummy;  // never used for I/O here; only its address matters
    std::vector<SharedSource> s{{&dummy, ep("127.0.0.2", 123)},
                                {&dummy, ep("192.0.2.1", 123)},
                                {&dummy, ep("198.51.100.7", 123)},
                                {&dummy, ep("::1", 123)}};
    CHECK(ntpd::choose_shared_source(s, ep("203.0.113.5", 123), *IpAddress::parse("198.51.100.7")) == 2u);
    // Route source not among ours: same side of loopback.
    CHECK(ntpd::choose_shared_source(s, ep("203.0.113.5", 123), *IpAddress::parse("10.0.0.1")) == 1u);
    CHECK(ntpd::choose_shared_source(s, ep("127.0.0.1", 123), *IpAddress::parse("127.0.0.1")) == 0u);
    CHECK(ntpd::choose_shared_source(s, ep("127.0.0.1", 123), std::nullopt) == 0u);
    CHECK(ntpd::choose_shared_source(s, ep("2001:db8::1", 123), std::nullopt) == 3u);
    std::vector<SharedSource> v4_only{{&dummy, ep("127.0.0.1", 123)}};
    CHECK_FALSE(ntpd::choose_shared_source(v4_only, ep("2001:db8::1", 123), std::nullopt));
    CHECK(ntpd::choose_shared_source(v4_only, ep("192.0.2.9", 123), std::nullopt) == 0u);
}

TEST_CASE("the route source of a loopback destination is loopback", "[association_sockets]") {
    auto src = ntpd::route_source_for(ep("127.0.0.1", 123));
    REQUIRE(src);
    CHECK(src->is_loopback());
}

TEST_CASE("each association polls from a random port of its own", "[association_sockets]") {
    Fixture f;
    UdpSocket server = bound("127.0.0.1");
    f.sockets.send(1, server.local(), request);
    f.sockets.send(2, server.local(), request);
    auto a = receive_one(server);
    auto b = receive_one(server);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->port != 123);
    CHECK(a->port != b->port);
    CHECK(f.sockets.open_sockets() == 2);
    CHECK((f.sockets.local_port(1) == a->port || f.sockets.local_port(1) == b->port));
    f.sockets.release(1);
    CHECK(f.sockets.open_sockets() == 1);
    CHECK(f.sockets.local_port(1) == 0);
}

TEST_CASE("only the polled server reaches an association; strangers change nothing",
          "[association_sockets]") {
    Fixture f;
    UdpSocket server = bound("127.0.0.1");
    UdpSocket same_host = bound("127.0.0.1");     // the server's address, another port
    UdpSocket other_host = bound("127.0.0.2");
    f.sockets.send(7, server.local(), request);
    auto assoc = receive_one(server);
    REQUIRE(assoc);
    const Endpoint assoc_ep = ep("127.0.0.1", assoc->port);

    // Forged replies (and requests) first, then the real reply: the
    // strangers' datagrams are queued ahead of it on the same socket.
    REQUIRE(same_host.send_to(reply, assoc_ep));
    REQUIRE(other_host.send_to(reply, assoc_ep));
    const std::array<std::uint8_t, 48> mode3{0x23};
    REQUIRE(other_host.send_to(mode3, assoc_ep));
    REQUIRE(server.send_to(reply, assoc_ep));
    f.run();

    REQUIRE(f.delivered.size() == 1);
    CHECK(f.delivered[0].assoc_id == 7);
    CHECK(f.delivered[0].from == server.local());
    CHECK(f.delivered[0].data == std::vector<std::uint8_t>(reply.begin(), reply.end()));
    CHECK(f.sockets.foreign_dropped() == 3);
    // Nothing was sent back to anybody: the association socket never answers.
    pollfd p[2] = {{same_host.fd(), POLLIN, 0}, {other_host.fd(), POLLIN, 0}};
    CHECK(::poll(p, 2, 100) == 0);
    CHECK(f.sockets.totals().sent == 1);
}

TEST_CASE("after a re-resolve only the new server address is accepted", "[association_sockets]") {
    Fixture f;
    UdpSocket old_server = bound("127.0.0.1");
    UdpSocket new_server = bound("127.0.0.2");
    f.sockets.send(3, old_server.local(), request);
    auto assoc = receive_one(old_server);
    REQUIRE(assoc);
    f.sockets.send(3, new_server.local(), request);
    REQUIRE(receive_one(new_server));
    const Endpoint assoc_ep = ep("127.0.0.1", assoc->port);
    REQUIRE(old_server.send_to(reply, assoc_ep));
    REQUIRE(new_server.send_to(reply, assoc_ep));
    f.run();
    REQUIRE(f.delivered.size() == 1);
    CHECK(f.delivered[0].from == new_server.local());
    CHECK(f.sockets.foreign_dropped() == 1);
}

TEST_CASE("with shared sources the associations send from the server's port", "[association_sockets]") {
    Fixture f;
    UdpSocket port123 = bound("127.0.0.2");  // stands in for the daemon's 127.0.0.2:123
    UdpSocket server = bound("127.0.0.1");
    f.sockets.use_shared_sources({SharedSource{&port123, port123.local()}});
    f.sockets.send(1, server.local(), request);
    f.sockets.send(2, server.local(), request);
    auto a = receive_one(server);
    auto b = receive_one(server);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(*a == port123.local());
    CHECK(*b == port123.local());
    CHECK(f.sockets.open_sockets() == 0);
    CHECK(port123.counters().sent == 2);
    CHECK(f.complaints.empty());

    // No socket of the family: fall back to a random port, and say so.
    UdpSocket server6;
    try {
        server6 = bound("::1");
    } catch (const std::system_error&) {
        WARN("no IPv6 loopback: fallback not tested");
        return;
    }
    f.sockets.send(4, server6.local(), request);
    auto c = receive_one(server6);
    REQUIRE(c);
    CHECK(c->port != port123.local().port);
    CHECK(f.sockets.open_sockets() == 1);
    REQUIRE(f.complaints.size() == 1);
    CHECK(f.complaints[0].find("random port") != std::string::npos);
}
