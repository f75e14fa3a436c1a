#pragma once
// Numeric IP addresses as they appear in ntp.conf. Pure parsing and
// formatting: no name resolution here (host names stay strings and are
// resolved by the daemon later).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ntp::config {

enum class AddressFamily { any, ipv4, ipv6 };

struct IpAddress {
    AddressFamily family = AddressFamily::ipv4;  // ipv4 or ipv6, never any
    // Network byte order. IPv4 uses bytes[0..3]; the rest stay zero.
    std::array<std::uint8_t, 16> bytes{};
    // IPv6 zone ("fe80::1%eth0"): kept as text, empty when absent.
    std::string zone;

    bool is_v4() const { return family == AddressFamily::ipv4; }
    bool is_v6() const { return family == AddressFamily::ipv6; }
    // 4 or 16.
    int byte_count() const { return is_v4() ? 4 : 16; }
    // Dotted quad or RFC 5952 text (inet_ntop), zone appended with '%'.
    std::string to_string() const;

    static IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d);
    // All-ones mask of `prefix_len` bits for the family (prefix_len clamped to range).
    static IpAddress prefix_mask(AddressFamily family, int prefix_len);

    friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// Strict numeric parse: "192.0.2.1" (exactly four decimal parts 0..255) or an
// IPv6 literal with an optional %zone. Brackets are NOT accepted here (the
// parser strips them and reports a missing ']'). Returns nullopt for anything
// else, including host names.
std::optional<IpAddress> parse_ip(std::string_view text);

// True when `text` looks like an attempt at a dotted IPv4 address (only digits
// and dots, with three dots), so "255.255.255.999" can be reported as a bad
// address instead of being taken for a host name.
bool looks_like_ipv4(std::string_view text);

// Number of leading one bits when `mask` is contiguous, else nullopt.
std::optional<int> mask_prefix_len(const IpAddress& mask);

// Reference clock pseudo-address 127.127.t.u: driver type t and unit u.
struct RefclockId {
    int driver_type = 0;
    int unit = 0;
    friend bool operator==(const RefclockId&, const RefclockId&) = default;
};
std::optional<RefclockId> refclock_id(const IpAddress& address);
IpAddress refclock_address(RefclockId id);

// Classic driver names (as NTPsec's `refclock NAME` uses them) to driver
// types and back; LOCAL is type 1. Unknown names give nullopt.
std::optional<int> refclock_type_by_name(std::string_view name);
std::string_view refclock_name_by_type(int driver_type);
// Whether ntpd runs this driver (LOCAL, SHM, NMEA, ...); the others parse
// and are warned about.
bool refclock_runs(int driver_type);

}  // namespace ntp::config
