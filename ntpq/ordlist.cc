#include "ntpq/ordlist.hh"

#include <cstdio>
#include <optional>

#include "libntp/io/endpoint.hh"
#include "ntpq/format.hh"
#include "ntpq/client.hh"

namespace ntpq {
namespace {

constexpr int ifstats_fields = 12;
constexpr int reslist_fields = 4;

// "tag.N" with N decimal.
std::optional<unsigned> row_index(std::string_view tag, std::string_view prefix) {
    if (tag.size() <= prefix.size() + 1 || tag.compare(0, prefix.size(), prefix) != 0 ||
        tag[prefix.size()] != '.')
        return std::nullopt;
    auto n = decode_uint(tag.substr(prefix.size() + 1));
    if (!n || *n > 0xffffffffu) return std::nullopt;
    return static_cast<unsigned>(*n);
}

std::optional<unsigned> as_uint(std::string_view v) {
    auto n = decode_uint(v);
    if (!n || *n > 0xffffffffu) return std::nullopt;
    return static_cast<unsigned>(*n);
}

// Tracks the row being filled (classic validate_*/another_* helpers).
class RowTracker {
public:
    RowTracker(int fields, bool newline_in_warning)
        : fields_(fields), newline_(newline_in_warning) {}
    // False when the index went backwards (the listing stops).
    bool accept(unsigned index, std::string& out, std::string* problems) {
        if (index == current_) return true;
        if (index > current_) {
            if (count_ < fields_) out += warning();
            count_ = 0;
            current_ = index;
            return true;
        }
        if (problems)
            *problems += "received index " + std::to_string(index) + ", have " +
                         std::to_string(count_) + " of " + std::to_string(fields_) +
                         " fields for index " + std::to_string(current_) + ", aborting.\n";
        return false;
    }
    // True when the row just became complete.
    bool field_done() { return ++count_ >= fields_; }
    // Classic keeps the count of a printed row until the next index starts,
    // so only a trailing incomplete row (or no row at all) is reported.
    std::string finish() const { return count_ != fields_ ? warning() : std::string(); }

private:
    std::string warning() const {
        return "Warning: incomplete row with " + std::to_string(count_) + " (of " +
               std::to_string(fields_) + ") fields" + (newline_ ? "\n" : "");
    }
    int fields_;
    bool newline_;
    unsigned current_ = 0;
    int count_ = 0;
};

struct IfRow {
    ntp::io::Endpoint addr;
    std::optional<ntp::io::Endpoint> bcast;
    int enabled = 0;
    unsigned flags = 0, mcast = 0, peers = 0, received = 0, sent = 0, send_errors = 0, ttl = 0,
             uptime = 0;
    std::string name;
};

}  // namespace

std::string ifstats_header() {
    return "    interface name                                        send\n"
           " #  address/broadcast     drop flag ttl mc received sent failed peers   uptime\n" +
           std::string(78, '=') + "\n";
}

std::string reslist_header() {
    return "   hits    addr/prefix or addr mask\n"
           "           restrictions\n" +
           std::string(78, '=') + "\n";
}

std::string format_ifstats(std::string_view data, std::string* problems) {
    std::string out = ifstats_header();
    RowTracker rows(ifstats_fields, true);
    IfRow row;
    unsigned index = 0;
    for (const auto& v : parse_vars(data)) {
        const std::string_view tag = v.name;
        const std::string_view val = v.value;
        std::optional<unsigned> i;
        bool ok = false;
        if ((i = row_index(tag, "addr"))) {
            if (auto e = decode_netnum(val)) { row.addr = *e; ok = true; }
        } else if ((i = row_index(tag, "bcast"))) {
            if (val.empty()) ok = true;
            else if (auto e = decode_netnum(val)) { row.bcast = *e; ok = true; }
        } else if ((i = row_index(tag, "en"))) {
            if (auto n = decode_int(val)) { row.enabled = static_cast<int>(*n); ok = true; }
        } else if ((i = row_index(tag, "flags"))) {
            if (val.size() > 2 && val.substr(0, 2) == "0x")
                if (auto n = as_uint(val)) { row.flags = *n; ok = true; }
        } else if ((i = row_index(tag, "mc"))) {
            if (auto n = as_uint(val)) { row.mcast = *n; ok = true; }
        } else if ((i = row_index(tag, "name"))) {
            if (val.size() >= 2 && val.size() - 2 < 32) { row.name = std::string(val.substr(1, val.size() - 2)); ok = true; }
        } else if ((i = row_index(tag, "pc"))) {
            if (auto n = as_uint(val)) { row.peers = *n; ok = true; }
        } else if ((i = row_index(tag, "rx"))) {
            if (auto n = as_uint(val)) { row.received = *n; ok = true; }
        } else if ((i = row_index(tag, "tl"))) {
            if (auto n = as_uint(val)) { row.ttl = *n; ok = true; }
        } else if ((i = row_index(tag, "tx"))) {
            if (auto n = as_uint(val)) { row.sent = *n; ok = true; }
        } else if ((i = row_index(tag, "txerr"))) {
            if (auto n = as_uint(val)) { row.send_errors = *n; ok = true; }
        } else if ((i = row_index(tag, "up"))) {
            if (auto n = as_uint(val)) { row.uptime = *n; ok = true; }
        }
        if (!ok || !i) continue;
        if (!rows.accept(*i, out, problems)) return out;
        index = *i;
        if (!rows.field_done()) continue;
        char buf[160];
        std::snprintf(buf, sizeof buf, "%3u %-24.24s %c %4x %3u %2u %6u %6u %6u %5u %8d\n", index,
                      cat_v(row.name).c_str(), row.enabled ? '.' : 'D', row.flags, row.ttl,
                      row.mcast, row.received, row.sent, row.send_errors, row.peers,
                      static_cast<int>(row.uptime));
        out += buf;
        out += "    " + address_port_text(row.addr) + "\n";
        if (row.bcast && !row.bcast->addr.is_unspecified())
            out += "    " + address_port_text(*row.bcast) + "\n";
        row = IfRow{};
    }
    return out + rows.finish();
}

std::string format_reslist(std::string_view data, std::string* problems) {
    std::string out = reslist_header();
    RowTracker rows(reslist_fields, false);
    ntp::io::IpAddress addr, mask;
    unsigned long long hits = 0;
    std::string flags;
    for (const auto& v : parse_vars(data)) {
        const std::string_view tag = v.name;
        const std::string_view val = v.value;
        std::optional<unsigned> i;
        bool ok = false;
        if ((i = row_index(tag, "addr"))) {
            if (auto e = decode_netnum(val)) { addr = e->addr; ok = true; }
        } else if ((i = row_index(tag, "mask"))) {
            if (auto e = decode_netnum(val)) { mask = e->addr; ok = true; }
        } else if ((i = row_index(tag, "hits"))) {
            if (auto n = decode_uint(val)) { hits = *n; ok = true; }
        } else if ((i = row_index(tag, "flags"))) {
            if (val.size() < 128) { flags = std::string(val); ok = true; }
        }
        if (!ok || !i) continue;
        if (!rows.accept(*i, out, problems)) return out;
        if (!rows.field_done()) continue;
        std::string where = address_text(addr);
        if (auto bits = mask.prefix_length(); bits && mask.family == addr.family)
            where += "/" + std::to_string(*bits);
        else
            where += " " + address_text(mask);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%10llu ", hits);
        out += buf + where + "\n           " + cat_v(flags) + "\n";
        addr = mask = ntp::io::IpAddress{};
        hits = 0;
        flags.clear();
    }
    return out + rows.finish();
}

}  // namespace ntpq
