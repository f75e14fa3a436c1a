#include "libntp/util/log.hh"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>

TEST_CASE("classic log prefix is 'DD Mon HH:MM:SS prog[pid]: '") {
    setenv("TZ", "UTC", 1);
    tzset();
    // 2026-11-21 23:49:22 UTC
    CHECK(ntp::util::classic_log_prefix("ntpdate", 4242, 1795304962) ==
          "21 Nov 23:49:22 ntpdate[4242]: ");
}

TEST_CASE("classic log prefix pads a one-digit day with a space") {
    setenv("TZ", "UTC", 1);
    tzset();
    // 2026-03-01 22:25:43 UTC
    CHECK(ntp::util::classic_log_prefix("ntpdate", 2182, 1772403943) ==
          " 1 Mar 22:25:43 ntpdate[2182]: ");
}

TEST_CASE("an unopenable log file reports the system error alone") {
    ntp::util::Log log("ntpd");
    std::string error;
    CHECK_FALSE(log.use_file("/nonexistent-dir/ntp.log", error));
    CHECK(error == "No such file or directory");
}
