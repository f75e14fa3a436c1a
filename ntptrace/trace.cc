#include "ntptrace/trace.hh"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>

#include "config.h"
#include "libntp/client/refclock_text.hh"
#include "libntp/io/endpoint.hh"
#include "libntp/util/script_options.hh"

namespace ntptrace {

namespace {

using ntp::util::ScriptOption;
using Kind = ScriptOption::Kind;

constexpr ScriptOption options_spec[] = {
    {"numeric", 'n', Kind::flag}, {"max-hosts", 'm', Kind::integer}, {"host", 'r', Kind::string},
    {"help", '?', Kind::flag},    {"more-help", 0, Kind::flag},
};

// The script's /^127\.127\.\d{1,3}\.\d{1,3}$/.
bool refclock_text(std::string_view s) {
    static const std::regex pattern(R"(127\.127\.[0-9]{1,3}\.[0-9]{1,3})");
    return std::regex_match(s.begin(), s.end(), pattern);
}

// NTP::Util's reading of one value: quotes around the whole value dropped.
std::string script_value(const std::string* v) {
    if (v == nullptr) return {};
    if (v->size() > 2 && v->front() == '"' && v->back() == '"' &&
        v->find('"', 1) == v->size() - 1)
        return v->substr(1, v->size() - 2);
    return *v;
}

// NTP::Util maps the names older daemons used.
const std::string* find_value(const std::vector<ntp::client::Var>& vars, std::string_view name,
                              std::string_view old_name) {
    const std::string* found = nullptr;
    for (const auto& v : vars)  // the last one wins, as in the script's hash
        if (v.name == name || (!old_name.empty() && v.name == old_name)) found = &v.value;
    return found;
}

bool stops_here(const HostInfo& info) {
    return info.stratum == 0 || info.stratum == 1 || info.stratum == 16 || refclock_text(info.refid);
}

}  // namespace

std::string usage_text() {
    return "ntptrace - Trace peers of an NTP server - Ver. " PACKAGE_VERSION "\n"
           "USAGE: ntptrace [ -<flag> [<val>] | --<name>[{=| }<val>] ]... [host]\n"
           "\n"
           "    -n, --numeric                Print IP addresses instead of hostnames\n"
           "    -m, --max-hosts=num          Maximum number of peers to trace\n"
           "    -r, --host=str               Single remote host\n"
           "    -?, --help                   Display usage information and exit\n"
           "        --more-help              Pass the extended usage text through a pager\n"
           "\n"
           "Options are specified by doubled hyphens and their name or by a single\n"
           "hyphen and the flag character.\n";
}

CommandLine parse_command_line(std::span<const std::string> args) {
    const auto a = ntp::util::parse_script_options(options_spec, args);
    CommandLine cl;
    if (!a.ok()) {
        for (const auto& w : a.warnings) cl.err += w + "\n";
        cl.err += usage_text();
        cl.run = false;
        cl.exit_code = 1;
        return cl;
    }
    if (a.has("help") || a.has("more-help")) {
        (a.has("help") ? cl.err : cl.out) = usage_text();
        cl.run = false;
        return cl;
    }
    cl.options.numeric = a.has("numeric");
    cl.options.max_hosts = a.integer("max-hosts", cl.options.max_hosts);
    cl.options.host = a.string("host", cl.options.host);
    // `shift || $opts->{host}`: an operand that perl takes as false is skipped.
    if (!a.operands.empty() && !a.operands[0].empty() && a.operands[0] != "0") cl.options.host = a.operands[0];
    return cl;
}

double perl_number(std::string_view text) {
    std::string s(text);
    std::size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t j = i;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (j + 1 < s.size() && s[j] == '0' && (s[j + 1] == 'x' || s[j + 1] == 'X')) return 0;  // no hex
    return std::strtod(s.c_str() + i, nullptr);
}

std::string refid_text(std::string_view raw) {
    if (auto a = ntp::io::IpAddress::parse(raw))
        return ntp::client::is_refclock_address(*a) ? ntp::client::refclock_name(*a) : a->to_string();
    if (raw.size() <= 4) return std::string(raw);
    return std::string(raw) + "?";  // ntpq's mark for a value it cannot decode
}

std::string address_text(std::string_view raw) {
    if (auto a = ntp::io::IpAddress::parse(raw)) return a->to_string();
    return std::string(raw) + "?";
}

std::optional<HostInfo> host_info(const std::vector<ntp::client::Var>& vars) {
    const std::string* stratum = find_value(vars, "stratum", "");
    if (stratum == nullptr) return std::nullopt;
    HostInfo info;
    info.stratum = perl_number(script_value(stratum));
    info.offset_s = perl_number(script_value(find_value(vars, "offset", "phase"))) / 1000;
    const double rootdisp = perl_number(script_value(find_value(vars, "rootdisp", "rootdispersion")));
    const double rootdelay = perl_number(script_value(find_value(vars, "rootdelay", "")));
    info.sync_distance_s = (rootdisp + rootdelay / 2) / 1000;
    if (const auto* r = find_value(vars, "refid", "")) info.refid = refid_text(script_value(r));
    info.peer = script_value(find_value(vars, "peer", ""));
    return info;
}

std::string format_line(std::string_view shown_host, const HostInfo& info) {
    char buf[160];
    const double st = info.stratum;
    const long long st_int = std::isfinite(st) ? static_cast<long long>(st) : -1;
    std::snprintf(buf, sizeof buf, ": stratum %lld, offset %f, synch distance %f", st_int, info.offset_s,
                  info.sync_distance_s);
    std::string line = std::string(shown_host) + buf;
    if (info.stratum == 1) line += ", refid '" + info.refid + "'";
    return line + "\n";
}

int run(const Options& options, const Io& io) {
    std::string host = options.host;
    for (long long nb_host = 1;; ++nb_host) {
        const auto vars = io.read_system(host);
        if (!vars) break;
        const auto info = host_info(*vars);
        if (!info) break;
        io.out(format_line(options.numeric ? host : io.display_name(host), *info));
        if (stops_here(*info) || nb_host == options.max_hosts) break;
        const auto source = io.read_source(host, info->peer);
        if (!source) break;
        const std::string next = address_text(*source);
        if (next.empty() || refclock_text(next)) break;
        host = next;
    }
    return 0;
}

}  // namespace ntptrace
