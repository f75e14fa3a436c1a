#pragma once
// Small pure conversions classic ntpq applies to mode 6 values, each matching
// one classic helper (named in the comment) byte for byte on the inputs ntpd
// sends. None of them throws; malformed input gives std::nullopt.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "libntp/client/refclock_text.hh"
#include "libntp/io/endpoint.hh"
#include "libntp/wire/ntp_time.hh"

namespace ntpq {

// decodeuint(): "0x.." hex, any other leading '0' octal, else decimal. The
// whole text must be consumed; values beyond 64 bits fail.
std::optional<std::uint64_t> decode_uint(std::string_view text);
// decodeint(): like decode_uint, plus an optional '-' for decimal values.
std::optional<std::int64_t> decode_int(std::string_view text);

// decodetime()/mstolfp(): a decimal number of milliseconds ("-0.015", "12",
// "3.25"); no exponent, no hex. The value is returned in milliseconds.
std::optional<double> decode_ms(std::string_view text);

// lfptoms(x, decimals): milliseconds with a fixed number of decimals, no '+'.
std::string ms_text(double ms, int decimals);

// decodets(): "0xXXXXXXXX.XXXXXXXX" (or without 0x when it starts with a hex
// letter); the fraction part is optional.
std::optional<ntp::wire::NtpTimestamp> decode_timestamp(std::string_view text);

// prettydate(): "eeaca8ed.ca97d0db  Sat, Nov 21 2026 23:34:05.791". The
// 32-bit seconds are placed in the era closest to `now` (so 0 reads as
// 2036-02-07); `local_time` false prints UTC (tests), true the local zone.
std::string pretty_date(ntp::wire::NtpTimestamp ts, ntp::wire::NtpTime now, bool local_time);

// prettyinterval(): "-" for <= 0, seconds up to 2048, then m, h, d, y, "INF".
std::string pretty_interval(long long seconds);

// makeascii()/atoascii(): the `cat -v` rendering of possibly binary text
// (^X for controls, ^? for DEL, M- prefix for high-bit octets). atoascii
// stops at a NUL octet; `stop_at_nul` selects that behaviour.
std::string cat_v(std::string_view text, bool stop_at_nul = false);

// decodenetnum(): "a.b.c.d", "a.b.c.d:port", "[v6]", "[v6]:port" or a bare
// IPv6 address; the port defaults to 123.
std::optional<ntp::io::Endpoint> decode_netnum(std::string_view text);

// ISREFCLOCKADR() and refnumtoa(), shared with the other mode 6 tools.
using ntp::client::is_refclock_address;
using ntp::client::refclock_name;

// modetoa(): unspec, sym_active, ... bclient, else "mode#N".
std::string mode_name(std::int64_t mode);

// printf-style helpers for the few fixed-width fields (%-N.Ms, %N.Ms).
std::string pad_left(std::string_view s, std::size_t width);   // right-justify
std::string pad_right(std::string_view s, std::size_t width);  // left-justify
std::string clip(std::string_view s, std::size_t max_len);

// The numeric text of an address as classic stoa()/sptoa() print it.
std::string address_text(const ntp::io::IpAddress& a);
std::string address_port_text(const ntp::io::Endpoint& e);  // "1.2.3.4:123", "[::1]:123"

}  // namespace ntpq
