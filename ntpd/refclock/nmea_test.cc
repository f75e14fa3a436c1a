#include "ntpd/refclock/nmea.hh"

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

using namespace ntpd::refclock;
using V = NmeaResult::Verdict;

namespace {

// Appends "*CS" to a sentence body ("$GPRMC,...").
std::string with_checksum(const std::string& body) {
    unsigned sum = 0;
    for (std::size_t i = 1; i < body.size(); ++i) sum ^= static_cast<unsigned char>(body[i]);
    char buf[8];
    std::snprintf(buf, sizeof buf, "*%02X", sum);
    return body + buf;
}

// 2026-12-07 13:45:01 UTC
constexpr time_t t_rx = 1796651101;

}  // namespace

TEST_CASE("NMEA: RMC with any talker ID, checksums") {
    NmeaChecksumState cs;
    const timespec rx{t_rx, 100'000'000};
    for (const char* talker : {"GP", "GN", "GL", "GA"}) {
        const std::string s = with_checksum(std::string("$") + talker +
                                            "RMC,134501.00,A,5130.0000,N,00000.0000,W,0.0,0.0,071226,,,A");
        const NmeaResult r = parse_nmea(s, rx, 0, cs);
        CHECK(r.verdict == V::ok);
        CHECK(r.sentence == NmeaSentence::rmc);
        CHECK(r.reference.tv_sec == t_rx);
        CHECK(r.reference.tv_nsec == 0);
    }
    // A wrong checksum, and RMC without one.
    std::string bad = with_checksum("$GPRMC,134501.00,A,5130.0000,N,00000.0000,W,0.0,0.0,071226,,,A");
    bad.back() = bad.back() == '0' ? '1' : '0';
    CHECK(parse_nmea(bad, rx, 0, cs).verdict == V::bad_checksum);
    CHECK(parse_nmea("$GPRMC,134501.00,A,5130.0000,N,00000.0000,W,0.0,0.0,071226,,,A", rx, 0, cs).verdict ==
          V::bad_checksum);
    // 'V': not synchronised.
    CHECK(parse_nmea(with_checksum("$GPRMC,134501.00,V,,,,,,,071226,,,N"), rx, 0, cs).verdict ==
          V::unsynchronised);
}

TEST_CASE("NMEA: GGA and GLL take the day from the receive time") {
    NmeaChecksumState cs;
    // GGA without checksum is accepted until one came with a checksum.
    NmeaResult r = parse_nmea("$GPGGA,134501.50,5130.0000,N,00000.0000,W,1,08,0.9,10.0,M,47.0,M,,", {t_rx, 0},
                              0, cs);
    CHECK(r.verdict == V::ok);
    CHECK(r.reference.tv_sec == t_rx);
    CHECK(r.reference.tv_nsec == 500'000'000);
    // Just after midnight, a sentence naming 23:59:59 is of the day before.
    const time_t midnight = t_rx - (13 * 3600 + 45 * 60 + 1);
    r = parse_nmea(with_checksum("$GPGGA,235959.00,5130.0000,N,00000.0000,W,1,08,0.9,10.0,M,47.0,M,,"),
                   {midnight + 1, 0}, 0, cs);
    CHECK(r.verdict == V::ok);
    CHECK(r.reference.tv_sec == midnight - 1);
    // Now that GGA came with a checksum, one without is refused.
    CHECK(parse_nmea("$GPGGA,134501.50,5130.0000,N,00000.0000,W,1,08,0.9,10.0,M,47.0,M,,", {t_rx, 0}, 0, cs)
              .verdict == V::bad_checksum);
    // Fix quality 0: unsynchronised.
    CHECK(parse_nmea(with_checksum("$GPGGA,134501.00,,,,,0,00,,,M,,M,,"), {t_rx, 0}, 0, cs).verdict ==
          V::unsynchronised);
    r = parse_nmea(with_checksum("$GNGLL,5130.0000,N,00000.0000,W,134501.00,A,A"), {t_rx, 0}, 0, cs);
    CHECK(r.verdict == V::ok);
    CHECK(r.reference.tv_sec == t_rx);
}

TEST_CASE("NMEA: ZDA, ZDG, mode selection") {
    NmeaChecksumState cs;
    NmeaResult r = parse_nmea(with_checksum("$GPZDA,134501.00,07,12,2026,00,00"), {t_rx, 0}, 0, cs);
    CHECK(r.verdict == V::ok);
    CHECK(r.reference.tv_sec == t_rx);
    r = parse_nmea(with_checksum("$GPZDG,134502.0,07,12,2026,02.00,2"), {t_rx, 0}, 0, cs);
    CHECK(r.verdict == V::ok);
    CHECK(r.reference.tv_sec == t_rx);  // names the next second
    // mode 2: GGA only.
    CHECK(parse_nmea(with_checksum("$GPZDA,134501.00,07,12,2026,00,00"), {t_rx, 0}, 2, cs).verdict ==
          V::filtered);
    CHECK(parse_nmea(with_checksum("$GPGSV,3,1,11,01,02,03,04"), {t_rx, 0}, 0, cs).verdict == V::ignored);
    CHECK(parse_nmea(with_checksum("$GPRMC,256101.00,A,,,,,,,071226,,,A"), {t_rx, 0}, 0, cs).verdict ==
          V::bad_time);
    CHECK(parse_nmea(with_checksum("$GPRMC,134501.00,A,,,,,,,071326,,,A"), {t_rx, 0}, 0, cs).verdict ==
          V::bad_date);
}

TEST_CASE("NMEA: GPS week rollover and trusted dates") {
    NmeaChecksumState cs;
    // A receiver that rolled over reports the date 1024 weeks early
    // (2026-12-07 - 7168 days = 2007-04-23).
    const std::string old = with_checksum("$GPZDA,134501.00,23,04,2007,00,00");
    NmeaResult r = parse_nmea(old, {t_rx, 0}, 0, cs);
    CHECK(r.verdict == V::ok);
    CHECK(r.reference.tv_sec == t_rx);
    // 0x2000000: the receiver is trusted, its date taken as it is.
    r = parse_nmea(old, {t_rx, 0}, 0x2000000, cs);
    CHECK(r.reference.tv_sec == t_rx - 7168L * 86400);
}

TEST_CASE("NMEA: speed from the mode bits") {
    CHECK(nmea_baud(0, std::nullopt) == 4800);
    CHECK(nmea_baud(0x10, std::nullopt) == 9600);
    CHECK(nmea_baud(0x20, std::nullopt) == 19200);
    CHECK(nmea_baud(0x30, std::nullopt) == 38400);
    CHECK(nmea_baud(0x40, std::nullopt) == 57600);
    CHECK(nmea_baud(0x50, std::nullopt) == 115200);
    CHECK(nmea_baud(0x50, 9600) == 9600);
}
