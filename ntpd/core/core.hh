#pragma once
// ntpd's client core: associations and polling, the system process that feeds
// the sync algorithms (libntp/sync) and the discipline, the LOCAL refclock and
// orphan mode, statistics, drift-file cadence, and the system variables the
// responder and mode 6 read (system_state.hh).
//
// Pure: no sockets, no libevent, no global state.
//   * Time comes in as a parameter: `now` is a reading of the daemon's Clock
//     (realtime for KernelClock/NullClock, simulated for SimClock) taken by
//     the caller. Internally the core keeps two timescales: the local clock
//     in seconds since start (what the clock filters and the discipline
//     use; it moves when the clock is stepped) and a steady timescale with
//     our own steps taken out (poll timers, name retries, hourly work).
//     Only for the transmit timestamp of a request does the core read the
//     clock itself, as late as possible.
//   * Packets go out through PacketSender, one call per request, tagged with
//     the association id so the shell can send each association from a
//     socket of its own (RFC 9109 random source ports).
//   * Packets come in through on_packet(): the shell hands over mode 4
//     (server), mode 1/2 (symmetric) and mode 5 (broadcast) packets; the
//     core answers whether they belonged to an association. Broadcasts are
//     the one kind of packet that can mobilize an association, and only
//     with broadcastclient / multicastclient configured
//     (core_broadcast.cc, ntpd/core/broadcast.hh).
//   * `broadcast ADDR` associations send mode 5 packets through
//     PacketSender::send_broadcast at their poll interval.
//
// Typical shell use:
//     Core core(config, options, deps);
//     core.start(clock.now());
//     every second:        core.tick(clock.now(), monotonic_s);
//     on a mode 4/2 packet: core.on_packet(rx);
//     on a mode 1 packet:   if (core.is_configured_peer(src)) core.on_packet(rx);
//                           else answer statelessly with mode 2 (responder)
//     after each call:      if (auto e = core.exit_request()) { print/log; exit(e->status); }
//     clean shutdown:       core.shutdown(clock.now());
//
// tests/sim drives it the same way against SimClock (see core_test.cc for a
// minimal in-memory network).

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "libntp/clock/clock.hh"
#include "libntp/config/ntp_config.hh"
#include "libntp/io/endpoint.hh"
#include "libntp/sync/clock_jump.hh"
#include "libntp/sync/huff_puff.hh"
#include "libntp/sync/loop_filter.hh"
#include "libntp/sync/selection.hh"
#include "libntp/util/log.hh"
#include "libntp/wire/ntp_packet.hh"
#include "ntpd/core/leap_state.hh"
#include "ntpd/core/peer_manager.hh"
#include "ntpd/refclock/driver.hh"
#include "libntp/io/resolver.hh"
#include "ntpd/core/stats_files.hh"
#include "ntpd/core/system_state.hh"

namespace ntp::auth {
class KeyStore;
class MacComputer;
}  // namespace ntp::auth
namespace ntp::clock {
class DriftWritePolicy;
}  // namespace ntp::clock

