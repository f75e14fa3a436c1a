#include "ntpdc/commands.hh"

#include <algorithm>
#include <iterator>
#include <sstream>

namespace ntpdc {

namespace {

// Classic ntpdc's built-in and query commands, in its order.
constexpr std::string_view classic_commands[] = {
    "?",         "help",        "timeout",   "delay",      "host",        "passwd",     "hostnames",
    "debug",     "quit",        "exit",      "keyid",      "keytype",     "version",    "listpeers",
    "peers",     "dmpeers",     "showpeer",  "pstats",     "loopinfo",    "sysinfo",    "sysstats",
    "memstats",  "iostats",     "timerstats", "addpeer",   "addserver",   "addrefclock", "broadcast",
    "unconfig",  "enable",      "disable",   "reslist",    "restrict",    "unrestrict", "delrestrict",
    "monlist",   "reset",       "preset",    "readkeys",   "trustedkey",  "untrustedkey", "authinfo",
    "traps",     "addtrap",     "clrtrap",   "requestkey", "controlkey",  "ctlstats",   "clockstat",
    "fudge",     "clkbug",      "kerninfo",  "ifstats",    "ifreload"};

// Built-ins that only change ntpdc's own settings.
constexpr std::string_view local_settings[] = {"timeout", "delay", "host", "passwd", "hostnames",
                                               "debug", "keyid", "keytype", "version"};

constexpr std::string_view implemented[] = {"listpeers", "peers", "dmpeers", "sysstats", "help"};

std::vector<std::string> words(std::string_view line) {
    std::istringstream in{std::string(line)};
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// The associations with the variables `peers` shows; errors end up in `out.err`.
std::optional<std::vector<PeerRow>> peer_rows(Server& server, Output& out) {
    auto list = server.associations();
    if (!list) {
        out.err += list.status().message() + "\n";
        return std::nullopt;
    }
    std::vector<PeerRow> rows;
    for (const auto& a : *list) {
        auto r = server.vars(a.assoc_id, peer_var_names);
        if (!r) {
            out.err += r.status().message() + "\n";
            return std::nullopt;
        }
        if (auto row = peer_row(r->vars, a.status)) rows.push_back(*row);
    }
    if (rows.empty()) {
        out.out += "No data returned in response to query\n";  // classic checkitems()
        return std::nullopt;
    }
    return rows;
}

// `listpeers 4` / `peers 6`: classic's address family filter.
void keep_family(std::vector<PeerRow>& rows, const std::vector<std::string>& w) {
    if (w.size() < 2 || (w[1] != "4" && w[1] != "6")) return;
    const bool v6 = w[1] == "6";
    std::erase_if(rows, [v6](const PeerRow& r) { return r.srcadr.is_v6() != v6; });
}

std::string help_text() {
    std::string out = "ntpdc commands answered over mode 6:\n";
    for (auto c : implemented) out += std::string(c) + " ";
    out += "quit exit\nother classic commands need mode 7, which this ntpd does not answer\n";
    return out;
}

}  // namespace

std::string resolve_command(std::string_view word, std::string& error) {
    std::vector<std::string_view> hits;
    for (auto c : classic_commands) {
        if (c == word) return std::string(c);
        if (c.starts_with(word)) hits.push_back(c);
    }
    if (hits.size() == 1) return std::string(hits[0]);
    error = "***Command `" + std::string(word) + "' " + (hits.empty() ? "unknown" : "ambiguous");
    return {};
}

Output run_command(std::string_view line, Server& server, const HostName& name) {
    Output out;
    const auto w = words(line);
    if (w.empty()) return out;
    std::string error;
    const std::string cmd = resolve_command(w[0], error);
    if (cmd.empty()) {
        out.err = error + "\n";
    } else if (cmd == "quit" || cmd == "exit") {
        out.quit = true;
    } else if (cmd == "help" || cmd == "?") {
        out.out = help_text();
    } else if (cmd == "listpeers" || cmd == "peers" || cmd == "dmpeers") {
        if (auto rows = peer_rows(server, out)) {
            keep_family(*rows, w);
            out.out += cmd == "listpeers" ? listpeers_text(*rows, name) : peers_text(*rows, name, cmd == "dmpeers");
        }
    } else if (cmd == "sysstats") {
        auto r = server.vars(0, "ss_uptime,ss_reset,ss_received,ss_processed,ss_thisver,ss_oldver,ss_declined,"
                                "ss_restricted,ss_badformat,ss_badauth,ss_limited");
        if (r)
            out.out = sysstats_text(r->vars);
        else
            out.err = r.status().message() + "\n";
    } else if (std::find(std::begin(local_settings), std::end(local_settings), cmd) != std::end(local_settings)) {
        out.err = "***Command `" + cmd + "' is not supported by this ntpdc\n";
    } else {
        out.err = "***Command `" + cmd + "' needs mode 7, which this ntpd does not support (try ntpq)\n";
    }
    return out;
}

}  // namespace ntpdc
