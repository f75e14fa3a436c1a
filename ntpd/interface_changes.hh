#pragma once
// What a rescan of the host's addresses changes in the daemon's port-123
// sockets: which to open, which to close, which to switch between serving
// and dropping. Pure: the shell (ntpd/interface_tracker) does the binding.
//
// A socket is the same socket across scans while its interface name, address
// (with IPv6 scope) and port stay the same; the `interface listen|ignore|drop`
// and `nic` rules and -I/-L/-4/-6 are applied afresh on every scan, so an
// address that appears later obeys them as one present at start-up does.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ntpd/interfaces.hh"

namespace ntpd {

struct SocketChanges {
    std::vector<std::size_t> close;                          // indexes into `current`
    std::vector<std::pair<std::size_t, SocketRole>> set_role;  // index into `current`, new role
    std::vector<PlannedSocket> open;                         // in plan order

    bool empty() const { return close.empty() && set_role.empty() && open.empty(); }
};

// `current`: the sockets bound now; `planned`: plan_sockets() of this scan.
SocketChanges diff_sockets(std::span<const PlannedSocket> current,
                           std::span<const PlannedSocket> planned);

// Whether two planned sockets are the same socket (see above).
bool same_socket(const PlannedSocket& a, const PlannedSocket& b);

// Counters of a socket being closed, for its log line.
struct ClosedSocketStats {
    std::uint64_t received = 0;
    std::uint64_t sent = 0;
    std::uint64_t dropped = 0;  // sends that failed
    std::uint64_t active_s = 0;
};

// "Deleting interface #4 eth0, 192.0.2.5#123, interface stats: received=3,
// sent=3, dropped=0, active_time=12 secs"; IPv6 link-local addresses show
// their scope ("fe80::1%2#123").
std::string deleting_message(std::size_t index, const PlannedSocket& socket,
                             const ClosedSocketStats& stats);

}  // namespace ntpd
