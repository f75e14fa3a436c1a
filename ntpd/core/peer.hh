#pragma once
// One association: its configuration, the per-association protocol state of
// RFC 5905 / classic ntpd (reach register, poll exponents, burst and retry
// counters, the timestamps that pair requests with replies) and the counters
// ntpq shows. Pure: time is `now_s` (monotonic seconds, any origin), random
// numbers come in as parameters, nothing here does I/O.
//
// The clock filter (libntp/sync) lives beside this in the core's PeerEntry;
// this class decides when to send and which replies count.
//
// Client-side spoofing resistance is decided here:
//   * a reply counts only if its origin timestamp equals our last transmit
//     timestamp (never 0); after one reply matched, the expected origin is
//     cleared so a replay of the same reply does not count twice;
//   * a packet that fails a check changes nothing but a counter (not reach,
//     not the poll timer, not the header values);
//   * a KoD is obeyed only when its origin matched.

#include <cstdint>
#include <string>
#include <vector>

#include "libntp/io/endpoint.hh"
#include "libntp/wire/ntp_packet.hh"

namespace ntpd {

enum class PeerKind : std::uint8_t {
    server,          // `server ADDR`: client mode (hmode 3)
    pool_prototype,  // `pool NAME`: never polled, shown as 0.0.0.0 / POOL
    pool_member,     // ephemeral, preemptible client of a pool (hmode 3)
    symmetric,       // `peer ADDR`: symmetric active (hmode 1)
    refclock_local,  // `server 127.127.1.u`: the LOCAL driver
    refclock,        // `server 127.127.t.u`, t != 1: a driver (ntpd/refclock/driver.hh)
    broadcast,       // `broadcast ADDR`: sends mode 5 packets, never receives (hmode 5)
    broadcast_client,// ephemeral, for a server heard broadcasting (hmode 6; 3 during its volley)
};

// Mode numbers used for hmode/pmode in mode 6.
namespace host_mode {
inline constexpr std::uint8_t sym_active = 1;
inline constexpr std::uint8_t sym_passive = 2;
inline constexpr std::uint8_t client = 3;
inline constexpr std::uint8_t server = 4;
inline constexpr std::uint8_t broadcast = 5;
inline constexpr std::uint8_t bclient = 6;
}  // namespace host_mode

struct PeerConfig {
    PeerKind kind = PeerKind::server;
    ntp::io::Endpoint address;  // port 123; for refclocks 127.127.t.u port 0
    std::string hostname;       // as configured when it was a name (srchost), else empty
    bool iburst = false;
    bool burst = false;
    bool prefer = false;
    bool noselect = false;
    bool true_chimer = false;
    bool preempt = false;
    // -q: an unreachable association sends its whole iburst volley at once
    // instead of waiting for a first reply, so "all bursts complete" (and
    // `ntpd: no servers found`) comes after seconds, not minutes of retries.
    bool volley_unanswered = false;
    int minpoll_log2 = 6;
    int maxpoll_log2 = 10;
    int version = 4;
    std::uint32_t key_id = 0;   // 0 = no authentication
    int ttl = 0;                // broadcast: multicast TTL (0 = the system's default)
    // broadcast_client: still in the client/server volley that calibrates
    // the delay (polls like `server ADDR iburst`); afterwards it only listens.
    bool calibrating = false;

    // Refclock settings: driver type, unit and mode, and the stratum and
    // refid (the driver's defaults, or fudge). LOCAL: 5 and LOCL.
    int refclock_type = 1;
    int refclock_unit = 0;
    int refclock_mode = 0;
    int fudge_stratum = 5;
    std::uint32_t fudge_refid = 0x4c4f434c;  // "LOCL"