namespace ntpd {

class PacketSender {
public:
    virtual ~PacketSender() = default;
    // Send one request of association `assoc_id` to `to`.
    virtual void send(std::uint16_t assoc_id, const ntp::io::Endpoint& to,
                      std::span<const std::uint8_t> packet) = 0;
    // The association is gone: a socket kept for it can be closed.
    virtual void release(std::uint16_t assoc_id) = 0;
    // Send one broadcast of association `assoc_id` to a subnet broadcast
    // address or multicast group, from the interface that reaches it, with
    // multicast TTL `ttl` (0: the system's default). Without a broadcast
    // path of its own a sender sends it as any other packet.
    virtual void send_broadcast(std::uint16_t assoc_id, const ntp::io::Endpoint& to, int ttl,
                                std::span<const std::uint8_t> packet) {
        (void)ttl;
        send(assoc_id, to, packet);
    }
};

class RandomSource {
public:
    virtual ~RandomSource() = default;
    virtual std::uint32_t next_u32() = 0;
};

// The daemon's randomness: the kernel's generator (ntp::auth::random_bytes).
class SystemRandom final : public RandomSource {
public:
    std::uint32_t next_u32() override;
};

// Hardware clock writes (hwclock directive / --hwclock / SYNC_HWCLOCK): the
// core decides when (once synchronised, then every interval, and at clean
// exit); the shell provides how (an RTC writer from libntp/clock).
class HwclockWriter {
public:
    virtual ~HwclockWriter() = default;
    // Returns "" on success, else a message to log.
    virtual std::string write_rtc() = 0;
};

struct CoreOptions {
    bool quit_mode = false;        // -q
    bool panic_gate = false;       // -g
    bool force_step_once = false;  // -G
    bool slew_only = false;        // -x (also folded into the config by apply_to_config)
    bool ipv4_only = false;        // -4
    bool ipv6_only = false;        // -6
    int precision_log2 = -20;      // measured by the shell at start-up
    long pid = 0;                  // for statistics file names (type pid)
    // Hardware clock cadence when enabled by the config `hwclock` line,
    // --hwclock or SYNC_HWCLOCK=yes; nullopt = off.
    std::optional<int> hwclock_interval_s;
};

struct CoreDeps {
    ntp::clock::Clock& clock;
    PacketSender& sender;
    ntp::io::NameResolver& resolver;
    RandomSource& random;
    ntp::util::Log* log = nullptr;              // nullptr: events only recorded
    const ntp::auth::KeyStore* keys = nullptr;  // needed for `key N` associations
    ntp::auth::MacComputer* macs = nullptr;
    HwclockWriter* hwclock = nullptr;
    // Creates the reference clock drivers (other than LOCAL); nullptr: only
    // LOCAL runs, other refclock associations are refused with a message.
    refclock::DriverFactory* refclocks = nullptr;
};

struct ReceivedPacket {
    ntp::io::Endpoint from;
    std::span<const std::uint8_t> bytes;
    timespec received_at{};         // kernel timestamp, or the clock read at reception
    std::uint16_t via_assoc = 0;    // the association socket it arrived on; 0 = shared socket
    std::uint32_t restrict_flags = 0;  // the source's restrict flags (nopeer/notrust: broadcasts need a MAC)
};

// Broadcasts the core refused (the responder counts the malformed ones).
struct BroadcastCounters {
    std::uint64_t not_enabled = 0;  // no broadcastclient / multicastclient
    std::uint64_t bad_auth = 0;     // unauthenticated where authentication is required, or a bad MAC
    std::uint64_t declined = 0;     // failed a check (replay, flood, unsynchronised, poll, stratum)
};

enum class PacketResult {
    accepted,  // a reply of one of our associations, processed
    dropped,   // from an association's address but failed a check: nothing changed
    not_ours,  // no association has this source: the shell may answer statelessly
};

// An event or message, as logged (also kept for tests and the sim).
struct CoreEvent {
    enum class Kind { system, peer, message } kind = Kind::message;
    std::uint8_t code = 0;   // event code (peer events without 0x80)
    std::string text;        // the full log line, e.g. "0.0.0.0 c016 06 restart"
};

// -q finished, or panic: the shell prints/logs and exits.
struct ExitRequest {
    int status = 0;
    std::string stdout_text;  // e.g. "ntpd: time set +0.123456s" (no newline)
};

class Core {
public:
    // Throws nothing for bad associations (they are skipped with a log line).
    Core(const ntp::config::NtpConfig& config, const CoreOptions& options, CoreDeps deps);
    ~Core();
    Core(const Core&) = delete;
    Core& operator=(const Core&) = delete;

    // Loop start: drift file, restart/freq_set events, associations mobilized.
    void start(const timespec& now);
    // Once a second. `monotonic_s` (CLOCK_MONOTONIC) lets the core notice the
    // clock being stepped by someone else; nullopt skips the check.
    void tick(const timespec& now, std::optional<double> monotonic_s = std::nullopt);
    PacketResult on_packet(const ReceivedPacket& rx);
    // Mode 1 dispatch: is `from` a configured symmetric peer?
    bool is_configured_peer(const ntp::io::Endpoint& from) const;
    // Clean exit (SIGTERM): final hardware clock write when synchronised,
    // and release_clock().
    void shutdown(const timespec& now);
    // Before any exit: a start-up fast slew in progress is ended, so the
    // clock is left at the discipline's frequency.
    void release_clock();

    const SystemState& system_state() const { return sys_; }
    const std::optional<ExitRequest>& exit_request() const { return exit_; }

    // Read-only views for the control provider and tests.
    const PeerManager& peers() const { return peers_; }
    const ntp::sync::LoopFilter& loop() const { return *loop_; }
    double local_seconds(const timespec& now) const;
    double steady_seconds(const timespec& now) const;
    // Events and messages since the last call (also logged when a Log is set);
    // at most the latest few hundred are kept between calls.
    std::vector<CoreEvent> take_events();
    const std::vector<std::string>& refclock_names() const { return refclock_names_; }
    ntp::io::Endpoint sys_peer_address() const;

    // Counters for ntpq (timerstats).
    std::uint64_t packets_sent() const { return packets_sent_; }
    const BroadcastCounters& broadcast_counters() const { return bcast_counters_; }
    // Clears an event counter (authenticated mode 6 read): 0 = the system's.
    void clear_event_count(std::uint16_t assoc_id);
    void clear_system_event_count() { clear_event_count(0); }
    // The daemon's clock (for the kernel variables mode 6 shows).
    ntp::clock::Clock& clock() const { return deps_.clock; }
    // Leap seconds (ntpd/core/leap_state.hh): mode 6 tai/leapsec/expire; SIGHUP re-reads the leapfile.
    const LeapState& leap() const { return *leap_; }
    void reload_leap_file(const timespec& now);

    // Runtime configuration (ntpq :config): one more association, handled as
    // if it had been in the file; and `unpeer` by association id, address or
    // configured host name (false: nothing matched).
    void add_association(const ntp::config::Association& a, const timespec& now);
    bool unpeer(std::string_view target, const timespec& now);

private:
    struct Settings;

