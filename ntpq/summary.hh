#pragma once
// The summary commands (sysinfo, sysstats, kerninfo, monstats, iostats,
// timerstats, authinfo, pstats): each asks for a fixed list of variables and
// prints "label  value" lines (classic collect_display_vdc in ntpq-subs.c).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libntp/wire/ntp_time.hh"
#include "ntpq/namer.hh"

namespace ntpq {

// How a value is shown:
//   text     the value as sent, quotes stripped; the line is omitted when absent
//   mode     an association mode number shown as its name (client, server...)
//   leap     two binary digits
//   time     l_fp timestamp, prettydate; zero when absent
//   addr_port  "addr:port" value (peeradr)
//   addr_pair  two variables "<tag>adr" and "<tag>port" (pstats src/dst)
enum class SummaryType { text, mode, leap, time, addr_port, addr_pair };

struct SummaryField {
    std::string_view tag;
    std::string_view label;  // already padded like classic's
    SummaryType type;
};

struct SummaryCommand {
    std::string_view name;
    std::vector<SummaryField> fields;
    bool association;      // takes an association ID (pstats)
    bool status_header;    // prints "associd=... status=..." first
};

// The classic tables, by command name; nullptr for other names.
const SummaryCommand* find_summary_command(std::string_view name);

// The READVAR request list ("ss_uptime,ss_reset,...").
std::string summary_request(const SummaryCommand& cmd);

// Everything after the optional status header.
std::string format_summary(const SummaryCommand& cmd, std::string_view data, const Namer& namer,
                           ntp::wire::NtpTime now, bool local_time,
                           std::string* warnings = nullptr);

}  // namespace ntpq
