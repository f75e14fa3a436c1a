#pragma once
// The polling state machine of ntpdate: which server gets a request when,
// which reply is accepted, and the filter slots it fills (ntpdate.md 3.1-3.4).
// No sockets and no clock inside: the caller passes the steady time `now_s`
// (seconds, any origin, never jumps), our transmit timestamps and the
// receive timestamps, so tests replay whole sessions in microseconds.
//
// Schedule (ours, faster than classic but as polite): every server gets its
// first request at once (classic staggers them by 0.2 s); request k+1 goes
// out `spacing_s` (the -t timeout, default 2 s) after request k, and only if
// the answer to request k came or the wait for it ran out. So with -p 1 a
// session is one round trip, with the defaults a responsive server takes
// 3 x 2 s + one round trip (classic: about 6.2 s), and no server ever sees
// two of our requests closer than 2 s (`restrict limited` would drop them).
//
// Reply checks, in classic order (each failure is ignored and the slot stays
// open until its time runs out): length >= 48, version 1..4, mode server or
// passive, stratum < 16, from a known server and port 123, origin equal to
// our last transmit. Then authentication (with -a), KoD RATE (stop polling
// that server), then receive timestamp non-zero and transmit strictly after
// receive. Unlike classic, a second copy of an accepted reply is ignored.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "libntp/io/endpoint.hh"
#include "libntp/oneshot/sample_filter.hh"
#include "libntp/wire/ntp_packet.hh"
#include "libntp/wire/ntp_time.hh"

namespace ntp::oneshot {

struct PollerConfig {
    int samples = ntp::oneshot::default_samples;
    double spacing_s = 2.0;
    int debug = 0;
    bool authenticate = false;
    std::uint32_t auth_key = 0;
};

struct ServerState {
    ntp::io::Endpoint address;  // port 123
    std::array<ntp::oneshot::Sample, ntp::oneshot::max_samples> slots{};
    int filled = 0;       // classic filter_nextpt
    int transmitted = 0;  // classic xmtcnt
    bool complete = false;
    double next_event_s = 0;  // next transmit, or the end of the last wait
    std::optional<ntp::wire::NtpTimestamp> awaiting;  // origin the reply must carry
    ntp::wire::NtpTimestamp last_transmit;             // our last transmit timestamp

    // From the last reply that passed the header checks (classic records
    // these before its sanity check on the timestamps).
    int leap = 0;
    int stratum = 0;  // 0 = nothing received; a stratum-0 reply counts as 16
    int precision_log2 = 0;
    ntp::wire::NtpShort root_delay;
    ntp::wire::NtpShort root_dispersion;
    ntp::wire::RefId refid;
    ntp::wire::NtpTimestamp reference_ts;
    ntp::wire::NtpTimestamp server_transmit_ts;
    std::uint8_t trust = 0;  // shift register of failed authentications
};

// Texts the poller emits: debug transcript lines (stdout, only with -d) and
// classic syslog-style messages (the KoD RATE notice, LOG_ERR).
struct PollerOutput {
    std::function<void(const std::string&)> debug_line;
    std::function<void(const std::string&)> log_error;
};

// Checks the MAC of a reply (called only with -a): true when the packet
// carries a MAC under our key that verifies.
using AuthVerifier = std::function<bool(std::span<const std::uint8_t> packet)>;

class Poller {
  public:
    Poller(PollerConfig config, std::vector<ntp::io::Endpoint> servers, PollerOutput output,
           AuthVerifier verify = nullptr);

    // Handles expired waits (an unanswered request becomes an empty slot,
    // a server with all its slots is complete) and returns the servers that
    // must send a request now. Call transmitted() for each after sending.
    std::vector<std::size_t> due(double now_s);
    void transmitted(std::size_t server, ntp::wire::NtpTimestamp transmit_ts, double now_s);

    // One datagram from `source` received at `receive_ts` (our clock).
    void receive(const ntp::io::Endpoint& source, std::span<const std::uint8_t> bytes,
                 ntp::wire::NtpTimestamp receive_ts, double now_s);

    bool finished() const;
    // When due() next has something to do; nullopt when finished.
    std::optional<double> next_event_s() const;

    const std::vector<ServerState>& servers() const { return servers_; }
    const PollerConfig& config() const { return config_; }

  private:
    ServerState* find(const ntp::io::Endpoint& source);
    void debug(int level, const std::string& line) const;
    void add_slot(ServerState& s, ntp::oneshot::Sample sample);

    PollerConfig config_;
    std::vector<ServerState> servers_;
    PollerOutput output_;
    AuthVerifier verify_;
};

// The classic ntpdate request: LI 3, version `version`, mode 3, stratum 0,
// poll 3, precision -6, root delay and dispersion 1 s, refid 0, transmit
// `transmit_ts`, other timestamps zero (48 octets).
ntp::wire::NtpHeader request_header(int version, ntp::wire::NtpTimestamp transmit_ts);

}  // namespace ntp::oneshot
