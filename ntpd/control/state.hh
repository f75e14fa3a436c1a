#pragma once
// What the mode 6 control server (ntpd/control/control_server.hh) reads from the
// daemon: system, peer and clock variables, statistics counters, the MRU
// list, interfaces and restrictions, and the few actions mode 6 can trigger
// (runtime configuration, saveconfig, clearing event counters).
//
// The daemon implements ControlState over its core (ntpd/control/provider.*);
// tests implement it with fixed values. Plain values only: the control server
// formats them (units are in the names; it converts to the classic ms / PPM
// text). Timestamps are 64-bit NTP timestamps as on the wire (seconds since
// the era start in the high 32 bits), 0 meaning "never", as in system_state.hh.
// Refids are the big-endian reading of the four wire octets (system_state.hh).

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libntp/io/endpoint.hh"
#include "ntpd/core/system_state.hh"

namespace ntpd::control {

// System variables that SystemState does not hold.
struct SystemExtras {
    // `peeradr`: the sys.peer's address and port; nullopt prints "0.0.0.0:0".
    std::optional<ntp::io::Endpoint> sys_peer_address;
    int tai_offset_s = 0;               // `tai`, sent only when > 0
    std::int64_t leap_table_unix_s = 0;  // `leapsec`: leap file time stamp, 0 = no leap file
    std::int64_t leap_expire_unix_s = 0; // `expire`: leap file expiry, 0 = unknown
    double broadcast_delay_s = 0;       // `bcastdelay`
    double auth_delay_s = 0;            // `authdelay`
    double fuzz_s = 0;                  // `fuzz`
    double wander_threshold_ppm = 0;    // `clk_wander_threshold`
};

// A `setvar name = value [default]` variable, shown as the raw text name=value.
struct UserVariable {
    std::string name;
    std::string value;
    bool is_default = false;
};

// One association, as READVAR / READSTAT with an association ID show it.
struct PeerVariables {
    std::uint16_t assoc_id = 0;
    // Peer status word (mode6 PeerStatus): conf/authenb/auth/reach/bcast
    // flags, select code, event count and last event. `config`, `authenable`,
    // `authentic` and `candidate` are derived from it.
    std::uint16_t status = 0;
    ntp::io::Endpoint source;                 // srcadr/srcport (127.127.t.u for refclocks)
    std::optional<ntp::io::Endpoint> local;   // dstadr/dstport; nullopt: "0.0.0.0", 0
    std::string hostname;                     // srchost; empty: not sent
    bool refclock = false;                    // refid as text, ttl = mode
    std::uint8_t leap = 3;
    int stratum = 16;
    int precision_log2 = 0;
    double root_delay_s = 0;
    double root_dispersion_s = 0;
    std::uint32_t refid = 0;
    std::uint64_t reftime_ntp = 0;
    std::uint64_t org_ntp = 0;   // `org`: origin timestamp of the last packet
    std::uint64_t rec_ntp = 0;   // `rec`: when the last packet arrived
    std::uint8_t reach = 0;
    unsigned unreach = 0;
    int hmode = 0;
    int pmode = 0;
    int hpoll_log2 = 0;
    int ppoll_log2 = 0;
    unsigned headway = 0;        // `headway`: rate-control throttle
    std::uint32_t flash = 0;     // packet test bits (mode6 flash_names)
    std::uint32_t key_id = 0;
    std::optional<int> ttl;      // refclock mode, or manycast/broadcast ttl
    double offset_s = 0;
    double delay_s = 0;
    double dispersion_s = 0;
    double jitter_s = 0;
    double xleave_s = 0;         // `xleave`: interleave delay, sent when != 0
    double bias_s = 0;           // `bias`, sent when != 0
    // Clock filter stages, newest first.
    std::array<double, 8> filter_delay_s{};
    std::array<double, 8> filter_offset_s{};
    std::array<double, 8> filter_dispersion_s{};
    // `pstats` counters.
    unsigned timer_s = 0;               // until the next poll
    unsigned since_received_s = 0;      // `timerec`
    unsigned since_reach_change_s = 0;  // `timereach`
    std::uint64_t received = 0;
    std::uint64_t sent = 0;
    std::uint64_t bad_auth = 0;
    std::uint64_t bogus_origin = 0;
    std::uint64_t old_packets = 0;      // `oldpkt`: duplicates
    std::uint64_t sel_dispersion = 0;   // `seldisp`
    std::uint64_t sel_broken = 0;       // `selbroken`
};

// A reference clock, as READCLOCK shows it.
struct ClockVariables {
    std::uint16_t assoc_id = 0;
    std::uint8_t status = 0;       // current clock status (clk_* code)
    std::uint8_t last_event = 0;   // last clock event (clk_* code)
    std::string device;            // description; empty: `type` is sent instead
    unsigned type = 0;             // driver type (1 = LOCAL)
    std::string timecode;          // last timecode received
    std::uint64_t polls = 0;
    std::uint64_t no_reply = 0;
    std::uint64_t bad_format = 0;
    std::uint64_t bad_data = 0;
    std::optional<double> fudge_time1_s;
    std::optional<double> fudge_time2_s;
    std::optional<int> fudge_stratum;       // `stratum`
    std::optional<std::uint32_t> fudge_refid;  // `refid`
    unsigned flags = 0;            // fudge flags bits
};

// `sysstats` (ss_*).
struct SysStats {
    std::uint64_t uptime_s = 0;
    std::uint64_t since_reset_s = 0;
    std::uint64_t received = 0;
    std::uint64_t current_version = 0;
    std::uint64_t old_version = 0;
    std::uint64_t bad_format = 0;
    std::uint64_t bad_auth = 0;
    std::uint64_t declined = 0;
    std::uint64_t restricted = 0;
    std::uint64_t limited = 0;
    std::uint64_t kod_sent = 0;
    std::uint64_t processed = 0;
};

// `monstats` (mru_*).
struct MruStats {
    std::uint32_t enabled = 0;   // monitor enable bits, shown in hex
    std::uint64_t depth = 0;
    std::uint64_t deepest = 0;
    std::uint64_t min_depth = 0;
    std::int64_t max_age_s = 0;
    std::uint64_t max_depth = 0;
    std::uint64_t mem_kb = 0;
    std::uint64_t max_mem_kb = 0;
};

// `authinfo` (auth*).
struct AuthStats {
    std::uint64_t since_reset_s = 0;
    std::uint64_t keys = 0;
    std::uint64_t free_keys = 0;
    std::uint64_t lookups = 0;
    std::uint64_t not_found = 0;
    std::uint64_t uncached = 0;
    std::uint64_t expired = 0;
    std::uint64_t encryptions = 0;
    std::uint64_t decryptions = 0;
};

// `kerninfo` (k*): the kernel PLL as ntp_adjtime reports it.
struct KernelInfo {
    bool available = false;        // false: every value is sent as 0, kstflags empty
    double offset_ms = 0;
    double frequency_ppm = 0;
    double max_error_ms = 0;
    double est_error_ms = 0;
    std::uint32_t status = 0;      // STA_* bits
    int time_constant = 0;
    double precision_ms = 0;
    double tolerance_ppm = 0;
    bool pps_active = false;       // false: the kpps* values are sent as 0
    double pps_frequency_ppm = 0;
    double pps_stability_ppm = 0;
    double pps_jitter_ms = 0;
    int pps_calibration_interval_s = 0;
    std::uint64_t pps_calibrations = 0;
    std::uint64_t pps_calibration_errors = 0;
    std::uint64_t pps_jitter_exceeded = 0;
    std::uint64_t pps_stability_exceeded = 0;
};

// `iostats`.
struct IoStats {
    std::uint64_t since_reset_s = 0;
    std::uint64_t total_rbuf = 0;
    std::uint64_t free_rbuf = 0;
    std::uint64_t used_rbuf = 0;
    std::uint64_t rbuf_lowater = 0;
    std::uint64_t dropped = 0;
    std::uint64_t ignored = 0;
    std::uint64_t received = 0;
    std::uint64_t sent = 0;
    std::uint64_t send_failed = 0;
    std::uint64_t wakeups = 0;
    std::uint64_t good_wakeups = 0;
};

// `timerstats`.
struct TimerStats {
    std::uint64_t since_reset_s = 0;
    std::uint64_t overruns = 0;
    std::uint64_t xmts = 0;
};

// One row of the MRU list (`ntpq mrulist`).
struct MruRow {
    ntp::io::Endpoint remote;     // address and last source port
    ntp::io::IpAddress local;     // our address the last packet came to
    std::uint64_t first_ntp = 0;
    std::uint64_t last_ntp = 0;
    std::uint64_t count = 0;
    std::uint8_t mode_version = 0;   // (version << 3) | mode
    std::uint32_t restrict_flags = 0;
};

// One local address (`ntpq ifstats`).
struct InterfaceStats {
    std::string name;                          // e.g. "lo", "eth0"
    ntp::io::Endpoint address;                 // address and port we listen on
    std::optional<ntp::io::Endpoint> broadcast;
    bool enabled = true;                       // false: packets are ignored (drop flag D)
    std::uint32_t flags = 0;                   // INT_* bits, shown in hex
    int ttl = 0;
    int multicast_count = 0;
    std::uint64_t received = 0;
    std::uint64_t sent = 0;
    std::uint64_t send_failed = 0;
    unsigned peer_count = 0;
    std::uint64_t uptime_s = 0;
};

// One restrict entry (`ntpq reslist`).
struct RestrictionRow {
    ntp::io::IpAddress address;
    ntp::io::IpAddress mask;
    std::uint64_t hits = 0;
    // Match words then access words, space separated, as classic prints them:
    // "ntpport interface nomodify noquery" (empty: no flags).
    std::string flags;
};

class ControlState {
public:
    virtual ~ControlState() = default;

