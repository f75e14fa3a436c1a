#include "libntp/config/config_writer.hh"

#include <charconv>
#include <string_view>

namespace ntp::config {

namespace {

// Shortest text that reads back as the same double.
std::string num(double v) {
    char buf[64];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
    if (ec != std::errc()) return "0";
    return std::string(buf, ptr);
}

// Words are written bare unless the lexer would split or comment them.
std::string word(const std::string& s) {
    bool needs_quotes = s.empty() || s.front() == '"';
    for (char c : s) {
        if (c == ' ' || c == '\t' || c == '#' || c == '\r' || c == '\f' || c == '\v') {
            needs_quotes = true;
        }
    }
    return needs_quotes ? "\"" + s + "\"" : s;
}

// A setvar value is its tokens joined by single spaces. The lexer has no
// escape for '"', so a value holding one (read from `NAME="x` or `a"b`) is
// written piece by piece, and one that starts with '"' is glued to the '='
// as it was read. Other values are one word, quoted when needed.
std::string setvar_value(const std::string& value) {
    if (value.find('"') == std::string::npos) return "= " + (value == "default" ? "\"default\"" : word(value));
    std::string out;
    std::size_t start = 0;
    for (bool first = true;; first = false) {
        const std::size_t end = value.find(' ', start);
        const std::string piece = value.substr(start, end == std::string::npos ? end : end - start);
        const bool last = end == std::string::npos;
        if (first) out = piece.starts_with('"') ? "=" + piece : "= " + word(piece);
        else out += " " + (last && piece == "default" ? "\"default\"" : word(piece));
        if (last) return out;
        start = end + 1;
    }
}

const char* kind_name(AssociationKind k) {
    switch (k) {
        case AssociationKind::server: return "server";
        case AssociationKind::pool: return "pool";
        case AssociationKind::peer: return "peer";
        case AssociationKind::broadcast: return "broadcast";
        case AssociationKind::manycastclient: return "manycastclient";
    }
    return "server";
}

class Writer {
public:
    std::string take() { return std::move(out_); }

    void line(const std::string& text) { out_ += text + "\n"; }
    void comment(const std::string& text) { out_ += "\n# " + text + "\n"; }

    void associations(const NtpConfig& c) {
        if (c.associations.empty()) return;
        comment("associations");
        for (const auto& a : c.associations) line(association(a));
    }

    void fudges(const NtpConfig& c) {
        if (c.fudges.empty()) return;
        for (const auto& f : c.fudges) {
            std::string s = "fudge " + f.address.to_string();
            if (f.time1_s) s += " time1 " + num(*f.time1_s);
            if (f.time2_s) s += " time2 " + num(*f.time2_s);
            if (f.stratum) s += " stratum " + std::to_string(*f.stratum);
            if (f.refid) s += " refid " + word(*f.refid);
            for (std::size_t i = 0; i < f.flags.size(); ++i) {
                if (f.flags[i]) s += " flag" + std::to_string(i + 1) + (*f.flags[i] ? " 1" : " 0");
            }
            if (f.abbrev) s += " abbrev " + word(*f.abbrev);
            line(s);
        }
    }

    void restrictions(const NtpConfig& c) {
        if (c.restrictions.empty() && c.discard == Discard{} && c.mru == Mru{}) return;
        comment("access control");
        for (const auto& r : c.restrictions) line(restrict(r));
        const Discard& d = c.discard;
        if (d != Discard{}) {
            std::string s = "discard";
            if (d.average_log2) s += " average " + std::to_string(*d.average_log2);
            if (d.minimum_s) s += " minimum " + std::to_string(*d.minimum_s);
            if (d.monitor) s += " monitor " + std::to_string(*d.monitor);
            line(s);
        }
        const Mru& m = c.mru;
        if (m != Mru{}) {
            std::string s = "mru";
            opt_int(s, "maxdepth", m.maxdepth);
            opt_int(s, "maxmem", m.maxmem_kb);
            opt_int(s, "mindepth", m.mindepth);
            opt_int(s, "maxage", m.maxage_s);
            opt_int(s, "initalloc", m.initalloc);
            opt_int(s, "initmem", m.initmem_kb);
            opt_int(s, "incalloc", m.incalloc);
            opt_int(s, "incmem", m.incmem_kb);
            line(s);
        }
    }

