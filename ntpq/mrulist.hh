#pragma once
// `mrulist`: the client side of the MRU list protocol (mode6.md §10) as
// classic ntpq runs it (collect_mru_list/mrulist in ntpq-subs.c): a nonce,
// then READ_MRU requests that name the newest entries already held, until
// the server sends `now=`. Pure logic over a query callback; the table
// layout is classic's:
//
//   lstint avgint rstr r m v  count rport remote address
//   "%6d %6d %4hx %c %d %d %6d %5u %s"

#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <vector>

#include "libntp/io/endpoint.hh"
#include "libntp/wire/ntp_time.hh"
#include "ntpq/namer.hh"
#include "ntpq/client.hh"

namespace ntpq {

struct MruEntry {
    ntp::io::Endpoint addr;
    ntp::wire::NtpTimestamp last;
    ntp::wire::NtpTimestamp first;
    int count = 0;
    int mode = 0;
    int version = 0;
    std::uint16_t restrict_flags = 0;
};

enum class MruSort { lstint, r_lstint, avgint, r_avgint, addr, r_addr, count, r_count };

struct MruArguments {
    std::string server_params;  // ", mincount=2, resall=0x..." passed to ntpd
    MruSort sort = MruSort::lstint;
    std::vector<std::string> ignored;  // unrecognised words (warned about)
};

// Splits the command's tag=value words (mincount=, resall=, resany=,
// maxlstint=, laddr=, sort=, and the shorthands `limited` / `kod`).
MruArguments parse_mru_arguments(const std::vector<std::string>& words);

struct MruResult {
    bool ok = false;
    std::vector<MruEntry> entries;  // newest first (classic default order)
    ntp::wire::NtpTimestamp now;
    unsigned updates = 0;           // entries that were seen twice
};

// Sends queries through `query(opcode, data)`; diagnostics go to `diag`
// (classic stderr text). `raw_output`, when set, receives each reply's text
// (ntpq `raw` mode prints them instead of the table).
using MruQuery = std::function<QueryResult(std::uint8_t opcode, std::string_view data)>;
MruResult collect_mru(const MruQuery& query, const MruArguments& args,
                      const std::function<void(const std::string&)>& diag,
                      const std::function<void(const QueryResult&)>& raw_output = nullptr);

// Header and rows in the requested order.
std::string format_mru(const MruResult& result, MruSort sort, const Namer& namer);

}  // namespace ntpq
