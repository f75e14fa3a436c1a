#include "libntp/client/channel.hh"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

using namespace ntp::client;

namespace {

// A UDP socket bound to 127.0.0.1 on a free port.
struct LoopbackPeer {
    LoopbackPeer() : fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0);
        socklen_t len = sizeof sin;
        REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sin), &len) == 0);
        port = ntohs(sin.sin_port);
    }
    ntp::io::UniqueFd fd;
    std::uint16_t port = 0;
};

}  // namespace

TEST_CASE("connect_udp reaches a loopback port and receives its answer") {
    LoopbackPeer peer;
    auto c = connect_udp("127.0.0.1", peer.port);
    REQUIRE(c.ok());
    CHECK(c->numeric);
    CHECK(c->display_name == "127.0.0.1");
    const std::uint8_t ping[] = {1, 2, 3, 4};
    REQUIRE(c->channel->send(ping) == 0);
    std::uint8_t buf[16];
    sockaddr_in from{};
    socklen_t len = sizeof from;
    const auto n = ::recvfrom(peer.fd.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    REQUIRE(n == 4);
    REQUIRE(::sendto(peer.fd.get(), "pong", 4, 0, reinterpret_cast<sockaddr*>(&from), len) == 4);
    auto got = c->channel->receive(std::chrono::milliseconds(2000));
    CHECK(got.what == Channel::Wait::datagram);
    CHECK(got.bytes == std::vector<std::uint8_t>{'p', 'o', 'n', 'g'});
    CHECK(c->channel->receive(std::chrono::milliseconds(0)).what == Channel::Wait::timeout);
}

TEST_CASE("a closed port shows up as a read error, bad names as a Status") {
    std::uint16_t closed;
    {
        LoopbackPeer gone;
        closed = gone.port;
    }
    auto c = connect_udp("[127.0.0.1]", closed, 4);
    REQUIRE(c.ok());
    const std::uint8_t ping[] = {0};
    REQUIRE(c->channel->send(ping) == 0);
    auto got = c->channel->receive(std::chrono::milliseconds(2000));
    CHECK(got.what == Channel::Wait::error);
    CHECK(got.error == ECONNREFUSED);

    auto bad = connect_udp("[::1");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().message() == "bad hostname/address: Invalid argument");
    auto fam = connect_udp("::1", 123, 4);
    CHECK_FALSE(fam.ok());
    CHECK_FALSE(fam.status().message().empty());
}
