#include "ntpq/peer_table.hh"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

#include "ntpq/format.hh"
#include "ntpq/client.hh"

namespace ntpq {
namespace {

using ntp::io::IpAddress;

constexpr std::uint64_t flash_peer_loop = 0x0800;  // TEST12
constexpr long min_poll_log2 = 3;                   // NTP_MINPOLL

// What doprintpeers() collects from the reply.
struct PeerRow {
    std::optional<IpAddress> srcadr;
    std::optional<IpAddress> dstadr;
    std::string clock_name;   // from srchost
    bool have_srchost = false;
    std::optional<std::string> refid_text;  // have_da_rid
    std::int64_t hmode = 0;
    std::uint64_t stratum = 0;
    std::int64_t hpoll = 0;
    std::int64_t ppoll = 0;
    std::uint64_t reach = 0;
    double delay_ms = 0;
    double offset_ms = 0;
    double jitter_ms = 0;
    bool have_jitter = false;
    double disp_ms = 0;
    ntp::wire::NtpTimestamp rec;
    ntp::wire::NtpTimestamp reftime;
    std::uint64_t flash = 0;
};

// refid_str(refid, 1): ".XXXX." with non-graphic characters as spaces.
std::string dotted_refid(std::string_view value) {
    std::string text = "." + std::string(value.substr(0, value.find('\0'))) + ".";
    for (std::size_t i = 1; i < text.size(); ++i)
        if (!std::isgraph(static_cast<unsigned char>(text[i]))) text[i] = ' ';
    return text;
}

std::optional<std::string> refid_column(PeerList list, std::string_view value) {
    if (value.empty()) return std::string();
    if (value.size() <= 4) return dotted_refid(value);
    auto e = decode_netnum(value);
    if (!e) return std::nullopt;
    if (e->addr.is_unspecified()) return std::string("0.0.0.0");
    if (is_refclock_address(e->addr)) return refclock_name(e->addr);
    if (list == PeerList::apeers && e->addr.is_v4()) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%x", e->addr.v4_host_order());
        return std::string(buf);
    }
    return address_text(e->addr);
}

// trunc_left(): keep the right end, marked with '_'.
std::string trunc_left(const std::string& s, std::size_t width) {
    if (s.size() <= width || width <= 1) return s;
    return "_" + s.substr(s.size() + 1 - width);
}

std::string trunc_right(const std::string& s, std::size_t width) {
    if (s.size() <= width || width == 0) return s;
    return s.substr(0, width);
}

// decodeaddrtype(): the `t` column from the local address, for servers that
// send no hmode.
char address_type(const IpAddress& a) {
    if (a.is_v4()) {
        const std::uint32_t v = a.v4_host_order();
        if ((v & 0xf0000000u) == 0xe0000000u) return 'm';
        if ((v & 0x000000ffu) == 0x000000ffu) return 'b';
        if (v == 0x7f000001u) return 'l';
        if ((v & 0xffffffe0u) == 0) return '-';
        return 'u';
    }
    if (a.is_v6()) return a.is_multicast() ? 'm' : 'u';
    return '-';
}

PeerRow collect(PeerList list, std::string_view data, std::string* warnings) {
    PeerRow r;
    for (const auto& v : parse_vars(data)) {
        const std::string& name = v.name;
        const std::string& value = v.value;
        if (name == "srcadr" || name == "peeradr") {
            if (auto e = decode_netnum(value)) r.srcadr = e->addr;
            else if (warnings) *warnings += "malformed " + name + "=" + value + "\n";
        } else if (name == "srchost") {
            if (list != PeerList::opeers && value.size() > 2 && value.size() < 256) {
                r.clock_name = value.substr(1, value.size() - 2);
                r.have_srchost = true;
            }
        } else if (name == "dstadr") {
            if (auto e = decode_netnum(value)) {
                r.dstadr = e->addr;
                if (list == PeerList::opeers) r.refid_text = trunc_left(address_text(e->addr), 15);
            }
        } else if (name == "hmode") {
            if (auto x = decode_int(value)) r.hmode = *x;
        } else if (name == "refid") {
            if (list != PeerList::opeers) r.refid_text = refid_column(list, value);
        } else if (name == "stratum") {
            if (auto x = decode_uint(value)) r.stratum = *x;
        } else if (name == "hpoll") {
            if (auto x = decode_int(value)) r.hpoll = *x < 0 ? min_poll_log2 : *x;
        } else if (name == "ppoll") {
            if (auto x = decode_int(value)) r.ppoll = *x < 0 ? min_poll_log2 : *x;
        } else if (name == "reach") {
            if (auto x = decode_uint(value)) r.reach = *x;
        } else if (name == "delay") {
            if (auto x = decode_ms(value)) r.delay_ms = *x;
        } else if (name == "offset") {
            if (auto x = decode_ms(value)) r.offset_ms = *x;
        } else if (name == "jitter") {
            if (list != PeerList::opeers) {
                if (auto x = decode_ms(value)) {
                    r.jitter_ms = *x;
                    r.have_jitter = true;
                }
            }
        } else if (name == "rootdisp" || name == "dispersion") {
            if (auto x = decode_ms(value)) r.disp_ms = *x;
        } else if (name == "rec") {
            if (auto x = decode_timestamp(value)) r.rec = *x;
        } else if (name == "reftime") {
            auto x = decode_timestamp(value);
            r.reftime = x ? *x : ntp::wire::NtpTimestamp();
        } else if (name == "flash") {
            if (auto x = decode_uint(value)) r.flash = *x;
        }
    }
    return r;
}

char type_char(const PeerRow& r) {
    char type = r.dstadr ? address_type(*r.dstadr) : '?';
    const IpAddress src = r.srcadr.value_or(IpAddress{});
    switch (r.hmode) {
    case 6: return 'b';                                  // bclient
    case 5: return src.is_multicast() ? 'M' : 'B';       // broadcast server
    case 3:                                              // client
        if (is_refclock_address(src)) return 'l';
        if (src.family == ntp::io::Family::none || src.is_unspecified()) return 'p';
        if (src.is_multicast()) return 'a';
        return 'u';
    case 1: return 's';
    case 2: return 'S';
    default: return type;
    }
}

long long when_s(ntp::wire::NtpTimestamp now, const PeerRow& r) {
    std::uint32_t last;
    if (r.rec.seconds() != 0) last = r.rec.seconds();
    else if (r.reftime.seconds() != 0) last = r.reftime.seconds();
    else return 0;
    if (now.seconds() < last) return -1;
    return static_cast<long long>(now.seconds() - last);
}

long long poll_s(const PeerRow& r) {
    // 1 << min(ppoll, hpoll), kept defined for hostile exponents.
    const std::int64_t e = std::min(r.ppoll, r.hpoll);
    if (e < 0) return 0;
    if (e > 40) return 1LL << 40;
    return 1LL << e;
}

std::string number_column(double ms, std::size_t width) {
    return pad_left(clip(ms_text(ms, 3), 7), width);
}

}  // namespace

