#pragma once
// Where the client associations send from and how their replies come back.
//
// By default one UDP socket per association, bound to a random port chosen
// by the kernel (RFC 9109: an off-path attacker must guess the port as well
// as the origin timestamp). A datagram arriving on such a socket is handed
// back through `Deliver` only when it comes from the address and port the
// association last sent to; anything else is counted (foreign_dropped) and
// changes nothing. These sockets never answer requests: what arrives on
// them goes to the client core only, never to the server responder.
//
// With `ntpd --source-port=123` (use_shared_sources) the associations send
// from the daemon's own port-123 sockets instead, for firewalls that only
// pass NTP from and to port 123. Replies then arrive on port 123 and go
// through the server responder to the core, which matches them by source
// address and origin timestamp, exactly as for classic ntpd. An association
// for which no port-123 socket fits falls back to a random port (logged).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "libntp/io/event_loop.hh"
#include "libntp/io/udp_socket.hh"
#include "ntpd/core/core.hh"

namespace ntpd {

// One of the daemon's port-123 sockets an association may send from.
struct SharedSource {
    ntp::io::UdpSocket* socket = nullptr;  // owned by the daemon; outlives the sender
    ntp::io::Endpoint local;               // its bound address (not a wildcard)
};

// Pure choice of the socket to reach `to` from: the one bound to the address
// the kernel routes from (`route_source`, when known), else one on the same
// side of loopback as `to`, else any of the family. nullopt when the family
// has none.
std::optional<std::size_t> choose_shared_source(std::span<const SharedSource> sources,
                                                const ntp::io::Endpoint& to,
                                                const std::optional<ntp::io::IpAddress>& route_source);

// The local address the kernel would send from to reach `to` (a connected
// UDP socket that never sends), or nullopt.
std::optional<ntp::io::IpAddress> route_source_for(const ntp::io::Endpoint& to);

class AssociationSockets final : public PacketSender {
public:
    // Called for each datagram received on an association's socket.
    using Deliver = std::function<void(std::uint16_t assoc_id, const ntp::io::Datagram&)>;
    // For log lines about sockets that cannot be opened.
    using Complain = std::function<void(const std::string&)>;

    AssociationSockets(ntp::io::EventLoop& loop, std::function<timespec()> clock_now,
                       Deliver deliver, Complain complain, int dscp);

    // --source-port=123: send from these sockets from now on.
    void use_shared_sources(std::vector<SharedSource> sources);

    void send(std::uint16_t assoc_id, const ntp::io::Endpoint& to,
              std::span<const std::uint8_t> packet) override;
    void release(std::uint16_t assoc_id) override;

    std::size_t open_sockets() const { return sockets_.size(); }
    // The random source port of an association's socket, 0 when it has none.
    std::uint16_t local_port(std::uint16_t assoc_id) const;
    ntp::io::SocketCounters totals() const;
    // Datagrams that reached an association's socket from anyone but its server.
    std::uint64_t foreign_dropped() const { return foreign_dropped_; }

private:
    struct Entry {
        ntp::io::UdpSocket socket;
        ntp::io::EventHandle watch;
        ntp::io::Endpoint server;  // where the association last sent
    };
    struct SharedChoice {
        ntp::io::Endpoint to;
        std::optional<std::size_t> source;
    };
    void drain(std::uint16_t assoc_id);
    void send_random_port(std::uint16_t assoc_id, const ntp::io::Endpoint& to,
                          std::span<const std::uint8_t> packet);

    ntp::io::EventLoop& loop_;
    std::function<timespec()> clock_now_;
    Deliver deliver_;
    Complain complain_;
    int dscp_;
    ntp::io::RecvBatch batch_{8, 1024};
    std::map<std::uint16_t, std::unique_ptr<Entry>> sockets_;
    std::vector<SharedSource> shared_;
    std::map<std::uint16_t, SharedChoice> shared_choice_;
    ntp::io::SocketCounters closed_totals_;
    std::uint64_t foreign_dropped_ = 0;
};

}  // namespace ntpd
