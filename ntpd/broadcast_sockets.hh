#pragma once
// Where `broadcast` associations send from (the socket side of broadcast
// mode; the packets come from the core, ntpd/core/broadcast.hh).
//
// A broadcast goes out from the daemon's own port-123 sockets, as classic's
// does: to a subnet broadcast address from the socket of the address whose
// subnet it is (SO_BROADCAST set on it), to a multicast group from one
// socket per interface of that family, loopback left out
// (IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS from the association's TTL). A
// broadcast no interface reaches is counted and logged once per association
// and address; everything else the associations send goes through the
// unicast sender (AssociationSockets) unchanged.
//
// broadcast_sources() is the pure choice; BroadcastSender does the sending.

#include <cstdint>
#include <functional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ntpd/core/core.hh"
#include "ntpd/interface_tracker.hh"
#include "ntpd/interfaces.hh"

namespace ntpd {

// Indexes into `sockets` of those to send a broadcast to `to` from.
std::vector<std::size_t> broadcast_sources(const std::vector<const PlannedSocket*>& sockets,
                                           const ntp::io::IpAddress& to);

class BroadcastSender final : public PacketSender {
public:
    using Complain = std::function<void(const std::string&)>;
    BroadcastSender(PacketSender& unicast, const InterfaceTracker& interfaces, Complain complain);

    void send(std::uint16_t assoc_id, const ntp::io::Endpoint& to, std::span<const std::uint8_t> packet) override {
        unicast_.send(assoc_id, to, packet);
    }
    void release(std::uint16_t assoc_id) override { unicast_.release(assoc_id); }
    void send_broadcast(std::uint16_t assoc_id, const ntp::io::Endpoint& to, int ttl,
                        std::span<const std::uint8_t> packet) override;

    std::uint64_t unreachable() const { return unreachable_; }

private:
    PacketSender& unicast_;
    const InterfaceTracker& interfaces_;
    Complain complain_;
    std::set<std::pair<std::uint16_t, std::string>> complained_;
    std::uint64_t unreachable_ = 0;
};

// multicastclient: joins `groups` on the wildcard socket of their family for
// the interface of `local` (a listen socket just opened; loopback and
// wildcards skipped). Returns a log line per failure.
std::vector<std::string> join_groups(const InterfaceTracker& interfaces, const ServerSocket& local,
                                     const std::vector<ntp::io::IpAddress>& groups);

}  // namespace ntpd
