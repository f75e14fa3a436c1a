#include "ntpd/interface_tracker.hh"

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "ntpd/interface_changes.hh"

namespace ntpd {

using ntp::util::Severity;

InterfaceTracker::InterfaceTracker(ntp::io::EventLoop& loop,
                                   const std::vector<ntp::config::InterfaceRule>& rules,
                                   InterfaceOptions options, ntp::io::UdpSocket::Options socket_options,
                                   Hooks hooks)
    : loop_(loop),
      rules_(rules),
      options_(std::move(options)),
      socket_options_(socket_options),
      hooks_(std::move(hooks)) {
    if (!hooks_.addresses) hooks_.addresses = [] { return local_addresses(); };
}

bool InterfaceTracker::open_initial() {
    for (const auto& p : plan_sockets(hooks_.addresses(), rules_, options_)) {
        int error = 0;
        // Only "in use" is fatal: a family the host (or a network
        // simulator) cannot do is skipped, as classic does not try IPv6
        // where it does not work.
        if (open_one(p, true, &error) || !p.wildcard || error != EADDRINUSE) continue;
        log(Severity::error, "unable to bind to wildcard address " + p.endpoint.addr.to_string() +
                                 " - another process may be running - EXITING");
        return false;
    }
    set_reuse_addr(false);
    return true;
}

void InterfaceTracker::start_tracking(int update_interval_s) {
    if (update_interval_s <= 0) return;
    std::string error;
    watch_ = ntp::io::RtnetlinkWatch::open(error);
    if (watch_) {
        watch_handle_ = loop_.on_readable(watch_->fd(), [this] { on_notification(); });
        log(Severity::info, "Listening on routing socket on fd #" + std::to_string(watch_->fd()) +
                                " for interface updates");
    } else {
        log(Severity::info, "no routing socket (" + error + "): interfaces rescanned every " +
                                std::to_string(update_interval_s) + " s only");
    }
    rescan_timer_ = loop_.every(std::chrono::seconds(update_interval_s), [this] { rescan(); });
    // An address that came between the start-up scan and the subscription.
    rescan();
}

void InterfaceTracker::on_notification() {
    // Every address or link event may change the plan (classic rescans on
    // any of them too); one rescan covers everything read in this wake-up.
    if (!watch_->read_pending().empty()) rescan();
}

bool InterfaceTracker::rescan() {
    const auto planned = plan_sockets(hooks_.addresses(), rules_, options_);
    std::vector<PlannedSocket> current;
    current.reserve(sockets_.size());
    for (const auto& s : sockets_) current.push_back(s->plan);
    const SocketChanges c = diff_sockets(current, planned);
    // Forget the bind errors of addresses that are gone, so a return is logged.
    std::erase_if(failed_, [&](const std::string& key) {
        return std::none_of(planned.begin(), planned.end(),
                            [&](const PlannedSocket& p) { return p.endpoint.to_string() == key; });
    });
    if (c.empty()) return false;

    for (const auto& [i, role] : c.set_role) sockets_[i]->plan.role = role;
    std::vector<std::size_t> close = c.close;
    std::sort(close.rbegin(), close.rend());  // erase from the back: indexes stay valid
    for (std::size_t i : close) close_at(i);
    bool opened = false;
    if (!c.open.empty()) {
        set_reuse_addr(true);  // binding next to the wildcard needs it on both sides
        for (const auto& p : c.open) opened |= open_one(p, false);
        set_reuse_addr(false);
    }
    if (opened || !close.empty() || !c.set_role.empty()) {
        if (hooks_.changed) hooks_.changed();
        return true;
    }
    return false;
}

bool InterfaceTracker::open_one(const PlannedSocket& p, bool at_start, int* error) {
    auto s = std::make_unique<ServerSocket>();
    s->plan = p;
    try {
        s->socket = ntp::io::UdpSocket::bind(p.endpoint, socket_options_);
    } catch (const std::system_error& e) {
        if (error) *error = e.code().value();
        const std::string key = p.endpoint.to_string();
        // A new IPv6 address is not bindable until duplicate address
        // detection ends; the notification that it did brings a rescan.
        if (!at_start && e.code().value() == EADDRNOTAVAIL) {
            log(Severity::debug, "bind(" + key + ") on " + p.name + ": not usable yet");
            return false;
        }
        if (!at_start && !failed_.insert(key).second) return false;
        log(Severity::error, "bind(" + key + ") on " + p.name + " failed: " + e.code().message());
        log(Severity::error, "unable to create socket on " + p.name + " for " + key);
        return false;
    }
    s->index = next_index_++;
    s->opened_at_s = hooks_.monotonic_s ? hooks_.monotonic_s() : 0;
    failed_.erase(p.endpoint.to_string());
    log(Severity::info, listen_message(s->index, p));
    ServerSocket* raw = s.get();
    s->watch = loop_.on_readable(s->socket.fd(), [this, raw] { hooks_.readable(*raw); });
    sockets_.push_back(std::move(s));
    if (hooks_.opened) hooks_.opened(*raw);
    return true;
}

void InterfaceTracker::close_at(std::size_t i) {
    ServerSocket& s = *sockets_[i];
    if (hooks_.closing) hooks_.closing(s);
    const auto& k = s.socket.counters();
    ClosedSocketStats stats;
    stats.received = k.received;
    stats.sent = k.sent;
    stats.dropped = k.send_failed;
    const double now = hooks_.monotonic_s ? hooks_.monotonic_s() : 0;
    stats.active_s = static_cast<std::uint64_t>(std::max(0.0, now - s.opened_at_s));
    log(Severity::info, deleting_message(s.index, s.plan, stats));
    closed_totals_.received += k.received;
    closed_totals_.sent += k.sent;
    closed_totals_.send_failed += k.send_failed;
    closed_ignored_ += s.ignored;
    sockets_.erase(sockets_.begin() + static_cast<std::ptrdiff_t>(i));
}

void InterfaceTracker::set_reuse_addr(bool on) {
    for (auto& s : sockets_) s->socket.set_reuse_addr(on);
}

}  // namespace ntpd
