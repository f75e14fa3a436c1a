// server / pool / peer / broadcast / manycastclient, NTPsec `refclock`, and
// `fudge` (ntp.conf.md §3 and §5).
#include <string>

#include "libntp/config/line_parser.hh"

namespace ntp::config::detail {

namespace {

constexpr int min_poll_log2 = 3;   // NTP_MINPOLL
constexpr int max_poll_log2 = 17;  // NTP_MAXPOLL

AssociationKind kind_of(std::string_view directive) {
    if (directive == "pool") return AssociationKind::pool;
    if (directive == "peer") return AssociationKind::peer;
    if (directive == "broadcast") return AssociationKind::broadcast;
    if (directive == "manycastclient") return AssociationKind::manycastclient;
    return AssociationKind::server;
}

// minpoll/maxpoll out of [3, 17]: classic logs and substitutes; we warn.
std::optional<int> take_poll(LineParser& p, const Token& option) {
    auto v = p.take_integer(option);
    if (!v) return std::nullopt;
    if (*v < min_poll_log2 || *v > max_poll_log2) {
        const int used = *v < min_poll_log2 ? min_poll_log2 : max_poll_log2;
        p.warn(option, option.text + " " + std::to_string(*v) + " is out of range [3-17], using " +
                           std::to_string(used));
        return used;
    }
    return static_cast<int>(*v);
}

// Options shared by classic association lines and NTPsec refclock lines.
// Returns 1 when handled, 0 when `opt` is not an association option, -1 on error.
int association_option(LineParser& p, const Token& opt, Association& a) {
    const std::string& o = opt.text;
    if (o == "iburst") a.iburst = true;
    else if (o == "burst") a.burst = true;
    else if (o == "prefer") a.prefer = true;
    else if (o == "noselect") a.noselect = true;
    else if (o == "true") a.true_chimer = true;
    else if (o == "preempt") a.preempt = true;
    else if (o == "xleave") a.xleave = true;
    else if (o == "autokey") {
        a.autokey = true;
        p.warn(opt, "autokey is not supported; the association runs without authentication");
    } else if (o == "minpoll") {
        auto v = take_poll(p, opt);
        if (!v) return -1;
        a.minpoll_log2 = *v;
    } else if (o == "maxpoll") {
        auto v = take_poll(p, opt);
        if (!v) return -1;
        a.maxpoll_log2 = *v;
    } else if (o == "key") {
        // Classic drops the line for ids >= 2^32-1; ids above 65535 are Autokey.
        auto v = p.take_integer_in(opt, 0, 4294967294LL);
        if (!v) return -1;
        if (*v > 65535) p.warn(opt, "key " + std::to_string(*v) + " is an Autokey key id; Autokey is not supported");
        a.key_id = static_cast<std::uint32_t>(*v);
    } else if (o == "version") {
        auto v = p.take_integer_in(opt, 0, 254);
        if (!v) return -1;
        if (*v < 1 || *v > 4) {
            const int used = *v < 1 ? 1 : 4;
            p.warn(opt, "version " + std::to_string(*v) + " is out of range [1-4], using " +
                            std::to_string(used));
            a.version = used;
        } else {
            a.version = static_cast<int>(*v);
        }
    } else if (o == "mode") {
        auto v = p.take_integer_in(opt, 0, 2147483647LL);
        if (!v) return -1;
        a.mode = static_cast<int>(*v);
    } else if (o == "ttl") {
        auto v = p.take_integer_in(opt, 0, 7);
        if (!v) return -1;
        a.ttl = static_cast<int>(*v);
    } else if (o == "ident") {
        const Token* v = p.take_value(opt);
        if (!v) return -1;
        a.ident = v->text;
        p.warn(opt, "ident (Autokey group) is not supported");
    } else {
        return 0;
    }
    return 1;
}

// minpoll > maxpoll: classic forces minpoll down to maxpoll.
void settle_polls(LineParser& p, const Token& at, Association& a) {
    if (a.minpoll_log2 && a.maxpoll_log2 && *a.minpoll_log2 > *a.maxpoll_log2) {
        p.warn(at, "minpoll " + std::to_string(*a.minpoll_log2) + " is above maxpoll " +
                       std::to_string(*a.maxpoll_log2) + ", using " +
                       std::to_string(*a.maxpoll_log2) + " for both");
        a.minpoll_log2 = a.maxpoll_log2;
    }
}

void warn_unsupported_driver(LineParser& p, const Token& at, int type) {
    if (refclock_runs(type)) return;
    std::string name(refclock_name_by_type(type));
    p.warn(at, "reference clock driver " + std::to_string(type) +
                   (name.empty() ? std::string() : " (" + name + ")") +
                   " is not supported; the association will not run");
}

// Fudge options shared by `fudge` and NTPsec `refclock`. Same return
// convention as association_option().
int fudge_option(LineParser& p, const Token& opt, Fudge& f) {
    const std::string& o = opt.text;
    if (o == "time1" || o == "time2") {
        auto v = p.take_double(opt);
        if (!v) return -1;
        (o == "time1" ? f.time1_s : f.time2_s) = *v;
    } else if (o == "stratum") {
        auto v = p.take_integer(opt);
        if (!v) return -1;
        if (*v < 0 || *v > 16) {
            // Classic: "fudge factor: stratum value not in [0..16], ignored".
            p.warn(opt, "stratum " + std::to_string(*v) + " is not in [0..16], ignored");
        } else {
            f.stratum = static_cast<int>(*v);
        }
    } else if (o == "refid") {
        const Token* v = p.take_value(opt);
        if (!v) return -1;
        std::string refid = v->text;
        if (refid.size() > 4) {
            p.warn(*v, "refid '" + refid + "' is longer than 4 characters, using '" +
                           refid.substr(0, 4) + "'");
            refid.resize(4);
        }
        f.refid = refid;
    } else if (o.size() == 5 && o.compare(0, 4, "flag") == 0 && o[4] >= '1' && o[4] <= '4') {
        const Token* v = p.take_value(opt);
        if (!v) return -1;
        bool value = true;
        if (v->text == "0" || v->text == "false") {
            value = false;
        } else if (v->text != "1" && v->text != "true") {
            if (!parse_integer(v->text)) {
                p.fail(*v, "'" + o + "' needs 0 or 1, not '" + v->text + "'");
                return -1;
            }
            p.warn(*v, "integer value is not boolean (0 or 1), assuming 1");
        }
        f.flags[static_cast<std::size_t>(o[4] - '1')] = value;
    } else if (o == "abbrev") {
        const Token* v = p.take_value(opt);
        if (!v) return -1;
        f.abbrev = v->text;
    } else {
        return 0;
    }
    return 1;
}

bool fudge_has_options(const Fudge& f) {
    bool any_flag = false;
    for (const auto& fl : f.flags) any_flag = any_flag || fl.has_value();
    return f.time1_s || f.time2_s || f.stratum || f.refid || f.abbrev || any_flag;
}

}  // namespace

bool parse_association(LineParser& p, ParseState& s) {
    const Token& directive = p.directive();
    Association a;
    a.kind = kind_of(directive.text);
    a.where = p.origin();

    const Token* addr = p.peek();
    if (addr && !addr->quoted && (addr->text == "-4" || addr->text == "-6")) {
        a.family = addr->text == "-4" ? AddressFamily::ipv4 : AddressFamily::ipv6;
        p.take();
        addr = p.peek();
    }
    if (!addr) return p.fail_at_end("'" + directive.text + "' needs an address");
    p.take();
    // The address is always a string, even when it looks like a keyword.
    if (!read_host(p, *addr, a.family, a.address)) return false;

    while (!p.at_end()) {
        const Token& opt = p.take();
        const int r = association_option(p, opt, a);
        if (r < 0) return false;
        // An unknown word is reported and skipped; the association keeps its
        // valid options (classic keeps the server too, after a syntax error).
        if (r == 0) p.unknown_option(opt);
    }
    settle_polls(p, directive, a);

    const auto refclock = a.refclock();
    if (a.address.numeric) {
        const IpAddress& ip = *a.address.numeric;
        const bool multicast = ip.is_v4() ? (ip.bytes[0] >= 224 && ip.bytes[0] <= 239)
                                          : ip.bytes[0] == 0xff;
        const bool wants_multicast = a.kind == AssociationKind::manycastclient;
        if (multicast && (a.kind == AssociationKind::server || a.kind == AssociationKind::peer ||
                          a.kind == AssociationKind::pool)) {
            return p.fail(*addr, "multicast address '" + a.address.text + "' cannot be a " +
                                     directive.text);
        }
        if (wants_multicast && !multicast) {
            return p.fail(*addr, "manycastclient needs a multicast address, not '" +
                                     a.address.text + "'");
        }
    }
    if (refclock) {
        if (a.kind != AssociationKind::server) {
            return p.fail(*addr, "a reference clock address can only be used with 'server'");
        }
        warn_unsupported_driver(p, *addr, refclock->driver_type);
    }
    if (a.kind == AssociationKind::manycastclient) {
        p.warn(directive, "'" + directive.text + "' (broadcast/manycast mode) is not supported");
    }
    s.config.associations.push_back(std::move(a));
    return true;
}

bool parse_refclock(LineParser& p, ParseState& s) {
    // NTPsec: refclock NAME [unit N] [subtype|mode N] [path P] [ppspath P]
    //         [baud N] [time1 s] [time2 s] [stratum N] [refid S] [flag1..4 0|1]
    //         [prefer] [noselect] [minpoll N] [maxpoll N] ...
    if (p.at_end()) return p.fail_at_end("'refclock' needs a driver name");
    const Token& name = p.take();
    auto type = refclock_type_by_name(name.text);
    if (!type) return p.fail(name, "unknown reference clock driver '" + name.text + "'");

    Association a;
    a.kind = AssociationKind::server;
    a.where = p.origin();
    Fudge f;
    f.where = p.origin();
    int unit = 0;
    while (!p.at_end()) {
        const Token& opt = p.take();
        if (opt.text == "unit") {
            auto v = p.take_integer_in(opt, 0, 255);
            if (!v) return false;
            unit = static_cast<int>(*v);
            continue;
        }
        if (opt.text == "subtype") {
            auto v = p.take_integer_in(opt, 0, 2147483647LL);
            if (!v) return false;
            a.mode = static_cast<int>(*v);
            continue;
        }
        if (opt.text == "path" || opt.text == "ppspath") {
            const Token* v = p.take_value(opt);
            if (!v) return false;
            (opt.text == "path" ? a.refclock_path : a.refclock_ppspath) = v->text;
            continue;
        }
        if (opt.text == "baud") {
            auto v = p.take_integer_in(opt, 1, 4000000);
            if (!v) return false;
            a.refclock_baud = static_cast<int>(*v);
            continue;
        }
        int r = fudge_option(p, opt, f);
        if (r == 0) r = association_option(p, opt, a);
        if (r < 0) return false;
        if (r == 0) return p.unknown_option(opt);
    }
    settle_polls(p, p.directive(), a);
    const RefclockId id{*type, unit};
    const IpAddress ip = refclock_address(id);
    a.address = HostAddress{ip.to_string(), ip};
    warn_unsupported_driver(p, name, *type);
    s.config.associations.push_back(std::move(a));
    if (fudge_has_options(f)) {
        f.address = ip;
        f.clock = id;
        s.config.fudges.push_back(std::move(f));
    }
    return true;
}

bool parse_fudge(LineParser& p, ParseState& s) {
    if (p.at_end()) return p.fail_at_end("'fudge' needs a reference clock address");
    const Token& addr = p.take();
    auto ip = parse_ip(addr.text);
    std::optional<RefclockId> id;
    if (ip) id = refclock_id(*ip);
    if (!id) {
        // Classic: "inappropriate address %s for the fudge command, line ignored".
        return p.fail(addr, "'" + addr.text +
                                "' is not a reference clock address (127.127.t.u) for fudge");
    }
    Fudge f;
    f.address = *ip;
    f.clock = *id;
    f.where = p.origin();
    while (!p.at_end()) {
        const Token& opt = p.take();
        const int r = fudge_option(p, opt, f);
        if (r < 0) return false;
        if (r == 0) return p.unknown_option(opt);
    }
    if (!fudge_has_options(f)) {
        p.warn(addr, "fudge without options has no effect");
        return true;
    }
    s.config.fudges.push_back(std::move(f));
    return true;
}

}  // namespace ntp::config::detail
