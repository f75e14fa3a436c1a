#pragma once
// NtpConfig: the typed result of reading ntp.conf (with its includefiles).
// This is the contract between the configuration layer and its consumers
// (ntpd's core, server, control server; ntpq's :config support later).
//
// Conventions
// * std::optional = "not written in the file": the consumer applies the
//   classic default, which is given in the comment next to each field.
// * Values have already been checked and clamped as classic ntpd does (with a
//   warning diagnostic); consumers can use them as they are.
// * Addresses stay as written (HostAddress::text) plus the parsed numeric form
//   when the text is a numeric address. Host names are resolved by the daemon.
// * Repeated scalar directives: the last one wins. List directives append.
// * Equality (==) compares meaning; `Origin` (where a line was written) is
//   provenance for log messages and never makes two configs differ.
// * Directives that are parsed but not supported (Autokey `crypto`, `phone`,
//   `simulate`, ...) produce a warning and are not stored unless a field
//   below says otherwise.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libntp/config/address.hh"

namespace ntp::config {

// Where a directive came from: "file", line. Ignored by ==.
struct Origin {
    std::string file;
    int line = 0;
    friend bool operator==(const Origin&, const Origin&) { return true; }
};

// An address or host name as written (brackets around IPv6 removed).
struct HostAddress {
    std::string text;
    std::optional<IpAddress> numeric;  // set when `text` is a numeric address
    friend bool operator==(const HostAddress&, const HostAddress&) = default;
};

// ---------------------------------------------------------------- associations

enum class AssociationKind { server, pool, peer, broadcast, manycastclient };

// server / pool / peer / broadcast / manycastclient lines, and NTPsec
// `refclock NAME unit N ...` lines (stored as server 127.127.T.N plus a Fudge).
struct Association {
    AssociationKind kind = AssociationKind::server;
    HostAddress address;
    AddressFamily family = AddressFamily::any;  // -4 / -6 before the address

    bool iburst = false;
    bool burst = false;
    bool prefer = false;
    bool noselect = false;
    bool true_chimer = false;  // option `true`
    bool preempt = false;
    bool xleave = false;
    bool autokey = false;  // parsed, not supported (warning)

    // log2 seconds, clamped to [3, 17]. Defaults: minpoll 6; maxpoll 10, or
    // = minpoll for reference clocks. Use effective_minpoll()/effective_maxpoll().
    std::optional<int> minpoll_log2;
    std::optional<int> maxpoll_log2;
    std::uint32_t key_id = 0;   // 0 = no key; 1..65535 symmetric; larger = Autokey
    int version = 4;            // 1..4
    std::optional<int> mode;    // refclock driver mode
    int ttl = 0;                // 0..7 (broadcast/manycast TTL index)
    std::string ident;          // Autokey group (unsupported)

    // Extra settings of the NTPsec `refclock` form (empty when not given).
    std::string refclock_path;
    std::string refclock_ppspath;
    std::optional<int> refclock_baud;

    Origin where;

    // Set when the address is 127.127.t.u.
    std::optional<RefclockId> refclock() const;
    int effective_minpoll() const;
    int effective_maxpoll() const;

