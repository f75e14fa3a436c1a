#include "libntp/oneshot/exchange.hh"

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <vector>

#include "libntp/clock/precision.hh"
#include "libntp/io/udp_socket.hh"

namespace ntp::oneshot {

namespace wire = ntp::wire;
namespace io = ntp::io;

namespace {

double steady_now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Builds and sends one request; returns the transmit timestamp used.
wire::NtpTimestamp send_request(const ExchangeConfig& c, const io::Endpoint& to, SocketSet& sockets,
                                ntp::clock::Clock& clock, int precision_log2) {
    wire::NtpTime now = wire::NtpTime::from_timespec(clock.now());
    wire::NtpTimestamp xmt = wire::with_random_low_bits(now.timestamp(), precision_log2,
                                                        ntp::auth::random_u32().value_or(0));
    if (c.auth != nullptr) {
        xmt = wire::NtpTimestamp::from_raw(xmt.raw() + static_cast<std::uint64_t>(c.auth_delay));
    }
    std::uint8_t buffer[wire::header_size + wire::max_mac_size];
    wire::PacketWriter w(buffer);
    w.header(c.request(xmt));
    if (c.auth != nullptr) {
        std::uint8_t digest[wire::max_digest_size];
        std::size_t n = c.auth->keys.sign(c.auth->macs, c.auth->key_id, w.authenticated(), digest);
        w.mac(c.auth->key_id, std::span<const std::uint8_t>(digest, n));
    }
    auto packet = w.finish();
    io::UdpSocket* socket = sockets.for_family(to.addr.family);
    if (!packet || socket == nullptr) {
        c.log_error("cannot find family compatible socket to send ntp packet");
        return xmt;
    }
    if (!socket->send_to(*packet, to)) {
        int err = errno;
        if (err != EWOULDBLOCK && err != ENOBUFS) {
            c.log_error("sendto(" + to.addr.to_string() + "): " + std::strerror(err));
        }
    }
    return xmt;
}

void send_due(const ExchangeConfig& c, Poller& poller, SocketSet& sockets, ntp::clock::Clock& clock,
              int precision_log2) {
    double now_s = steady_now_s();
    for (std::size_t i : poller.due(now_s)) {
        wire::NtpTimestamp xmt =
            send_request(c, poller.servers()[i].address, sockets, clock, precision_log2);
        poller.transmitted(i, xmt, now_s);
    }
}

// Reads what is waiting on `socket`; true when the caller asked to stop.
bool drain(const ExchangeConfig& c, Poller& poller, io::UdpSocket& socket, io::RecvBatch& batch,
           ntp::clock::Clock& clock) {
    while (socket.receive(batch, [&clock] { return clock.now(); }) > 0) {
        for (const io::Datagram& d : batch) {
            if (d.truncated) continue;
            wire::NtpTimestamp rx = wire::NtpTime::from_timespec(d.rx_time).timestamp();
            poller.receive(d.source, d.data, rx, steady_now_s());
            if (c.stop_after_receive && c.stop_after_receive(rx)) return true;
        }
    }
    return false;
}

}  // namespace

bool verify_reply(Auth& auth, std::span<const std::uint8_t> packet) {
    wire::DecodeResult d = wire::decode_packet(packet);
    if (!d.packet || !d.packet->mac || d.packet->mac->is_crypto_nak()) return false;
    if (d.packet->mac->key_id != auth.key_id) return false;
    return auth.keys.check(auth.macs, auth.key_id, d.packet->authenticated,
                           d.packet->mac->digest) == ntp::auth::AuthStatus::ok;
}

void exchange(const ExchangeConfig& c, Poller& poller, SocketSet& sockets,
              ntp::clock::Clock& clock) {
    const int precision_log2 = ntp::clock::precision_log2(clock.precision_s());
    io::RecvBatch batch(8);
    std::vector<io::UdpSocket*> open;
    for (io::UdpSocket* s :
         {sockets.for_family(io::Family::v4), sockets.for_family(io::Family::v6)}) {
        if (s != nullptr) open.push_back(s);
    }
    for (;;) {
        send_due(c, poller, sockets, clock, precision_log2);
        if (poller.finished()) return;
        double wait_s = poller.next_event_s().value_or(0) - steady_now_s();
        int timeout_ms = wait_s <= 0 ? 0 : static_cast<int>(std::ceil(wait_s * 1000));
        std::vector<pollfd> fds;
        for (io::UdpSocket* s : open) fds.push_back(pollfd{s->fd(), POLLIN, 0});
        int n = ::poll(fds.data(), fds.size(), timeout_ms);
        if (n < 0 && errno != EINTR)
            c.log_error(std::string("poll() error: ") + std::strerror(errno));
        if (n <= 0) continue;
        for (std::size_t k = 0; k < fds.size(); ++k) {
            if ((fds[k].revents & POLLIN) == 0) continue;
            if (drain(c, poller, *open[k], batch, clock)) return;
        }
    }
}

}  // namespace ntp::oneshot
