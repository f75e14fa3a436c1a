#include "libntp/sync/sample.hh"

#include <catch2/catch.hpp>

using ntp::sync::compute_sample;
using ntp::sync::ExchangeTimes;

TEST_CASE("sample: offset, delay and dispersion from the four timestamps") {
    // Our clock is 5 ms behind the server; 10 ms each way; server holds 1 ms.
    // T1=0, T2=0.010+0.005, T3=0.016, T4 = 0.021 + ... on our clock:
    // true send 0 (ours reads 0), server receives at true 0.010 -> reads 0.015,
    // sends at 0.016 (true 0.011), we receive at true 0.021 -> read 0.021.
    ExchangeTimes t{0.015 - 0.0, 0.016 - 0.021, 0.021};
    auto s = compute_sample(t, 1e-6, 2e-6);
    CHECK(s.offset_s == Approx(0.005).margin(1e-12));
    CHECK(s.delay_s == Approx(0.020).margin(1e-12));
    CHECK(s.dispersion_s == Approx(3e-6 + 15e-6 * 0.021).margin(1e-15));
}

TEST_CASE("sample: a negative delay is floored at the system precision") {
    ExchangeTimes t{0.001, 0.002, 0.0};
    auto s = compute_sample(t, 1e-6, 4e-6);
    CHECK(s.delay_s == 4e-6);
    CHECK(s.offset_s == Approx(0.0015));
}