    friend bool operator==(const Association&, const Association&) = default;
};

// ---------------------------------------------------------------- restrict

// Restriction flags. The values of the classic bits are those of ntpd 4.2.8p6
// (RES_*); noepeer is ours (later 4.2.8 releases have it too).
namespace restrict_flag {
constexpr std::uint32_t ignore = 0x0001;
constexpr std::uint32_t noserve = 0x0002;
constexpr std::uint32_t notrust = 0x0004;
constexpr std::uint32_t version = 0x0008;
constexpr std::uint32_t nopeer = 0x0010;
constexpr std::uint32_t limited = 0x0020;
constexpr std::uint32_t noquery = 0x0040;
constexpr std::uint32_t nomodify = 0x0080;
constexpr std::uint32_t notrap = 0x0100;
constexpr std::uint32_t lowpriotrap = 0x0200;
constexpr std::uint32_t kod = 0x0400;
constexpr std::uint32_t mssntp = 0x0800;
constexpr std::uint32_t flake = 0x1000;
constexpr std::uint32_t nomrulist = 0x2000;
constexpr std::uint32_t noepeer = 0x4000;
}  // namespace restrict_flag

// Keyword of a single flag bit ("nopeer"), or "" for an unknown bit.
const char* restrict_flag_name(std::uint32_t bit);

enum class RestrictTarget {
    default_entry,  // `restrict [-4|-6] default`: address and mask are all zero
    address,        // numeric address (+ mask)
    hostname,       // to be resolved by the daemon; every A/AAAA gets an entry
    source,         // `restrict source`: template for each association's address
};

// One restrict entry. `restrict default` without -4/-6 is stored as two
// entries (IPv4 and IPv6), as classic ntpd does. Lines with the same target,
// address, mask and ntpport OR their flags into one entry (classic behaviour).
struct RestrictEntry {
    RestrictTarget target = RestrictTarget::address;
    // ipv4/ipv6 for default and address entries; for hostname entries the
    // -4/-6 given (any = both); always any for source.
    AddressFamily family = AddressFamily::any;
    std::string host;                  // the host name (hostname entries only)
    std::optional<IpAddress> address;  // default/address entries
    // Mask as written (`mask M`, or a /len suffix we accept as an extension).
    // When absent: a host mask (/32, /128) for address/hostname entries,
    // all zeros for default.
    std::optional<IpAddress> mask;
    std::uint32_t flags = 0;           // restrict_flag bits
    bool ntpport = false;              // match only source port 123
    std::optional<int> ippeerlimit;    // later 4.2.8: -1 = no limit
    bool serverresponse_fuzz = false;  // later 4.2.8
    Origin where;

    // The mask in force: `mask`, else /32 or /128, or all zeros for default.
    IpAddress effective_mask() const;

