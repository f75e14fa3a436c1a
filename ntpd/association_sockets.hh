#pragma once
// One UDP socket per association, bound to a random port chosen by the
// kernel (RFC 9109: an off-path attacker must guess the port as well as
// the origin timestamp). Implements the core's PacketSender; replies that
// arrive on these sockets are handed back through `Deliver`.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "libntp/io/event_loop.hh"
#include "libntp/io/udp_socket.hh"
#include "ntpd/core.hh"

namespace ntpd {

class AssociationSockets final : public PacketSender {
public:
    // Called for each datagram received on an association's socket.
    using Deliver = std::function<void(std::uint16_t assoc_id, const ntp::io::Datagram&)>;
    // For log lines about sockets that cannot be opened.
    using Complain = std::function<void(const std::string&)>;

    AssociationSockets(ntp::io::EventLoop& loop, std::function<timespec()> clock_now,
                       Deliver deliver, Complain complain, int dscp);

    void send(std::uint16_t assoc_id, const ntp::io::Endpoint& to,
              std::span<const std::uint8_t> packet) override;
    void release(std::uint16_t assoc_id) override;

    std::size_t open_sockets() const { return sockets_.size(); }
    ntp::io::SocketCounters totals() const;

private:
    struct Entry {
        ntp::io::UdpSocket socket;
        ntp::io::EventHandle watch;
    };
    void drain(std::uint16_t assoc_id);

    ntp::io::EventLoop& loop_;
    std::function<timespec()> clock_now_;
    Deliver deliver_;
    Complain complain_;
    int dscp_;
    ntp::io::RecvBatch batch_{8, 1024};
    std::map<std::uint16_t, std::unique_ptr<Entry>> sockets_;
    ntp::io::SocketCounters closed_totals_;
};

}  // namespace ntpd
