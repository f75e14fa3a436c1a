#include "libntp/clock/adjtime_file.hh"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/test_dir.hh"

using ntp::clock::Adjtime;
using ntp::clock::format_adjtime;
using ntp::clock::parse_adjtime;
using ntp::clock::read_adjtime;
using ntp::clock::resolve_timescale;
using ntp::clock::RtcTimescale;
using ntp::clock::update_adjtime_after_systohc;
using ntp::clock::testing::read_text;
using ntp::clock::testing::TestDir;
using ntp::clock::testing::write_text;

TEST_CASE("a complete adjtime file is read field by field") {
    auto p = parse_adjtime("-3.250000 1453640000 1.500000\n1453600000\nLOCAL\n");
    CHECK(p.warnings.empty());
    CHECK(p.adjtime.drift_factor_s_per_day == -3.25);
    CHECK(p.adjtime.last_adjust_time_s == 1453640000);
    CHECK(p.adjtime.not_adjusted_s == 1.5);
    CHECK(p.adjtime.last_calibration_time_s == 1453600000);
    CHECK(p.adjtime.timescale == RtcTimescale::local);
    CHECK(p.adjtime.timescale_stated);
}

TEST_CASE("the file systemd's timedatectl writes is understood") {
    auto p = parse_adjtime("0.0 0 0\n0\nLOCAL");
    CHECK(p.warnings.empty());
    CHECK(p.adjtime.timescale == RtcTimescale::local);
    CHECK(p.adjtime.drift_factor_s_per_day == 0);
}

TEST_CASE("missing lines and fields take hwclock's defaults") {
    auto empty = parse_adjtime("");
    CHECK(empty.adjtime == Adjtime{});
    CHECK(empty.warnings.empty());
    CHECK_FALSE(empty.adjtime.timescale_stated);

    auto partial = parse_adjtime("1.0 2\n");
    CHECK(partial.adjtime.drift_factor_s_per_day == 1.0);
    CHECK(partial.adjtime.last_adjust_time_s == 2);
    CHECK(partial.adjtime.not_adjusted_s == 0);
    CHECK(partial.adjtime.last_calibration_time_s == 0);
    CHECK(partial.adjtime.timescale == RtcTimescale::utc);

    auto garbage_first = parse_adjtime("x 5 6\n7\nUTC\n");
    CHECK(garbage_first.adjtime.last_adjust_time_s == 0);  // sscanf stops at the first failure
    CHECK(garbage_first.adjtime.last_calibration_time_s == 7);
    CHECK(garbage_first.adjtime.timescale_stated);
}

TEST_CASE("an unrecognised third line warns and means UTC") {
    auto p = parse_adjtime("0.0 0 0\n0\nlocal\n");
    CHECK(p.adjtime.timescale == RtcTimescale::utc);
    CHECK_FALSE(p.adjtime.timescale_stated);
    REQUIRE(p.warnings.size() == 1);
    CHECK(p.warnings[0] == "Warning: unrecognized third line in adjtime file");
}

TEST_CASE("formatting matches hwclock's \"%f %ld %f\\n%ld\\n%s\\n\"") {
    CHECK(format_adjtime({}) == "0.000000 0 0.000000\n0\nUTC\n");
    Adjtime a;
    a.drift_factor_s_per_day = -1.25;
    a.last_adjust_time_s = 1453640000;
    a.not_adjusted_s = 0.5;
    a.last_calibration_time_s = 1453640000;
    a.timescale = RtcTimescale::local;
    CHECK(format_adjtime(a) == "-1.250000 1453640000 0.500000\n1453640000\nLOCAL\n");
    a.timescale_stated = true;
    CHECK(parse_adjtime(format_adjtime(a)).adjtime == a);
}

TEST_CASE("the timescale is the forced one, else the file's") {
    Adjtime local;
    local.timescale = RtcTimescale::local;
    CHECK(resolve_timescale(std::nullopt, local) == RtcTimescale::local);
    CHECK(resolve_timescale(RtcTimescale::utc, local) == RtcTimescale::utc);
    CHECK(resolve_timescale(std::nullopt, Adjtime{}) == RtcTimescale::utc);
}

TEST_CASE("a missing adjtime file reads as UTC defaults") {
    TestDir dir;
    auto r = read_adjtime(dir.file("adjtime"));
    CHECK_FALSE(r.exists);
    CHECK(r.error.empty());
    CHECK(r.parsed.adjtime == Adjtime{});
}

TEST_CASE("after a systohc the times are recorded and the drift factor kept") {
    TestDir dir;
    auto path = dir.file("adjtime");
    write_text(path, "1.5 100 0.25\n100\nLOCAL\n");
    auto u = update_adjtime_after_systohc(path, 1453640000, RtcTimescale::local);
    CHECK(u.written);
    CHECK(u.error.empty());
    CHECK(read_text(path) == "1.500000 1453640000 0.000000\n1453640000\nLOCAL\n");

    // Same again: nothing changes, nothing is written.
    u = update_adjtime_after_systohc(path, 1453640000, RtcTimescale::local);
    CHECK_FALSE(u.written);

    // A forced UTC write rewrites line 3, like `hwclock --utc --systohc`.
    u = update_adjtime_after_systohc(path, 1453640100, RtcTimescale::utc);
    CHECK(read_text(path) == "1.500000 1453640100 0.000000\n1453640100\nUTC\n");
    CHECK_FALSE(std::filesystem::exists(path + ".TEMP"));
}

TEST_CASE("a missing adjtime file is created; a symlinked one is replaced at its target") {
    TestDir dir;
    auto path = dir.file("adjtime");
    auto u = update_adjtime_after_systohc(path, 42, RtcTimescale::utc);
    CHECK(u.written);
    CHECK(read_text(path) == "0.000000 42 0.000000\n42\nUTC\n");

    std::filesystem::create_directory(dir.file("real"));
    auto real = dir.file("real/adjtime");
    write_text(real, "0.0 0 0\n0\nLOCAL\n");
    auto link = dir.file("link");
    REQUIRE(::symlink(real.c_str(), link.c_str()) == 0);
    u = update_adjtime_after_systohc(link, 7, RtcTimescale::local);
    CHECK(u.written);
    CHECK(std::filesystem::is_symlink(link));
    CHECK(read_text(real) == "0.000000 7 0.000000\n7\nLOCAL\n");
}

TEST_CASE("an adjtime file in a missing directory reports the error") {
    TestDir dir;
    auto path = dir.file("none/adjtime");
    auto u = update_adjtime_after_systohc(path, 1, RtcTimescale::utc);
    CHECK_FALSE(u.written);
    CHECK(u.error == path + ": No such file or directory");
}
