#include "libntp/sync/poll_policy.hh"

#include <catch2/catch.hpp>

using ntp::sync::PollPolicy;

TEST_CASE("poll rises after the counter passes +30 with small offsets") {
    PollPolicy p(6, 10);
    CHECK(p.poll_log2() == 6);
    for (int i = 0; i < 5; ++i) CHECK(p.update(0.0001, 0.001) == 6);  // 6,12,18,24,30
    CHECK(p.update(0.0001, 0.001) == 7);                                // 36 > 30
    CHECK(p.counter() == 0);
}

TEST_CASE("poll falls after the counter passes -30 with large offsets, within limits") {
    PollPolicy p(6, 10);
    p.set_limits(8, 10);
    CHECK(p.poll_log2() == 8);
    CHECK(p.update(0.01, 0.001) == 8);  // -16
    CHECK(p.update(0.01, 0.001) == 8);  // -32 -> clamp at -30, but already at min
    CHECK(p.counter() == -30);
    p.set_limits(6, 10);
    CHECK(p.update(0.01, 0.001) == 7);
}

TEST_CASE("poll never exceeds maxpoll and reset returns to minpoll") {
    PollPolicy p(6, 7);
    for (int i = 0; i < 50; ++i) p.update(0, 1);
    CHECK(p.poll_log2() == 7);
    CHECK(p.counter() == 30);
    p.reset();
    CHECK(p.poll_log2() == 6);
    CHECK(p.counter() == 0);
}

TEST_CASE("poll interval is 2^poll plus up to ~6 % random") {
    CHECK(ntp::sync::poll_interval_s(6, 0) == 64);
    CHECK(ntp::sync::poll_interval_s(6, 255) == Approx(64 * (1 + 255.0 / 4096)));
}
