#include "libntp/config/address.hh"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace ntp::config {

namespace {

// Driver types of the classic tree, with the names NTPsec's `refclock`
// directive uses for them.
struct DriverName {
    int type;
    const char* name;
};
constexpr DriverName driver_names[] = {
    {1, "local"},     {4, "spectracom"}, {5, "truetime"}, {6, "irig"},    {7, "chu"},
    {8, "generic"},   {11, "arbiter"},   {18, "modem"},   {20, "nmea"},   {22, "pps"},
    {26, "hpgps"},    {28, "shm"},       {29, "trimble"}, {30, "oncore"}, {40, "jjy"},
    {42, "zyfer"},    {44, "neoclock"},  {46, "gpsd"},
};

std::optional<IpAddress> parse_v4(std::string_view text) {
    IpAddress a;
    a.family = AddressFamily::ipv4;
    int part = 0;
    std::size_t i = 0;
    while (part < 4) {
        if (i >= text.size() || text[i] < '0' || text[i] > '9') return std::nullopt;
        int value = 0;
        int digits = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            value = value * 10 + (text[i] - '0');
            if (++digits > 3) return std::nullopt;
            ++i;
        }
        if (value > 255) return std::nullopt;
        a.bytes[part++] = static_cast<std::uint8_t>(value);
        if (part < 4) {
            if (i >= text.size() || text[i] != '.') return std::nullopt;
            ++i;
        }
    }
    if (i != text.size()) return std::nullopt;
    return a;
}

}  // namespace

std::string IpAddress::to_string() const {
    char buf[INET6_ADDRSTRLEN] = {};
    if (is_v4()) {
        ::inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
        return buf;
    }
    ::inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
    std::string out = buf;
    if (!zone.empty()) out += "%" + zone;
    return out;
}

IpAddress IpAddress::v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    IpAddress ip;
    ip.family = AddressFamily::ipv4;
    ip.bytes[0] = a;
    ip.bytes[1] = b;
    ip.bytes[2] = c;
    ip.bytes[3] = d;
    return ip;
}

IpAddress IpAddress::prefix_mask(AddressFamily family, int prefix_len) {
    IpAddress m;
    m.family = family == AddressFamily::ipv6 ? AddressFamily::ipv6 : AddressFamily::ipv4;
    const int max_bits = m.byte_count() * 8;
    int bits = std::clamp(prefix_len, 0, max_bits);
    for (int i = 0; i < m.byte_count() && bits > 0; ++i) {
        const int take = std::min(bits, 8);
        m.bytes[i] = static_cast<std::uint8_t>(0xff00 >> take);
        bits -= take;
    }
    return m;
}

std::optional<IpAddress> parse_ip(std::string_view text) {
    if (text.empty() || text.size() > 100) return std::nullopt;
    if (text.find(':') == std::string_view::npos) return parse_v4(text);

    IpAddress a;
    a.family = AddressFamily::ipv6;
    std::string_view literal = text;
    const auto percent = text.find('%');
    if (percent != std::string_view::npos) {
        a.zone = std::string(text.substr(percent + 1));
        literal = text.substr(0, percent);
        if (a.zone.empty()) return std::nullopt;
    }
    const std::string z(literal);  // inet_pton needs a terminated string
    if (::inet_pton(AF_INET6, z.c_str(), a.bytes.data()) != 1) return std::nullopt;
    return a;
}

bool looks_like_ipv4(std::string_view text) {
    if (text.empty()) return false;
    int dots = 0;
    for (char c : text) {
        if (c == '.')
            ++dots;
        else if (c < '0' || c > '9')
            return false;
    }
    return dots == 3;
}

std::optional<int> mask_prefix_len(const IpAddress& mask) {
    int len = 0;
    bool seen_zero = false;
    for (int i = 0; i < mask.byte_count(); ++i) {
        for (int bit = 7; bit >= 0; --bit) {
            const bool one = (mask.bytes[i] >> bit) & 1;
            if (one && seen_zero) return std::nullopt;
            if (one)
                ++len;
            else
                seen_zero = true;
        }
    }
    return len;
}

std::optional<RefclockId> refclock_id(const IpAddress& address) {
    if (!address.is_v4() || address.bytes[0] != 127 || address.bytes[1] != 127) {
        return std::nullopt;
    }
    return RefclockId{address.bytes[2], address.bytes[3]};
}

IpAddress refclock_address(RefclockId id) {
    return IpAddress::v4(127, 127, static_cast<std::uint8_t>(id.driver_type),
                         static_cast<std::uint8_t>(id.unit));
}

std::optional<int> refclock_type_by_name(std::string_view name) {
    for (const auto& d : driver_names) {
        if (name == d.name) return d.type;
    }
    return std::nullopt;
}

bool refclock_runs(int driver_type) {
    // LOCAL (1), NMEA (20) and SHM (28).
    return driver_type == 1 || driver_type == 20 || driver_type == 28;
}

std::string_view refclock_name_by_type(int driver_type) {
    for (const auto& d : driver_names) {
        if (d.type == driver_type) return d.name;
    }
    return {};
}

}  // namespace ntp::config
