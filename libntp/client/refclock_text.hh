#pragma once
// How classic's mode 6 tools show 127.127.t.u reference clock
// pseudo-addresses: ntpq's ISREFCLOCKADR() test and refnumtoa() names
// ("LOCAL(0)"), which is also what ntptrace and ntpdc see and print.

#include <string>

#include "libntp/io/endpoint.hh"

namespace ntp::client {

// 127.127.t.u (ISREFCLOCKADR).
bool is_refclock_address(const ntp::io::IpAddress& a);
// refnumtoa(): "LOCAL(0)", "GPS_NMEA(1)", "REFCLK(99,0)" for unknown types,
// with the clock type names of classic libntp/clocktypes.c.
std::string refclock_name(const ntp::io::IpAddress& a);

}  // namespace ntp::client