    void files(const NtpConfig& c) {
        std::string block;
        if (c.driftfile) {
            std::string s = "driftfile";
            if (!c.driftfile->empty()) s += " " + word(*c.driftfile);
            if (c.drift_wander_threshold) {
                // A threshold needs a path before it; without one it becomes
                // `nonvolatile`, which sets the same value.
                if (c.driftfile->empty()) {
                    line(s);
                    s = "nonvolatile " + num(*c.drift_wander_threshold);
                } else {
                    s += " " + num(*c.drift_wander_threshold);
                }
            }
            line(s);
        } else if (c.drift_wander_threshold) {
            line("nonvolatile " + num(*c.drift_wander_threshold));
        }
        path("leapfile", c.leapfile);
        path("logfile", c.logfile);
        path("pidfile", c.pidfile);
        path("saveconfigdir", c.saveconfigdir);
        path("keys", c.keys_file);
        path("keysdir", c.keysdir);
        if (!c.trusted_keys.empty()) line("trustedkey" + key_list(c.trusted_keys));
        if (c.request_key) line("requestkey " + std::to_string(*c.request_key));
        if (c.control_key) line("controlkey " + std::to_string(*c.control_key));
        path("statsdir", c.statsdir);
        if (!c.statistics.empty()) {
            std::string s = "statistics";
            for (const auto& n : c.statistics) s += " " + n;
            line(s);
        }
        for (const auto& g : c.filegens) {
            std::string s = "filegen " + g.name;
            if (g.file) s += " file " + word(*g.file);
            if (g.type) s += std::string(" type ") + filegen_type_name(*g.type);
            if (g.link) s += *g.link ? " link" : " nolink";
            if (g.enabled) s += *g.enabled ? " enable" : " disable";
            line(s);
        }
        if (!c.logconfig.empty()) {
            std::string s = "logconfig";
            for (const auto& i : c.logconfig) s += std::string(" ") + i.op + i.item;
            line(s);
        }
    }

    void tuning(const NtpConfig& c) {
        const Tinker& t = c.tinker;
        if (t != Tinker{}) {
            std::string s = "tinker";
            if (t.allan_log2) s += " allan " + std::to_string(*t.allan_log2);
            opt_num(s, "dispersion", t.dispersion_ppm);
            opt_num(s, "freq", t.freq_ppm);
            opt_num(s, "huffpuff", t.huffpuff_s);
            opt_num(s, "panic", t.panic_s);
            opt_num(s, "step", t.step_s);
            opt_num(s, "stepback", t.stepback_s);
            opt_num(s, "stepfwd", t.stepfwd_s);
            opt_num(s, "stepout", t.stepout_s);
            opt_num(s, "tick", t.tick_s);
            line(s);
        }
        const Tos& o = c.tos;
        if (o != Tos{}) {
            std::string s = "tos";
            opt_int(s, "beacon", o.beacon_s);
            opt_int(s, "ceiling", o.ceiling);
            if (o.cohort) s += *o.cohort ? " cohort 1" : " cohort 0";
            opt_int(s, "floor", o.floor);
            opt_int(s, "maxclock", o.maxclock);
            opt_num(s, "maxdist", o.maxdist_s);
            opt_int(s, "minclock", o.minclock);
            opt_num(s, "mindist", o.mindist_s);
            opt_int(s, "minsane", o.minsane);
            opt_int(s, "orphan", o.orphan);
            opt_int(s, "orphanwait", o.orphanwait_s);
            line(s);
        }
        flags(c.flags);
        const Rlimit& r = c.rlimit;
        if (r != Rlimit{}) {
            std::string s = "rlimit";
            opt_int(s, "memlock", r.memlock_mb);
            opt_int(s, "stacksize", r.stacksize_pages);
            opt_int(s, "filenum", r.filenum);
            line(s);
        }
    }

