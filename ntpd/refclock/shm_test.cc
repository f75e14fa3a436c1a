#include "ntpd/refclock/shm.hh"

#include <catch2/catch.hpp>

#include <cmath>

#include <cstring>

using namespace ntpd::refclock;

namespace {

ShmTime segment(int mode, time_t clock_s, unsigned clock_ns, time_t rx_s, unsigned rx_ns) {
    ShmTime t;
    std::memset(&t, 0, sizeof t);
    t.mode = mode;
    t.clock_sec = clock_s;
    t.clock_usec = static_cast<int>(clock_ns / 1000);
    t.clock_nsec = clock_ns;
    t.receive_sec = rx_s;
    t.receive_usec = static_cast<int>(rx_ns / 1000);
    t.receive_nsec = rx_ns;
    t.precision = -10;
    t.leap = 0;
    t.valid = 1;
    return t;
}

}  // namespace

TEST_CASE("SHM: the segment has the layout writers use") {
    // gpsd, chrony and classic agree on this struct on LP64: 96 bytes.
    if (sizeof(long) == 8) CHECK(sizeof(ShmTime) == 96);
    CHECK(shm_key_base == 0x4e545030);
}

TEST_CASE("SHM: mode 0 and 1 reads, nanoseconds, valid cleared") {
    ShmTime t = segment(0, 1000, 123456789, 1000, 5000);
    ShmReading r = read_segment(t);
    CHECK(r.status == ShmStatus::ok);
    CHECK(r.clock.tv_nsec == 123456789);
    CHECK(r.receive.tv_nsec == 5000);
    CHECK(r.precision == -10);
    CHECK(t.valid == 0);
    CHECK(read_segment(t).status == ShmStatus::not_ready);

    // Nanoseconds that do not match the microseconds: microseconds only.
    t = segment(1, 1000, 123456789, 1000, 5000);
    t.clock_nsec = 999;
    r = read_segment(t);
    CHECK(r.status == ShmStatus::ok);
    CHECK(r.mode == 1);
    CHECK(r.clock.tv_nsec == 123456000);

    t = segment(2, 1000, 0, 1000, 0);
    CHECK(read_segment(t).status == ShmStatus::bad_mode);
}

TEST_CASE("SHM: sanity limits as classic") {
    DriverConfig c;
    CHECK(shm_limits(c).max_delta_s == 4 * 3600);
    c.time2_s = 60;
    CHECK(shm_limits(c).max_delta_s == 60);
    c.time2_s = 100000;  // out of [1, 86400]: the default
    CHECK(shm_limits(c).max_delta_s == 4 * 3600);
    c.flag[0] = true;
    CHECK(shm_limits(c).max_delta_s == 0);

    ShmLimits l;
    ShmReading r;
    r.receive = {1000, 0};
    r.clock = {1000, 500000000};
    CHECK(check_reading(r, {1003, 0}, l).empty());
    CHECK(check_reading(r, {1006, 0}, l) == "SHM: stale/bad receive time, delay=6s");
    CHECK(check_reading(r, {999, 0}, l) == "SHM: stale/bad receive time, delay=-1s");
    r.clock = {1000 + 5 * 3600, 0};
    CHECK(check_reading(r, {1000, 0}, l) == "SHM: difference limit exceeded, delta=18000s");
    l.max_delta_s = 0;
    CHECK(check_reading(r, {1000, 0}, l).empty());
}

TEST_CASE("SHM: permissions and timecode") {
    CHECK(shm_permissions(0, 0) == 0600);
    CHECK(shm_permissions(1, 0) == 0600);
    CHECK(shm_permissions(2, 0) == 0666);
    CHECK(shm_permissions(2, 1) == 0600);
    CHECK(iso_timecode({1451606400, 5}) == "2016-01-01T00:00:00.000000005Z");
}