    virtual const SystemState& system() const = 0;
    virtual SystemExtras system_extras() const = 0;

    // (association ID, peer status word) in the daemon's internal order.
    virtual std::vector<std::pair<std::uint16_t, std::uint16_t>> associations() const = 0;
    virtual std::optional<PeerVariables> peer(std::uint16_t assoc_id) const = 0;
    // nullopt when the association does not exist or is not a reference clock.
    virtual std::optional<ClockVariables> clock(std::uint16_t assoc_id) const = 0;

    virtual SysStats sys_stats() const = 0;
    virtual MruStats mru_stats() const = 0;
    virtual AuthStats auth_stats() const = 0;
    virtual KernelInfo kernel_info() const = 0;
    virtual IoStats io_stats() const = 0;
    virtual TimerStats timer_stats() const = 0;

    // Visits the MRU list oldest first; `visit` returns false to stop.
    virtual void visit_mru(const std::function<bool(const MruRow&)>& visit) const = 0;
    virtual std::vector<InterfaceStats> interfaces() const = 0;
    // IPv4 entries then IPv6 entries, each in match order.
    virtual std::vector<RestrictionRow> restrictions() const = 0;

    // An authenticated READVAR/READSTAT was served: classic resets the event
    // counter of the system (assoc 0) or of that peer.
    virtual void clear_event_count(std::uint16_t assoc_id) = 0;

    // An authenticated `:config` line from `from` (already checked for
    // nomodify and printable text). Returns the reply text: "Config
    // Succeeded" or the error description, as classic ntpd does.
    virtual std::string configure(std::string_view line, const ntp::io::Endpoint& from) = 0;
    // An authenticated `saveconfig NAME` (a plain file name, no directory).
    // Returns the reply text, e.g. "Configuration saved to NAME".
    virtual std::string save_config(std::string_view file_name, const ntp::io::Endpoint& from) = 0;

    // `setvar` variables: READVAR shows them (the `default` ones in the
    // default list) and an authenticated WRITEVAR may change their values.
    virtual std::vector<UserVariable> user_variables() const = 0;
    // false: `name` is not a setvar variable.
    virtual bool write_user_variable(std::string_view name, std::string_view value) = 0;
};

}  // namespace ntpd::control
