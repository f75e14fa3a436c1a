#include "libntp/sync/leap_file.hh"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

using ntp::sync::leap_expiry_warning;
using ntp::sync::load_leap_file;
using ntp::sync::parse_leap_file;
using ntp::util::Severity;

namespace {

// The lines of the IERS/NIST leap-seconds.list (tzdata 2025b) that matter: update
// time, expiry, every transition, and the published SHA-1 of their digits. The
// comment lines of the real file are left out; they are not hashed.
const char* const real_file =
    "#\tUpdated through IERS Bulletin C\n"
    "#$\t3960835200\n"
    "#@\t3991593600\n"
    "2272060800      10      # 1 Jan 1972\n"
    "2287785600      11      # 1 Jul 1972\n"
    "2303683200      12      # 1 Jan 1973\n"
    "2335219200      13      # 1 Jan 1974\n"
    "2366755200      14      # 1 Jan 1975\n"
    "2398291200      15      # 1 Jan 1976\n"
    "2429913600      16      # 1 Jan 1977\n"
    "2461449600      17      # 1 Jan 1978\n"
    "2492985600      18      # 1 Jan 1979\n"
    "2524521600      19      # 1 Jan 1980\n"
    "2571782400      20      # 1 Jul 1981\n"
    "2603318400      21      # 1 Jul 1982\n"
    "2634854400      22      # 1 Jul 1983\n"
    "2698012800      23      # 1 Jul 1985\n"
    "2776982400      24      # 1 Jan 1988\n"
    "2840140800      25      # 1 Jan 1990\n"
    "2871676800      26      # 1 Jan 1991\n"
    "2918937600      27      # 1 Jul 1992\n"
    "2950473600      28      # 1 Jul 1993\n"
    "2982009600      29      # 1 Jul 1994\n"
    "3029443200      30      # 1 Jan 1996\n"
    "3076704000      31      # 1 Jul 1997\n"
    "3124137600      32      # 1 Jan 1999\n"
    "3345062400      33      # 1 Jan 2006\n"
    "3439756800      34      # 1 Jan 2009\n"
    "3550089600      35      # 1 Jul 2012\n"
    "3644697600      36      # 1 Jul 2015\n"
    "3692217600      37      # 1 Jan 2017\n"
    "#h\t49db2447 571e5e1b 2f002a53 9c8da8e4 39b8e49e\n";

// A small file in the same format with its own hash (computed with sha1sum over
// "3676924800" "3707596800" "364469760036" "369221760037").
const std::string small_file =
    "#$\t3676924800\n"
    "#@\t3707596800\n"
    "#\n"
    "3644697600\t36\t# 1 Jul 2015\n"
    "3692217600\t37\t# 1 Jan 2017\n"
    "#\n"
    "#h\t69819b11 4add8248 4c1f2799 a5994f71 2bcf979c\n";

constexpr std::int64_t jan_2017 = 1'483'228'800;  // 2017-01-01T00:00:00Z

bool has_message(const ntp::sync::LeapFileResult& r, const std::string& text) {
    for (const auto& m : r.messages)
        if (m.text == text) return true;
    return false;
}

}  // namespace

TEST_CASE("leap file: the real leap-seconds.list loads with a good hash") {
    const auto r = parse_leap_file(real_file, "/usr/share/zoneinfo/leap-seconds.list");
    REQUIRE(r.table);
    CHECK(r.table->hash_checked);
    CHECK(r.table->entries.size() == 28);
    CHECK(r.table->entries.front().tai_offset_s == 10);
    CHECK(r.table->entries.back().unix_s == jan_2017);
    CHECK(r.table->entries.back().tai_offset_s == 37);
    CHECK(r.table->expires_unix_s == 3991593600LL - 2208988800LL);
    REQUIRE(r.messages.size() == 2);
    CHECK(r.messages[0].text == "leapsecond file ('/usr/share/zoneinfo/leap-seconds.list'): good hash signature");
    CHECK(r.messages[0].severity == Severity::notice);
    CHECK(r.messages[1].text == "leapsecond file ('/usr/share/zoneinfo/leap-seconds.list'): loaded, "
                                "expire=2026-06-28T00:00:00Z last=2017-01-01T00:00:00Z ofs=37");
}

TEST_CASE("leap file: TAI offset and the next transition") {
    const auto r = parse_leap_file(small_file, "small");
    REQUIRE(r.table);
    const auto& t = *r.table;
    CHECK(t.tai_offset_at(jan_2017 - 1) == 36);
    CHECK(t.tai_offset_at(jan_2017) == 37);
    CHECK(t.tai_offset_at(0) == 0);
    const auto next = t.next_after(jan_2017 - 86400);
    REQUIRE(next);
    CHECK(next->unix_s == jan_2017);
    CHECK(next->change_s == 1);
    CHECK(next->tai_offset_s == 37);
    CHECK_FALSE(t.next_after(jan_2017));
    REQUIRE(t.last_transition_unix_s());
    CHECK(ntp::sync::leap_filestamp(*t.last_transition_unix_s()) == "201701010000");
    CHECK(ntp::sync::leap_iso_time(t.expires_unix_s) == "2017-06-28T00:00:00Z");
}

