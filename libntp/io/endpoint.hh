#pragma once
// IP addresses and UDP endpoints as plain values, independent of sockaddr
// layout, so restrict matching, the MRU list and the responder can compare
// and hash them without touching the socket API.
//
// An IPv4 address keeps its 4 octets in bytes[0..3] (the rest zero). An IPv4
// address arriving as an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is turned
// into plain IPv4 by from_sockaddr(), so one client is one key whatever
// socket it used.

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ntp::io {

enum class Family : std::uint8_t { none = 0, v4 = 4, v6 = 6 };

struct IpAddress {
    Family family = Family::none;
    std::array<std::uint8_t, 16> bytes{};

    static IpAddress v4(std::uint32_t host_order);
    static IpAddress v6(const std::array<std::uint8_t, 16>& octets);
    // The all-zero address of a family (0.0.0.0, ::).
    static IpAddress any(Family f);
    // A prefix mask: `prefix_len` leading one bits (clamped to the family width).
    static IpAddress mask_of(Family f, unsigned prefix_len);
    // Numeric text only ("192.0.2.1", "::1", "[::1]"); nullopt otherwise.
    static std::optional<IpAddress> parse(std::string_view text);

    // Octets in use: 4 or 16 (0 for none).
    std::size_t size() const;
    bool is_v4() const { return family == Family::v4; }
    bool is_v6() const { return family == Family::v6; }
    std::uint32_t v4_host_order() const;
    bool is_multicast() const;
    bool is_loopback() const;
    bool is_unspecified() const;

    // this & mask, octet by octet (families must agree).
    IpAddress masked(const IpAddress& mask) const;
    // Number of leading one bits when the mask is contiguous, else nullopt.
    std::optional<unsigned> prefix_length() const;

    // "192.0.2.1" / "2001:db8::1" (no brackets).
    std::string to_string() const;

    friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// Compares family first, then octets as an unsigned big-endian number.
int compare(const IpAddress& a, const IpAddress& b);

struct Endpoint {
    IpAddress addr;
    std::uint16_t port = 0;
    std::uint32_t scope_id = 0;  // IPv6 link-local interface index, else 0

    // nullopt for families other than AF_INET / AF_INET6 or short lengths.
    static std::optional<Endpoint> from_sockaddr(const sockaddr* sa, socklen_t len);
    // Fills `out`; returns the length to pass to sendto()/bind().
    socklen_t to_sockaddr(sockaddr_storage& out) const;

    // "192.0.2.1:123" / "[2001:db8::1]:123", as mode 6 and the logs print them.
    std::string to_string() const;

    friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

}  // namespace ntp::io
