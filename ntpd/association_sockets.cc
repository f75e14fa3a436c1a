#include "ntpd/association_sockets.hh"

#include <system_error>

namespace ntpd {

using ntp::io::Endpoint;
using ntp::io::IpAddress;
using ntp::io::UdpSocket;

AssociationSockets::AssociationSockets(ntp::io::EventLoop& loop, std::function<timespec()> clock_now,
                                       Deliver deliver, Complain complain, int dscp)
    : loop_(loop),
      clock_now_(std::move(clock_now)),
      deliver_(std::move(deliver)),
      complain_(std::move(complain)),
      dscp_(dscp) {}

void AssociationSockets::send(std::uint16_t assoc_id, const Endpoint& to,
                              std::span<const std::uint8_t> packet) {
    auto it = sockets_.find(assoc_id);
    if (it == sockets_.end() || it->second->socket.local().addr.family != to.addr.family) {
        if (it != sockets_.end()) release(assoc_id);  // address family changed (re-resolved)
        UdpSocket::Options opt;
        opt.reuse_addr = false;
        opt.dscp = dscp_;
        auto entry = std::make_unique<Entry>();
        try {
            entry->socket = UdpSocket::bind(Endpoint{IpAddress::any(to.addr.family), 0}, opt);
        } catch (const std::system_error& e) {
            complain_(std::string("cannot open a socket for ") + to.to_string() + ": " +
                      e.code().message());
            return;
        }
        entry->watch = loop_.on_readable(entry->socket.fd(), [this, assoc_id] { drain(assoc_id); });
        it = sockets_.emplace(assoc_id, std::move(entry)).first;
    }
    it->second->socket.send_to(packet, to);
}

void AssociationSockets::release(std::uint16_t assoc_id) {
    auto it = sockets_.find(assoc_id);
    if (it == sockets_.end()) return;
    const auto& c = it->second->socket.counters();
    closed_totals_.received += c.received;
    closed_totals_.sent += c.sent;
    closed_totals_.send_failed += c.send_failed;
    sockets_.erase(it);
}

void AssociationSockets::drain(std::uint16_t assoc_id) {
    // The association may be released by what deliver_() does: look it up
    // again after every datagram.
    for (int round = 0; round < 4; ++round) {
        auto it = sockets_.find(assoc_id);
        if (it == sockets_.end()) return;
        std::size_t n = it->second->socket.receive(batch_, clock_now_);
        for (std::size_t i = 0; i < n; ++i) {
            deliver_(assoc_id, batch_[i]);
            if (sockets_.find(assoc_id) == sockets_.end()) return;
        }
        if (n < batch_.capacity()) return;
    }
}

ntp::io::SocketCounters AssociationSockets::totals() const {
    ntp::io::SocketCounters t = closed_totals_;
    for (const auto& [id, e] : sockets_) {
        t.received += e->socket.counters().received;
        t.sent += e->socket.counters().sent;
        t.send_failed += e->socket.counters().send_failed;
    }
    return t;
}

}  // namespace ntpd
