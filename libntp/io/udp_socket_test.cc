#include "libntp/io/udp_socket.hh"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

using ntp::io::Endpoint;
using ntp::io::IpAddress;
using ntp::io::RecvBatch;
using ntp::io::SendBatch;
using ntp::io::UdpSocket;

namespace {

Endpoint loopback(std::uint16_t port = 0) { return Endpoint{*IpAddress::parse("127.0.0.1"), port}; }

timespec fixed_now() {
    timespec ts{};
    ts.tv_sec = 1234567;
    ts.tv_nsec = 89;
    return ts;
}

// Loopback delivery is synchronous on Linux, but poll a little to be safe.
std::size_t receive_some(UdpSocket& s, RecvBatch& batch, std::size_t want) {
    std::size_t got = 0;
    for (int tries = 0; tries < 1000 && got < want; ++tries) {
        got = s.receive(batch, fixed_now);
        if (got >= want) break;
    }
    return got;
}

}  // namespace

TEST_CASE("bind to port 0 reports the real port", "[udp]") {
    auto s = UdpSocket::bind(loopback());
    CHECK(s.valid());
    CHECK(s.local().port != 0);
    CHECK(s.local().addr == loopback().addr);
}

TEST_CASE("datagrams arrive with source, data and a kernel timestamp", "[udp]") {
    auto server = UdpSocket::bind(loopback());
    auto client = UdpSocket::bind(loopback());
    const std::uint8_t payload[5] = {1, 2, 3, 4, 5};
    REQUIRE(client.send_to(payload, server.local()));
    RecvBatch batch(4, 64);
    REQUIRE(receive_some(server, batch, 1) == 1);
    const auto& d = batch[0];
    CHECK(d.source == client.local());
    REQUIRE(d.data.size() == 5);
    CHECK(std::memcmp(d.data.data(), payload, 5) == 0);
    CHECK_FALSE(d.truncated);
    CHECK(d.kernel_timestamp);
    CHECK(d.rx_time.tv_sec > 1000000000);  // a real CLOCK_REALTIME reading
}

TEST_CASE("without kernel timestamps the clock is read instead", "[udp]") {
    UdpSocket::Options opt;
    opt.kernel_timestamps = false;
    auto server = UdpSocket::bind(loopback(), opt);
    auto client = UdpSocket::bind(loopback());
    const std::uint8_t payload[1] = {9};
    REQUIRE(client.send_to(payload, server.local()));
    RecvBatch batch(2, 64);
    REQUIRE(receive_some(server, batch, 1) == 1);
    CHECK_FALSE(batch[0].kernel_timestamp);
    CHECK(batch[0].rx_time.tv_sec == 1234567);
    CHECK(batch[0].rx_time.tv_nsec == 89);
}

TEST_CASE("a batch reads several datagrams and marks oversize ones", "[udp]") {
    auto server = UdpSocket::bind(loopback());
    auto client = UdpSocket::bind(loopback());
    std::vector<std::uint8_t> big(100, 0xab);
    const std::uint8_t small[3] = {7, 7, 7};
    REQUIRE(client.send_to(small, server.local()));
    REQUIRE(client.send_to(big, server.local()));
    REQUIRE(client.send_to(small, server.local()));
    RecvBatch batch(8, 48);
    std::size_t total = 0;
    std::size_t truncated = 0;
    for (int tries = 0; tries < 1000 && total < 3; ++tries) {
        std::size_t n = server.receive(batch, fixed_now);
        for (const auto& d : batch) truncated += d.truncated ? 1 : 0;
        total += n;
    }
    CHECK(total == 3);
    CHECK(truncated == 1);
    CHECK(server.counters().truncated == 1);
}

TEST_CASE("receive on an empty socket returns at once", "[udp]") {
    auto server = UdpSocket::bind(loopback());
    RecvBatch batch;
    CHECK(server.receive(batch, fixed_now) == 0);
    CHECK(batch.size() == 0);
}

