#include "ntpq/format.hh"

#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace ntpq {
namespace {

std::optional<std::uint64_t> parse_digits(std::string_view s, unsigned base) {
    if (s.empty()) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        unsigned d;
        if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
        else return std::nullopt;
        if (d >= base) return std::nullopt;
        if (v > (UINT64_MAX - d) / base) return std::nullopt;
        v = v * base + d;
    }
    return v;
}

std::optional<std::uint32_t> parse_hex32(std::string_view s) {
    if (s.empty() || s.size() > 8) return std::nullopt;
    auto v = parse_digits(s, 16);
    if (!v) return std::nullopt;
    return static_cast<std::uint32_t>(*v);
}

constexpr std::array<const char*, 7> day_names{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> month_names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};


constexpr std::array<const char*, 9> mode_names{"unspec", "sym_active", "sym_passive",
                                                "client", "server",     "broadcast",
                                                "control", "private",   "bclient"};

}  // namespace

std::optional<std::uint64_t> decode_uint(std::string_view text) {
    if (text.empty()) return std::nullopt;
    if (text[0] == '0') {
        if (text.size() > 1 && (text[1] == 'x' || text[1] == 'X'))
            return parse_digits(text.substr(2), 16);
        return parse_digits(text, 8);
    }
    return parse_digits(text, 10);
}

std::optional<std::int64_t> decode_int(std::string_view text) {
    if (!text.empty() && text[0] == '-') {
        auto v = parse_digits(text.substr(1), 10);
        if (!v || *v > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
        return -static_cast<std::int64_t>(*v);
    }
    if (!text.empty() && text[0] == '+') text.remove_prefix(1);
    auto v = decode_uint(text);
    if (!v) return std::nullopt;
    // Hex and octal values wrap like classic's unsigned read into a long.
    return static_cast<std::int64_t>(*v);
}

std::optional<double> decode_ms(std::string_view text) {
    bool negative = false;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
    }
    if (text.empty()) return std::nullopt;
    double value = 0;
    bool digits = false;
    std::size_t i = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        value = value * 10 + (text[i] - '0');
        digits = true;
    }
    if (i < text.size() && text[i] == '.') {
        double scale = 0.1;
        for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
            value += (text[i] - '0') * scale;
            scale /= 10;
            digits = true;
        }
    }
    if (i != text.size() || !digits) return std::nullopt;
    return negative ? -value : value;
}

std::string ms_text(double ms, int decimals) {
    if (!std::isfinite(ms)) ms = 0;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, ms);
    return buf;
}

std::optional<ntp::wire::NtpTimestamp> decode_timestamp(std::string_view text) {
    if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
    } else if (text.empty() || !((text[0] >= 'a' && text[0] <= 'f') ||
                                 (text[0] >= 'A' && text[0] <= 'F'))) {
        return std::nullopt;
    }
    const auto dot = text.find('.');
    auto secs = parse_hex32(text.substr(0, dot));
    if (!secs) return std::nullopt;
    std::uint32_t frac = 0;
    if (dot != std::string_view::npos) {
        auto f = text.substr(dot + 1);
        if (f.empty() || f.size() > 8) return std::nullopt;
        auto v = parse_hex32(f);
        if (!v) return std::nullopt;
        // hextolfp reads the fraction digits left-justified.
        frac = *v << (4 * (8 - f.size()));
    }
    return ntp::wire::NtpTimestamp(*secs, frac);
}

