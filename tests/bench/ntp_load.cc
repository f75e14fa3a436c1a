// ntp_load: a client-request load generator for tests/bench (not a test).
//
//   ntp_load [--count N] [--seconds S] [--window W] [--sockets K] SERVER [PORT]
//
// Keeps up to W requests outstanding per socket over K sockets (different
// source ports, like many clients behind one address), sends at most N
// requests in total and stops after S seconds at the latest. Prints one
// line: "sent=N received=M seconds=T rate=R" (R = replies per second).
// Rate limiting on the server must be off (no `limited`), or the numbers
// measure the limiter.

#include <poll.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>
#include <vector>

#include "libntp/io/udp_socket.hh"
#include "libntp/wire/ntp_packet.hh"
#include "libntp/wire/ntp_time.hh"

using ntp::io::Endpoint;
using ntp::io::IpAddress;

namespace {

double now_s() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

timespec realtime() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts;
}

}  // namespace

int main(int argc, char** argv) {
    long count = 100000;
    double seconds = 10;
    int window = 32;
    int nsockets = 4;
    std::string server;
    int port = 123;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--count" && i + 1 < argc) count = std::atol(argv[++i]);
        else if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
        else if (a == "--window" && i + 1 < argc) window = std::atoi(argv[++i]);
        else if (a == "--sockets" && i + 1 < argc) nsockets = std::atoi(argv[++i]);
        else if (server.empty()) server = a;
        else port = std::atoi(a.c_str());
    }
    auto addr = IpAddress::parse(server);
    if (!addr || window < 1 || nsockets < 1 || count < 1) {
        std::fprintf(stderr, "usage: ntp_load [--count N] [--seconds S] [--window W] [--sockets K] SERVER [PORT]\n");
        return 2;
    }
    Endpoint dest{*addr, static_cast<std::uint16_t>(port)};

    std::vector<ntp::io::UdpSocket> socks;
    try {
        ntp::io::UdpSocket::Options o;
        o.reuse_addr = false;
        o.kernel_timestamps = false;
        for (int i = 0; i < nsockets; ++i) socks.push_back(ntp::io::UdpSocket::bind(Endpoint{IpAddress::any(addr->family), 0}, o));
    } catch (const std::system_error& e) {
        std::fprintf(stderr, "ntp_load: %s\n", e.what());
        return 2;
    }

    // A valid client request; the transmit timestamp follows the clock
    // (NTPsec ignores requests whose transmit time is far from its own).
    std::uint8_t req[48] = {0x23, 0, 6, 0xec};

    std::vector<int> outstanding(socks.size(), 0);
    ntp::io::RecvBatch batch(64, 256);
    ntp::io::SendBatch out(64, 64);
    long sent = 0, received = 0;
    double start = now_s();
    double deadline = start + seconds;
    std::vector<pollfd> fds(socks.size());
    while (now_s() < deadline && (sent < count || received < sent)) {
        std::uint64_t xmt = ntp::wire::NtpTime::from_timespec(realtime()).timestamp().raw();
        for (std::size_t s = 0; s < socks.size(); ++s) {
            while (outstanding[s] < window && sent < count) {
                auto buf = out.next_buffer();
                if (buf.empty()) break;
                // Distinct transmit timestamps: servers may drop duplicates.
                std::uint64_t t = xmt + static_cast<std::uint64_t>(sent);
                for (int i = 0; i < 8; ++i) req[40 + i] = static_cast<std::uint8_t>(t >> (56 - 8 * i));
                std::copy(std::begin(req), std::end(req), buf.begin());
                out.commit(48, dest);
                ++outstanding[s];
                ++sent;
            }
            if (out.size() > 0) socks[s].send(out);
        }
        for (std::size_t s = 0; s < socks.size(); ++s) fds[s] = pollfd{socks[s].fd(), POLLIN, 0};
        // A lost datagram must not stall a socket: after 100 ms of silence
        // its window is considered empty again.
        int ready = poll(fds.data(), fds.size(), 100);
        if (ready <= 0) {
            if (sent >= count) break;
            for (auto& o : outstanding) o = 0;
            continue;
        }
        for (std::size_t s = 0; s < socks.size(); ++s) {
            if (!(fds[s].revents & POLLIN)) continue;
            std::size_t n;
            while ((n = socks[s].receive(batch, realtime)) > 0) {
                received += static_cast<long>(n);
                outstanding[s] = std::max(0, outstanding[s] - static_cast<int>(n));
                if (n < batch.capacity()) break;
            }
        }
    }
    double elapsed = now_s() - start;
    std::printf("sent=%ld received=%ld seconds=%.3f rate=%.0f\n", sent, received, elapsed,
                elapsed > 0 ? received / elapsed : 0.0);
    return 0;
}
