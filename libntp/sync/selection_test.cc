#include "libntp/sync/selection.hh"

#include <catch2/catch.hpp>

#include "libntp/sync/cluster.hh"
#include "libntp/sync/combine.hh"

using namespace ntp::sync;

namespace {
Candidate cand(int id, double offset_s, double lambda_s, double jitter_s = 0.0001, int stratum = 2) {
    Candidate c;
    c.id = id;
    c.offset_s = offset_s;
    c.root_distance_s = lambda_s;
    c.jitter_s = jitter_s;
    c.stratum = stratum;
    return c;
}
}  // namespace

TEST_CASE("intersection: agreeing sources all survive") {
    std::vector<Candidate> c{cand(1, 0.001, 0.01), cand(2, 0.002, 0.01), cand(3, -0.001, 0.01)};
    auto r = intersect(c);
    REQUIRE(r.interval);
    CHECK(r.falsetickers_allowed == 0);
    CHECK(r.interval->low_s == Approx(-0.008));
    CHECK(r.interval->high_s == Approx(0.009));
    CHECK(r.truechimer == std::vector<bool>{true, true, true});
}

TEST_CASE("intersection: a 0.3 s falseticker among four is rejected") {
    std::vector<Candidate> c{cand(1, 0.001, 0.02), cand(2, 0.3, 0.02), cand(3, -0.002, 0.02),
                             cand(4, 0.0005, 0.02)};
    auto r = intersect(c);
    REQUIRE(r.interval);
    CHECK(r.falsetickers_allowed == 1);
    CHECK(r.truechimer == std::vector<bool>{true, false, true, true});
}

TEST_CASE("intersection: two disagreeing sources have no majority, `true` still survives") {
    std::vector<Candidate> c{cand(1, 0.0, 0.01), cand(2, 1.0, 0.01)};
    auto r = intersect(c);
    CHECK_FALSE(r.interval);
    CHECK(r.truechimer == std::vector<bool>{false, false});
    c[1].truechimer = true;
    r = intersect(c);
    CHECK(r.truechimer == std::vector<bool>{false, true});
}

TEST_CASE("cluster discards the outlier until the spread is below the best peer jitter") {
    std::vector<Candidate> c{cand(1, 0.000, 0.01, 0.0001), cand(2, 0.0001, 0.01, 0.0001),
                             cand(3, 0.0002, 0.01, 0.0001), cand(4, 0.0200, 0.01, 0.0001),
                             cand(5, -0.0001, 0.01, 0.0001)};
    auto r = cluster(c, 3, 0.001);
    REQUIRE(r.outliers.size() >= 1);
    CHECK(r.outliers.front() == 4);
    CHECK(r.survivors.size() >= 3);
    // minclock protects the last three even when they disagree.
    std::vector<Candidate> three{cand(1, 0, 0.01), cand(2, 0.05, 0.01), cand(3, -0.05, 0.01)};
    CHECK(cluster(three, 3, 0.001).outliers.empty());
    // With minclock 1 the worst is discarded, but never a `true` one.
    three[1].truechimer = true;
    three[2].truechimer = true;
    auto r1 = cluster(three, 1, 0.001);
    for (int id : r1.outliers) CHECK(id == 1);
}

TEST_CASE("combine weights offsets by 1/lambda") {
    std::vector<ClusterMember> m{{cand(1, 0.001, 0.01), 0}, {cand(2, 0.004, 0.02), 0}};
    auto c = combine(m, 0);
    CHECK(c.offset_s == Approx((0.001 / 0.01 + 0.004 / 0.02) / (1 / 0.01 + 1 / 0.02)));
    CHECK(c.jitter_s == Approx(std::sqrt((0.003 * 0.003 / 0.02) / (1 / 0.01 + 1 / 0.02))));
}

