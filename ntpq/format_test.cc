#include <catch2/catch.hpp>

#include "ntpq/format.hh"
#include "ntpq/client.hh"

using namespace ntpq;
using ntp::wire::NtpTime;
using ntp::wire::NtpTimestamp;

namespace {
// 2026-11-21T23:34:11Z, the time of the classic captures.
const NtpTime capture_now(0xeeaca8f3LL, 0);
}  // namespace

TEST_CASE("prettyinterval units and rounding match classic") {
    CHECK(pretty_interval(-1) == "-");
    CHECK(pretty_interval(0) == "-");
    CHECK(pretty_interval(1) == "1");
    CHECK(pretty_interval(64) == "64");
    CHECK(pretty_interval(2048) == "2048");
    CHECK(pretty_interval(2049) == "34m");   // (2049+29)/60 = 34.6
    CHECK(pretty_interval(4096) == "68m");
    CHECK(pretty_interval(300 * 60 + 29) == "300m");
    CHECK(pretty_interval(301 * 60) == "5h");
    CHECK(pretty_interval(96 * 3600) == "96h");
    CHECK(pretty_interval(97 * 3600) == "4d");
    CHECK(pretty_interval(999LL * 86400) == "999d");
    CHECK(pretty_interval(1000LL * 86400) == "3y");
    CHECK(pretty_interval(1LL << 40) == "INF");
}

TEST_CASE("decodeuint reads hex, octal and decimal") {
    CHECK(decode_uint("0xff") == 0xffu);
    CHECK(decode_uint("0377") == 0377u);
    CHECK(decode_uint("0") == 0u);
    CHECK(decode_uint("123") == 123u);
    CHECK_FALSE(decode_uint(""));
    CHECK_FALSE(decode_uint("0x"));
    CHECK_FALSE(decode_uint("09"));
    CHECK_FALSE(decode_uint("12a"));
    CHECK_FALSE(decode_uint("99999999999999999999999"));
    CHECK(decode_int("-24") == -24);
    CHECK(decode_int("0x10") == 16);
}

TEST_CASE("millisecond values parse and print like lfptoms") {
    CHECK(decode_ms("0.058") == Approx(0.058));
    CHECK(decode_ms("-1234.5678") == Approx(-1234.5678));
    CHECK(decode_ms("12") == Approx(12));
    CHECK_FALSE(decode_ms("1e3"));
    CHECK_FALSE(decode_ms("-"));
    CHECK_FALSE(decode_ms("abc"));
    CHECK(ms_text(0.007457, 3) == "0.007");
    CHECK(ms_text(-1234.567, 3) == "-1234.567");
    CHECK(ms_text(16000, 2) == "16000.00");
}

TEST_CASE("timestamps decode from hex and print as classic prettydate (UTC)") {
    auto ts = decode_timestamp("0xeeaca8ed.ca97d0db");
    REQUIRE(ts);
    CHECK(ts->seconds() == 0xeeaca8edu);
    CHECK(ts->fraction() == 0xca97d0dbu);
    CHECK(pretty_date(*ts, capture_now, false) == "eeaca8ed.ca97d0db  Sat, Nov 21 2026 23:34:05.791");
    // Zero resolves to the era nearest now: 2036, as the classic capture shows.
    CHECK(pretty_date(NtpTimestamp(), capture_now, false) ==
          "00000000.00000000  Thu, Feb  7 2036  6:28:16.000");
    CHECK(decode_timestamp("eeaca8ed.ca97d0db"));  // no 0x, starts with a hex letter
    CHECK(decode_timestamp("0x1.8")->fraction() == 0x80000000u);
    CHECK_FALSE(decode_timestamp("12345"));
    CHECK_FALSE(decode_timestamp("0x123456789.0"));
    CHECK_FALSE(decode_timestamp("0xzz"));
    // A fraction that rounds to 1000 ms carries into the seconds.
    CHECK(pretty_date(NtpTimestamp(0xeeaca8ed, 0xffffffff), capture_now, false) ==
          "eeaca8ed.ffffffff  Sat, Nov 21 2026 23:34:06.000");
}

TEST_CASE("cat -v rendering of unprintable octets") {
    CHECK(cat_v("plain") == "plain");
    CHECK(cat_v("\x10!4\t") == "^P!4^I");
    CHECK(cat_v("\xe0\x7f") == "M-`^?");
    CHECK(cat_v(std::string_view("a\0b", 3)) == "a^@b");
    CHECK(cat_v(std::string_view("a\0b", 3), true) == "a");
}

TEST_CASE("network numbers, refclock names and modes") {
    auto e = decode_netnum("10.200.0.1:123");
    REQUIRE(e);
    CHECK(e->addr.to_string() == "10.200.0.1");
    CHECK(e->port == 123);
    CHECK(decode_netnum("[::1]:5000")->port == 5000);
    CHECK(decode_netnum("2001:db8::1")->addr.is_v6());
    CHECK(decode_netnum("0.0.0.0:0")->port == 0);
    CHECK_FALSE(decode_netnum("LOCL"));
    CHECK_FALSE(decode_netnum("1.2.3.4:"));
    CHECK_FALSE(decode_netnum("[::1"));
    CHECK_FALSE(decode_netnum("1.2.3.4:99999"));
    CHECK(refclock_name(*ntp::io::IpAddress::parse("127.127.1.0")) == "LOCAL(0)");
    CHECK(refclock_name(*ntp::io::IpAddress::parse("127.127.20.1")) == "GPS_NMEA(1)");
    CHECK(refclock_name(*ntp::io::IpAddress::parse("127.127.22.0")) == "PPS(0)");
    CHECK(refclock_name(*ntp::io::IpAddress::parse("127.127.99.3")) == "REFCLK(99,3)");
    CHECK(mode_name(3) == "client");
    CHECK(mode_name(0) == "unspec");
    CHECK(mode_name(8) == "bclient");
    CHECK(mode_name(12) == "mode#12");
}

TEST_CASE("variable parsing follows classic nextvar") {
    auto v = parse_vars("a=1, b=\"x, y\",\r\nc, d= spaced ,e=");
    REQUIRE(v.size() == 5);
    CHECK(v[0].name == "a");
    CHECK(v[0].value == "1");
    CHECK(v[1].value == "\"x, y\"");
    CHECK(v[2].name == "c");
    CHECK(v[2].value.empty());
    CHECK(v[3].value == "spaced");
    CHECK(v[4].name == "e");
    // An item not followed by a comma ends the list (CR/LF end an item).
    CHECK(parse_vars("a=1\r\nb=2").size() == 1);
    // An unterminated quote stops parsing and reports it.
    std::vector<std::string> problems;
    auto w = parse_vars("a=1, b=\"open", &problems);
    CHECK(w.size() == 1);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].rfind("nextvar: no closing quote, stop:", 0) == 0);
    // Runaway names/values are skipped, the rest still parsed.
    std::string big(300, 'n');
    auto x = parse_vars(big + "=1, ok=2", &problems);
    REQUIRE(x.size() == 1);
    CHECK(x[0].name == "ok");
    std::string bigval(3000, 'v');
    CHECK(parse_vars("a=" + bigval + ", b=1").size() == 1);
    // A NUL ends the data.
    CHECK(parse_vars(std::string_view("a=1, \0b=2", 9)).size() == 1);
    CHECK(parse_vars("").empty());
    CHECK(parse_vars(",,, \r\n").empty());
}