TEST_CASE("a send batch delivers every queued datagram", "[udp]") {
    auto server = UdpSocket::bind(loopback());
    auto client = UdpSocket::bind(loopback());
    SendBatch out(4, 32);
    for (std::uint8_t i = 0; i < 4; ++i) {
        auto buf = out.next_buffer();
        REQUIRE(buf.size() == 32);
        buf[0] = i;
        out.commit(1, server.local());
    }
    CHECK(out.full());
    CHECK(out.next_buffer().empty());
    CHECK(client.send(out) == 4);
    CHECK(out.size() == 0);
    RecvBatch in(8, 32);
    std::size_t total = 0;
    std::vector<int> seen;
    for (int tries = 0; tries < 1000 && total < 4; ++tries) {
        total += server.receive(in, fixed_now);
        for (const auto& d : in) seen.push_back(d.data[0]);
    }
    CHECK(seen == std::vector<int>{0, 1, 2, 3});
    CHECK(client.counters().sent == 4);
}

TEST_CASE("SO_REUSEADDR is shared while binding and off after setup", "[udp]") {
    auto first = UdpSocket::bind(loopback());
    Endpoint same = first.local();
    // While reuse is on, a wildcard socket can share the port.
    Endpoint wildcard{IpAddress::any(ntp::io::Family::v4), same.port};
    auto wild = UdpSocket::bind(wildcard);
    CHECK(wild.valid());
    first.finish_setup();
    wild.finish_setup();
    // Now another program trying the same address is refused.
    bool refused = false;
    try {
        auto third = UdpSocket::bind(same);
    } catch (const std::system_error& e) {
        refused = e.code().value() == EADDRINUSE;
    }
    CHECK(refused);
}

TEST_CASE("IPv6 loopback works when the host has it", "[udp]") {
    Endpoint v6{*IpAddress::parse("::1"), 0};
    UdpSocket server;
    try {
        server = UdpSocket::bind(v6);
    } catch (const std::system_error&) {
        WARN("no ::1 here; IPv6 part skipped");
        return;
    }
    auto client = UdpSocket::bind(v6);
    const std::uint8_t payload[2] = {6, 6};
    REQUIRE(client.send_to(payload, server.local()));
    RecvBatch batch(2, 64);
    REQUIRE(receive_some(server, batch, 1) == 1);
    CHECK(batch[0].source.addr.is_v6());
    CHECK(batch[0].source.to_string().rfind("[::1]:", 0) == 0);
}

namespace {
// A socket() that refuses the type flags, as some kernels and interposed C
// libraries do; it records the calls it saw.
int refused_calls = 0;
int refusing_socket(int domain, int type, int protocol) {
    ++refused_calls;
    if ((type & (SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) {
        errno = EINVAL;
        return -1;
    }
    return ::socket(domain, type, protocol);
}
}  // namespace

TEST_CASE("open_socket falls back to fcntl when socket() refuses the type flags", "[udp]") {
    refused_calls = 0;
    auto fd = ntp::io::open_socket(AF_INET, SOCK_DGRAM, true, refusing_socket);
    REQUIRE(fd.valid());
    CHECK(refused_calls == 2);
    CHECK((::fcntl(fd.get(), F_GETFD) & FD_CLOEXEC) != 0);
    CHECK((::fcntl(fd.get(), F_GETFL) & O_NONBLOCK) != 0);

    auto blocking = ntp::io::open_socket(AF_INET, SOCK_DGRAM, false, refusing_socket);
    REQUIRE(blocking.valid());
    CHECK((::fcntl(blocking.get(), F_GETFD) & FD_CLOEXEC) != 0);
    CHECK((::fcntl(blocking.get(), F_GETFL) & O_NONBLOCK) == 0);
}

TEST_CASE("open_socket passes other errors through without a second try", "[udp]") {
    static int calls = 0;
    calls = 0;
    auto out_of_fds = [](int, int, int) {
        ++calls;
        errno = EMFILE;
        return -1;
    };
    auto fd = ntp::io::open_socket(AF_INET, SOCK_DGRAM, true, out_of_fds);
    const int err = errno;
    CHECK_FALSE(fd.valid());
    CHECK(err == EMFILE);
    CHECK(calls == 1);
}