    bool ephemeral() const { return kind == PeerKind::pool_member || kind == PeerKind::broadcast_client; }
    bool is_refclock() const { return kind == PeerKind::refclock_local || kind == PeerKind::refclock; }
};

// Packet test bits (ntpq `flash`, mode6.md §8).
namespace flash {
inline constexpr std::uint16_t pkt_dup = 0x0001;
inline constexpr std::uint16_t pkt_bogus = 0x0002;
inline constexpr std::uint16_t pkt_unsync = 0x0004;
inline constexpr std::uint16_t pkt_denied = 0x0008;
inline constexpr std::uint16_t pkt_auth = 0x0010;
inline constexpr std::uint16_t pkt_stratum = 0x0020;
inline constexpr std::uint16_t pkt_header = 0x0040;
inline constexpr std::uint16_t header_mask = pkt_unsync | pkt_stratum | pkt_header;  // header_tests()
inline constexpr std::uint16_t peer_stratum = 0x0200;
inline constexpr std::uint16_t peer_dist = 0x0400;
inline constexpr std::uint16_t peer_loop = 0x0800;
inline constexpr std::uint16_t peer_unreach = 0x1000;
}  // namespace flash

// Peer select codes (low 3 bits of the status word's high octet).
enum class PeerSelect : std::uint8_t {
    reject = 0,
    falsetick = 1,
    excess = 2,
    outlier = 3,
    candidate = 4,
    backup = 5,
    sys_peer = 6,
    pps_peer = 7,
};

// Peer event codes (ntpd.md §11; logged with 0x80 set).
enum class PeerEvent : std::uint8_t {
    none = 0,
    mobilize = 1,
    demobilize = 2,
    unreachable = 3,
    reachable = 4,
    restart = 5,
    no_reply = 6,
    rate_exceeded = 7,
    access_denied = 8,
    leap_armed = 9,
    sys_peer = 10,
    clock_event = 11,
    bad_auth = 12,
    popcorn = 13,
};
const char* peer_event_name(PeerEvent e);

struct PeerCounters {
    std::uint32_t received = 0;   // packets from this peer that reached the checks
    std::uint32_t sent = 0;
    std::uint32_t bogus_origin = 0;
    std::uint32_t old_packet = 0; // duplicates
    std::uint32_t bad_auth = 0;
    std::uint32_t seldisp = 0;    // header tests failed (TEST6/7)
    std::uint32_t selbroken = 0;  // KoD received
    std::uint32_t candidate = 0;
    double time_received_s = 0;   // now_s of the last accepted reply
    double time_reachable_s = 0;  // now_s when it last became reachable
};

// Header values captured from the peer's last accepted packet.
struct PeerHeader {
    std::uint8_t leap = 3;
    std::uint8_t stratum = 0;  // as on the wire (0 = unspecified)
    std::uint8_t pmode = 0;
    int ppoll_log2 = 0;
    int precision_log2 = 0;
    double root_delay_s = 0;
    double root_dispersion_s = 0;
    ntp::wire::RefId refid = ntp::wire::RefId::from_ascii("INIT");
    ntp::wire::NtpTimestamp reftime;
    ntp::wire::NtpTimestamp received_at;  // `rec`: our receive time of it
};

// What a poll does, decided by Peer::poll().
struct PollAction {
    bool send = false;         // build and send a request now
    bool demobilize = false;   // ephemeral association unreachable too long
    PeerEvent event = PeerEvent::none;  // to log (e.g. unreachable)
    bool burst_finished = false;  // this packet is the last of a burst
    bool dummy_sample = false; // three polls without a reply: age the filter (MAXDISPERSE sample)
};

enum class ReplyVerdict {
    accepted,        // counts: take the sample if the header is sane
    not_for_us,      // wrong mode / not a reply (ignored, not counted as bogus)
    bogus_origin,    // origin does not match our last transmit
    duplicate,       // same transmit timestamp as the last accepted one
    bad_auth,        // MAC required and missing or wrong
};

// KoD (LI 3, stratum 0) handling after the origin matched.
enum class KissAction { none, rate, deny };

class Peer {
public:
    // `first_poll_s`: when the first poll is due (classic: within 1-2 s).
    Peer(std::uint16_t assoc_id, PeerConfig config, double now_s, double first_poll_s);

    std::uint16_t assoc_id() const { return assoc_id_; }
    const PeerConfig& config() const { return config_; }
    PeerConfig& config() { return config_; }
    std::uint8_t hmode() const;

    // ---- polling ------------------------------------------------------
    // The caller ticks about once a second on a clock that may be slewed
    // (500 ppm at most) against the one the schedule was made on: a poll
    // due a hair later than this tick is due now, not a second later.
    static constexpr double due_tolerance_s = 0.05;
    bool poll_due(double now_s) const { return !stopped_ && now_s + due_tolerance_s >= next_poll_s_; }
    double next_poll_s() const { return next_poll_s_; }
    // Called when poll_due(). `sys_poll_log2` is the discipline's poll;
    // `fit` whether the peer currently passes the fitness tests (burst arming).
    PollAction poll(double now_s, int sys_poll_log2, bool fit);
    // After the request was sent: remember what to expect and schedule the
    // next poll (classic poll_update with ~0-6 % jitter, 2 s headway).
    // `random8` is a random value in [0, 255].
    void transmitted(double now_s, ntp::wire::NtpTimestamp xmt, unsigned random8);
    // Refclocks and the pool prototype do not send: just schedule the next poll.
    void schedule_next(double now_s, unsigned random8);
    // A preemptible association survived selection: it keeps its place.
    void mark_useful();