    void interfaces(const NtpConfig& c) {
        for (const auto& r : c.interface_rules) {
            std::string s = "interface ";
            s += r.action == InterfaceAction::listen   ? "listen "
                 : r.action == InterfaceAction::ignore ? "ignore "
                                                       : "drop ";
            switch (r.match) {
                case InterfaceMatch::all: s += "all"; break;
                case InterfaceMatch::ipv4: s += "ipv4"; break;
                case InterfaceMatch::ipv6: s += "ipv6"; break;
                case InterfaceMatch::wildcard: s += "wildcard"; break;
                case InterfaceMatch::name: s += word(r.name); break;
                case InterfaceMatch::address:
                    s += r.address ? r.address->to_string() : std::string("0.0.0.0");
                    if (r.prefix_len >= 0) s += "/" + std::to_string(r.prefix_len);
                    break;
            }
            line(s);
        }
    }

    void misc(const NtpConfig& c) {
        for (const auto& v : c.setvars) {
            line("setvar " + word(v.name) + " " + setvar_value(v.value) + (v.is_default ? " default" : ""));
        }
        for (const auto& t : c.traps) {
            std::string s = "trap " + host(t.address);
            if (t.port) s += " port " + std::to_string(*t.port);
            if (t.interface) s += " interface " + host(*t.interface);
            line(s);
        }
        if (!c.ttl.empty()) {
            std::string s = "ttl";
            for (int v : c.ttl) s += " " + std::to_string(v);
            line(s);
        }
        if (c.dscp) line("dscp " + std::to_string(*c.dscp));
        if (c.broadcastdelay_s) line("broadcastdelay " + num(*c.broadcastdelay_s));
        if (c.mdnstries) line("mdnstries " + std::to_string(*c.mdnstries));
        if (c.leapsmearinterval_s) line("leapsmearinterval " + std::to_string(*c.leapsmearinterval_s));
        if (c.broadcastclient) line(c.broadcastclient_novolley ? "broadcastclient novolley" : "broadcastclient");
        if (c.multicastclient_given) {
            std::string s = "multicastclient";
            for (const auto& h : c.multicastclient) s += " " + host(h);
            line(s);
        }
        if (!c.manycastserver.empty()) {
            std::string s = "manycastserver";
            for (const auto& h : c.manycastserver) s += " " + host(h);
            line(s);
        }
        for (const auto& u : c.unpeer) line("unpeer " + host(u));
        if (c.hwclock) {
            const HwclockConfig& h = *c.hwclock;
            std::string s = h.enabled ? "hwclock sync" : "hwclock nosync";
            s += " interval " + std::to_string(h.interval_s);
            if (!h.device.empty()) s += " device " + word(h.device);
            s += h.timescale == RtcTimescale::utc     ? " utc"
                 : h.timescale == RtcTimescale::local ? " local"
                                                      : " adjtime";
            line(s);
        }
    }

private:
    // Host names that would read back as a keyword are quoted.
    static std::string host(const std::string& text) {
        if (text == "-4" || text == "-6" || text == "default" || text == "source") {
            return "\"" + text + "\"";
        }
        return word(text);
    }
    static std::string host(const HostAddress& h) { return host(h.text); }

    static std::string association(const Association& a) {
        std::string s;
        const auto clock = a.refclock();
        const bool ntpsec_form = clock && (!a.refclock_path.empty() ||
                                           !a.refclock_ppspath.empty() || a.refclock_baud) &&
                                 !refclock_name_by_type(clock->driver_type).empty();
        if (ntpsec_form) {
            s = "refclock " + std::string(refclock_name_by_type(clock->driver_type)) + " unit " +
                std::to_string(clock->unit);
            if (!a.refclock_path.empty()) s += " path " + word(a.refclock_path);
            if (!a.refclock_ppspath.empty()) s += " ppspath " + word(a.refclock_ppspath);
            if (a.refclock_baud) s += " baud " + std::to_string(*a.refclock_baud);
        } else {
            s = kind_name(a.kind);
            if (a.family == AddressFamily::ipv4) s += " -4";
            if (a.family == AddressFamily::ipv6) s += " -6";
            s += " " + host(a.address);
        }
        if (a.iburst) s += " iburst";
        if (a.burst) s += " burst";
        if (a.prefer) s += " prefer";
        if (a.noselect) s += " noselect";
        if (a.true_chimer) s += " true";
        if (a.preempt) s += " preempt";
        if (a.xleave) s += " xleave";
        if (a.autokey) s += " autokey";
        if (a.minpoll_log2) s += " minpoll " + std::to_string(*a.minpoll_log2);
        if (a.maxpoll_log2) s += " maxpoll " + std::to_string(*a.maxpoll_log2);
        if (a.key_id) s += " key " + std::to_string(a.key_id);
        if (a.version != 4) s += " version " + std::to_string(a.version);
        if (a.mode) s += " mode " + std::to_string(*a.mode);
        if (a.ttl) s += " ttl " + std::to_string(a.ttl);
        if (!a.ident.empty()) s += " ident " + word(a.ident);
        return s;
    }

