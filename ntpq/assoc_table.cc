#include "ntpq/assoc_table.hh"

#include <algorithm>
#include <cstdio>

namespace ntpq {
namespace {

const char* condition_text(unsigned statval, int packet_version) {
    if (packet_version > 1) {
        static constexpr const char* names[] = {"reject",    "falsetick", "excess", "outlier",
                                                "candidate", "backup",    "sys.peer", "pps.peer"};
        return names[statval & 0x7];
    }
    // NTPv1-era status layout (OLD_CTL_PST_*).
    switch (statval & 0x3) {
    case 0:
        if (!(statval & 0x08)) return "insane";
        if (!(statval & 0x04)) return "hi_disp";
        return "";
    case 1: return "sel_cand";
    case 2: return "sync_cand";
    default: return "sys_peer";
    }
}

// Classic printassoc() names only these peer events; others print blank.
const char* event_text(unsigned event) {
    static constexpr const char* names[] = {"",          "mobilize",     "demobilize",
                                            "unreachable", "reachable",  "restart",
                                            "no_reply",  "rate_exceeded", "access_denied",
                                            "leap_armed", "sys_peer",    "clock_alarm"};
    return event < std::size(names) ? names[event] : "";
}

}  // namespace

std::string format_associations(const std::vector<Association>& list, bool show_all,
                                int packet_version) {
    if (list.empty()) return "No association ID's in list\n";
    // Classic 4.2.8 starts the table with an empty line.
    std::string out =
        "\nind assid status  conf reach auth condition  last_event cnt\n"
        "===========================================================\n";
    for (std::size_t i = 0; i < list.size(); ++i) {
        const unsigned statval = list[i].status >> 8;
        if (!show_all && !(statval & (0x80 | 0x10))) continue;
        const unsigned event = list[i].status & 0xf;
        const unsigned count = (list[i].status >> 4) & 0xf;
        const char* conf = (statval & 0x80) ? "yes" : "no";
        const char* reach;
        const char* auth;
        if (statval & 0x08) {  // broadcast association
            reach = "none";
            auth = (statval & 0x40) ? "yes" : "none";
        } else {
            reach = (statval & 0x10) ? "yes" : "no";
            if (statval & 0x40) auth = (statval & 0x20) ? "ok " : "bad";
            else auth = "none";
        }
        char buf[160];
        std::snprintf(buf, sizeof buf, "%3d %5u  %04x   %3.3s  %4s  %4.4s %9.9s %11s %2u",
                      static_cast<int>(i + 1), list[i].assoc_id, list[i].status, conf, reach, auth,
                      condition_text(statval, packet_version), event_text(event), count);
        std::string row = buf;
        while (!row.empty() && row.back() == ' ') row.pop_back();
        out += row + "\n";
    }
    return out;
}

}  // namespace ntpq