TEST_CASE("system peer: lowest metric, clock-hop hysteresis keeps the old one for a while") {
    std::vector<ClusterMember> m{{cand(1, 0.0001, 0.010), 0.0001}, {cand(2, 0.0002, 0.020), 0.0001}};
    ClockHop hop;
    CHECK(choose_system_peer(m, std::nullopt, 0.001, hop) == 0);
    // Previously on peer 2, which differs from the best by 0.1 ms < mindist:
    // stay while the halving threshold is above the difference.
    CHECK(choose_system_peer(m, 2, 0.001, hop) == 1);  // threshold 1 ms
    CHECK(choose_system_peer(m, 2, 0.001, hop) == 1);  // 0.5 ms
    CHECK(choose_system_peer(m, 2, 0.001, hop) == 1);  // 0.25 ms
    CHECK(choose_system_peer(m, 2, 0.001, hop) == 1);  // 0.125 ms
    CHECK(choose_system_peer(m, 2, 0.001, hop) == 0);  // 0.0625 ms < 0.1 ms: hop
    CHECK(hop.threshold_s == 0);
    // A big disagreement hops at once.
    m[1].candidate.offset_s = 0.01;
    CHECK(choose_system_peer(m, 2, 0.001, hop) == 0);
}

TEST_CASE("select_clock: falseticker tallied, survivors combined, prefer overrides") {
    std::vector<Candidate> c{cand(1, 0.001, 0.02), cand(2, 0.3, 0.02), cand(3, -0.001, 0.02),
                             cand(4, 0.0005, 0.02)};
    ClockHop hop;
    auto r = select_clock(c, SelectionOptions{}, std::nullopt, hop);
    REQUIRE(r.system_peer);
    CHECK(r.from == SelectedFrom::network);
    CHECK(r.tally[1] == Tally::falseticker);
    CHECK(*r.system_peer != 2);
    CHECK(std::fabs(r.offset_s) < 0.002);

    c[2].prefer = true;
    r = select_clock(c, SelectionOptions{}, std::nullopt, hop);
    CHECK(r.system_peer == 3);
    CHECK(r.offset_s == -0.001);
    CHECK(r.tally[2] == Tally::system_peer);
}

TEST_CASE("select_clock: LOCAL held aside until orphanwait, then used as last resort") {
    Candidate local = cand(9, 0, 0.001, 0, 10);
    local.kind = SourceKind::local_clock;
    std::vector<Candidate> only_local{local};
    ClockHop hop;
    SelectionOptions opts;
    auto r = select_clock(only_local, opts, std::nullopt, hop);
    CHECK_FALSE(r.system_peer);
    CHECK(r.tally[0] == Tally::held_aside);
    opts.orphan_wait_elapsed = true;
    r = select_clock(only_local, opts, std::nullopt, hop);
    CHECK(r.system_peer == 9);
    CHECK(r.from == SelectedFrom::local_clock);

    // With a real server surviving, LOCAL is not used even after orphanwait.
    std::vector<Candidate> both{local, cand(1, 0.002, 0.02)};
    r = select_clock(both, opts, std::nullopt, hop);
    CHECK(r.system_peer == 1);
    CHECK(r.tally[0] == Tally::held_aside);

    // `prefer` LOCAL is an ordinary candidate.
    only_local[0].prefer = true;
    opts.orphan_wait_elapsed = false;
    r = select_clock(only_local, opts, std::nullopt, hop);
    CHECK(r.system_peer == 9);
}

TEST_CASE("select_clock: minsane leaves the building dark") {
    std::vector<Candidate> c{cand(1, 0.001, 0.02)};
    SelectionOptions opts;
    opts.min_sane = 2;
    ClockHop hop;
    auto r = select_clock(c, opts, std::nullopt, hop);
    CHECK_FALSE(r.system_peer);
    CHECK(r.tally[0] == Tally::survivor);
}

TEST_CASE("orphan parent: lowest metric below ours wins; none if we are lowest") {
    Candidate a = cand(1, 0, 0.01, 0, 5), b = cand(2, 0, 0.01, 0, 5), c = cand(3, 0, 0.01, 0, 3);
    a.address_metric = 0x0a000005;
    b.address_metric = 0x0a000002;
    c.address_metric = 0x0a000001;  // not at the orphan stratum
    std::vector<Candidate> all{a, b, c};
    CHECK(choose_orphan_parent(all, 5, 0x0a000009) == 2);
    CHECK_FALSE(choose_orphan_parent(all, 5, 0x0a000001));

    // Orphan peers are held aside and elected only when nothing else survives.
    SelectionOptions opts;
    opts.orphan_stratum = 5;
    opts.our_address_metric = 0x0a000009;
    ClockHop hop;
    std::vector<Candidate> orphans{a, b};
    auto r = select_clock(orphans, opts, std::nullopt, hop);
    CHECK(r.system_peer == 2);
    CHECK(r.from == SelectedFrom::orphan_parent);
}
