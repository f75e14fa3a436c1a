#pragma once
// The peers billboard (`ntpq -p`, peers, lpeers, apeers, opeers, lopeers):
// pure functions from one association's READVAR reply to one row of text,
// byte-compatible with classic ntpq 4.2.8 (doprintpeers in ntpq-subs.c):
//
//   "%c%-15.15s " tally + remote, refid padded to 15 (apeers: 9 + "%-6d" assid),
//   " %2ld %c %4.4s %4.4s  %3lo  %7.7s %8.7s %7.7s\n"
//   st, t, when, poll, reach (octal), delay, offset, jitter (or disp).

#include <cstdint>
#include <string>
#include <string_view>

#include "libntp/wire/ntp_time.hh"
#include "ntpq/namer.hh"

namespace ntpq {

enum class PeerList { peers, apeers, opeers };

struct PeerTableContext {
    const Namer& namer;
    ntp::wire::NtpTimestamp now;  // our clock, for the `when` column
    int packet_version = 2;       // `ntpversion`: 1 uses the old tally table
    bool wide = false;            // -w: long remote names on their own line
    int family = 0;               // 0 all, 4 or 6: rows of that family only
    // Several hosts: a left column with the server (local address), padded
    // to `host_width` (classic maxhostlen).
    bool multi_host = false;
    std::size_t host_width = 0;
    std::string current_host{};   // name given for this server
    bool current_host_numeric = false;
};

// The two header lines (column titles and the '=' rule).
std::string peer_table_header(PeerList list, const PeerTableContext& ctx);

// One row; empty when the association is filtered out by `family`.
// `warnings` receives classic stderr lines such as "malformed srcadr=x".
std::string peer_table_row(PeerList list, std::uint16_t assoc_id, std::uint16_t status,
                           std::string_view data, const PeerTableContext& ctx,
                           std::string* warnings = nullptr);

// Whether plain `peers`/`opeers` (not the l- variants) shows an association:
// its status has the conf (0x80) or reach (0x10) bit in the high octet.
bool shown_by_default(std::uint16_t status);

// Classic tally character for a peer status word.
char tally_char(std::uint16_t status, int packet_version);

}  // namespace ntpq