    static std::string restrict(const RestrictEntry& r) {
        std::string s = "restrict";
        switch (r.target) {
            case RestrictTarget::default_entry:
                s += r.family == AddressFamily::ipv6 ? " -6 default" : " -4 default";
                break;
            case RestrictTarget::source:
                s += " source";
                break;
            case RestrictTarget::hostname:
                if (r.family == AddressFamily::ipv4) s += " -4";
                if (r.family == AddressFamily::ipv6) s += " -6";
                s += " " + host(r.host);
                if (r.mask) s += " mask " + r.mask->to_string();
                break;
            case RestrictTarget::address:
                s += " " + (r.address ? r.address->to_string() : std::string("0.0.0.0"));
                if (r.mask) s += " mask " + r.mask->to_string();
                break;
        }
        for (std::uint32_t bit = 1; bit != 0 && bit <= restrict_flag::noepeer; bit <<= 1) {
            if (r.flags & bit) s += std::string(" ") + restrict_flag_name(bit);
        }
        if (r.ntpport) s += " ntpport";
        if (r.ippeerlimit) s += " ippeerlimit " + std::to_string(*r.ippeerlimit);
        if (r.serverresponse_fuzz) s += " serverresponse fuzz";
        return s;
    }

    static std::string key_list(const std::vector<std::uint32_t>& keys) {
        std::string s;
        for (std::size_t i = 0; i < keys.size();) {
            std::size_t j = i;
            while (j + 1 < keys.size() && keys[j + 1] == keys[j] + 1) ++j;
            if (j - i >= 2) {
                s += " (" + std::to_string(keys[i]) + " ... " + std::to_string(keys[j]) + ")";
            } else {
                for (std::size_t k = i; k <= j; ++k) s += " " + std::to_string(keys[k]);
            }
            i = j + 1;
        }
        return s;
    }

    void flags(const SystemFlags& f) {
        std::string on;
        std::string off;
        auto add = [&](const char* name, const std::optional<bool>& v) {
            if (v) (*v ? on : off) += std::string(" ") + name;
        };
        add("auth", f.auth);
        add("bclient", f.bclient);
        add("calibrate", f.calibrate);
        add("kernel", f.kernel);
        add("mode7", f.mode7);
        add("monitor", f.monitor);
        add("ntp", f.ntp);
        add("stats", f.stats);
        add("unpeer_crypto_early", f.unpeer_crypto_early);
        add("unpeer_crypto_nak_early", f.unpeer_crypto_nak_early);
        add("unpeer_digest_early", f.unpeer_digest_early);
        if (!on.empty()) line("enable" + on);
        if (!off.empty()) line("disable" + off);
    }

    void path(const char* directive, const std::optional<std::string>& value) {
        if (value) line(std::string(directive) + " " + word(*value));
    }
    static void opt_int(std::string& s, const char* name, const std::optional<int>& v) {
        if (v) s += std::string(" ") + name + " " + std::to_string(*v);
    }
    static void opt_num(std::string& s, const char* name, const std::optional<double>& v) {
        if (v) s += std::string(" ") + name + " " + num(*v);
    }

    std::string out_;
};

}  // namespace

std::string format_config(const NtpConfig& config) {
    Writer w;
    w.line("# ntp.conf written by ntpd --saveconfigquit (normalized)");
    w.associations(config);
    w.fudges(config);
    w.restrictions(config);
    w.comment("files, keys, statistics");
    w.files(config);
    w.comment("tuning");
    w.tuning(config);
    w.interfaces(config);
    w.misc(config);
    return w.take();
}

}  // namespace ntp::config
