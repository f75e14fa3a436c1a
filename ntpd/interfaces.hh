#pragma once
// Which local addresses ntpd opens port 123 on (ntp.conf.md §10, ntpd -I/-L/-4/-6).
//
// Classic behaviour reproduced:
//   * a wildcard socket per family is opened and drops what it gets
//     ("Listen and drop on 0 v6wildcard [::]:123");
//   * every local address is opened and served ("Listen normally on 2 lo
//     127.0.0.1:123") unless a rule says otherwise;
//   * `interface listen|ignore|drop all|ipv4|ipv6|wildcard|NAME|ADDR[/LEN]`
//     rules are evaluated for each address, the last matching rule wins;
//     `all` leaves loopback out; with any rule, an address no rule matches
//     is ignored unless it is loopback (listened on) or a wildcard (dropped);
//   * `-I name|address` (repeatable) listens on those only (the rest is
//     ignored); `-L` skips alias interfaces ("eth0:1"); rules together with
//     -I/-L are refused at start-up (the caller reports it, exit 1).
//
// plan_sockets() is pure; local_addresses() reads the host (getifaddrs).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libntp/config/ntp_config.hh"
#include "libntp/io/endpoint.hh"

namespace ntpd {

struct LocalAddress {
    std::string interface;        // "lo", "eth0", "eth0:1"
    ntp::io::IpAddress address;
    unsigned prefix_len = 0;
    std::uint32_t scope_id = 0;   // IPv6 link-local: interface index
    bool up = true;
    bool loopback = false;
    std::optional<ntp::io::IpAddress> broadcast;  // IPv4 with IFF_BROADCAST: the subnet broadcast address
};

// The host's addresses in getifaddrs() order (IPv4 before IPv6 on Linux).
std::vector<LocalAddress> local_addresses();

enum class SocketRole { listen, drop };

struct PlannedSocket {
    std::string name;             // interface name, or "v4wildcard" / "v6wildcard"
    ntp::io::Endpoint endpoint;   // port 123 (or the configured port)
    SocketRole role = SocketRole::listen;
    bool wildcard = false;
    bool loopback = false;        // IFF_LOOPBACK: outside `all`, listened on by default
    std::optional<ntp::io::IpAddress> broadcast;  // of the address's subnet (`broadcast` sends from here)
};

struct InterfaceOptions {
    std::vector<std::string> only;  // -I: names or addresses
    bool novirtualips = false;      // -L
    bool ipv4_only = false;         // -4
    bool ipv6_only = false;         // -6
    std::uint16_t port = 123;
};

// Wildcards first (v6, then v4, as classic numbers them), then the
// addresses in the order given. Ignored addresses are left out.
std::vector<PlannedSocket> plan_sockets(const std::vector<LocalAddress>& addresses,
                                        const std::vector<ntp::config::InterfaceRule>& rules,
                                        const InterfaceOptions& options);

// "Listen normally on 2 lo 127.0.0.1:123" / "Listen and drop on 0 v6wildcard [::]:123";
// link-local IPv6 addresses show their scope: "[fe80::1%2]:123".
std::string listen_message(std::size_t index, const PlannedSocket& socket);

}  // namespace ntpd
