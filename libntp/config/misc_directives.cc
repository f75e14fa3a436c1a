// Files, keys, statistics, tuning, interface rules and the rare directives
// (ntp.conf.md §6 - §11), and the directive table.
#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "libntp/config/line_parser.hh"

namespace ntp::config::detail {

namespace {

constexpr const char* statistics_names[] = {"loopstats",  "peerstats",   "clockstats",
                                            "rawstats",   "sysstats",    "protostats",
                                            "cryptostats", "timingstats"};

bool is_statistics_name(std::string_view n) {
    return std::find(std::begin(statistics_names), std::end(statistics_names), n) !=
           std::end(statistics_names);
}

// One path argument and nothing else.
bool take_path(LineParser& p, std::optional<std::string>& out) {
    if (p.at_end()) return p.fail_at_end("'" + p.directive().text + "' needs a file name");
    const Token& t = p.take();
    if (t.text.empty()) return p.fail(t, "empty file name");
    if (!p.expect_end()) return false;
    out = t.text;
    return true;
}

bool warn_unsupported(LineParser& p, const std::string& what) {
    p.warn(p.directive(), what + " is not supported, ignored");
    while (!p.at_end()) p.take();
    return true;
}

// ---- files

bool parse_driftfile(LineParser& p, ParseState& s) {
    std::string path;
    std::optional<double> wander;
    if (!p.at_end()) {
        path = p.take().text;
        if (!p.at_end()) {
            const Token& w = p.take();
            auto v = parse_double(w.text);
            if (!v || *v <= 0) return p.fail(w, "wander threshold must be a positive number, not '" + w.text + "'");
            wander = *v;
        }
    }
    if (!p.expect_end()) return false;
    s.config.driftfile = path;  // "" = explicitly disabled
    if (wander) s.config.drift_wander_threshold = wander;
    return true;
}

bool parse_leapfile(LineParser& p, ParseState& s) { return take_path(p, s.config.leapfile); }
bool parse_logfile(LineParser& p, ParseState& s) { return take_path(p, s.config.logfile); }
bool parse_pidfile(LineParser& p, ParseState& s) { return take_path(p, s.config.pidfile); }
bool parse_saveconfigdir(LineParser& p, ParseState& s) {
    return take_path(p, s.config.saveconfigdir);
}
bool parse_keys(LineParser& p, ParseState& s) { return take_path(p, s.config.keys_file); }
bool parse_keysdir(LineParser& p, ParseState& s) { return take_path(p, s.config.keysdir); }

bool parse_statsdir(LineParser& p, ParseState& s) {
    std::optional<std::string> dir;
    if (!take_path(p, dir)) return false;
    if (dir->back() != '/') *dir += '/';
    s.config.statsdir = dir;
    return true;
}

// ---- keys

// Splits "(10", "...", "15)" style tokens into "(", "10", "...", "15", ")".
std::vector<Token> split_parens(LineParser& p) {
    std::vector<Token> out;
    while (!p.at_end()) {
        Token t = p.take();
        std::string text = t.text;
        int col = t.column;
        while (!text.empty() && text.front() == '(') {
            out.push_back({"(", col, false});
            text.erase(0, 1);
            ++col;
        }
        int closing = 0;
        while (!text.empty() && text.back() == ')') {
            text.pop_back();
            ++closing;
        }
        if (!text.empty()) out.push_back({text, col, false});
        for (int i = 0; i < closing; ++i) {
            out.push_back({")", col + static_cast<int>(text.size()) + i, false});
        }
    }
    return out;
}

bool parse_trustedkey(LineParser& p, ParseState& s) {
    std::vector<Token> toks = split_parens(p);
    if (toks.empty()) return p.fail_at_end("'trustedkey' needs at least one key id");
    std::set<std::uint32_t> keys;
    auto add = [&](long long id, const Token& at) {
        if (id < 1 || id > 65535) {
            // Classic text: "Ignoring invalid trustedkey %d, min 1 max 65535."
            p.warn(at, "ignoring invalid trustedkey " + std::to_string(id) + ", min 1 max 65535");
            return;
        }
        keys.insert(static_cast<std::uint32_t>(id));
    };
    for (std::size_t i = 0; i < toks.size(); ++i) {
        const Token& t = toks[i];
        if (t.text == "(") {
            // ( a ... b )
            if (i + 4 >= toks.size()) {
                return p.fail(t, "incomplete key range, expected '( first ... last )'");
            }
            auto lo = parse_integer(toks[i + 1].text);
            auto hi = parse_integer(toks[i + 3].text);
            if (!lo || toks[i + 2].text != "..." || !hi || toks[i + 4].text != ")") {
                return p.fail(t, "bad key range, expected '( first ... last )'");
            }
            if (*lo > *hi) return p.fail(toks[i + 1], "key range is empty (first > last)");
            for (long long id = std::max(*lo, -1LL); id <= std::min(*hi, 65536LL); ++id) {
                add(id, toks[i + 1]);
            }
            i += 4;
            continue;
        }
        auto id = parse_integer(t.text);
        if (!id) return p.fail(t, "'" + t.text + "' is not a key id");
        add(*id, t);
    }
    // Classic keeps only the last trustedkey line; say so when one is replaced.
    if (s.have_trustedkey) {
        p.warn(p.directive(), "this trustedkey line replaces the one at " + s.trustedkey_origin.file +
                                  ":" + std::to_string(s.trustedkey_origin.line) +
                                  " (only the last trustedkey line counts)");
    }
    s.have_trustedkey = true;
    s.trustedkey_origin = p.origin();
    s.config.trusted_keys.assign(keys.begin(), keys.end());
    return true;
}

bool parse_key_id(LineParser& p, std::optional<std::uint32_t>& out) {
    auto v = p.take_integer_in(p.directive(), 1, 65535);
    if (!v || !p.expect_end()) return false;
    out = static_cast<std::uint32_t>(*v);
    return true;
}
bool parse_requestkey(LineParser& p, ParseState& s) { return parse_key_id(p, s.config.request_key); }
bool parse_controlkey(LineParser& p, ParseState& s) { return parse_key_id(p, s.config.control_key); }

// ---- statistics

bool parse_statistics(LineParser& p, ParseState& s) {
    if (p.at_end()) return p.fail_at_end("'statistics' needs at least one statistics name");
    std::vector<std::string> names;
    while (!p.at_end()) {
        const Token& t = p.take();
        if (!is_statistics_name(t.text)) return p.fail(t, "unknown statistics name '" + t.text + "'");
        names.push_back(t.text);
    }
    for (auto& n : names) {
        if (std::find(s.config.statistics.begin(), s.config.statistics.end(), n) ==
            s.config.statistics.end()) {
            s.config.statistics.push_back(n);
        }
    }
    return true;
}

bool parse_filegen(LineParser& p, ParseState& s) {
    if (p.at_end()) return p.fail_at_end("'filegen' needs a statistics name");
    const Token& name = p.take();
    if (!is_statistics_name(name.text)) return p.fail(name, "unknown statistics name '" + name.text + "'");
    Filegen g;
    g.name = name.text;
    for (const auto& existing : s.config.filegens) {
        if (existing.name == g.name) g = existing;
    }
    while (!p.at_end()) {
        const Token& opt = p.take();
        if (opt.text == "file") {
            const Token* v = p.take_value(opt);
            if (!v) return false;
            if (v->text.empty()) return p.fail(*v, "empty file name");
            g.file = v->text;
        } else if (opt.text == "type") {
            const Token* v = p.take_value(opt);
            if (!v) return false;
            static constexpr FilegenType types[] = {FilegenType::none, FilegenType::pid,
                                                    FilegenType::day,  FilegenType::week,
                                                    FilegenType::month, FilegenType::year,
                                                    FilegenType::age};
            bool found = false;
            for (auto t : types) {
                if (v->text == filegen_type_name(t)) {
                    g.type = t;
                    found = true;
                }
            }
            if (!found) return p.fail(*v, "unknown filegen type '" + v->text + "'");
        } else if (opt.text == "link" || opt.text == "nolink") {
            g.link = opt.text == "link";
        } else if (opt.text == "enable" || opt.text == "disable") {
            g.enabled = opt.text == "enable";
        } else {
            return p.unknown_option(opt);
        }
    }
    for (auto& existing : s.config.filegens) {
        if (existing.name == g.name) {
            existing = g;
            return true;
        }
    }
    s.config.filegens.push_back(g);
    return true;
}

bool parse_logconfig(LineParser& p, ParseState& s) {
    if (p.at_end()) return p.fail_at_end("'logconfig' needs at least one item");
    std::vector<LogConfigItem> items;
    while (!p.at_end()) {
        const Token& t = p.take();
        LogConfigItem item;
        std::string text = t.text;
        if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-')) {
            item.op = text[0];
            text.erase(0, 1);
            if (text.empty()) {  // "= syncall"
                const Token* v = p.take_value(t);
                if (!v) return false;
                text = v->text;
            }
        }
        if (logconfig_bits(text) == 0) return p.fail(t, "unknown logconfig item '" + text + "'");
        item.item = text;
        items.push_back(item);
    }
    s.config.logconfig.insert(s.config.logconfig.end(), items.begin(), items.end());
    return true;
}

// ---- tuning

bool parse_tinker(LineParser& p, ParseState& s) {
    if (p.at_end()) return p.fail_at_end("'tinker' needs at least one option");
    Tinker t = s.config.tinker;
    while (!p.at_end()) {
        const Token& opt = p.take();
        const std::string& o = opt.text;
        std::optional<double>* field = nullptr;
        if (o == "dispersion") field = &t.dispersion_ppm;
        else if (o == "freq") field = &t.freq_ppm;
        else if (o == "huffpuff") field = &t.huffpuff_s;
        else if (o == "panic") field = &t.panic_s;
        else if (o == "step") field = &t.step_s;
        else if (o == "stepback") field = &t.stepback_s;
        else if (o == "stepfwd") field = &t.stepfwd_s;
        else if (o == "stepout") field = &t.stepout_s;
        else if (o == "tick") field = &t.tick_s;
        if (o == "allan") {
            auto v = p.take_nonnegative(opt);
            if (!v) return false;
            // Classic stores a log2 exponent although the docs speak of
            // seconds (default 1500): small values are exponents, large ones seconds.
            int log2 = 0;
            if (*v <= 17) {
                log2 = static_cast<int>(std::lround(*v));
            } else {
                log2 = std::clamp(static_cast<int>(std::lround(std::log2(*v))), 0, 17);
                p.warn(opt, "allan " + std::to_string(std::lround(*v)) +
                                " taken as seconds, using 2^" + std::to_string(log2));
            }
            t.allan_log2 = log2;
            continue;
        }
        if (!field) return p.unknown_option(opt);
        auto v = o == "freq" ? p.take_double(opt) : p.take_nonnegative(opt);
        if (!v) return false;
        double value = *v;
        if (o == "stepout" && value < 300) {
            p.warn(opt, "stepout below the minimum 300 s, using 300");
            value = 300;
        }
        if (o == "huffpuff" && value > 0 && value < 900) {
            p.warn(opt, "huffpuff below the minimum 900 s, using 900");
            value = 900;
        }
        if (o == "freq" && std::fabs(value) > 500) {
            p.warn(opt, "freq beyond +-500 PPM will be clamped to 500 PPM");
        }
        *field = value;
    }
    s.config.tinker = t;
    return true;
}

bool parse_tick(LineParser& p, ParseState& s) {
    auto v = p.take_nonnegative(p.directive());
    if (!v || !p.expect_end()) return false;
    s.config.tinker.tick_s = *v;
    return true;
}

bool parse_tos(LineParser& p, ParseState& s) {
    if (p.at_end()) return p.fail_at_end("'tos' needs at least one option");
    Tos t = s.config.tos;
    while (!p.at_end()) {
        const Token& opt = p.take();
        const std::string& o = opt.text;
        if (o == "mindist" || o == "maxdist") {
            auto v = p.take_nonnegative(opt);
            if (!v) return false;
            (o == "mindist" ? t.mindist_s : t.maxdist_s) = *v;
            continue;
        }
        if (o == "cohort") {
            auto v = p.take_integer(opt);
            if (!v) return false;
            if (*v != 0 && *v != 1) p.warn(opt, "integer value is not boolean (0 or 1), assuming 1");
            t.cohort = *v != 0;
            continue;
        }
        std::optional<int>* field = nullptr;
        long long min = 0;
        long long max = 2147483647LL;
        if (o == "beacon") field = &t.beacon_s;
        else if (o == "ceiling") field = &t.ceiling;
        else if (o == "floor") field = &t.floor, max = 15;
        else if (o == "maxclock") field = &t.maxclock, min = 1;
        else if (o == "minclock") field = &t.minclock, min = 1;
        else if (o == "minsane") field = &t.minsane;
        else if (o == "orphan") field = &t.orphan, min = 1, max = 16;
        else if (o == "orphanwait") field = &t.orphanwait_s;
        if (!field) return p.unknown_option(opt);
        auto v = p.take_integer_in(opt, min, max);
        if (!v) return false;
        int value = static_cast<int>(*v);
        if (o == "ceiling" && value > 15) {
            // Classic: "Using maximum tos ceiling 15, %g requested".
            p.warn(opt, "using maximum tos ceiling 15, " + std::to_string(value) + " requested");
            value = 15;
        }
        *field = value;
    }
    if (t.minclock && t.maxclock && *t.minclock > *t.maxclock) {
        p.warn(p.directive(), "minclock is above maxclock");
    }
    s.config.tos = t;
    return true;
}

bool parse_enable_disable(LineParser& p, ParseState& s) {
    const bool on = p.directive().text == "enable";
    if (p.at_end()) return p.fail_at_end("'" + p.directive().text + "' needs at least one flag");
    SystemFlags f = s.config.flags;
    // Classic applies every `enable` of a configuration before every
    // `disable`, wherever they stand: a flag disabled anywhere stays off.
    auto set = [on](std::optional<bool>& flag) {
        if (!on || flag != false) flag = on;
    };
    while (!p.at_end()) {
        const Token& t = p.take();
        const std::string& n = t.text;
        if (n == "auth") set(f.auth);
        else if (n == "bclient") set(f.bclient);
        else if (n == "calibrate") set(f.calibrate);
        else if (n == "kernel") set(f.kernel);
        else if (n == "mode7") set(f.mode7);
        else if (n == "monitor") set(f.monitor);
        else if (n == "ntp") set(f.ntp);
        else if (n == "stats") set(f.stats);
        else if (n == "unpeer_crypto_early") set(f.unpeer_crypto_early);
        else if (n == "unpeer_crypto_nak_early") set(f.unpeer_crypto_nak_early);
        else if (n == "unpeer_digest_early") set(f.unpeer_digest_early);
        else return p.fail(t, "unknown flag '" + n + "' for '" + p.directive().text + "'");
        if (on && (n == "mode7" || n == "bclient")) {
            p.warn(t, n + " is not supported, the flag has no effect");
        }
    }
    s.config.flags = f;
    return true;
}

bool parse_discard(LineParser& p, ParseState& s) {
    if (p.at_end()) return p.fail_at_end("'discard' needs at least one option");
    Discard d = s.config.discard;
    while (!p.at_end()) {
        const Token& opt = p.take();
        std::optional<int>* field = nullptr;
        long long max = 2147483647LL;
        if (opt.text == "average") field = &d.average_log2, max = 17;
        else if (opt.text == "minimum") field = &d.minimum_s, max = 3600;
        else if (opt.text == "monitor") field = &d.monitor;
        if (!field) return p.unknown_option(opt);
        auto v = p.take_integer_in(opt, 0, max);
        if (!v) return false;
        *field = static_cast<int>(*v);
    }
    s.config.discard = d;
    return true;
}

bool parse_mru(LineParser& p, ParseState& s) {
    if (p.at_end()) return p.fail_at_end("'mru' needs at least one option");
    Mru m = s.config.mru;
    while (!p.at_end()) {
        const Token& opt = p.take();
        const std::string& o = opt.text;
        std::optional<int>* field = nullptr;
        if (o == "maxdepth") field = &m.maxdepth;
        else if (o == "maxmem") field = &m.maxmem_kb;
        else if (o == "mindepth") field = &m.mindepth;
        else if (o == "maxage") field = &m.maxage_s;
        else if (o == "initalloc") field = &m.initalloc;
        else if (o == "initmem") field = &m.initmem_kb;
        else if (o == "incalloc") field = &m.incalloc;
        else if (o == "incmem") field = &m.incmem_kb;
        if (!field) return p.unknown_option(opt);
        auto v = p.take_integer_in(opt, 0, 2147483647LL);
        if (!v) return false;
        *field = static_cast<int>(*v);
    }
    s.config.mru = m;
    return true;
}

bool parse_rlimit(LineParser& p, ParseState& s) {
    if (p.at_end()) return p.fail_at_end("'rlimit' needs at least one option");
    Rlimit r = s.config.rlimit;
    while (!p.at_end()) {
        const Token& opt = p.take();
        std::optional<int>* field = nullptr;
        long long min = 0;
        if (opt.text == "memlock") field = &r.memlock_mb, min = -1;
        else if (opt.text == "stacksize") field = &r.stacksize_pages;
        else if (opt.text == "filenum") field = &r.filenum;
        if (!field) return p.unknown_option(opt);
        auto v = p.take_integer_in(opt, min, 2147483647LL);
        if (!v) return false;
        *field = static_cast<int>(*v);
    }
    s.config.rlimit = r;
    return true;
}

// ---- interfaces

bool parse_interface(LineParser& p, ParseState& s) {
    InterfaceRule r;
    r.where = p.origin();
    if (p.at_end()) return p.fail_at_end("'" + p.directive().text + "' needs listen, ignore or drop");
    const Token& action = p.take();
    if (action.text == "listen") r.action = InterfaceAction::listen;
    else if (action.text == "ignore") r.action = InterfaceAction::ignore;
    else if (action.text == "drop") r.action = InterfaceAction::drop;
    else return p.fail(action, "expected listen, ignore or drop, not '" + action.text + "'");
    if (p.at_end()) return p.fail_at_end("'" + p.directive().text + " " + action.text + "' needs all, ipv4, ipv6, wildcard, an interface name or an address");
    const Token& what = p.take();
    const std::string& w = what.text;
    if (w == "all") r.match = InterfaceMatch::all;
    else if (w == "ipv4") r.match = InterfaceMatch::ipv4;
    else if (w == "ipv6") r.match = InterfaceMatch::ipv6;
    else if (w == "wildcard") r.match = InterfaceMatch::wildcard;
    else {
        std::string addr = w;
        const auto slash = w.find('/');
        std::optional<long long> len;
        if (slash != std::string::npos) {
            len = parse_integer(std::string_view(w).substr(slash + 1));
            addr = w.substr(0, slash);
            if (!len) return p.fail(what, "bad prefix length in '" + w + "'");
        }
        if (!addr.empty() && addr.front() == '[') {
            if (addr.back() != ']') return p.fail(what, "missing ']' after IPv6 address '" + w + "'");
            addr = addr.substr(1, addr.size() - 2);
        }
        auto ip = parse_ip(addr);
        if (ip) {
            if (len && (*len < 0 || *len > ip->byte_count() * 8)) {
                return p.fail(what, "prefix length out of range in '" + w + "'");
            }
            r.match = InterfaceMatch::address;
            r.address = ip;
            r.prefix_len = len ? static_cast<int>(*len) : -1;
        } else if (looks_like_ipv4(addr) || addr.find(':') != std::string::npos || len) {
            return p.fail(what, "'" + w + "' is not a valid address");
        } else {
            r.match = InterfaceMatch::name;
            r.name = w;
        }
    }
    if (!p.expect_end()) return false;
    s.config.interface_rules.push_back(r);
    return true;
}

// ---- misc

bool parse_setvar(LineParser& p, ParseState& s) {
    // setvar NAME = VALUE [default]; "NAME=VALUE" and "NAME =VALUE" are fine too.
    std::vector<Token> toks;
    while (!p.at_end()) toks.push_back(p.take());
    SetVar v;
    if (!toks.empty() && toks.back().text == "default" && !toks.back().quoted) {
        v.is_default = true;
        toks.pop_back();
    }
    std::string joined_name;
    std::size_t i = 0;
    bool have_eq = false;
    std::string value;
    bool value_started = false;
    for (; i < toks.size(); ++i) {
        const Token& t = toks[i];
        if (!have_eq) {
            const auto eq = t.quoted ? std::string::npos : t.text.find('=');
            if (eq == std::string::npos) {
                if (!joined_name.empty()) return p.fail(t, "setvar: expected '=' after the name");
                joined_name = t.text;
                continue;
            }
            if (!joined_name.empty() && eq > 0) return p.fail(t, "setvar: expected '=' after the name");
            joined_name += t.text.substr(0, eq);
            have_eq = true;
            const std::string rest = t.text.substr(eq + 1);
            if (!rest.empty()) {
                value = rest;
                value_started = true;
            }
            continue;
        }
        if (value_started) value += ' ';
        value += t.text;
        value_started = true;
    }
    if (joined_name.empty()) return p.fail(p.directive(), "setvar needs 'name = value'");
    if (!have_eq) return p.fail_at_end("setvar: expected '=' after the name");
    if (!value_started) return p.fail_at_end("setvar: missing value after '='");
    v.name = joined_name;
    v.value = value;
    s.config.setvars.push_back(v);
    return true;
}

bool parse_trap(LineParser& p, ParseState& s) {
    if (p.at_end()) return p.fail_at_end("'trap' needs an address");
    Trap t;
    const Token& a = p.take();
    if (!read_host(p, a, AddressFamily::any, t.address)) return false;
    while (!p.at_end()) {
        const Token& opt = p.take();
        if (opt.text == "port") {
            auto v = p.take_integer_in(opt, 1, 65535);
            if (!v) return false;
            t.port = static_cast<int>(*v);
        } else if (opt.text == "interface") {
            const Token* v = p.take_value(opt);
            if (!v) return false;
            HostAddress h;
            if (!read_host(p, *v, AddressFamily::any, h)) return false;
            t.interface = h;
        } else {
            return p.unknown_option(opt);
        }
    }
    s.config.traps.push_back(t);
    return true;
}

bool parse_ttl(LineParser& p, ParseState& s) {
    if (p.at_end()) return p.fail_at_end("'ttl' needs at least one value");
    std::vector<int> values;
    while (!p.at_end()) {
        const Token& t = p.take();
        auto v = parse_integer(t.text);
        if (!v || *v < 0 || *v > 255) return p.fail(t, "ttl value must be 0..255, not '" + t.text + "'");
        if (values.size() == 8) return p.fail(t, "at most 8 ttl values");
        values.push_back(static_cast<int>(*v));
    }
    s.config.ttl = values;
    return true;
}

bool parse_int_directive(LineParser& p, std::optional<int>& out, long long min, long long max) {
    auto v = p.take_integer_in(p.directive(), min, max);
    if (!v || !p.expect_end()) return false;
    out = static_cast<int>(*v);
    return true;
}

bool parse_dscp(LineParser& p, ParseState& s) { return parse_int_directive(p, s.config.dscp, 0, 63); }
bool parse_mdnstries(LineParser& p, ParseState& s) {
    return parse_int_directive(p, s.config.mdnstries, 0, 1000);
}
bool parse_leapsmearinterval(LineParser& p, ParseState& s) {
    if (!parse_int_directive(p, s.config.leapsmearinterval_s, 0, 2147483647LL)) return false;
    p.warn(p.directive(), "leap smearing is not supported, ignored");
    return true;
}

bool parse_broadcastdelay(LineParser& p, ParseState& s) {
    auto v = p.take_nonnegative(p.directive());
    if (!v || !p.expect_end()) return false;
    s.config.broadcastdelay_s = *v;
    return true;
}

bool parse_nonvolatile(LineParser& p, ParseState& s) {
    auto v = p.take_double(p.directive());
    if (!v || !p.expect_end()) return false;
    if (*v <= 0) return p.fail(p.directive(), "nonvolatile threshold must be positive");
    s.config.drift_wander_threshold = *v;
    return true;
}

bool parse_hosts(LineParser& p, std::vector<HostAddress>& out) {
    std::vector<HostAddress> list;
    while (!p.at_end()) {
        const Token& t = p.take();
        HostAddress h;
        if (!read_host(p, t, AddressFamily::any, h)) return false;
        list.push_back(h);
    }
    out.insert(out.end(), list.begin(), list.end());
    return true;
}

bool parse_multicastclient(LineParser& p, ParseState& s) {
    std::vector<HostAddress> list;
    if (!parse_hosts(p, list)) return false;
    s.config.multicastclient.insert(s.config.multicastclient.end(), list.begin(), list.end());
    s.config.multicastclient_given = true;
    return true;
}

bool parse_manycastserver(LineParser& p, ParseState& s) {
    if (p.at_end()) return p.fail_at_end("'manycastserver' needs an address");
    if (!parse_hosts(p, s.config.manycastserver)) return false;
    p.warn(p.directive(), "manycastserver (manycast mode) is not supported");
    return true;
}

bool parse_broadcastclient(LineParser& p, ParseState& s) {
    // 4.2.8 also knows "broadcastclient novolley".
    if (!p.at_end() && p.peek()->text == "novolley") {
        p.take();
        s.config.broadcastclient_novolley = true;
    }
    if (!p.expect_end()) return false;
    s.config.broadcastclient = true;
    return true;
}

bool parse_unpeer(LineParser& p, ParseState& s) {
    if (p.at_end()) return p.fail_at_end("'" + p.directive().text + "' needs an address or association id");
    const Token& t = p.take();
    if (!parse_integer(t.text)) {
        HostAddress h;
        if (!read_host(p, t, AddressFamily::any, h)) return false;
    }
    if (!p.expect_end()) return false;
    s.config.unpeer.push_back(t.text);
    p.warn(p.directive(), "'" + p.directive().text + "' in a configuration file is not supported");
    return true;
}

bool parse_reset(LineParser& p, ParseState&) {
    if (p.at_end()) return p.fail_at_end("'reset' needs at least one counter group");
    while (!p.at_end()) {
        const Token& t = p.take();
        static constexpr const char* groups[] = {"allpeers", "auth", "ctl", "io",
                                                 "mem",      "sys",  "timer"};
        if (std::find_if(std::begin(groups), std::end(groups),
                         [&](const char* g) { return t.text == g; }) == std::end(groups)) {
            return p.fail(t, "unknown counter group '" + t.text + "' for 'reset'");
        }
    }
    p.warn(p.directive(), "'reset' at start-up has nothing to reset, ignored");
    return true;
}

bool parse_crypto(LineParser& p, ParseState&) { return warn_unsupported(p, "crypto (Autokey)"); }
bool parse_revoke(LineParser& p, ParseState&) { return warn_unsupported(p, "revoke (Autokey)"); }
bool parse_automax(LineParser& p, ParseState&) { return warn_unsupported(p, "automax (Autokey)"); }
bool parse_ident(LineParser& p, ParseState&) { return warn_unsupported(p, "ident (Autokey)"); }
bool parse_phone(LineParser& p, ParseState&) {
    return warn_unsupported(p, "phone (modem reference clock)");
}
bool parse_signd(LineParser& p, ParseState&) {
    return warn_unsupported(p, "ntpsigndsocket (MS-SNTP)");
}

bool parse_hwclock(LineParser& p, ParseState& s) {
    HwclockConfig h;
    while (!p.at_end()) {
        const Token& opt = p.take();
        const std::string& o = opt.text;
        if (o == "sync") h.enabled = true;
        else if (o == "nosync") h.enabled = false;
        else if (o == "utc") h.timescale = RtcTimescale::utc;
        else if (o == "local") h.timescale = RtcTimescale::local;
        else if (o == "adjtime") h.timescale = RtcTimescale::adjtime;
        else if (o == "interval") {
            auto v = p.take_integer_in(opt, 60, 86400);
            if (!v) return false;
            h.interval_s = static_cast<int>(*v);
        } else if (o == "device") {
            const Token* v = p.take_value(opt);
            if (!v) return false;
            if (v->text.empty() || v->text[0] != '/') {
                return p.fail(*v, "hwclock device must be an absolute path, not '" + v->text + "'");
            }
            h.device = v->text;
        } else {
            return p.unknown_option(opt);
        }
    }
    s.config.hwclock = h;
    return true;
}

struct DirectiveEntry {
    const char* name;
    DirectiveHandler handler;
};

constexpr DirectiveEntry directives[] = {
    {"server", parse_association},
    {"pool", parse_association},
    {"peer", parse_association},
    {"broadcast", parse_association},
    {"manycastclient", parse_association},
    {"refclock", parse_refclock},
    {"fudge", parse_fudge},
    {"restrict", parse_restrict},
    {"driftfile", parse_driftfile},
    {"leapfile", parse_leapfile},
    {"logfile", parse_logfile},
    {"pidfile", parse_pidfile},
    {"saveconfigdir", parse_saveconfigdir},
    {"keys", parse_keys},
    {"keysdir", parse_keysdir},
    {"trustedkey", parse_trustedkey},
    {"requestkey", parse_requestkey},
    {"controlkey", parse_controlkey},
    {"statsdir", parse_statsdir},
    {"statistics", parse_statistics},
    {"filegen", parse_filegen},
    {"logconfig", parse_logconfig},
    {"tinker", parse_tinker},
    {"tick", parse_tick},
    {"tos", parse_tos},
    {"enable", parse_enable_disable},
    {"disable", parse_enable_disable},
    {"discard", parse_discard},
    {"mru", parse_mru},
    {"rlimit", parse_rlimit},
    {"interface", parse_interface},
    {"nic", parse_interface},
    {"setvar", parse_setvar},
    {"trap", parse_trap},
    {"ttl", parse_ttl},
    {"dscp", parse_dscp},
    {"mdnstries", parse_mdnstries},
    {"leapsmearinterval", parse_leapsmearinterval},
    {"broadcastdelay", parse_broadcastdelay},
    {"nonvolatile", parse_nonvolatile},
    {"multicastclient", parse_multicastclient},
    {"manycastserver", parse_manycastserver},
    {"broadcastclient", parse_broadcastclient},
    {"unpeer", parse_unpeer},
    {"unconfig", parse_unpeer},
    {"reset", parse_reset},
    {"crypto", parse_crypto},
    {"revoke", parse_revoke},
    {"automax", parse_automax},
    {"ident", parse_ident},
    {"phone", parse_phone},
    {"ntpsigndsocket", parse_signd},
    {"hwclock", parse_hwclock},
};

}  // namespace

DirectiveHandler find_directive(std::string_view name) {
    for (const auto& d : directives) {
        if (name == d.name) return d.handler;
    }
    return nullptr;
}

}  // namespace ntp::config::detail
