#include "libntp/oneshot/fixed_text.hh"

#include <catch2/catch.hpp>

TEST_CASE("format_lfp: 6 decimals, minus sign, no plus, rounding with carry") {
    using ntp::oneshot::format_lfp;
    CHECK(format_lfp(ntp::oneshot::lfp_from_seconds(0.000139), 6) == "0.000139");
    CHECK(format_lfp(ntp::oneshot::lfp_from_seconds(-3.512345), 6) == "-3.512345");
    CHECK(format_lfp(0, 6) == "0.000000");
    CHECK(format_lfp(ntp::oneshot::lfp_from_seconds(0.9999996), 6) == "1.000000");
    CHECK(format_lfp(ntp::oneshot::lfp_from_seconds(77556618.173854), 6) == "77556618.173854");
    // Classic keeps the sign of a value that rounds to zero.
    CHECK(format_lfp(-1, 6) == "-0.000000");
    // Half away from zero on the exact binary value: 0.5 us = 2147.483648 units.
    CHECK(format_lfp(2148, 6) == "0.000001");
    CHECK(format_lfp(2147, 6) == "0.000000");
}

TEST_CASE("format_sfp / format_ufp: 5 decimals of a 16.16 value") {
    CHECK(ntp::oneshot::format_sfp(0x0692, 5) == "0.02567");
    CHECK(ntp::oneshot::format_sfp(0, 5) == "0.00000");
    CHECK(ntp::oneshot::format_sfp(-0x8000, 5) == "-0.50000");
    CHECK(ntp::oneshot::format_ufp(ntp::oneshot::max_dispersion, 5) == "64.00000");
    CHECK(ntp::oneshot::format_ufp(0, 5) == "0.00000");
}