std::string pretty_date(ntp::wire::NtpTimestamp ts, ntp::wire::NtpTime now, bool local_time) {
    std::uint32_t msec = ts.fraction() / 4294967u;  // fraction / (2^32 / 1000)
    std::int64_t extra = 0;
    if (msec >= 1000u) {
        msec -= 1000u;
        extra = 1;
    }
    const auto full = ntp::wire::closest_era(ts, now);
    const std::int64_t unix_s =
        full.seconds_since_1900() + extra - ntp::wire::unix_to_ntp_offset_s;
    const std::time_t t = static_cast<std::time_t>(unix_s);
    std::tm tm{};
    const bool ok = local_time ? localtime_r(&t, &tm) != nullptr : gmtime_r(&t, &tm) != nullptr;
    char buf[96];
    if (!ok || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 || tm.tm_mon > 11) {
        std::snprintf(buf, sizeof buf, "%08x.%08x  ---", ts.seconds(), ts.fraction());
        return buf;
    }
    std::snprintf(buf, sizeof buf, "%08x.%08x  %s, %s %2d %4d %2d:%02d:%02d.%03u", ts.seconds(),
                  ts.fraction(), day_names[static_cast<std::size_t>(tm.tm_wday)],
                  month_names[static_cast<std::size_t>(tm.tm_mon)], tm.tm_mday, 1900 + tm.tm_year,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, msec);
    return buf;
}

std::string pretty_interval(long long diff) {
    if (diff <= 0) return "-";
    if (diff <= 2048) return std::to_string(diff);
    diff = (diff + 29) / 60;
    if (diff <= 300) return std::to_string(diff) + "m";
    diff = (diff + 29) / 60;
    if (diff <= 96) return std::to_string(diff) + "h";
    diff = (diff + 11) / 24;
    if (diff <= 999) return std::to_string(diff) + "d";
    diff = static_cast<long long>(std::floor(static_cast<double>(diff) / 365.25 + 0.5));
    if (diff <= 999) return std::to_string(diff) + "y";
    return "INF";
}

std::string cat_v(std::string_view text, bool stop_at_nul) {
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (c == 0 && stop_at_nul) break;
        if (c & 0x80) {
            out += "M-";
            c &= 0x7f;
        }
        if (c < ' ') {
            out += '^';
            out += static_cast<char>(c + '@');
        } else if (c == 0x7f) {
            out += "^?";
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::optional<ntp::io::Endpoint> decode_netnum(std::string_view text) {
    ntp::io::Endpoint e;
    e.port = 123;
    std::string_view host = text;
    std::string_view port;
    if (!text.empty() && text[0] == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = text.substr(1, close - 1);
        auto after = text.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':') return std::nullopt;
            port = after.substr(1);
            if (port.empty()) return std::nullopt;
        }
    } else if (const auto colon = text.find(':');
               colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (port.empty()) return std::nullopt;
    }
    auto addr = ntp::io::IpAddress::parse(host);
    if (!addr) return std::nullopt;
    e.addr = *addr;
    if (!port.empty()) {
        auto p = parse_digits(port, 10);
        if (!p || *p > 65535) return std::nullopt;
        e.port = static_cast<std::uint16_t>(*p);
    }
    return e;
}

std::string mode_name(std::int64_t mode) {
    if (mode >= 0 && mode < static_cast<std::int64_t>(mode_names.size()))
        return mode_names[static_cast<std::size_t>(mode)];
    return "mode#" + std::to_string(mode);
}

std::string pad_left(std::string_view s, std::size_t width) {
    if (s.size() >= width) return std::string(s);
    return std::string(width - s.size(), ' ') + std::string(s);
}

std::string pad_right(std::string_view s, std::size_t width) {
    if (s.size() >= width) return std::string(s);
    return std::string(s) + std::string(width - s.size(), ' ');
}

std::string clip(std::string_view s, std::size_t max_len) {
    return std::string(s.substr(0, std::min(s.size(), max_len)));
}

std::string address_text(const ntp::io::IpAddress& a) {
    if (a.family == ntp::io::Family::none) return "0.0.0.0";
    return a.to_string();
}

std::string address_port_text(const ntp::io::Endpoint& e) {
    if (e.addr.is_v6()) return "[" + e.addr.to_string() + "]:" + std::to_string(e.port);
    return address_text(e.addr) + ":" + std::to_string(e.port);
}

}  // namespace ntpq
