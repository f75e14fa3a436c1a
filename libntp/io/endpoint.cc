#include "libntp/io/endpoint.hh"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace ntp::io {

IpAddress IpAddress::v4(std::uint32_t host_order) {
    IpAddress a;
    a.family = Family::v4;
    a.bytes[0] = static_cast<std::uint8_t>(host_order >> 24);
    a.bytes[1] = static_cast<std::uint8_t>(host_order >> 16);
    a.bytes[2] = static_cast<std::uint8_t>(host_order >> 8);
    a.bytes[3] = static_cast<std::uint8_t>(host_order);
    return a;
}

IpAddress IpAddress::v6(const std::array<std::uint8_t, 16>& octets) {
    IpAddress a;
    a.family = Family::v6;
    a.bytes = octets;
    return a;
}

IpAddress IpAddress::any(Family f) {
    IpAddress a;
    a.family = f;
    return a;
}

IpAddress IpAddress::mask_of(Family f, unsigned prefix_len) {
    IpAddress m = any(f);
    unsigned bits = std::min<unsigned>(prefix_len, static_cast<unsigned>(m.size() * 8));
    for (std::size_t i = 0; i < m.size() && bits > 0; ++i) {
        unsigned take = std::min(bits, 8u);
        m.bytes[i] = static_cast<std::uint8_t>(0xff00u >> take);
        bits -= take;
    }
    return m;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
        text = text.substr(1, text.size() - 2);
    }
    if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
    std::string s(text);
    in_addr a4{};
    if (inet_pton(AF_INET, s.c_str(), &a4) == 1) return v4(ntohl(a4.s_addr));
    in6_addr a6{};
    if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
        std::array<std::uint8_t, 16> o{};
        std::memcpy(o.data(), &a6, 16);
        return v6(o);
    }
    return std::nullopt;
}

std::size_t IpAddress::size() const {
    switch (family) {
    case Family::v4: return 4;
    case Family::v6: return 16;
    default: return 0;
    }
}

std::uint32_t IpAddress::v4_host_order() const {
    return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
           (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

bool IpAddress::is_multicast() const {
    if (is_v4()) return (bytes[0] & 0xf0) == 0xe0;
    if (is_v6()) return bytes[0] == 0xff;
    return false;
}

bool IpAddress::is_loopback() const {
    if (is_v4()) return bytes[0] == 127;
    if (is_v6()) {
        for (std::size_t i = 0; i < 15; ++i)
            if (bytes[i] != 0) return false;
        return bytes[15] == 1;
    }
    return false;
}

bool IpAddress::is_unspecified() const {
    return std::all_of(bytes.begin(), bytes.begin() + static_cast<long>(size()),
                       [](std::uint8_t b) { return b == 0; });
}

IpAddress IpAddress::masked(const IpAddress& mask) const {
    IpAddress r = *this;
    for (std::size_t i = 0; i < r.bytes.size(); ++i) r.bytes[i] &= mask.bytes[i];
    return r;
}

std::optional<unsigned> IpAddress::prefix_length() const {
    unsigned ones = 0;
    bool seen_zero = false;
    for (std::size_t i = 0; i < size(); ++i) {
        for (int bit = 7; bit >= 0; --bit) {
            bool one = (bytes[i] >> bit) & 1;
            if (one && seen_zero) return std::nullopt;
            if (one) ++ones;
            else seen_zero = true;
        }
    }
    return ones;
}

std::string IpAddress::to_string() const {
    char buf[INET6_ADDRSTRLEN] = {};
    if (is_v4()) {
        inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
    } else if (is_v6()) {
        inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
    } else {
        return "(none)";
    }
    return buf;
}

int compare(const IpAddress& a, const IpAddress& b) {
    if (a.family != b.family) return a.family < b.family ? -1 : 1;
    int c = std::memcmp(a.bytes.data(), b.bytes.data(), a.bytes.size());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::optional<Endpoint> Endpoint::from_sockaddr(const sockaddr* sa, socklen_t len) {
    if (sa == nullptr) return std::nullopt;
    Endpoint e;
    if (sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
        sockaddr_in sin{};
        std::memcpy(&sin, sa, sizeof sin);
        e.addr = IpAddress::v4(ntohl(sin.sin_addr.s_addr));
        e.port = ntohs(sin.sin_port);
        return e;
    }
    if (sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
        sockaddr_in6 sin6{};
        std::memcpy(&sin6, sa, sizeof sin6);
        e.port = ntohs(sin6.sin6_port);
        e.scope_id = sin6.sin6_scope_id;
        const auto* o = sin6.sin6_addr.s6_addr;
        static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::memcmp(o, mapped, 12) == 0) {
            e.addr = IpAddress::v4((std::uint32_t{o[12]} << 24) | (std::uint32_t{o[13]} << 16) |
                                   (std::uint32_t{o[14]} << 8) | std::uint32_t{o[15]});
            e.scope_id = 0;
        } else {
            std::array<std::uint8_t, 16> octets{};
            std::memcpy(octets.data(), o, 16);
            e.addr = IpAddress::v6(octets);
        }
        return e;
    }
    return std::nullopt;
}

socklen_t Endpoint::to_sockaddr(sockaddr_storage& out) const {
    std::memset(&out, 0, sizeof out);
    if (addr.is_v4()) {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_port = htons(port);
        std::memcpy(&sin.sin_addr, addr.bytes.data(), 4);
        std::memcpy(&out, &sin, sizeof sin);
        return sizeof sin;
    }
    if (addr.is_v6()) {
        sockaddr_in6 sin6{};
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(port);
        sin6.sin6_scope_id = scope_id;
        std::memcpy(&sin6.sin6_addr, addr.bytes.data(), 16);
        std::memcpy(&out, &sin6, sizeof sin6);
        return sizeof sin6;
    }
    return 0;
}

std::string Endpoint::to_string() const {
    if (addr.is_v6()) return "[" + addr.to_string() + "]:" + std::to_string(port);
    return addr.to_string() + ":" + std::to_string(port);
}

}  // namespace ntp::io