    friend bool operator==(const RestrictEntry&, const RestrictEntry&) = default;
};

// ---------------------------------------------------------------- refclocks

// `fudge 127.127.t.u ...`. All options optional (not written = driver default).
struct Fudge {
    IpAddress address;  // always a refclock address 127.127.t.u
    RefclockId clock;
    std::optional<double> time1_s;
    std::optional<double> time2_s;
    std::optional<int> stratum;        // 0..16
    std::optional<std::string> refid;  // at most 4 characters
    std::array<std::optional<bool>, 4> flags{};  // flag1..flag4
    std::optional<std::string> abbrev;
    Origin where;
    friend bool operator==(const Fudge&, const Fudge&) = default;
};

// ---------------------------------------------------------------- monitoring

enum class FilegenType { none, pid, day, week, month, year, age };
const char* filegen_type_name(FilegenType t);

// `filegen NAME [file F] [type T] [link|nolink] [enable|disable]`, merged per
// name. Defaults: file = NAME, type day, link on; enabled once `filegen ...
// enable` or `statistics NAME` is given.
struct Filegen {
    std::string name;  // loopstats peerstats clockstats rawstats sysstats
                       // protostats cryptostats timingstats
    std::optional<std::string> file;
    std::optional<FilegenType> type;
    std::optional<bool> link;
    std::optional<bool> enabled;
    friend bool operator==(const Filegen&, const Filegen&) = default;
};

// One `logconfig` item: op '=' (replace), '+' (add) or '-' (remove), and a
// class name such as "syncall", "clockevents", "all" (validated).
struct LogConfigItem {
    char op = '=';
    std::string item;
    friend bool operator==(const LogConfigItem&, const LogConfigItem&) = default;
};

// Log mask bits: (class * 4 + type) for classes sys=0 peer=1 clock=2 sync=3
// and types info=0 events=1 statistics=2 status=3.
std::uint32_t logconfig_bits(const std::string& item);  // 0 for an unknown item
// The classic default (4.2.8) is "allsync" only.
std::uint32_t logconfig_default_mask();
// The mask after applying `items` in order to the default mask.
std::uint32_t logconfig_mask(const std::vector<LogConfigItem>& items);

// ---------------------------------------------------------------- tuning

// `tinker` (and top-level `tick`). Defaults from ntpd 4.2.8 in comments.
struct Tinker {
    std::optional<int> allan_log2;          // 11 (2048 s); values > 17 are taken as seconds
    std::optional<double> dispersion_ppm;   // 15
    std::optional<double> freq_ppm;         // none (initial frequency, like a drift file)
    std::optional<double> huffpuff_s;       // off; minimum 900
    std::optional<double> panic_s;          // 1000; 0 = never panic
    std::optional<double> step_s;           // 0.128; 0 = never step
    std::optional<double> stepback_s;       // 0.128 (defaults to step)
    std::optional<double> stepfwd_s;        // 0.128 (defaults to step)
    std::optional<double> stepout_s;        // 300; minimum 300
    std::optional<double> tick_s;           // system value
    friend bool operator==(const Tinker&, const Tinker&) = default;
};

// `tos`. Defaults from ntpd 4.2.8 code in comments.
struct Tos {
    std::optional<int> beacon_s;       // 7200
    std::optional<int> ceiling;        // 15 (> 15 clamped)
    std::optional<bool> cohort;        // false
    std::optional<int> floor;          // 0
    std::optional<int> maxclock;       // 10
    std::optional<double> maxdist_s;   // 1.5
    std::optional<int> minclock;       // 3
    std::optional<double> mindist_s;   // 0.001
    std::optional<int> minsane;        // 1
    std::optional<int> orphan;         // 16 = off
    std::optional<int> orphanwait_s;   // 300
    friend bool operator==(const Tos&, const Tos&) = default;
};

// `enable` / `disable`: nullopt = the default given in the comment.
struct SystemFlags {
    std::optional<bool> auth;                     // enabled
    std::optional<bool> bclient;                  // disabled (= broadcastclient)
    std::optional<bool> calibrate;                // disabled
    std::optional<bool> kernel;                   // enabled when ntp_adjtime works
    std::optional<bool> mode7;                    // disabled (we never answer mode 7)
    std::optional<bool> monitor;                  // enabled
    std::optional<bool> ntp;                      // enabled; disable = measure only
    std::optional<bool> stats;                    // enabled
    std::optional<bool> unpeer_crypto_early;      // enabled
    std::optional<bool> unpeer_crypto_nak_early;  // enabled
    std::optional<bool> unpeer_digest_early;      // enabled
    friend bool operator==(const SystemFlags&, const SystemFlags&) = default;
};

// `discard`. Defaults: average 3 (log2 s), minimum 2 (s), monitor 3000.
struct Discard {
    std::optional<int> average_log2;
    std::optional<int> minimum_s;
    std::optional<int> monitor;
    friend bool operator==(const Discard&, const Discard&) = default;
};

// `mru`. Defaults: mindepth 600 entries, maxage 64 s, maxmem 1024 kB
// (maxdepth derived from it), initmem 4 kB, incmem 4 kB.
struct Mru {
    std::optional<int> maxdepth;
    std::optional<int> maxmem_kb;
    std::optional<int> mindepth;
    std::optional<int> maxage_s;
    std::optional<int> initalloc;
    std::optional<int> initmem_kb;
    std::optional<int> incalloc;
    std::optional<int> incmem_kb;
    friend bool operator==(const Mru&, const Mru&) = default;
};

// `rlimit`. Defaults (Linux): memlock -1 (do not lock), stacksize 50 pages.
struct Rlimit {
    std::optional<int> memlock_mb;
    std::optional<int> stacksize_pages;  // 4 KiB pages
    std::optional<int> filenum;
    friend bool operator==(const Rlimit&, const Rlimit&) = default;
};

// ---------------------------------------------------------------- interfaces

enum class InterfaceAction { listen, ignore, drop };
enum class InterfaceMatch { all, ipv4, ipv6, wildcard, name, address };

// `interface|nic listen|ignore|drop all|ipv4|ipv6|wildcard|NAME|ADDR[/LEN]`.
// The daemon evaluates the rules in order for each local address; the last
// matching rule wins.
struct InterfaceRule {
    InterfaceAction action = InterfaceAction::listen;
    InterfaceMatch match = InterfaceMatch::all;
    std::string name;                  // InterfaceMatch::name
    std::optional<IpAddress> address;  // InterfaceMatch::address
    int prefix_len = -1;               // -1 = exact address; else /LEN
    Origin where;
    friend bool operator==(const InterfaceRule&, const InterfaceRule&) = default;
};

// ---------------------------------------------------------------- misc

// `setvar name = value [default]`: an extra system variable for ntpq rv.
struct SetVar {
    std::string name;
    std::string value;
    bool is_default = false;  // also listed in the default rv output
    friend bool operator==(const SetVar&, const SetVar&) = default;
};

// `trap address [port N] [interface addr]`. Default port 18447.
struct Trap {
    HostAddress address;
    std::optional<int> port;
    std::optional<HostAddress> interface;
    friend bool operator==(const Trap&, const Trap&) = default;
};

// `hwclock` (our extension, see ntp.conf(5)):
//   hwclock [sync|nosync] [interval SECONDS] [device PATH] [utc|local|adjtime]
// Once synchronised, ntpd writes the system time to the RTC with
// `hwclock --systohc` semantics every `interval_s` and at clean exit.
enum class RtcTimescale { adjtime, utc, local };
struct HwclockConfig {
    bool enabled = true;        // `nosync` keeps the settings but turns it off
    int interval_s = 660;       // 60 .. 86400; 660 = the kernel's 11 minutes
    std::string device;         // empty = discover /dev/rtc, /dev/rtc0, /dev/misc/rtc
    RtcTimescale timescale = RtcTimescale::adjtime;  // adjtime = /etc/adjtime line 3
    friend bool operator==(const HwclockConfig&, const HwclockConfig&) = default;
};

// ---------------------------------------------------------------- the whole file

struct NtpConfig {
    // Associations in file order (refclocks included).
    std::vector<Association> associations;
    std::vector<Fudge> fudges;  // file order; fudges for the same clock stack up

