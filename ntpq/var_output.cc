#include "ntpq/var_output.hh"

#include <cctype>
#include <cstdio>
#include <optional>
#include <vector>

#include "libntp/wire/mode6.hh"
#include "ntpq/format.hh"
#include "ntpq/client.hh"

namespace ntpq {
namespace {

namespace m6 = ntp::wire::mode6;

// Classic ntpq's table of "cooked" variables (ntpq.c cookedvars[]).
enum class Fmt { none, host_addr, net_addr, leap, refid, array, flash, timestamp, octal };

Fmt format_of(std::string_view name) {
    struct Entry {
        std::string_view name;
        Fmt fmt;
    };
    static constexpr Entry table[] = {
        {"leap", Fmt::leap},           {"reach", Fmt::octal},       {"refid", Fmt::refid},
        {"reftime", Fmt::timestamp},   {"clock", Fmt::timestamp},   {"org", Fmt::timestamp},
        {"rec", Fmt::timestamp},       {"xmt", Fmt::timestamp},     {"flash", Fmt::flash},
        {"srcadr", Fmt::host_addr},    {"peeradr", Fmt::host_addr}, {"dstadr", Fmt::net_addr},
        {"filtdelay", Fmt::array},     {"filtoffset", Fmt::array},  {"filtdisp", Fmt::array},
        {"filterror", Fmt::array},
    };
    for (const auto& e : table)
        if (e.name == name) return e.fmt;
    return Fmt::none;
}

// tstflags(): "%02lx" then " ok" or the names of the set bits.
std::string flash_text(std::uint64_t value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02llx", static_cast<unsigned long long>(value));
    std::string out = buf;
    if (value == 0) return out + " ok";
    const char* sep = " ";
    for (auto n : m6::flash_names(static_cast<std::uint32_t>(value))) {
        out += sep;
        out += n;
        sep = ", ";
    }
    return out;
}

// outputarr(): pad the name to 11 columns, then each value "%7.7s"-like
// (2 decimals, cut to 7 characters), separated by one space. At most 8.
std::optional<std::string> array_text(std::string_view name, std::string_view value) {
    std::vector<double> values;
    std::size_t i = 0;
    while (i < value.size() && values.size() < 8) {
        if (std::isspace(static_cast<unsigned char>(value[i]))) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < value.size() && !std::isspace(static_cast<unsigned char>(value[j]))) ++j;
        auto v = decode_ms(value.substr(i, std::min<std::size_t>(j - i, 59)));
        if (!v) return std::nullopt;
        values.push_back(*v);
        i = j;
    }
    std::string out(name.size() < 11 ? 11 - name.size() : 0, ' ');
    for (std::size_t k = 0; k < values.size(); ++k) {
        if (k != 0) out += ' ';
        out += pad_left(clip(ms_text(values[k], 2), 7), 7);
    }
    return out;
}

std::optional<std::string> cooked(Fmt fmt, std::string_view value, const PrintContext& ctx) {
    switch (fmt) {
    case Fmt::none:
        return std::nullopt;
    case Fmt::timestamp:
        if (auto ts = decode_timestamp(value)) return pretty_date(*ts, ctx.now, ctx.local_time);
        return std::nullopt;
    case Fmt::host_addr:
    case Fmt::net_addr: {
        auto e = decode_netnum(value);
        if (!e) return std::nullopt;
        return fmt == Fmt::host_addr ? ctx.namer.host(e->addr) : address_text(e->addr);
    }
    case Fmt::refid:
        if (auto e = decode_netnum(value)) {
            return is_refclock_address(e->addr) ? refclock_name(e->addr) : address_text(e->addr);
        }
        if (value.size() <= 4) return std::string(value);
        return std::nullopt;
    case Fmt::leap: {
        auto v = decode_uint(value);
        if (!v || *v > 3) return std::nullopt;
        return std::string{(*v & 2) ? '1' : '0', (*v & 1) ? '1' : '0'};
    }
    case Fmt::octal: {
        auto v = decode_uint(value);
        if (!v) return std::nullopt;
        char buf[32];
        std::snprintf(buf, sizeof buf, "%03llo", static_cast<unsigned long long>(*v));
        return std::string(buf);
    }
    case Fmt::array:
        return std::nullopt;  // handled by the caller (needs the name)
    case Fmt::flash: {
        auto v = decode_uint(value);
        if (!v) return std::nullopt;
        return flash_text(*v);
    }
    }
    return std::nullopt;
}

}  // namespace

std::string status_line(std::uint16_t status, VarKind kind, bool raw) {
    char buf[32];
    if (raw) {
        std::snprintf(buf, sizeof buf, "status=0x%04x,\n", status);
        return buf;
    }
    std::snprintf(buf, sizeof buf, "status=%04x ", status);
    std::string text;
    switch (kind) {
    case VarKind::system: text = m6::describe_system_status(status); break;
    case VarKind::peer: text = m6::describe_peer_status(status); break;
    case VarKind::clock: text = m6::describe_clock_status(status); break;
    }
    return buf + text + ",\n";
}

void CookedLine::add(std::string_view name, std::string_view value) {
    constexpr std::size_t max_line = 72;  // classic MAXOUTLINE
    const std::size_t len = name.size() + 1 + value.size();
    if (chars_ != 0) {
        chars_ += 2;
        if (line_ + len + 2 > max_line) {
            text_ += ",\n";
            line_ = 0;
        } else {
            text_ += ", ";
            line_ += 2;
        }
    }
    text_ += name;
    text_ += '=';
    text_ += value;
    chars_ += len;
    line_ += len;
}

std::string CookedLine::finish() const { return chars_ != 0 ? text_ + "\n" : text_; }

std::string cook_value(std::string_view name, std::string_view value, const PrintContext& ctx) {
    const Fmt fmt = format_of(name);
    std::optional<std::string> out =
        fmt == Fmt::array ? array_text(name, value) : cooked(fmt, value, ctx);
    if (out) return *out;
    // Printed as received; a value that failed its cooked parser is marked.
    std::string raw = cat_v(value, true);
    if (fmt != Fmt::none) raw += '?';
    return raw;
}

std::string cooked_vars(std::string_view data, const PrintContext& ctx) {
    CookedLine line;
    for (const auto& v : parse_vars(data))
        line.add(cat_v(v.name, true), cook_value(v.name, v.value, ctx));
    return line.finish();
}

std::string raw_vars(std::string_view data) {
    std::string out;
    for (std::size_t i = 0; i < data.size(); ++i) {
        const char c = data[i];
        const auto u = static_cast<unsigned char>(c);
        if (c == '\r') {
            if (i + 1 == data.size() || data[i + 1] != '\n') out += "^M";
        } else if (std::isspace(u) || std::isprint(u)) {
            out += c;
        } else {
            out += cat_v(std::string_view(&c, 1));
        }
    }
    return out;
}

}  // namespace ntpq
