#pragma once
// ntpdc: classic ntpdc's output for the read-only commands that mode 6 can
// answer, as pure functions fed with parsed mode 6 variables (printf formats
// of classic ntpdc_ops.c). Our ntpd has no mode 7, so the values come from
// READVAR replies instead of mode 7 structures; times arrive in milliseconds
// and are shown in seconds with classic's number of decimals.
//
//   listpeers  "%-9s %s"                  host mode, source
//   peers      "%c%-15.15s %-15.15s %2u %4d  %3o %7.7s %9.9s %7.7s"
//   dmpeers    the same table with Mills' marks (* sys peer, . candidate)
//   sysstats   the packet counters (ss_* variables)

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "libntp/client/var_parser.hh"
#include "libntp/io/endpoint.hh"

namespace ntpdc {

// The variables `peers` reads for each association.
inline constexpr const char* peer_var_names = "srcadr,dstadr,hmode,stratum,hpoll,ppoll,reach,delay,offset,dispersion";

struct PeerRow {
    ntp::io::IpAddress srcadr;
    ntp::io::IpAddress dstadr;
    int hmode = 0;
    unsigned stratum = 0;
    int hpoll = 0;
    int ppoll = 0;
    unsigned reach = 0;
    double delay_s = 0;
    double offset_s = 0;
    double dispersion_s = 0;
    std::uint8_t select = 0;  // the selection code of the peer status word
};

// One association's READVAR reply and status word; nullopt when srcadr is
// missing or not an address.
std::optional<PeerRow> peer_row(const std::vector<ntp::client::Var>& vars, std::uint16_t peer_status);

// The name shown for a source (ntpdc's nntohost: a reverse lookup, the
// number with -n, "LOCAL(0)" for reference clocks).
using HostName = std::function<std::string(const ntp::io::IpAddress&)>;

std::string listpeers_text(const std::vector<PeerRow>& rows, const HostName& name);
std::string peers_text(const std::vector<PeerRow>& rows, const HostName& name, bool mills_style);

// "No data returned in response to query" when a counter is missing.
std::string sysstats_text(const std::vector<ntp::client::Var>& vars);

// modetoa(): "client", "sym_active", ..., "mode#N".
std::string mode_text(int mode);

}  // namespace ntpdc
