#include "ntpd/broadcast_sockets.hh"

#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ntpd {

using ntp::io::Endpoint;
using ntp::io::IpAddress;

std::vector<std::size_t> broadcast_sources(const std::vector<const PlannedSocket*>& sockets, const IpAddress& to) {
    std::vector<std::size_t> out;
    std::set<std::string> interfaces;
    for (std::size_t i = 0; i < sockets.size(); ++i) {
        const PlannedSocket& s = *sockets[i];
        if (s.role != SocketRole::listen || s.wildcard || s.endpoint.addr.family != to.family) continue;
        if (to.is_multicast()) {
            if (s.loopback || !interfaces.insert(s.name).second) continue;
            out.push_back(i);
        } else if (s.broadcast && *s.broadcast == to) {
            out.push_back(i);
            break;
        }
    }
    return out;
}

BroadcastSender::BroadcastSender(PacketSender& unicast, const InterfaceTracker& interfaces, Complain complain)
    : unicast_(unicast), interfaces_(interfaces), complain_(std::move(complain)) {}

namespace {

void prepare(const ServerSocket& s, const IpAddress& to, int ttl) {
    const int fd = s.socket.fd();
    if (to.is_v4() && !to.is_multicast()) {
        int on = 1;
        (void)setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on);
        return;
    }
    if (to.is_v4()) {
        if (ttl > 0) {
            unsigned char t = static_cast<unsigned char>(std::min(ttl, 255));
            (void)setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &t, sizeof t);
        }
        return;
    }
    int index = static_cast<int>(if_nametoindex(s.plan.name.c_str()));
    if (index > 0) (void)setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index);
    if (ttl > 0) {
        int hops = std::min(ttl, 255);
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
    }
}

}  // namespace

void BroadcastSender::send_broadcast(std::uint16_t assoc_id, const Endpoint& to, int ttl,
                                     std::span<const std::uint8_t> packet) {
    std::vector<const PlannedSocket*> plans;
    std::vector<ServerSocket*> sockets;
    for (const auto& s : interfaces_.sockets()) {
        plans.push_back(&s->plan);
        sockets.push_back(s.get());
    }
    const auto chosen = broadcast_sources(plans, to.addr);
    if (chosen.empty()) {
        ++unreachable_;
        if (complained_.emplace(assoc_id, to.addr.to_string()).second)
            complain_("broadcast " + to.addr.to_string() + ": no interface has this " +
                      (to.addr.is_multicast() ? "multicast group's family" : "broadcast address"));
        return;
    }
    complained_.erase({assoc_id, to.addr.to_string()});
    for (const std::size_t i : chosen) {
        prepare(*sockets[i], to.addr, ttl);
        sockets[i]->socket.send_to(packet, to);
    }
}

std::vector<std::string> join_groups(const InterfaceTracker& interfaces, const ServerSocket& local,
                                     const std::vector<IpAddress>& groups) {
    std::vector<std::string> problems;
    if (local.plan.wildcard || local.plan.loopback || local.plan.role != SocketRole::listen) return problems;
    const IpAddress& addr = local.plan.endpoint.addr;
    const ServerSocket* wildcard = nullptr;
    for (const auto& s : interfaces.sockets())
        if (s->plan.wildcard && s->plan.endpoint.addr.family == addr.family) wildcard = s.get();
    if (!wildcard) return problems;
    for (const auto& g : groups) {
        if (g.family != addr.family) continue;
        int rc = 0;
        if (g.is_v4()) {
            ip_mreq m{};
            std::memcpy(&m.imr_multiaddr, g.bytes.data(), 4);
            std::memcpy(&m.imr_interface, addr.bytes.data(), 4);
            rc = setsockopt(wildcard->socket.fd(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m);
        } else {
            ipv6_mreq m{};
            std::memcpy(&m.ipv6mr_multiaddr, g.bytes.data(), 16);
            m.ipv6mr_interface = if_nametoindex(local.plan.name.c_str());
            rc = setsockopt(wildcard->socket.fd(), IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof m);
        }
        // One group per interface: a second address on it finds it joined.
        if (rc != 0 && errno != EADDRINUSE)
            problems.push_back("multicastclient: cannot join " + g.to_string() + " on " + local.plan.name + ": " +
                               std::strerror(errno));
    }
    return problems;
}

}  // namespace ntpd