    // ---- receiving ----------------------------------------------------
    // Origin/duplicate/mode checks. Changes nothing but counters on failure.
    // `authenticated`: whether the MAC checked out (only consulted when a key is set).
    ReplyVerdict check_reply(const ntp::wire::NtpHeader& h, bool has_mac, bool authenticated);
    // KoD classification (call only after check_reply() == accepted).
    static KissAction classify_kiss(const ntp::wire::NtpHeader& h);
    // Obey a KoD whose origin matched: RATE raises minpoll to the server's
    // poll and cancels a burst; DENY/RSTR stop the association.
    PeerEvent obey_kiss(KissAction action, const ntp::wire::NtpHeader& h, double now_s);
    // A reply whose origin matched: capture the header and arm bursts. When
    // its header passed header_tests() (`header_bits` 0) set reach bit 0 and
    // return `reachable` if the peer was unreachable before. A header that
    // failed is counted (seldisp) and kept in the flash bits, and leaves
    // reach alone: classic process_packet discards such a packet after
    // capturing its header values, before the reach register.
    PeerEvent accept_reply(const ntp::wire::NtpHeader& h, ntp::wire::NtpTimestamp received_at,
                           double now_s, bool authenticated, std::uint16_t header_bits = 0);
    // A broadcast that passed the broadcast checks (ntpd/core/broadcast.hh):
    // counted, header captured and reach bit 0 set as for a reply.
    PeerEvent accept_broadcast(const ntp::wire::NtpHeader& h, ntp::wire::NtpTimestamp received_at,
                               double now_s, bool authenticated);
    // A broadcast that failed them: counted, nothing else changes.
    void reject_broadcast(bool duplicate);
    // Header sanity (TEST6/TEST7 style, flash bits): leap 3, stratum 0 or
    // >= 16 or outside [floor, ceiling), or root distance too large. 0 = sane.
    static std::uint16_t header_tests(const ntp::wire::NtpHeader& h, int stratum_floor, int stratum_ceiling);
    // The latest reply failed header_tests(): unfit for selection until a
    // sane one comes (the header's leap or stratum alone may not show it).
    bool header_failed() const { return (flash_ & flash::header_mask) != 0; }

    // A refclock poll produced a sample: same bookkeeping as a reply.
    // `when`: the reference time of the timecode; `leap` its leap bits.
    PeerEvent refclock_sample(double now_s, ntp::wire::NtpTimestamp when, int precision_log2, int leap = 0);

    // Clears the protocol state after a clock step (classic clear_all):
    // keeps configuration and reach history off, re-arms iburst.
    void restart(double now_s, double first_poll_s);

    // ---- state for selection and display -------------------------------
    std::uint8_t reach() const { return reach_; }
    int unreach() const { return unreach_; }
    int hpoll_log2() const { return hpoll_; }
    int minpoll_log2() const { return config_.minpoll_log2; }
    int maxpoll_log2() const { return config_.maxpoll_log2; }
    int burst_remaining() const { return burst_; }
    bool stopped() const { return stopped_; }
    const PeerHeader& header() const { return header_; }
    const PeerCounters& counters() const { return counters_; }
    std::uint16_t flash() const { return flash_; }
    void set_flash(std::uint16_t bits) { flash_ = bits; }
    bool last_authenticated() const { return authentic_; }
    // Expected origin of the next reply (0 = none outstanding) and the last
    // transmit timestamp received from the peer (symmetric mode's org).
    ntp::wire::NtpTimestamp expected_origin() const { return expected_origin_; }
    ntp::wire::NtpTimestamp last_peer_transmit() const { return last_peer_xmt_; }
    ntp::wire::NtpTimestamp last_transmit() const { return last_xmt_; }
    double last_transmit_s() const { return last_send_s_; }

    PeerSelect select() const { return select_; }
    void set_select(PeerSelect s) { select_ = s; }

    // Peer status word: conf|authenb|auth|reach|bcast, select, event count, last event.
    std::uint16_t status_word() const;
    void note_event(PeerEvent e);
    void clear_event_count() { event_count_ = 0; }
    PeerEvent last_event() const { return last_event_; }

private:
    std::uint16_t assoc_id_;
    PeerConfig config_;
    std::uint8_t reach_ = 0;
    int unreach_ = 0;
    int hpoll_;
    int retry_ = 0;   // NTP_RETRY: polls left with a burst armed
    int burst_ = 0;   // packets left in the current burst
    bool stopped_ = false;
    bool volley_sent_ = false;  // volley_unanswered: the volley was started
    bool authentic_ = false;
    double next_poll_s_;
    double last_send_s_ = -1e9;
    ntp::wire::NtpTimestamp expected_origin_;
    ntp::wire::NtpTimestamp last_xmt_;
    ntp::wire::NtpTimestamp last_peer_xmt_;
    PeerHeader header_;
    PeerCounters counters_;
    std::uint16_t flash_ = flash::peer_unreach;
    PeerSelect select_ = PeerSelect::reject;
    std::uint8_t event_count_ = 0;
    PeerEvent last_event_ = PeerEvent::none;
};

}  // namespace ntpd
