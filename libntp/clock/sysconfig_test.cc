#include "libntp/clock/sysconfig.hh"

#include <catch2/catch.hpp>

#include "tests/support/test_dir.hh"

using ntp::clock::parse_shell_assignments;
using ntp::clock::read_shell_assignments;
using ntp::clock::sync_hwclock_requested;

TEST_CASE("the stock RHEL sysconfig files are read") {
    auto ntpd = parse_shell_assignments(
        "# Command line options for ntpd\n"
        "OPTIONS=\"-u ntp:ntp -p /var/run/ntpd.pid -g\"\n"
        "\n"
        "# Set to 'yes' to sync hw clock after successful ntpdate\n"
        "SYNC_HWCLOCK=yes\n");
    CHECK(ntpd["OPTIONS"] == "-u ntp:ntp -p /var/run/ntpd.pid -g");
    CHECK(sync_hwclock_requested(ntpd));

    auto ntpdate = parse_shell_assignments(
        "# Options for ntpdate\nOPTIONS=\"-U ntp -s -b\"\n\n"
        "# Number of retries before giving up\nRETRIES=2\n\n"
        "# Set to 'yes' to sync hw clock after successful ntpdate\nSYNC_HWCLOCK=no\n");
    CHECK(ntpdate["RETRIES"] == "2");
    CHECK_FALSE(sync_hwclock_requested(ntpdate));
}

TEST_CASE("shell quoting, comments and export are handled") {
    auto v = parse_shell_assignments(
        "  export SYNC_HWCLOCK='yes'   # trailing comment\n"
        "A=\"two words\" ; echo ignored\n"
        "B=bare\\ word and the rest\n"
        "C=\"esc \\\"q\\\" \\$HOME \\\\ \\n\"\n"
        "D='literal \\ $X'\n"
        "E=\"spans\n  lines\"\n"
        "F=\n"
        "G = not an assignment\n"
        "#H=commented\n"
        "echo I=not_a_var\n"
        "J=x\"y\"'z'\n"
        "A=override\n");
    CHECK(sync_hwclock_requested(v));
    CHECK(v["A"] == "override");
    CHECK(v["B"] == "bare word");
    CHECK(v["C"] == "esc \"q\" $HOME \\ \\n");
    CHECK(v["D"] == "literal \\ $X");
    CHECK(v["E"] == "spans\n  lines");
    CHECK(v.count("F") == 1);
    CHECK(v["F"].empty());
    CHECK(v.count("G") == 0);
    CHECK(v.count("H") == 0);
    CHECK(v.count("I") == 0);
    CHECK(v["J"] == "xyz");
}

TEST_CASE("SYNC_HWCLOCK must be exactly yes, as the init script tests it") {
    CHECK_FALSE(sync_hwclock_requested(parse_shell_assignments("SYNC_HWCLOCK=YES\n")));
    CHECK_FALSE(sync_hwclock_requested(parse_shell_assignments("SYNC_HWCLOCK=\"yes \"\n")));
    CHECK_FALSE(sync_hwclock_requested(parse_shell_assignments("OPTIONS=-g\n")));
    CHECK(sync_hwclock_requested(parse_shell_assignments("SYNC_HWCLOCK=\"yes\"")));
}

TEST_CASE("a missing settings file reads as nothing") {
    ntp::clock::testing::TestDir dir;
    CHECK_FALSE(read_shell_assignments(dir.file("ntpd")));
    ntp::clock::testing::write_text(dir.file("ntpd"), "SYNC_HWCLOCK=yes\n");
    auto v = read_shell_assignments(dir.file("ntpd"));
    REQUIRE(v);
    CHECK(sync_hwclock_requested(*v));
}
