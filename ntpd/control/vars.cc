#include "ntpd/control/vars.hh"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <ctime>

#include "libntp/wire/mode6.hh"

namespace ntpd::control {

namespace {

constexpr double ms_per_s = 1e3;
// The classic variable-list buffer is one fragment long (CTL_MAX_DATA_LEN).
constexpr std::size_t var_list_buffer = 468;

template <typename... Args>
std::string printf_string(const char* fmt, Args... args) {
    char buf[64];
    const int n = std::snprintf(buf, sizeof buf, fmt, args...);
    if (n < 0) return {};
    if (static_cast<std::size_t>(n) < sizeof buf) return std::string(buf, static_cast<std::size_t>(n));
    std::string big(static_cast<std::size_t>(n) + 1, '\0');
    std::snprintf(big.data(), big.size(), fmt, args...);
    big.resize(static_cast<std::size_t>(n));
    return big;
}

std::string named(std::string_view name, std::string_view value) {
    std::string s;
    s.reserve(name.size() + 1 + value.size());
    s.append(name);
    s.push_back('=');
    s.append(value);
    return s;
}

// The quoted list of every name in a table, cut like classic when the
// 468-octet buffer runs out.
std::string var_list_item(std::string_view name, std::span<const std::string_view> table) {
    std::string s = std::string(name) + "=\"";
    if (s.size() + 2 > var_list_buffer) return {};
    bool first = true;
    for (std::size_t i = 1; i < table.size(); ++i) {
        if (s.size() + table[i].size() + 1 >= var_list_buffer) break;
        if (!first) s.push_back(',');
        first = false;
        s.append(table[i]);
    }
    if (s.size() + 2 >= var_list_buffer) return {};
    s.push_back('"');
    return s;
}

// Code order of classic ntp_control.c (index 0 is padding).
constexpr std::array<std::string_view, 92> system_names = {
    "",               "leap",           "stratum",        "precision",     "rootdelay",
    "rootdisp",       "refid",          "reftime",        "tc",            "peer",
    "offset",         "frequency",      "sys_jitter",     "clk_jitter",    "clock",
    "processor",      "system",         "version",        "clk_wander",    "sys_var_list",
    "tai",            "leapsec",        "expire",         "mintc",         "mru_enabled",
    "mru_depth",      "mru_deepest",    "mru_mindepth",   "mru_maxage",    "mru_maxdepth",
    "mru_mem",        "mru_maxmem",     "ss_uptime",      "ss_reset",      "ss_received",
    "ss_thisver",     "ss_oldver",      "ss_badformat",   "ss_badauth",    "ss_declined",
    "ss_restricted",  "ss_limited",     "ss_kodsent",     "ss_processed",  "peeradr",
    "peermode",       "bcastdelay",     "authdelay",      "authkeys",      "authfreek",
    "authklookups",   "authknotfound",  "authkuncached",  "authkexpired",  "authencrypts",
    "authdecrypts",   "authreset",      "koffset",        "kfreq",         "kmaxerr",
    "kesterr",        "kstflags",       "ktimeconst",     "kprecis",       "kfreqtol",
    "kppsfreq",       "kppsstab",       "kppsjitter",     "kppscalibdur",  "kppscalibs",
    "kppscaliberrs",  "kppsjitexc",     "kppsstbexc",     "iostats_reset", "total_rbuf",
    "free_rbuf",      "used_rbuf",      "rbuf_lowater",   "io_dropped",    "io_ignored",
    "io_received",    "io_sent",        "io_sendfailed",  "io_wakeups",    "io_goodwakeups",
    "timerstats_reset", "timer_overruns", "timer_xmts",   "fuzz",          "clk_wander_threshold",
    "leapsmearinterval", "leapsmearoffset"};

enum Sys : std::size_t {
    cs_leap = 1, cs_stratum, cs_precision, cs_rootdelay, cs_rootdisp, cs_refid, cs_reftime,
    cs_tc, cs_peer, cs_offset, cs_frequency, cs_sys_jitter, cs_clk_jitter, cs_clock,
    cs_processor, cs_system, cs_version, cs_clk_wander, cs_var_list, cs_tai, cs_leapsec,
    cs_expire, cs_mintc, cs_mru_enabled, cs_mru_depth, cs_mru_deepest, cs_mru_mindepth,
    cs_mru_maxage, cs_mru_maxdepth, cs_mru_mem, cs_mru_maxmem, cs_ss_uptime, cs_ss_reset,
    cs_ss_received, cs_ss_thisver, cs_ss_oldver, cs_ss_badformat, cs_ss_badauth,
    cs_ss_declined, cs_ss_restricted, cs_ss_limited, cs_ss_kodsent, cs_ss_processed,
    cs_peeradr, cs_peermode, cs_bcastdelay, cs_authdelay, cs_authkeys, cs_authfreek,
    cs_authklookups, cs_authknotfound, cs_authkuncached, cs_authkexpired, cs_authencrypts,
    cs_authdecrypts, cs_authreset, cs_koffset, cs_kfreq, cs_kmaxerr, cs_kesterr, cs_kstflags,
    cs_ktimeconst, cs_kprecis, cs_kfreqtol, cs_kppsfreq, cs_kppsstab, cs_kppsjitter,
    cs_kppscalibdur, cs_kppscalibs, cs_kppscaliberrs, cs_kppsjitexc, cs_kppsstbexc,
    cs_iostats_reset, cs_total_rbuf, cs_free_rbuf, cs_used_rbuf, cs_rbuf_lowater,
    cs_io_dropped, cs_io_ignored, cs_io_received, cs_io_sent, cs_io_sendfailed, cs_io_wakeups,
    cs_io_goodwakeups, cs_timerstats_reset, cs_timer_overruns, cs_timer_xmts, cs_fuzz,
    cs_wander_threshold, cs_leapsmearinterval, cs_leapsmearoffset,
};
static_assert(cs_leapsmearoffset + 1 == system_names.size());

constexpr std::array<std::size_t, 24> system_defaults = {
    cs_version,  cs_processor,  cs_system,     cs_leap,       cs_stratum,  cs_precision,
    cs_rootdelay, cs_rootdisp,  cs_refid,      cs_reftime,    cs_clock,    cs_peer,
    cs_tc,       cs_mintc,      cs_offset,     cs_frequency,  cs_sys_jitter, cs_clk_jitter,
    cs_clk_wander, cs_tai,      cs_leapsec,    cs_expire,     cs_leapsmearinterval,
    cs_leapsmearoffset};

constexpr std::array<std::string_view, 51> peer_names = {
    "",          "config",     "authenable", "authentic", "srcadr",    "srcport",
    "dstadr",    "dstport",    "leap",       "hmode",     "stratum",   "ppoll",
    "hpoll",     "precision",  "rootdelay",  "rootdisp",  "refid",     "reftime",
    "org",       "rec",        "xleave",     "reach",     "unreach",   "timer",
    "delay",     "offset",     "jitter",     "dispersion", "keyid",    "filtdelay",
    "filtoffset", "pmode",     "received",   "sent",      "filtdisp",  "flash",
    "ttl",       "peer_var_list", "in",      "out",       "headway",   "bias",
    "srchost",   "timerec",    "timereach",  "badauth",   "bogusorg",  "oldpkt",
    "seldisp",   "selbroken",  "candidate"};

enum Peer : std::size_t {
    cp_config = 1, cp_authenable, cp_authentic, cp_srcadr, cp_srcport, cp_dstadr, cp_dstport,
    cp_leap, cp_hmode, cp_stratum, cp_ppoll, cp_hpoll, cp_precision, cp_rootdelay,
    cp_rootdisp, cp_refid, cp_reftime, cp_org, cp_rec, cp_xleave, cp_reach, cp_unreach,
    cp_timer, cp_delay, cp_offset, cp_jitter, cp_dispersion, cp_keyid, cp_filtdelay,
    cp_filtoffset, cp_pmode, cp_received, cp_sent, cp_filtdisp, cp_flash, cp_ttl,
    cp_var_list, cp_in, cp_out, cp_headway, cp_bias, cp_srchost, cp_timerec, cp_timereach,
    cp_badauth, cp_bogusorg, cp_oldpkt, cp_seldisp, cp_selbroken, cp_candidate,
};
static_assert(cp_candidate + 1 == peer_names.size());

constexpr std::array<std::size_t, 34> peer_defaults = {
    cp_srcadr,   cp_srcport,  cp_srchost,  cp_dstadr,    cp_dstport,   cp_out,
    cp_in,       cp_leap,     cp_stratum,  cp_precision, cp_rootdelay, cp_rootdisp,
    cp_refid,    cp_reftime,  cp_rec,      cp_reach,     cp_unreach,   cp_hmode,
    cp_pmode,    cp_hpoll,    cp_ppoll,    cp_headway,   cp_flash,     cp_keyid,
    cp_ttl,      cp_offset,   cp_delay,    cp_dispersion, cp_jitter,   cp_xleave,
    cp_bias,     cp_filtdelay, cp_filtoffset, cp_filtdisp};

constexpr std::array<std::string_view, 14> clock_names = {
    "",           "type",       "timecode",  "poll",   "noreply", "badformat", "baddata",
    "fudgetime1", "fudgetime2", "stratum",   "refid",  "flags",   "device",    "clock_var_list"};

enum Clock : std::size_t {
    cc_type = 1, cc_timecode, cc_poll, cc_noreply, cc_badformat, cc_baddata, cc_fudgetime1,
    cc_fudgetime2, cc_stratum, cc_refid, cc_flags, cc_device, cc_var_list,
};
static_assert(cc_var_list + 1 == clock_names.size());

constexpr std::array<std::size_t, 12> clock_defaults = {
    cc_device,     cc_type,       cc_timecode, cc_poll,  cc_noreply, cc_badformat,
    cc_baddata,    cc_fudgetime1, cc_fudgetime2, cc_stratum, cc_refid, cc_flags};

// Refid rule of classic: dotted quad for stratum 2..15, text otherwise.
std::string refid_item(std::string_view name, std::uint32_t refid, int stratum) {
    if (stratum > 1 && stratum < stratum_unsynchronised) return item_refid_address(name, refid);
    return item_refid_text(name, refid);
}

std::string kernel_item(std::string_view name, std::size_t code, const KernelInfo& k) {
    // Classic without a kernel loop puts an integer 0 for every value.
    if (!k.available) return code == cs_kstflags ? item_quoted(name, "") : item_int(name, 0);
    const bool pps_code = code >= cs_kppsfreq && code <= cs_kppsstbexc;
    if (pps_code && !k.pps_active) return item_int(name, 0);
    switch (code) {
        case cs_koffset: return item_general(name, k.offset_ms, 6);
        case cs_kfreq: return item_general(name, k.frequency_ppm, 6);
        case cs_kmaxerr: return item_general(name, k.max_error_ms, 6);
        case cs_kesterr: return item_general(name, k.est_error_ms, 6);
        case cs_kstflags: return item_quoted(name, kernel_status_text(k.status));
        case cs_ktimeconst: return item_int(name, k.time_constant);
        case cs_kprecis: return item_general(name, k.precision_ms, 6);
        case cs_kfreqtol: return item_general(name, k.tolerance_ppm, 6);
        case cs_kppsfreq: return item_general(name, k.pps_frequency_ppm, 6);
        case cs_kppsstab: return item_general(name, k.pps_stability_ppm, 6);
        case cs_kppsjitter: return item_fixed(name, k.pps_jitter_ms, 3);
        case cs_kppscalibdur: return item_int(name, k.pps_calibration_interval_s);
        case cs_kppscalibs: return item_int(name, static_cast<std::int64_t>(k.pps_calibrations));
        case cs_kppscaliberrs:
            return item_int(name, static_cast<std::int64_t>(k.pps_calibration_errors));
        case cs_kppsjitexc: return item_int(name, static_cast<std::int64_t>(k.pps_jitter_exceeded));
        default: return item_int(name, static_cast<std::int64_t>(k.pps_stability_exceeded));
    }
}

}  // namespace

// ---------------------------------------------------------------------------

std::string item_uint(std::string_view name, std::uint64_t v) {
    return named(name, printf_string("%" PRIu64, v));
}
std::string item_int(std::string_view name, std::int64_t v) {
    return named(name, printf_string("%" PRId64, v));
}
std::string item_hex(std::string_view name, std::uint64_t v) {
    return named(name, printf_string("0x%" PRIx64, v));
}
std::string item_fixed(std::string_view name, double v, int decimals) {
    return named(name, printf_string("%.*f", decimals, v));
}
std::string item_general(std::string_view name, double v, int digits) {
    return named(name, printf_string("%.*g", digits, v));
}
std::string item_timestamp(std::string_view name, std::uint64_t ntp) {
    return named(name, printf_string("0x%08x.%08x", static_cast<unsigned>(ntp >> 32),
                                     static_cast<unsigned>(ntp & 0xffffffffu)));
}
std::string item_quoted(std::string_view name, std::string_view text) {
    if (text.empty()) return std::string(name);
    std::string v;
    v.reserve(text.size() + 2);
    v.push_back('"');
    v.append(text);
    v.push_back('"');
    return named(name, v);
}
std::string item_unquoted(std::string_view name, std::string_view text) {
    if (text.empty()) return std::string(name);
    return named(name, text);
}
std::string item_refid_text(std::string_view name, std::uint32_t refid) {
    std::string v;
    for (int shift = 24; shift >= 0; shift -= 8) {
        const auto c = static_cast<unsigned char>(refid >> shift);
        if (c == 0) break;
        v.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.');
    }
    return named(name, v);
}
std::string item_refid_address(std::string_view name, std::uint32_t refid) {
    return named(name, printf_string("%u.%u.%u.%u", refid >> 24, (refid >> 16) & 0xffu,
                                     (refid >> 8) & 0xffu, refid & 0xffu));
}
std::string item_filestamp(std::string_view name, std::int64_t unix_s) {
    const std::time_t t = static_cast<std::time_t>(unix_s);
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr) return {};
    return named(name, printf_string("%04d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                                     tm.tm_mday, tm.tm_hour, tm.tm_min));
}
std::string item_filter(std::string_view name, const std::array<double, 8>& values_s) {
    std::string s = std::string(name) + "=";
    for (double v : values_s) s += printf_string(" %.2f", v * ms_per_s);
    return s;
}

std::string endpoint_text(const ntp::io::Endpoint& e) {
    if (e.addr.is_v6()) return "[" + e.addr.to_string() + "]:" + std::to_string(e.port);
    if (e.addr.is_v4()) return e.addr.to_string() + ":" + std::to_string(e.port);
    return "0.0.0.0:" + std::to_string(e.port);
}

std::string kernel_status_text(std::uint32_t sta) {
    // Linux STA_* bits in bit order, with classic's words.
    static constexpr std::array<std::string_view, 16> words = {
        "pll",       "ppsfreq",   "ppstime",   "fll",      "ins",      "del",
        "unsync",    "freqhold",  "ppssignal", "ppsjitter", "ppswander", "ppserror",
        "clockerr",  "nano",      "mode=fll",  "src=B"};
    std::string s;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (!(sta & (1u << i))) continue;
        if (!s.empty()) s.push_back(' ');
        s.append(words[i]);
    }
    return s;
}

std::span<const std::string_view> system_variable_names() { return system_names; }
std::span<const std::string_view> peer_variable_names() { return peer_names; }
std::span<const std::string_view> clock_variable_names() { return clock_names; }
std::span<const std::size_t> default_system_variables() { return system_defaults; }
std::span<const std::size_t> default_peer_variables() { return peer_defaults; }
std::span<const std::size_t> default_clock_variables() { return clock_defaults; }

std::optional<std::size_t> find_variable(std::span<const std::string_view> table,
                                         std::string_view name) {
    if (name.empty()) return std::nullopt;
    for (std::size_t i = 1; i < table.size(); ++i)
        if (table[i] == name) return i;
    return std::nullopt;
}

const SysStats& SystemContext::sys_stats() const {
    if (!sys_stats_) sys_stats_ = state.sys_stats();
    return *sys_stats_;
}
const MruStats& SystemContext::mru_stats() const {
    if (!mru_stats_) mru_stats_ = state.mru_stats();
    return *mru_stats_;
}
const AuthStats& SystemContext::auth_stats() const {
    if (!auth_stats_) auth_stats_ = state.auth_stats();
    return *auth_stats_;
}
const KernelInfo& SystemContext::kernel_info() const {
    if (!kernel_info_) kernel_info_ = state.kernel_info();
    return *kernel_info_;
}
const IoStats& SystemContext::io_stats() const {
    if (!io_stats_) io_stats_ = state.io_stats();
    return *io_stats_;
}
const TimerStats& SystemContext::timer_stats() const {
    if (!timer_stats_) timer_stats_ = state.timer_stats();
    return *timer_stats_;
}

std::optional<std::string> system_item(std::size_t code, const SystemContext& c) {
    if (code == 0 || code >= system_names.size()) return std::nullopt;
    const std::string_view n = system_names[code];
    const SystemState& s = c.system;
    const SystemExtras& x = c.extras;
    switch (code) {
        case cs_leap: return item_uint(n, s.leap);
        case cs_stratum: return item_uint(n, static_cast<std::uint64_t>(std::max(s.stratum, 0)));
        case cs_precision: return item_int(n, s.precision_log2);
        case cs_rootdelay: return item_fixed(n, s.root_delay_s * ms_per_s, 3);
        case cs_rootdisp: return item_fixed(n, s.root_dispersion_s * ms_per_s, 3);
        case cs_refid: return refid_item(n, s.refid, s.stratum);
        case cs_reftime: return item_timestamp(n, s.reftime_ntp);
        case cs_tc: return item_uint(n, static_cast<std::uint64_t>(std::max(s.poll_log2, 0)));
        case cs_peer: return item_uint(n, s.sys_peer_assoc);
        case cs_offset: return item_fixed(n, s.offset_s * ms_per_s, 6);
        case cs_frequency: return item_fixed(n, s.frequency_ppm, 3);
        case cs_sys_jitter: return item_fixed(n, s.sys_jitter_s * ms_per_s, 6);
        case cs_clk_jitter: return item_fixed(n, s.clock_jitter_s * ms_per_s, 3);
        case cs_clock: return item_timestamp(n, c.now_ntp);
        case cs_processor: return item_quoted(n, c.processor);
        case cs_system: return item_quoted(n, c.os);
        case cs_version: return item_quoted(n, c.version);
        case cs_clk_wander: return item_fixed(n, s.clock_wander_ppm, 3);
        case cs_var_list: {
            auto v = var_list_item(n, system_names);
            if (v.empty()) return std::nullopt;
            return v;
        }
        case cs_tai:
            if (x.tai_offset_s <= 0) return std::nullopt;
            return item_uint(n, static_cast<std::uint64_t>(x.tai_offset_s));
        case cs_leapsec:
            if (x.leap_table_unix_s <= 0) return std::nullopt;
            return item_filestamp(n, x.leap_table_unix_s);
        case cs_expire:
            if (x.leap_expire_unix_s <= 0) return std::nullopt;
            return item_filestamp(n, x.leap_expire_unix_s);
        case cs_mintc: return item_uint(n, static_cast<std::uint64_t>(std::max(s.min_poll_log2, 0)));
        case cs_mru_enabled: return item_hex(n, c.mru_stats().enabled);
        case cs_mru_depth: return item_uint(n, c.mru_stats().depth);
        case cs_mru_deepest: return item_uint(n, c.mru_stats().deepest);
        case cs_mru_mindepth: return item_uint(n, c.mru_stats().min_depth);
        case cs_mru_maxage: return item_int(n, c.mru_stats().max_age_s);
        case cs_mru_maxdepth: return item_uint(n, c.mru_stats().max_depth);
        case cs_mru_mem: return item_uint(n, c.mru_stats().mem_kb);
        case cs_mru_maxmem: return item_uint(n, c.mru_stats().max_mem_kb);
        case cs_ss_uptime: return item_uint(n, c.sys_stats().uptime_s);
        case cs_ss_reset: return item_uint(n, c.sys_stats().since_reset_s);
        case cs_ss_received: return item_uint(n, c.sys_stats().received);
        case cs_ss_thisver: return item_uint(n, c.sys_stats().current_version);
        case cs_ss_oldver: return item_uint(n, c.sys_stats().old_version);
        case cs_ss_badformat: return item_uint(n, c.sys_stats().bad_format);
        case cs_ss_badauth: return item_uint(n, c.sys_stats().bad_auth);
        case cs_ss_declined: return item_uint(n, c.sys_stats().declined);
        case cs_ss_restricted: return item_uint(n, c.sys_stats().restricted);
        case cs_ss_limited: return item_uint(n, c.sys_stats().limited);
        case cs_ss_kodsent: return item_uint(n, c.sys_stats().kod_sent);
        case cs_ss_processed: return item_uint(n, c.sys_stats().processed);
        case cs_peeradr:
            return item_unquoted(n, x.sys_peer_address ? endpoint_text(*x.sys_peer_address)
                                                       : std::string("0.0.0.0:0"));
        case cs_peermode: return item_uint(n, s.sys_peer_assoc != 0 ? s.sys_peer_mode : 0);
        case cs_bcastdelay: return item_fixed(n, x.broadcast_delay_s * ms_per_s, 3);
        case cs_authdelay: return item_fixed(n, x.auth_delay_s * ms_per_s, 3);
        case cs_authkeys: return item_uint(n, c.auth_stats().keys);
        case cs_authfreek: return item_uint(n, c.auth_stats().free_keys);
        case cs_authklookups: return item_uint(n, c.auth_stats().lookups);
        case cs_authknotfound: return item_uint(n, c.auth_stats().not_found);
        case cs_authkuncached: return item_uint(n, c.auth_stats().uncached);
        case cs_authkexpired: return item_uint(n, c.auth_stats().expired);
        case cs_authencrypts: return item_uint(n, c.auth_stats().encryptions);
        case cs_authdecrypts: return item_uint(n, c.auth_stats().decryptions);
        case cs_authreset: return item_uint(n, c.auth_stats().since_reset_s);
        case cs_iostats_reset: return item_uint(n, c.io_stats().since_reset_s);
        case cs_total_rbuf: return item_uint(n, c.io_stats().total_rbuf);
        case cs_free_rbuf: return item_uint(n, c.io_stats().free_rbuf);
        case cs_used_rbuf: return item_uint(n, c.io_stats().used_rbuf);
        case cs_rbuf_lowater: return item_uint(n, c.io_stats().rbuf_lowater);
        case cs_io_dropped: return item_uint(n, c.io_stats().dropped);
        case cs_io_ignored: return item_uint(n, c.io_stats().ignored);
        case cs_io_received: return item_uint(n, c.io_stats().received);
        case cs_io_sent: return item_uint(n, c.io_stats().sent);
        case cs_io_sendfailed: return item_uint(n, c.io_stats().send_failed);
        case cs_io_wakeups: return item_uint(n, c.io_stats().wakeups);
        case cs_io_goodwakeups: return item_uint(n, c.io_stats().good_wakeups);
        case cs_timerstats_reset: return item_uint(n, c.timer_stats().since_reset_s);
        case cs_timer_overruns: return item_uint(n, c.timer_stats().overruns);
        case cs_timer_xmts: return item_uint(n, c.timer_stats().xmts);
        case cs_fuzz: return item_fixed(n, x.fuzz_s * ms_per_s, 3);
        case cs_wander_threshold: return item_fixed(n, x.wander_threshold_ppm, 3);
        case cs_leapsmearinterval:
        case cs_leapsmearoffset:
            return std::nullopt;  // no leap smearing: never active
        default:
            if (code >= cs_koffset && code <= cs_kppsstbexc) return kernel_item(n, code, c.kernel_info());
            return std::nullopt;
    }
}

std::optional<std::string> peer_item(std::size_t code, const PeerVariables& p) {
    if (code == 0 || code >= peer_names.size()) return std::nullopt;
    const std::string_view n = peer_names[code];
    const auto status = ntp::wire::mode6::decode_peer_status(p.status);
    switch (code) {
        case cp_config: return item_uint(n, status.configured ? 1 : 0);
        case cp_authenable: return item_uint(n, status.auth_enabled ? 1 : 0);
        case cp_authentic: return item_uint(n, status.authentic ? 1 : 0);
        case cp_srcadr: return item_unquoted(n, p.source.addr.to_string());
        case cp_srcport: return item_uint(n, p.source.port);
        case cp_dstadr:
            return item_unquoted(n, p.local && p.local->addr.family != ntp::io::Family::none
                                        ? p.local->addr.to_string()
                                        : std::string("0.0.0.0"));
        case cp_dstport: return item_uint(n, p.local ? p.local->port : 0);
        case cp_leap: return item_uint(n, p.leap);
        case cp_hmode: return item_uint(n, static_cast<std::uint64_t>(std::max(p.hmode, 0)));
        case cp_stratum: return item_uint(n, static_cast<std::uint64_t>(std::max(p.stratum, 0)));
        case cp_ppoll: return item_int(n, p.ppoll_log2);
        case cp_hpoll: return item_int(n, p.hpoll_log2);
        case cp_precision: return item_int(n, p.precision_log2);
        case cp_rootdelay: return item_fixed(n, p.root_delay_s * ms_per_s, 3);
        case cp_rootdisp: return item_fixed(n, p.root_dispersion_s * ms_per_s, 3);
        case cp_refid:
            return p.refclock ? item_refid_text(n, p.refid) : refid_item(n, p.refid, p.stratum);
        case cp_reftime: return item_timestamp(n, p.reftime_ntp);
        case cp_org: return item_timestamp(n, p.org_ntp);
        case cp_rec: return item_timestamp(n, p.rec_ntp);
        case cp_xleave:
            if (p.xleave_s == 0) return std::nullopt;
            return item_fixed(n, p.xleave_s * ms_per_s, 3);
        case cp_reach: return item_hex(n, p.reach);
        case cp_unreach: return item_uint(n, p.unreach);
        case cp_timer: return item_uint(n, p.timer_s);
        case cp_delay: return item_fixed(n, p.delay_s * ms_per_s, 3);
        case cp_offset: return item_fixed(n, p.offset_s * ms_per_s, 3);
        case cp_jitter: return item_fixed(n, p.jitter_s * ms_per_s, 3);
        case cp_dispersion: return item_fixed(n, p.dispersion_s * ms_per_s, 3);
        case cp_keyid:
            return p.key_id > 65535 ? item_hex(n, p.key_id) : item_uint(n, p.key_id);
        case cp_filtdelay: return item_filter(n, p.filter_delay_s);
        case cp_filtoffset: return item_filter(n, p.filter_offset_s);
        case cp_pmode: return item_uint(n, static_cast<std::uint64_t>(std::max(p.pmode, 0)));
        case cp_received: return item_uint(n, p.received);
        case cp_sent: return item_uint(n, p.sent);
        case cp_filtdisp: return item_filter(n, p.filter_dispersion_s);
        case cp_flash: return item_hex(n, p.flash);
        case cp_ttl:
            if (!p.ttl) return std::nullopt;
            return p.refclock ? item_uint(n, static_cast<std::uint64_t>(std::max(*p.ttl, 0)))
                              : item_int(n, *p.ttl);
        case cp_var_list: {
            auto v = var_list_item(n, peer_names);
            if (v.empty()) return std::nullopt;
            return v;
        }
        case cp_in:
        case cp_out:
            return std::nullopt;  // interleave rates: not measured
        case cp_headway: return item_uint(n, p.headway);
        case cp_bias:
            if (p.bias_s == 0) return std::nullopt;
            return item_fixed(n, p.bias_s * ms_per_s, 3);
        case cp_srchost:
            if (p.hostname.empty()) return std::nullopt;
            return item_quoted(n, p.hostname);
        case cp_timerec: return item_uint(n, p.since_received_s);
        case cp_timereach: return item_uint(n, p.since_reach_change_s);
        case cp_badauth: return item_uint(n, p.bad_auth);
        case cp_bogusorg: return item_uint(n, p.bogus_origin);
        case cp_oldpkt: return item_uint(n, p.old_packets);
        case cp_seldisp: return item_uint(n, p.sel_dispersion);
        case cp_selbroken: return item_uint(n, p.sel_broken);
        case cp_candidate: return item_uint(n, status.select);
        default: return std::nullopt;
    }
}

std::optional<std::string> clock_item(std::size_t code, const ClockVariables& c, bool requested) {
    if (code == 0 || code >= clock_names.size()) return std::nullopt;
    const std::string_view n = clock_names[code];
    switch (code) {
        case cc_type:
            if (!requested && !c.device.empty()) return std::nullopt;
            return item_uint(n, c.type);
        case cc_timecode: return item_quoted(n, c.timecode);
        case cc_poll: return item_uint(n, c.polls);
        case cc_noreply: return item_uint(n, c.no_reply);
        case cc_badformat: return item_uint(n, c.bad_format);
        case cc_baddata: return item_uint(n, c.bad_data);
        case cc_fudgetime1:
            if (!requested && !c.fudge_time1_s) return std::nullopt;
            return item_fixed(n, c.fudge_time1_s.value_or(0) * ms_per_s, 3);
        case cc_fudgetime2:
            if (!requested && !c.fudge_time2_s) return std::nullopt;
            return item_fixed(n, c.fudge_time2_s.value_or(0) * ms_per_s, 3);
        case cc_stratum:
            if (!requested && !c.fudge_stratum) return std::nullopt;
            return item_int(n, c.fudge_stratum.value_or(0));
        case cc_refid:
            if (!requested && !c.fudge_refid) return std::nullopt;
            // Classic: a dotted quad when the fudge stratum is above 1.
            if (c.fudge_stratum.value_or(0) > 1) return item_refid_address(n, c.fudge_refid.value_or(0));
            return item_refid_text(n, c.fudge_refid.value_or(0));
        case cc_flags: return item_uint(n, c.flags);
        case cc_device:
            if (c.device.empty() && !requested) return std::nullopt;
            return item_quoted(n, c.device);
        case cc_var_list: {
            auto v = var_list_item(n, clock_names);
            if (v.empty()) return std::nullopt;
            return v;
        }
        default: return std::nullopt;
    }
}

}  // namespace ntpd::control