TEST_CASE("leap file: a wrong hash rejects the file, naming file and line") {
    std::string bad = small_file;
    bad.replace(bad.find("3692217600\t37"), 13, "3692217600\t38");  // one digit changed
    const auto r = parse_leap_file(bad, "leap.list");
    CHECK_FALSE(r.table);
    REQUIRE(r.messages.size() == 1);
    CHECK(r.messages[0].severity == Severity::error);
    CHECK(r.messages[0].text == "leapsecond file ('leap.list'): signature mismatch (leap.list:7)");

    std::string malformed = small_file;
    malformed.replace(malformed.find("2bcf979c"), 8, "zz");
    const auto m = parse_leap_file(malformed, "leap.list");
    CHECK_FALSE(m.table);
    CHECK(has_message(m, "leapsecond file ('leap.list'): malformed hash signature (leap.list:7)"));

    // Comments, white space and text after a data line's '#' are not hashed.
    std::string commented = small_file;
    commented.replace(commented.find("# 1 Jul 2015"), 12, "   # 2 Jul 2015, with 99 digits");
    CHECK(parse_leap_file(commented, "c").table);
}

TEST_CASE("leap file: no hash line loads with an error, as classic does") {
    std::string unsigned_file = small_file;
    unsigned_file.erase(unsigned_file.find("#h"));
    const auto r = parse_leap_file(unsigned_file, "x");
    REQUIRE(r.table);
    CHECK_FALSE(r.table->hash_checked);
    CHECK(r.messages[0].severity == Severity::error);
    CHECK(r.messages[0].text == "leapsecond file ('x'): no hash signature");
}

TEST_CASE("leap file: broken data lines are rejected with file:line") {
    CHECK(has_message(parse_leap_file("#$ 3676924800\n3692217600 37x\n", "f"),
                      "leapsecond file ('f'): parsing error (f:2)"));
    CHECK(has_message(parse_leap_file("#@ soon\n", "f"), "leapsecond file ('f'): parsing error (f:1)"));
    CHECK(has_message(parse_leap_file("3692217600 37\n3644697600 36\n", "f"),
                      "leapsecond file ('f'): times not ascending (f:2)"));
    CHECK(has_message(parse_leap_file("3692217601 37\n", "f"), "leapsecond file ('f'): bad transition time (f:1)"));
    CHECK(parse_leap_file("3692217600 37\n3692217600 37\n", "f").table->entries.size() == 1);
    CHECK(parse_leap_file("", "empty").table->entries.empty());
}

TEST_CASE("leap file: expiry warnings in classic's words") {
    const auto t = *parse_leap_file(small_file, "small").table;
    const std::int64_t exp = t.expires_unix_s;
    CHECK_FALSE(leap_expiry_warning(t, "small", exp - 40 * 86400, true));
    CHECK_FALSE(leap_expiry_warning(t, "small", exp - 10 * 86400, false));
    CHECK(leap_expiry_warning(t, "small", exp - 10 * 86400 + 1, true)->text ==
          "leapsecond file ('small'): will expire in less than 10 days");
    CHECK(leap_expiry_warning(t, "small", exp - 3600, false)->text ==
          "leapsecond file ('small'): will expire in less than one day");
    const auto expired = leap_expiry_warning(t, "small", exp + 3600, true);
    REQUIRE(expired);
    CHECK(expired->severity == Severity::error);
    CHECK(expired->text == "leapsecond file ('small'): expired less than 1 day ago");
    CHECK(leap_expiry_warning(t, "small", exp + 400 * 86400, true)->text ==
          "leapsecond file ('small'): expired less than 400 days ago");
    CHECK(t.expired_at(exp));
    CHECK_FALSE(t.expired_at(exp - 1));
}

TEST_CASE("leap file: load_leap_file reads a file and reports a missing one") {
    char path[] = "/tmp/leap_file_test_XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    {
        std::ofstream out(path);
        out << small_file;
    }
    const auto r = load_leap_file(path);
    CHECK(r.table);
    CHECK(has_message(r, std::string("leapsecond file ('") + path + "'): good hash signature"));
    std::remove(path);
    const auto missing = load_leap_file(path);
    CHECK_FALSE(missing.table);
    CHECK(has_message(missing, std::string("leapsecond file ('") + path + "'): open failed: No such file or directory"));
}
