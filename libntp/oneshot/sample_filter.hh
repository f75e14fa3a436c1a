#pragma once
// The classic ntpdate algorithm (ntpdate.md section 3): per-reply sample,
// per-server clock filter, server selection and the step/slew decision.
//
// This is deliberately *not* the ntpd clock filter and selection
// (clock_filter.hh, selection.hh): scripts and operators judge ntpdate by its
// exact numbers ("delay 0.02567" on a LAN, which server wins), so it keeps
// classic ntpdate's fixed-point arithmetic bit for bit:
//   Lfp  signed 32.32 seconds (l_fp), offsets
//   Sfp  signed 16.16 seconds (s_fp), delays and the "short" offset
//   Ufp  unsigned 16.16 seconds (u_fp), dispersion
// All functions are pure: no clock, no I/O, nothing throws on any input.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "libntp/wire/ntp_time.hh"

namespace ntp::oneshot {

using Lfp = std::int64_t;
using Sfp = std::int32_t;
using Ufp = std::uint32_t;

inline constexpr Sfp fp_second = 0x10000;
inline constexpr int max_samples = 8;                  // NTP_SHIFT: filter slots, -p limit
inline constexpr int default_samples = 4;              // DEFSAMPLES
inline constexpr int own_precision_log2 = -6;          // NTPDATE_PRECISION
inline constexpr Sfp max_skew = 0x28f;                 // NTP_MAXSKW, 0.01 s
inline constexpr Sfp min_distance = 0x51f;             // NTP_MINDIST, 0.02 s
inline constexpr Ufp max_dispersion = 64 * fp_second;  // PEER_MAXDISP
inline constexpr int max_stratum = 15;                 // NTP_INFIN
inline constexpr Sfp max_delay = 8 * fp_second;        // NTP_MAXWGT
inline constexpr std::uint32_t max_age_s = 86400;      // NTP_MAXAGE
inline constexpr std::size_t max_list = 5;             // NTP_MAXLIST
inline constexpr Ufp step_threshold = fp_second / 2;   // NTPDATE_THRESHOLD, 0.5 s
// ADJ_MAXOVERSHOOT: 0x10000000 as an l_fp fraction, i.e. 62.5 ms (the
// classic header's comment says "50 ms"; the value is what counts).
inline constexpr Lfp max_overshoot = 0x10000000;

// Conversions. lfp_to_sfp truncates towards minus infinity like LFPTOFP and
// saturates at +-32767.99998 s instead of wrapping.
Sfp lfp_to_sfp(Lfp value);
double lfp_to_seconds(Lfp value);
double sfp_to_seconds(Sfp value);
Lfp lfp_from_seconds(double seconds);  // saturating, NaN gives 0
// a - b as a signed 32.32 number, modulo 2^64 (right within +-68 years,
// across the 2036 era boundary too).
Lfp lfp_diff(ntp::wire::NtpTimestamp a, ntp::wire::NtpTimestamp b);
// 2^log2 seconds in 16.16, 0 below 2^-16, capped at 2^14 s (classic shifts
// FP_SECOND, which is undefined for the values we clamp).
Sfp sfp_pow2(int log2);

// One filter slot. delay == 0 marks an empty slot (lost or unusable reply).
struct Sample {
    Sfp delay = 0;
    Lfp offset = 0;
    bool empty() const { return delay == 0; }
    friend bool operator==(const Sample&, const Sample&) = default;
};

// The sample for one reply:
//   offset = (T3 - T4)/2 + (T2 - T1)/2
//   delay  = (T2 - T1) - (T3 - T4) + 2^-6 + 2^server_precision + 0.01 s,
//            at least 0.02 s; a delay that is still <= 0 gives an empty slot.
// t1 = our transmit (the reply's origin), t2 = server receive, t3 = server
// transmit, t4 = our receive.
Sample make_sample(ntp::wire::NtpTimestamp t1, ntp::wire::NtpTimestamp t2, ntp::wire::NtpTimestamp t3,
                   ntp::wire::NtpTimestamp t4, int server_precision_log2);

// Result of the per-server filter. No data: delay 0, offset 0, dispersion 64 s.
struct FilterResult {
    Sfp delay = 0;
    Lfp offset = 0;
    Sfp short_offset = 0;  // lfp_to_sfp(offset): what selection and step use
    Ufp dispersion = max_dispersion;
};

// `slots` holds exactly the -p number of slots (unused ones empty). Sorted by
// delay with empty slots last (classic's exchange sort, ties keep slot order);
// the first gives delay and offset; dispersion = sum over the others, in
// sorted order i = 1.., of min(|offset_i - offset_0|, 64 s) / 2^i (empty: 64 s).
FilterResult filter(std::span<const Sample> slots);

// What selection needs to know about one server after polling.
struct ServerSummary {
    FilterResult filter;
    int stratum = 0;  // 0 = never answered
    int precision_log2 = 0;
    int leap = 0;                         // two bits
    ntp::wire::NtpTimestamp reference_ts;      // server's reference time
    ntp::wire::NtpTimestamp transmit_ts;       // server's transmit time of the last good reply
    std::uint32_t trust = 0;              // one bit per failed authentication
};

enum class DropReason {
    none,
    no_data,
    stratum_too_high,
    too_far_away,
    leap_not_in_sync,
    very_broken,
    too_long_without_sync,
    untrusted,
};

// The classic debug text: "no data", "strata too high", "server too far away",
// "Leap not in sync", "server is very broken", "Server has gone too long
// without sync", "Server is untrusted".
std::string_view drop_text(DropReason reason);

// The sanity checks of section 3.6, in classic order; none when usable.
DropReason check_server(const ServerSummary& server);

struct Selection {
    std::optional<std::size_t> chosen;  // index into the input
    std::vector<std::pair<std::size_t, DropReason>> dropped;  // in input order
};

// Classic clock_select(): sanity checks, a list of at most 5 by stratum then
// 2 x dispersion, cut before the second stratum increase, re-sorted by
// stratum and delay, then falsetickers dropped until the worst weighted
// offset spread is below 2^-6 + 0.01 s + 2^(lowest precision).
Selection select(std::span<const ServerSummary> servers);

enum class Adjustment { step, slew };

// -b forces step, -B slew; otherwise step when |short offset| >= 0.5 s.
Adjustment choose_adjustment(Sfp short_offset, bool always_step, bool never_step);

// The adjtime() argument for a slew: the offset plus an overshoot of half the
// offset, at most 62.5 ms, in the same direction.
Lfp slew_with_overshoot(Lfp offset);

}  // namespace ntp::oneshot
