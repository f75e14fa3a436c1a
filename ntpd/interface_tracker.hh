#pragma once
// The daemon's port-123 sockets, kept in step with the host's addresses.
//
// open_initial() binds what plan_sockets() asks for at start-up. From
// start_tracking() on, an rtnetlink socket in the event loop reports
// addresses and links as they come and go; each report is followed at once by
// a rescan (getifaddrs), so a new address is bound and logged as classic
// ntpd logs it ("Listen normally on 4 veth0 10.93.0.1:123") well within a
// second, and a vanished one is closed ("Deleting interface #4 veth0, ...").
// A periodic rescan every `-U` seconds (default 300) catches whatever the
// notifications missed, or stands in for them where the socket cannot be
// opened (a network simulator). -U 0 turns all of it off, as in classic.
//
// Sockets are numbered in the order they were opened and numbers are never
// reused. The daemon hears about every change through Hooks, to update the
// restriction list's local addresses and the sources its associations send
// from; what the associations send from is never closed under them except
// through those hooks.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "libntp/config/ntp_config.hh"
#include "libntp/io/event_loop.hh"
#include "libntp/io/rtnetlink.hh"
#include "libntp/io/udp_socket.hh"
#include "libntp/util/log.hh"
#include "ntpd/interfaces.hh"

namespace ntpd {

struct ServerSocket {
    PlannedSocket plan;
    std::size_t index = 0;       // classic's interface number
    double opened_at_s = 0;      // monotonic
    ntp::io::UdpSocket socket;
    ntp::io::EventHandle watch;
    std::uint64_t ignored = 0;   // arrived on a drop socket
};

class InterfaceTracker {
public:
    struct Hooks {
        std::function<void(ServerSocket&)> readable;        // drain it
        std::function<void(const ServerSocket&)> opened;    // after bind
        std::function<void(const ServerSocket&)> closing;   // before close
        std::function<void()> changed;                      // after a rescan changed anything
        std::function<void(ntp::util::Severity, const std::string&)> log;
        std::function<double()> monotonic_s;
        // The host's addresses (local_addresses() unless a test says otherwise).
        std::function<std::vector<LocalAddress>()> addresses;
    };

    // `rules` is read on every rescan (it may grow at runtime).
    InterfaceTracker(ntp::io::EventLoop& loop, const std::vector<ntp::config::InterfaceRule>& rules,
                     InterfaceOptions options, ntp::io::UdpSocket::Options socket_options, Hooks hooks);

    // Binds the start-up plan; failures are logged and skipped, except a
    // wildcard socket whose port is in use (another ntpd holds it):
    // classic's "unable to bind to wildcard address ... - EXITING" line is
    // logged and false returned, for the daemon to exit 1 as classic does.
    bool open_initial();
    // Notifications and the periodic rescan; nothing with interval 0.
    void start_tracking(int update_interval_s);
    // Rescan now and apply the difference. Returns true when anything changed.
    bool rescan();

    const std::vector<std::unique_ptr<ServerSocket>>& sockets() const { return sockets_; }
    // Counters of the sockets already closed (for the io totals).
    const ntp::io::SocketCounters& closed_totals() const { return closed_totals_; }
    std::uint64_t closed_ignored() const { return closed_ignored_; }
    bool notifications_active() const { return watch_.has_value(); }

private:
    // false on a bind failure, with its errno in *error when given.
    bool open_one(const PlannedSocket& p, bool at_start, int* error = nullptr);
    void close_at(std::size_t i);
    void on_notification();
    void set_reuse_addr(bool on);
    void log(ntp::util::Severity s, const std::string& m) const { hooks_.log(s, m); }

    ntp::io::EventLoop& loop_;
    const std::vector<ntp::config::InterfaceRule>& rules_;
    InterfaceOptions options_;
    ntp::io::UdpSocket::Options socket_options_;
    Hooks hooks_;
    std::vector<std::unique_ptr<ServerSocket>> sockets_;
    std::size_t next_index_ = 0;
    std::set<std::string> failed_;  // bind errors already logged, by endpoint
    std::optional<ntp::io::RtnetlinkWatch> watch_;
    ntp::io::EventHandle watch_handle_;
    ntp::io::EventHandle rescan_timer_;
    ntp::io::SocketCounters closed_totals_;
    std::uint64_t closed_ignored_ = 0;
};

}  // namespace ntpd
