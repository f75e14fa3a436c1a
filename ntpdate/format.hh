#pragma once
// ntpdate's output texts, byte for byte as classic ntpdate 4.2.8 prints them
// (ntpdate.md sections 4 and 5, samples/classic/ntpdate-*.txt). Pure
// functions: the caller decides where a text goes (stdout, stderr, syslog).

#include <array>
#include <cstdint>
#include <string>

#include "libntp/oneshot/fixed_text.hh"
#include "libntp/oneshot/sample_filter.hh"
#include "libntp/wire/ntp_packet.hh"
#include "libntp/wire/ntp_time.hh"

namespace ntpdate {

using ntp::oneshot::Lfp;
using ntp::oneshot::Sfp;
using ntp::oneshot::Ufp;
using ntp::oneshot::format_lfp;
using ntp::oneshot::format_sfp;
using ntp::oneshot::format_ufp;

// Classic prettydate: "eeaca75d.bb2601a9  Sat, Nov 21 2026 23:27:25.731" in
// local time; the era is the one closest to `local_now` (so raw 0 prints as
// 2036). Milliseconds are the fraction / 4294967, truncated, as classic does.
std::string pretty_date(ntp::wire::NtpTimestamp ts, ntp::wire::NtpTime local_now);

// Everything the per-server output shows about one server after polling.
struct ServerReport {
    std::string address;  // numeric, no port
    int port = 123;
    int stratum = 0;
    int precision_log2 = 0;
    int leap = 0;
    std::uint8_t trust = 0;
    ntp::wire::RefId refid;
    ntp::oneshot::FilterResult filter;
    int transmitted = 0;
    int in_filter = 0;
    ntp::wire::NtpTimestamp reference_ts;
    ntp::wire::NtpTimestamp originate_ts;  // the server's transmit time
    ntp::wire::NtpTimestamp transmit_ts;   // our last transmit time
    std::array<ntp::oneshot::Sample, ntp::oneshot::max_samples> slots{};
};

// "server 10.200.0.1, stratum 2, offset 0.000009, delay 0.02568\n"
std::string query_line(const ServerReport& server);

// The -d block (section 5), ending with its empty line.
std::string debug_block(const ServerReport& server, ntp::wire::NtpTime local_now);

// "step time server ADDR offset OFS sec" / "adjust time server ..."
std::string adjust_message(ntp::oneshot::Adjustment kind, const std::string& address,
                           Lfp offset);

}  // namespace ntpdate
