#include "libntp/clock/kernel_timex.hh"

#include <catch2/catch.hpp>
#include <cstdlib>

// Only the reading calls: a unit test never writes the kernel state.
TEST_CASE("kernel_timex: a query reads the kernel's state and changes nothing") {
    ntp::clock::TimexAnswer first = ntp::clock::query_kernel_timex();
    REQUIRE(first.state >= 0);
    CHECK(first.timex.modes == 0);
    CHECK(first.timex.tolerance > 0);
    ntp::clock::TimexAnswer second = ntp::clock::query_kernel_timex();
    CHECK(second.timex.status == first.timex.status);
    CHECK(second.timex.freq == first.timex.freq);
}

TEST_CASE("kernel_timex: ntp_gettime reads the time with its error estimates") {
    ntp::clock::NtpGetTime t = ntp::clock::read_ntp_gettime();
    REQUIRE(t.state >= 0);
    CHECK(t.seconds > 1700000000);
    CHECK(t.fraction >= 0);
    CHECK(t.fraction < 1000000000);
    CHECK(t.maxerror >= 0);
}
