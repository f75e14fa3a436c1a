#pragma once
// Broadcast and multicast mode (RFC 5905 mode 5), the pure part.
//
// Server side (`broadcast ADDR`): the packet a broadcast association sends
// at each of its polls carries the system variables as a server reply does
// (leap, stratum, refid, reference time, root delay and dispersion), origin
// and receive timestamps zero (a non-zero origin would tell classic clients
// the packet is interleaved) and the transmit timestamp, which the caller
// fills in last. Nothing is sent while we are unsynchronised (classic).
//
// Client side (`broadcastclient`, `multicastclient`): the checks a mode 5
// packet passes before it counts, as in classic ntpd 4.2.8:
//   * its transmit timestamp is neither zero nor a repeat nor earlier than
//     the previous one from that server (a replay, or a forger);
//   * its poll is inside the association's [minpoll, maxpoll];
//   * it does not come sooner than its own poll interval after the last
//     one that counted (flooding);
// and the sample a broadcast gives: offset = T3 - T4 + delay / 2, where the
// one-way delay comes from the initial client/server volley (calibration:
// delay = 2 |unicast offset - (T3 - T4)|) or from `broadcastdelay`.
//
// Pure: times are parameters, nothing here does I/O.

#include <cstdint>
#include <optional>

#include "libntp/io/endpoint.hh"
#include "libntp/sync/sample.hh"
#include "libntp/wire/ntp_packet.hh"
#include "ntpd/core/system_state.hh"

namespace ntpd::broadcast {

// The round-trip delay assumed with `broadcastclient novolley` when no
// `broadcastdelay` is given (classic's documented 4 ms).
inline constexpr double default_delay_s = 0.004;
// Broadcasts arrive on a fixed schedule; a sender's clock counts whole
// seconds, so the next one is due a full second after its interval to never
// look early to a receiver that also counts whole seconds.
inline constexpr double schedule_headway_s = 1.0;

// The multicast group `multicastclient` joins without an address, and the
// IPv6 one (site-local NTP) classic also uses.
ntp::io::IpAddress default_group_v4();  // 224.0.1.1
ntp::io::IpAddress default_group_v6();  // ff05::101

// The header of one broadcast: mode 5, `version` (1-4), `poll_log2`, our
// system variables; origin and receive zero; transmit left zero for the
// caller.
ntp::wire::NtpHeader server_header(const SystemState& sys, int version, int poll_log2);

// Whether the server side sends at all (classic: only when synchronised).
bool may_send(const SystemState& sys);

// What a broadcast client keeps per server.
struct ClientState {
    ntp::wire::NtpTimestamp last_transmit;  // bxmt: transmit timestamp of the last broadcast seen
    std::optional<double> last_counted_s;   // steady time of the last broadcast that counted
    std::optional<double> delay_s;          // calibrated or configured; nullopt = calibrating
};

enum class Verdict {
    accepted,
    zero_transmit,   // transmit timestamp 0: the server is broken
    duplicate,       // same transmit timestamp as before (replay)
    non_monotonic,   // earlier than the one before
    poll_out_of_range,
    too_soon,        // sooner than its own poll interval after the last
};
const char* verdict_name(Verdict v);

// Checks one mode 5 packet and, when it counts or not, remembers its
// transmit timestamp (classic keeps bxmt from every packet but replays).
Verdict check(ClientState& st, const ntp::wire::NtpHeader& h, double now_s, int minpoll_log2,
              int maxpoll_log2);

// The one-way delay from the volley: the association's unicast offset and
// the T3 - T4 of a broadcast. Classic: |offset - (T3 - T4)| * 2, capped at
// 1 s (a longer one is no broadcast link).
double calibrated_delay_s(double unicast_offset_s, double t3_minus_t4_s);

// The sample a broadcast gives once the delay is known.
ntp::sync::Sample sample(double t3_minus_t4_s, double delay_s, double peer_precision_s,
                         double sys_precision_s);

}  // namespace ntpd::broadcast
