#include "ntpdc/report.hh"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

namespace ntpdc {

namespace {

const std::string* value(const std::vector<ntp::client::Var>& vars, const char* name) {
    return ntp::client::find_var(vars, name);
}

long long integer(const std::vector<ntp::client::Var>& vars, const char* name) {
    const auto* v = value(vars, name);
    return v ? std::strtoll(v->c_str(), nullptr, 0) : 0;
}

double seconds(const std::vector<ntp::client::Var>& vars, const char* name) {
    const auto* v = value(vars, name);
    return v ? std::strtod(v->c_str(), nullptr) / 1000 : 0;
}

std::string decimals(double v, int n) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", n, v);
    return buf;
}

// Classic's mark in the first column of `peers` and `dmpeers`.
char mark(const PeerRow& r, bool mills_style) {
    constexpr std::uint8_t candidate = 4, sys_peer = 6;
    if (r.select == sys_peer) return '*';
    if (mills_style) {
        if (r.select >= sys_peer) return '+';  // classic INFO_FLAG_SHORTLIST: status >= SEL_SYSPEER
        return r.select == candidate ? '.' : ' ';
    }
    switch (r.hmode) {
    case 1: return '+';
    case 2: return '-';
    case 3: return '=';
    case 5: return '^';
    case 6: return '~';
    default: return ' ';
    }
}

}  // namespace

std::string mode_text(int mode) {
    static constexpr std::array<const char*, 9> names{"unspec", "sym_active", "sym_passive", "client", "server",
                                                      "broadcast", "control", "private", "bclient"};
    if (mode >= 0 && mode < static_cast<int>(names.size())) return names[static_cast<std::size_t>(mode)];
    return "mode#" + std::to_string(mode);
}

std::optional<PeerRow> peer_row(const std::vector<ntp::client::Var>& vars, std::uint16_t peer_status) {
    const auto* src = value(vars, "srcadr");
    if (src == nullptr) return std::nullopt;
    auto src_addr = ntp::io::IpAddress::parse(*src);
    if (!src_addr) return std::nullopt;
    PeerRow r;
    r.srcadr = *src_addr;
    if (const auto* dst = value(vars, "dstadr"))
        if (auto a = ntp::io::IpAddress::parse(*dst)) r.dstadr = *a;
    r.hmode = static_cast<int>(integer(vars, "hmode"));
    r.stratum = static_cast<unsigned>(integer(vars, "stratum"));
    r.hpoll = static_cast<int>(integer(vars, "hpoll"));
    r.ppoll = static_cast<int>(integer(vars, "ppoll"));
    r.reach = static_cast<unsigned>(integer(vars, "reach"));
    r.delay_s = seconds(vars, "delay");
    r.offset_s = seconds(vars, "offset");
    r.dispersion_s = seconds(vars, "dispersion");
    r.select = static_cast<std::uint8_t>((peer_status >> 8) & 0x7);
    return r;
}

std::string listpeers_text(const std::vector<PeerRow>& rows, const HostName& name) {
    std::string out;
    char buf[512];
    for (const auto& r : rows) {
        std::snprintf(buf, sizeof buf, "%-9s %s\n", mode_text(r.hmode).c_str(), name(r.srcadr).c_str());
        out += buf;
    }
    return out;
}

std::string peers_text(const std::vector<PeerRow>& rows, const HostName& name, bool mills_style) {
    std::string out =
        "     remote           local      st poll reach  delay   offset    disp\n"
        "=======================================================================\n";
    char buf[512];
    for (const auto& r : rows) {
        // 1 << max(min(ppoll, hpoll, NTP_MAXPOLL), NTP_MINPOLL)
        const int poll = 1 << std::max(std::min({r.ppoll, r.hpoll, 17}), 3);
        const std::string local = r.dstadr.family == ntp::io::Family::none ? "0.0.0.0" : r.dstadr.to_string();
        std::snprintf(buf, sizeof buf, "%c%-15.15s %-15.15s %2u %4d  %3o %7.7s %9.9s %7.7s\n", mark(r, mills_style),
                      name(r.srcadr).c_str(), local.c_str(), r.stratum, poll, r.reach,
                      decimals(r.delay_s, 5).c_str(), decimals(r.offset_s, 6).c_str(),
                      decimals(r.dispersion_s, 5).c_str());
        out += buf;
    }
    return out;
}

std::string sysstats_text(const std::vector<ntp::client::Var>& vars) {
    static constexpr std::array<std::pair<const char*, const char*>, 11> lines{{
        {"time since restart:     ", "ss_uptime"},
        {"time since reset:       ", "ss_reset"},
        {"packets received:       ", "ss_received"},
        {"packets processed:      ", "ss_processed"},
        {"current version:        ", "ss_thisver"},
        {"previous version:       ", "ss_oldver"},
        {"declined:               ", "ss_declined"},
        {"access denied:          ", "ss_restricted"},
        {"bad length or format:   ", "ss_badformat"},
        {"bad authentication:     ", "ss_badauth"},
        {"rate exceeded:          ", "ss_limited"},
    }};
    std::string out;
    for (const auto& [label, var] : lines) {
        const auto* v = value(vars, var);
        if (v == nullptr) return "No data returned in response to query\n";
        out += std::string(label) + std::to_string(std::strtoull(v->c_str(), nullptr, 10)) + "\n";
    }
    return out;
}

}  // namespace ntpdc