    void mobilize_from_config(double steady_s);
    void mobilize(const ntp::config::Association& a, double steady_s);
    void poll_peer(PeerEntry& e, const timespec& now, double steady_s);
    void send_request(PeerEntry& e, double steady_s);
    std::optional<std::span<const std::uint8_t>> encode(const ntp::wire::NtpHeader& h, std::uint32_t key_id,
                                                        std::span<std::uint8_t> buf);
    // core_broadcast.cc
    void send_broadcast(PeerEntry& e, double steady_s);
    PacketResult on_broadcast(const ReceivedPacket& rx);
    PeerEntry& mobilize_broadcast_client(const ntp::io::Endpoint& from, const ntp::wire::NtpHeader& h,
                                         std::uint32_t key_id, double steady_s);
    void broadcast_sample(PeerEntry& e, const ntp::wire::NtpHeader& h, const timespec& received_at);
    // Peer::header_tests with the configured stratum floor and ceiling.
    std::uint16_t header_bits(const ntp::wire::NtpHeader& h) const;

    // What the broadcast paths take from the configuration.
    struct BroadcastSettings {
        std::vector<int> ttl;           // the `ttl` ladder
        bool client = false;            // broadcastclient / multicastclient / enable bclient
        std::optional<double> delay_s;  // broadcastdelay, or novolley's default; nullopt = volley
        bool auth_required = true;      // `enable auth`
    };
    BroadcastSettings bcast_;
    void poll_refclock(PeerEntry& e, const timespec& now, double steady_s);
    void poll_driver(PeerEntry& e, const timespec& now, double steady_s);
    void mobilize_refclock(const ntp::config::Association& a, ntp::config::RefclockId id, PeerConfig c,
                           double steady_s);
    void refclock_timers(const timespec& now);
    void drain_driver(PeerEntry& e, const timespec& now);
    void write_clockstats(const PeerEntry& e, const timespec& now, const std::string& text);
    void process_sample(PeerEntry& e, const ntp::sync::Sample& s, const timespec& now);
    void clock_select(const timespec& now);
    void clock_update(PeerEntry& sys_peer, const ntp::sync::SelectionResult& r, const timespec& now);
    void become_orphan(const timespec& now);
    void lose_sys_peer(double steady_s);
    void handle_step(const timespec& now);
    void restart_associations(double steady_s);
    void demobilize(std::uint16_t assoc_id, double steady_s, bool log_event);
    void hourly_work(const timespec& now, double steady_s);
    void check_quit(double steady_s);

    void system_event(SystemEvent code, const std::string& detail = {});
    void peer_event(PeerEntry& e, PeerEvent code, const std::string& detail = {});
    void message(ntp::util::Severity severity, const std::string& text);
    void loop_events(const std::vector<ntp::sync::LoopEvent>& events);
    void write_peerstats(const PeerEntry& e, const timespec& now);
    void write_loopstats(const timespec& now);
    bool event_logged(bool system_event) const;
    void record(CoreEvent event);
    void apply_leap(const LeapActions& actions);

    std::unique_ptr<Settings> settings_;
    CoreOptions options_;
    CoreDeps deps_;
    PeerManager peers_;
    std::unique_ptr<ntp::sync::LoopFilter> loop_;
    std::unique_ptr<StatsFiles> stats_;
    std::unique_ptr<ntp::clock::DriftWritePolicy> drift_policy_;
    std::unique_ptr<LeapState> leap_;
    ntp::sync::ClockJumpDetector jump_detector_;
    ntp::sync::ClockHop clock_hop_;
    std::optional<ntp::sync::HuffPuff> huff_puff_;  // tinker huffpuff
    SystemState sys_;
    std::vector<CoreEvent> events_;
    std::vector<std::string> refclock_names_;
    std::optional<ExitRequest> exit_;

    timespec start_wall_{};
    bool started_ = false;
    double steps_total_s_ = 0;        // our own steps: local - steady
    double last_step_s_ = 0;          // step reported by the discipline, not yet accounted
    double own_steps_unchecked_s_ = 0; // our steps the jump detector has not been told of
    double orphan_wait_start_s_ = 0;  // steady time orphanwait counts from
    double sys_update_local_s_ = 0;   // local time of the last clock update
    double sys_epoch_s_ = -1e300;     // filter epoch of the sample that update used
    double sys_rootdisp_base_s_ = 0;  // root dispersion at that update
    double last_tick_steady_s_ = -1;
    std::optional<double> next_hwclock_s_;
    std::uint16_t sys_peer_id_ = 0;
    int survivors_ = 0;
    std::uint64_t packets_sent_ = 0;
    BroadcastCounters bcast_counters_;
    bool ever_synchronised_ = false;
    bool orphan_ = false;
    // -q: associations whose burst is done or that gave up, with the steady
    // time they did (their last reply may still be on its way).
    std::vector<std::pair<std::uint16_t, double>> quit_done_;
};

}  // namespace ntpd
