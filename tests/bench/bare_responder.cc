// bare_responder: the cheapest possible stateless NTP responder, a baseline
// for tests/bench (not a server to use: no restrict, no rate limit, no
// checks beyond the length, time taken once per batch).
//
//   bare_responder PORT [ADDRESS]      (default address 127.0.0.1)
//
// Reads datagrams in batches, answers each 48-octet-or-longer one with a
// 48-octet mode 4 reply (version echoed, origin = request transmit), writes
// the replies in batches. Runs until killed.

#include <poll.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "libntp/io/udp_socket.hh"
#include "libntp/wire/ntp_packet.hh"
#include "libntp/wire/ntp_time.hh"

namespace wire = ntp::wire;
using ntp::io::Endpoint;
using ntp::io::IpAddress;

namespace {
timespec realtime() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts;
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bare_responder PORT [ADDRESS]\n");
        return 2;
    }
    auto addr = IpAddress::parse(argc > 2 ? argv[2] : "127.0.0.1");
    if (!addr) return 2;
    ntp::io::UdpSocket sock;
    try {
        sock = ntp::io::UdpSocket::bind(Endpoint{*addr, static_cast<std::uint16_t>(std::atoi(argv[1]))});
    } catch (const std::system_error& e) {
        std::fprintf(stderr, "bare_responder: %s\n", e.what());
        return 1;
    }
    ntp::io::RecvBatch in(64, 1024);
    ntp::io::SendBatch out(64, 64);
    for (;;) {
        pollfd p{sock.fd(), POLLIN, 0};
        if (poll(&p, 1, -1) <= 0) continue;
        std::size_t n;
        while ((n = sock.receive(in, realtime)) > 0) {
            wire::NtpTimestamp rx = wire::NtpTime::from_timespec(in[0].rx_time).timestamp();
            wire::NtpTimestamp tx = wire::NtpTime::from_timespec(realtime()).timestamp();
            for (const auto& d : in) {
                if (d.data.size() < 48) continue;
                auto buf = out.next_buffer();
                std::memset(buf.data(), 0, 48);
                buf[0] = static_cast<std::uint8_t>(0xc0 | (d.data[0] & 0x38) | 4);
                buf[2] = d.data[2];
                buf[3] = static_cast<std::uint8_t>(-20);
                std::memcpy(buf.data() + 12, "INIT", 4);
                std::memcpy(buf.data() + 24, d.data.data() + 40, 8);
                for (int i = 0; i < 8; ++i) {
                    buf[32 + i] = static_cast<std::uint8_t>(rx.raw() >> (56 - 8 * i));
                    buf[40 + i] = static_cast<std::uint8_t>(tx.raw() >> (56 - 8 * i));
                }
                out.commit(48, d.source);
            }
            sock.send(out);
            if (n < in.capacity()) break;
        }
    }
}
