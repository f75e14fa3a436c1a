#include "ntpd/association_sockets.hh"

#include <sys/socket.h>

#include <system_error>

#include "libntp/io/udp_socket.hh"
#include "libntp/io/unique_fd.hh"

namespace ntpd {

using ntp::io::Endpoint;
using ntp::io::IpAddress;
using ntp::io::UdpSocket;

std::optional<std::size_t> choose_shared_source(std::span<const SharedSource> sources,
                                                const Endpoint& to,
                                                const std::optional<IpAddress>& route_source) {
    std::optional<std::size_t> same_side;
    std::optional<std::size_t> any;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const IpAddress& local = sources[i].local.addr;
        if (local.family != to.addr.family || sources[i].socket == nullptr) continue;
        if (route_source && local == *route_source) return i;
        if (!same_side && local.is_loopback() == to.addr.is_loopback()) same_side = i;
        if (!any) any = i;
    }
    return same_side ? same_side : any;
}

std::optional<IpAddress> route_source_for(const Endpoint& to) {
    const int domain = to.addr.is_v6() ? AF_INET6 : AF_INET;
    ntp::io::UniqueFd fd = ntp::io::open_socket(domain, SOCK_DGRAM, false);
    if (!fd) return std::nullopt;
    sockaddr_storage ss{};
    socklen_t len = to.to_sockaddr(ss);
    // connect() on UDP only looks up the route; nothing is sent.
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&ss), len) != 0) return std::nullopt;
    sockaddr_storage local{};
    socklen_t local_len = sizeof local;
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &local_len) != 0) {
        return std::nullopt;
    }
    auto ep = Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&local), local_len);
    if (!ep) return std::nullopt;
    return ep->addr;
}

AssociationSockets::AssociationSockets(ntp::io::EventLoop& loop, std::function<timespec()> clock_now,
                                       Deliver deliver, Complain complain, int dscp)
    : loop_(loop),
      clock_now_(std::move(clock_now)),
      deliver_(std::move(deliver)),
      complain_(std::move(complain)),
      dscp_(dscp) {}

void AssociationSockets::use_shared_sources(std::vector<SharedSource> sources) {
    shared_ = std::move(sources);
    shared_choice_.clear();
}

void AssociationSockets::send(std::uint16_t assoc_id, const Endpoint& to,
                              std::span<const std::uint8_t> packet) {
    if (!shared_.empty()) {
        auto it = shared_choice_.find(assoc_id);
        if (it == shared_choice_.end() || !(it->second.to == to)) {
            // Chosen once per server address, not per packet: the route
            // lookup costs three system calls.
            auto source = choose_shared_source(shared_, to, route_source_for(to));
            if (!source) {
                complain_("no port 123 socket can reach " + to.to_string() +
                          ": polling it from a random port");
            } else if (sockets_.count(assoc_id) != 0) {
                release(assoc_id);  // it had fallen back before
            }
            it = shared_choice_.insert_or_assign(assoc_id, SharedChoice{to, source}).first;
        }
        if (it->second.source) {
            shared_[*it->second.source].socket->send_to(packet, to);
            return;
        }
    }
    send_random_port(assoc_id, to, packet);
}

void AssociationSockets::send_random_port(std::uint16_t assoc_id, const Endpoint& to,
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
    it->second->server = to;
    it->second->socket.send_to(packet, to);
}

void AssociationSockets::release(std::uint16_t assoc_id) {
    shared_choice_.erase(assoc_id);
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
        const Endpoint server = it->second->server;
        for (std::size_t i = 0; i < n; ++i) {
            const Endpoint& from = batch_[i].source;
            // Only the server we polled may talk to this port: a stranger
            // who found it (or another association's server) gets nothing
            // and changes nothing; the port is not a second server socket.
            if (!(from.addr == server.addr) || from.port != server.port) {
                ++foreign_dropped_;
                continue;
            }
            deliver_(assoc_id, batch_[i]);
            if (sockets_.find(assoc_id) == sockets_.end()) return;
        }
        if (n < batch_.capacity()) return;
    }
}

std::uint16_t AssociationSockets::local_port(std::uint16_t assoc_id) const {
    auto it = sockets_.find(assoc_id);
    return it == sockets_.end() ? 0 : it->second->socket.local().port;
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
