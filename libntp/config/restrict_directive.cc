// `restrict` (ntp.conf.md §4): default / source / address [mask M] / host name,
// flags, and the classic merge of lines with equal address and mask.
#include <string>

#include "libntp/config/line_parser.hh"

namespace ntp::config::detail {

namespace {

struct FlagName {
    const char* name;
    std::uint32_t bit;
};
constexpr FlagName flag_names[] = {
    {"ignore", restrict_flag::ignore},       {"noserve", restrict_flag::noserve},
    {"notrust", restrict_flag::notrust},     {"version", restrict_flag::version},
    {"nopeer", restrict_flag::nopeer},       {"limited", restrict_flag::limited},
    {"noquery", restrict_flag::noquery},     {"nomodify", restrict_flag::nomodify},
    {"notrap", restrict_flag::notrap},       {"lowpriotrap", restrict_flag::lowpriotrap},
    {"kod", restrict_flag::kod},             {"mssntp", restrict_flag::mssntp},
    {"flake", restrict_flag::flake},         {"nomrulist", restrict_flag::nomrulist},
    {"noepeer", restrict_flag::noepeer},
};

std::optional<std::uint32_t> flag_by_name(std::string_view name) {
    for (const auto& f : flag_names) {
        if (name == f.name) return f.bit;
    }
    return std::nullopt;
}

// Two entries describe the same table slot (classic merges their flags).
void append_address(std::string& key, const std::optional<IpAddress>& a) {
    if (!a) {
        key += '-';
        return;
    }
    key += a->is_v4() ? '4' : '6';
    key.append(reinterpret_cast<const char*>(a->bytes.data()), a->bytes.size());
    key += a->zone;
    key += '%';
}

// Entries with the same key share one slot: same target, family and
// ntpport, and the same host and mask as written, or the same address and
// mask in force.
std::string slot_key(const RestrictEntry& e) {
    std::string key;
    key += static_cast<char>('0' + static_cast<int>(e.target));
    key += static_cast<char>('0' + static_cast<int>(e.family));
    key += e.ntpport ? 'p' : '-';
    switch (e.target) {
        case RestrictTarget::source:
        case RestrictTarget::default_entry:
            break;
        case RestrictTarget::hostname:
            key += e.host;
            key += '\0';
            append_address(key, e.mask);
            break;
        case RestrictTarget::address:
            append_address(key, e.address);
            append_address(key, e.effective_mask());
            break;
    }
    return key;
}

void add_or_merge(ParseState& s, RestrictEntry e) {
    auto& list = s.config.restrictions;
    for (; s.restrict_indexed < list.size(); ++s.restrict_indexed)
        s.restrict_slots.emplace(slot_key(list[s.restrict_indexed]), s.restrict_indexed);
    const auto [it, fresh] = s.restrict_slots.emplace(slot_key(e), list.size());
    if (fresh) {
        list.push_back(std::move(e));
        s.restrict_indexed = list.size();
        return;
    }
    RestrictEntry& existing = list[it->second];
    existing.flags |= e.flags;
    if (e.ippeerlimit) existing.ippeerlimit = e.ippeerlimit;
    existing.serverresponse_fuzz = existing.serverresponse_fuzz || e.serverresponse_fuzz;
}

}  // namespace

bool parse_restrict(LineParser& p, ParseState& s) {
    RestrictEntry e;
    e.where = p.origin();
    AddressFamily family = AddressFamily::any;

    const Token* t = p.peek();
    if (t && !t->quoted && (t->text == "-4" || t->text == "-6")) {
        family = t->text == "-4" ? AddressFamily::ipv4 : AddressFamily::ipv6;
        p.take();
        t = p.peek();
    }
    if (!t) return p.fail_at_end("'restrict' needs an address, 'default' or 'source'");
    const Token& target = p.take();

    // Address part.
    if (!target.quoted && target.text == "default") {
        e.target = RestrictTarget::default_entry;
    } else if (!target.quoted && target.text == "source") {
        e.target = RestrictTarget::source;
    } else {
        std::string text = target.text;
        std::optional<int> prefix_len;
        // CIDR suffix: an extension (classic would try to resolve "a/len").
        const auto slash = text.find('/');
        if (!target.quoted && slash != std::string::npos) {
            auto len = parse_integer(std::string_view(text).substr(slash + 1));
            if (!len || *len < 0 || *len > 128) {
                return p.fail(target, "bad prefix length in '" + text + "'");
            }
            prefix_len = static_cast<int>(*len);
            text.resize(slash);
        }
        Token bare = target;
        bare.text = text;
        HostAddress host;
        if (!read_host(p, bare, family, host)) return false;
        if (host.numeric) {
            e.target = RestrictTarget::address;
            e.address = host.numeric;
            e.family = host.numeric->family;
            if (prefix_len) {
                const int max_len = host.numeric->byte_count() * 8;
                if (*prefix_len > max_len) {
                    return p.fail(target, "prefix length " + std::to_string(*prefix_len) +
                                              " is too long for '" + text + "'");
                }
                e.mask = IpAddress::prefix_mask(e.family, *prefix_len);
            }
        } else {
            if (prefix_len) return p.fail(target, "a prefix length needs a numeric address");
            e.target = RestrictTarget::hostname;
            e.host = host.text;
            e.family = family;
        }
    }

    // Options.
    bool saw_mask = false;
    while (!p.at_end()) {
        const Token& opt = p.take();
        if (opt.text == "mask") {
            if (e.target != RestrictTarget::address && e.target != RestrictTarget::hostname) {
                return p.fail(opt, "'mask' needs an address before it");
            }
            if (saw_mask || e.mask) return p.fail(opt, "the mask is given twice");
            saw_mask = true;
            const Token* v = p.take_value(opt);
            if (!v) return false;
            auto m = parse_ip(v->text);
            if (!m || !m->zone.empty()) {
                return p.fail(*v, "mask '" + v->text + "' is not a valid address mask");
            }
            const AddressFamily want = e.target == RestrictTarget::address
                                           ? e.family
                                           : (family == AddressFamily::any ? m->family : family);
            if (m->family != want) {
                return p.fail(*v, "mask '" + v->text + "' does not match the address family");
            }
            e.mask = m;
            if (!mask_prefix_len(*m)) {
                p.warn(*v, "mask '" + v->text + "' is not contiguous");
            }
            continue;
        }
        if (opt.text == "ntpport") {
            e.ntpport = true;
            continue;
        }
        if (opt.text == "ippeerlimit") {
            auto v = p.take_integer_in(opt, -1, 65535);
            if (!v) return false;
            e.ippeerlimit = static_cast<int>(*v);
            continue;
        }
        if (opt.text == "serverresponse") {
            const Token* v = p.take_value(opt);
            if (!v) return false;
            if (v->text != "fuzz") return p.fail(*v, "'serverresponse' takes 'fuzz', not '" + v->text + "'");
            e.serverresponse_fuzz = true;
            continue;
        }
        auto bit = flag_by_name(opt.text);
        if (!bit) return p.unknown_option(opt);
        if (*bit == restrict_flag::mssntp) {
            p.warn(opt, "mssntp (MS-SNTP signing) is not supported, flag ignored by ntpd");
        }
        e.flags |= *bit;
    }

    // Classic logs this for kod alone, and so do we.
    if ((e.flags & restrict_flag::kod) && !(e.flags & restrict_flag::limited)) {
        p.warn(p.directive(), "kod does nothing without limited");
    }
    if (e.target == RestrictTarget::address && e.mask) {
        bool host_bits = false;
        for (int i = 0; i < e.address->byte_count(); ++i) {
            host_bits = host_bits || (e.address->bytes[i] & ~e.mask->bytes[i]) != 0;
        }
        if (host_bits) {
            p.warn(target, "address " + e.address->to_string() + " has bits outside mask " +
                               e.mask->to_string());
        }
    }
    if (e.target == RestrictTarget::source && family != AddressFamily::any) {
        p.warn(target, "-4/-6 has no meaning for 'restrict source', ignored");
    }

    if (e.target == RestrictTarget::default_entry) {
        // `restrict default` sets both defaults; -4/-6 only one (classic).
        if (family != AddressFamily::ipv6) {
            RestrictEntry v4 = e;
            v4.family = AddressFamily::ipv4;
            v4.address = IpAddress::prefix_mask(AddressFamily::ipv4, 0);
            v4.mask = IpAddress::prefix_mask(AddressFamily::ipv4, 0);
            add_or_merge(s, std::move(v4));
        }
        if (family != AddressFamily::ipv4) {
            RestrictEntry v6 = e;
            v6.family = AddressFamily::ipv6;
            v6.address = IpAddress::prefix_mask(AddressFamily::ipv6, 0);
            v6.mask = IpAddress::prefix_mask(AddressFamily::ipv6, 0);
            add_or_merge(s, std::move(v6));
        }
        return true;
    }
    add_or_merge(s, std::move(e));
    return true;
}

}  // namespace ntp::config::detail

namespace ntp::config {

IpAddress RestrictEntry::effective_mask() const {
    if (mask) return *mask;
    if (target == RestrictTarget::default_entry) return IpAddress::prefix_mask(family, 0);
    const AddressFamily f = address ? address->family : family;
    return IpAddress::prefix_mask(f, 128);
}

const char* restrict_flag_name(std::uint32_t bit) {
    for (const auto& f : detail::flag_names) {
        if (f.bit == bit) return f.name;
    }
    return "";
}

}  // namespace ntp::config