bool shown_by_default(std::uint16_t status) { return ((status >> 8) & (0x80 | 0x10)) != 0; }

char tally_char(std::uint16_t status, int packet_version) {
    const unsigned sel = (status >> 8) & 0x7;
    if (packet_version > 1) return " x.-+#*o"[sel];
    return " .+*"[sel & 0x3];
}

std::string peer_table_header(PeerList list, const PeerTableContext& ctx) {
    std::string out;
    if (ctx.multi_host) {
        const char* label = list == PeerList::opeers ? "server" : "server (local)";
        out += pad_right(clip(label, ctx.host_width), ctx.host_width) + " ";
    }
    switch (list) {
    case PeerList::peers:
        out += "     remote           refid      st t when poll reach   delay   offset  jitter\n";
        break;
    case PeerList::apeers:
        out += "     remote       refid   assid  st t when poll reach   delay   offset  jitter\n";
        break;
    case PeerList::opeers:
        out += "     remote           local      st t when poll reach   delay   offset    disp\n";
        break;
    }
    if (ctx.multi_host) out += std::string(ctx.host_width + 1, '=');
    out += std::string(78, '=') + "\n";
    return out;
}

std::string peer_table_row(PeerList list, std::uint16_t assoc_id, std::uint16_t status,
                           std::string_view data, const PeerTableContext& ctx,
                           std::string* warnings) {
    const PeerRow r = collect(list, data, warnings);
    const IpAddress src = r.srcadr.value_or(IpAddress{});
    if (ctx.family == 4 && !src.is_v4()) return {};
    if (ctx.family == 6 && !src.is_v6()) return {};

    std::string out;
    if (ctx.multi_host) {
        std::string local;
        if (list != PeerList::opeers && r.dstadr) {
            const std::size_t width = std::min<std::size_t>(127, ctx.host_width);
            if (!ctx.namer.show_names() || r.dstadr->is_unspecified())
                local = trunc_left(address_text(*r.dstadr), width);
            else if (is_refclock_address(*r.dstadr))
                local = refclock_name(*r.dstadr);
            else
                local = trunc_right(ctx.namer.host(*r.dstadr), width);
        } else {
            local = ctx.current_host_numeric ? trunc_left(ctx.current_host, ctx.host_width)
                                             : ctx.current_host;
        }
        out += pad_right(local, ctx.host_width) + " ";
    }

    const char tally = tally_char(status, ctx.packet_version);
    const std::string remote = r.have_srchost ? r.clock_name : ctx.namer.host(src);
    out += tally;
    if (ctx.wide && remote.size() > 15) {
        out += remote + "\n";
        out += std::string((ctx.multi_host ? ctx.host_width + 1 : 0) + 1 + 15 + 1, ' ');
    } else {
        out += pad_right(clip(remote, 15), 15) + " ";
    }

    std::size_t refid_len = 0;
    if ((r.flash & flash_peer_loop) && list != PeerList::opeers) {
        out += "(loop)";
        refid_len = 6;
    } else if (r.refid_text) {
        refid_len = r.refid_text->size();
        out += cat_v(*r.refid_text);
    }
    const std::size_t refid_width = list == PeerList::apeers ? 9 : 15;
    if (refid_len < refid_width) out += std::string(refid_width - refid_len, ' ');
    if (list == PeerList::apeers) out += pad_right(std::to_string(assoc_id), 6);

    char buf[64];
    std::snprintf(buf, sizeof buf, " %2llu %c ", static_cast<unsigned long long>(r.stratum),
                  type_char(r));
    out += buf;
    out += pad_left(clip(pretty_interval(when_s(ctx.now, r)), 4), 4) + " ";
    out += pad_left(clip(pretty_interval(poll_s(r)), 4), 4) + "  ";
    std::snprintf(buf, sizeof buf, "%3llo", static_cast<unsigned long long>(r.reach));
    out += buf;
    out += "  " + number_column(r.delay_ms, 7) + " " + number_column(r.offset_ms, 8) + " " +
           number_column(r.have_jitter ? r.jitter_ms : r.disp_ms, 7) + "\n";
    return out;
}

}  // namespace ntpq
