#include "libntp/sync/drift_regression.hh"

#include <catch2/catch.hpp>

#include <random>

using ntp::sync::DriftRegression;

TEST_CASE("regression recovers slope and phase of a noisy line") {
    std::mt19937_64 rng(42);
    std::normal_distribution<double> noise(0, 10e-6);
    DriftRegression r(24);
    for (int i = 0; i < 24; ++i) {
        const double t = 1000 + 64.0 * i;
        r.add(t, 0.05 + 30e-6 * t + noise(rng));
    }
    auto f = r.fit(1000 + 64.0 * 24);
    REQUIRE(f);
    CHECK(f->points == 24);
    CHECK(f->slope == Approx(30e-6).margin(0.05e-6));
    CHECK(f->raw_offset_s == Approx(0.05 + 30e-6 * (1000 + 64.0 * 24)).margin(20e-6));
    CHECK(f->residual_rms_s == Approx(10e-6).margin(5e-6));
    CHECK(f->slope_sigma < 0.1e-6);
}

TEST_CASE("regression needs two points with a time span") {
    DriftRegression r;
    CHECK_FALSE(r.fit(0));
    r.add(5, 1);
    CHECK_FALSE(r.fit(5));
    r.add(5, 2);
    CHECK_FALSE(r.fit(5));
    r.add(7, 3);
    CHECK(r.fit(7));
}

TEST_CASE("regression keeps at most max_points") {
    DriftRegression r(4);
    for (int i = 0; i < 10; ++i) r.add(i, i);
    CHECK(r.size() == 4);
}

TEST_CASE("a frequency change shortens the window (runs test)") {
    DriftRegression r(32);
    std::mt19937_64 rng(7);
    std::normal_distribution<double> noise(0, 1e-6);
    double x = 0;
    for (int i = 0; i < 32; ++i) {
        const double freq = i < 16 ? 10e-6 : -10e-6;  // the clock turned round
        x += freq * 64;
        r.add(64.0 * i, x + noise(rng));
    }
    auto f = r.fit(64.0 * 31);
    REQUIRE(f);
    CHECK(f->points < 32);
    CHECK(f->slope == Approx(-10e-6).margin(2e-6));
}
