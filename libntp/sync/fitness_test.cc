#include "libntp/sync/fitness.hh"

#include <catch2/catch.hpp>

using namespace ntp::sync;

TEST_CASE("root distance adds half the delays, dispersions, jitter and aging") {
    DistanceInput in{0.010, 0.020, 0.001, 0.002, 0.0005, 100};
    CHECK(root_distance(in) == Approx(0.015 + 0.001 + 15e-6 * 100 + 0.002 + 0.0005));
}

TEST_CASE("root distance is floored at mindist and never NaN") {
    CHECK(root_distance(DistanceInput{}) == constants::min_dispersion_s);
    CHECK(root_distance(DistanceInput{}, 0.005) == 0.005);
    DistanceInput nan{};
    nan.delay_s = std::nan("");
    CHECK(root_distance(nan) == constants::max_dispersion_s);
}

TEST_CASE("fitness: a good peer passes, each failure sets its own flash bit") {
    FitnessInput good;
    good.stratum = 2;
    good.reachable = true;
    good.root_distance_s = 0.05;
    CHECK(check_fitness(good) == 0);

    auto unsync = good;
    unsync.leap = 3;
    CHECK(check_fitness(unsync) == flash::test10_bad_sync);
    auto s16 = good;
    s16.stratum = 16;
    CHECK(check_fitness(s16) == flash::test10_bad_sync);
    CHECK(check_fitness(good, FitnessLimits{3, 16, 1.5}) == flash::test10_bad_sync);

    auto far = good;
    far.root_distance_s = 1.5 + 15e-6 * 64;  // exactly at the limit fails
    CHECK(check_fitness(far) == flash::test11_distance);
    far.refclock = true;
    CHECK(check_fitness(far) == 0);

    auto loop = good;
    loop.peer_refid = 0xc0000201;
    loop.our_address_refid = 0xc0000201;
    CHECK(check_fitness(loop) == flash::test12_loop);
    loop.stratum = 1;  // a primary server's refid is text, never an address
    CHECK(check_fitness(loop) == 0);
    auto unreached = good;  // never heard: INIT against our own INIT is no loop
    unreached.reachable = false;
    unreached.stratum = 16;
    unreached.peer_refid = unreached.system_refid = 0x494e4954;
    CHECK(check_fitness(unreached) == (flash::test10_bad_sync | flash::test13_unreachable));
    auto orphan = good;
    orphan.peer_refid = orphan.system_refid = 0x7f000001;
    CHECK(check_fitness(orphan) == 0);

    auto gone = good;
    gone.reachable = false;
    CHECK(check_fitness(gone) == flash::test13_unreachable);
    auto nosel = good;
    nosel.noselect = true;
    CHECK(check_fitness(nosel) == flash::test13_unreachable);
}
