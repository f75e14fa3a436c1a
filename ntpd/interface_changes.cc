#include "ntpd/interface_changes.hh"

namespace ntpd {

bool same_socket(const PlannedSocket& a, const PlannedSocket& b) {
    return a.wildcard == b.wildcard && a.name == b.name && a.endpoint == b.endpoint;
}

SocketChanges diff_sockets(std::span<const PlannedSocket> current,
                           std::span<const PlannedSocket> planned) {
    SocketChanges out;
    std::vector<bool> kept(current.size(), false);
    for (const auto& p : planned) {
        bool found = false;
        for (std::size_t i = 0; i < current.size(); ++i) {
            if (kept[i] || !same_socket(current[i], p)) continue;
            kept[i] = true;
            found = true;
            if (current[i].role != p.role) out.set_role.emplace_back(i, p.role);
            break;
        }
        if (!found) out.open.push_back(p);
    }
    for (std::size_t i = 0; i < current.size(); ++i) {
        if (!kept[i]) out.close.push_back(i);
    }
    return out;
}

std::string deleting_message(std::size_t index, const PlannedSocket& socket,
                             const ClosedSocketStats& stats) {
    const auto& e = socket.endpoint;
    std::string where = e.addr.to_string();
    if (e.addr.is_v6() && e.scope_id != 0) where += "%" + std::to_string(e.scope_id);
    return "Deleting interface #" + std::to_string(index) + " " + socket.name + ", " + where + "#" +
           std::to_string(e.port) + ", interface stats: received=" + std::to_string(stats.received) +
           ", sent=" + std::to_string(stats.sent) + ", dropped=" + std::to_string(stats.dropped) +
           ", active_time=" + std::to_string(stats.active_s) + " secs";
}

}  // namespace ntpd