    // Restrict entries in the order first written (after merging).
    std::vector<RestrictEntry> restrictions;
    Discard discard;
    Mru mru;

    // Files. nullopt = not configured.
    // driftfile: nullopt = no drift file (classic default); "" = `driftfile`
    // with no argument (explicitly disabled).
    std::optional<std::string> driftfile;
    std::optional<double> drift_wander_threshold;  // s/s, default 1e-7 (also `nonvolatile`)
    std::optional<std::string> leapfile;
    std::optional<std::string> logfile;
    std::optional<std::string> pidfile;
    std::optional<std::string> saveconfigdir;

    // Keys. Only the last `trustedkey` line counts (classic), ranges expanded.
    std::optional<std::string> keys_file;
    std::optional<std::string> keysdir;
    std::vector<std::uint32_t> trusted_keys;  // 1..65535, sorted, unique
    std::optional<std::uint32_t> request_key;
    std::optional<std::uint32_t> control_key;

    // Statistics. statsdir default /var/NTP/ (always ends in '/').
    std::optional<std::string> statsdir;
    std::vector<std::string> statistics;  // names enabled by `statistics`, unique, in order
    std::vector<Filegen> filegens;        // one per name, in order first written

    std::vector<LogConfigItem> logconfig;  // apply with logconfig_mask()

    Tinker tinker;
    Tos tos;
    SystemFlags flags;
    Rlimit rlimit;

    std::vector<InterfaceRule> interface_rules;

    std::vector<SetVar> setvars;
    std::vector<Trap> traps;
    std::vector<int> ttl;  // manycast TTL ladder (<= 8 values, 0..255)
    std::optional<int> dscp;                  // default 46
    std::optional<double> broadcastdelay_s;   // default 0 (calibrate)
    std::optional<int> mdnstries;             // default 5
    std::optional<int> leapsmearinterval_s;   // not supported (warning)

    // Broadcast/multicast clients (ntpd/broadcast); manycastserver is
    // stored with a warning (not supported).
    bool broadcastclient = false;
    bool broadcastclient_novolley = false;     // `broadcastclient novolley`
    std::vector<HostAddress> multicastclient;  // empty address list = 224.0.1.1
    bool multicastclient_given = false;
    std::vector<HostAddress> manycastserver;
    std::vector<std::string> unpeer;  // addresses or association ids as written

    std::optional<HwclockConfig> hwclock;  // nullopt = no `hwclock` line

    friend bool operator==(const NtpConfig&, const NtpConfig&) = default;
};

}  // namespace ntp::config
