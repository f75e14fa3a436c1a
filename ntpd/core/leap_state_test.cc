#include "ntpd/core/leap_state.hh"

#include <fcntl.h>
#include <sys/stat.h>
#include <utime.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "tests/support/sim_clock.hh"
#include "tests/support/test_dir.hh"

using namespace ntpd;
using ntp::clock::LeapDirection;
using ntp::clock::SimClock;
using ntp::clock::testing::TestDir;
using ntp::clock::testing::write_text;

namespace {

// leap-seconds.list format, signed: the 2015 and 2017 leaps, updated 2016-07-08,
// expiring 2017-06-28 (hash: SHA-1 of the digits, computed with sha1sum).
const std::string leap_list =
    "#$\t3676924800\n"
    "#@\t3707596800\n"
    "3644697600\t36\t# 1 Jul 2015\n"
    "3692217600\t37\t# 1 Jan 2017\n"
    "#h\t69819b11 4add8248 4c1f2799 a5994f71 2bcf979c\n";

constexpr std::int64_t jan_2017 = 1'483'228'800;  // 2017-01-01T00:00:00Z, after the leap
constexpr std::int64_t day = 86400;

bool has_event(const LeapActions& a, SystemEvent e, const std::string& detail = "*") {
    for (const auto& [code, text] : a.events)
        if (code == e && (detail == "*" || text == detail)) return true;
    return false;
}

bool has_message(const LeapActions& a, const std::string& text) {
    for (const auto& m : a.messages)
        if (m.text == text) return true;
    return false;
}

// Drives a LeapState once a second over the SimClock, collecting what it says.
struct Driver {
    SimClock clock;
    LeapState leap;
    LeapActions seen;
    double steady_s = 0;
    std::int64_t announced_from = 0;  // first reading with LI 01/10
    int leap_jumps = 0;

    Driver(std::int64_t start_unix_s, std::optional<std::string> file)
        : clock(options(start_unix_s)), leap(std::move(file)) {}

    static SimClock::Options options(std::int64_t start) {
        SimClock::Options o;
        o.start = {static_cast<time_t>(start), 0};
        return o;
    }

    void run(double seconds, const LeapVotes& votes = {}) {
        for (int i = 0; i < static_cast<int>(seconds); ++i) {
            const double before = ntp::clock::to_seconds(clock.now());
            clock.advance(1);
            steady_s += 1;
            const double jump = ntp::clock::to_seconds(clock.now()) - before - 1;
            if (std::fabs(jump) > 0.5 && leap.take_leap_jump(jump, clock.now())) ++leap_jumps;
            auto a = leap.tick(clock.now(), steady_s, votes, clock);
            for (auto& e : a.events) seen.events.push_back(e);
            for (auto& m : a.messages) seen.messages.push_back(m);
            if (leap.announcement() != leap::none && announced_from == 0) announced_from = clock.now().tv_sec;
        }
    }
};

}  // namespace

TEST_CASE("leap state: a leap file arms, announces the last day and the clock executes the leap") {
    TestDir dir;
    const std::string path = dir.file("leap-seconds.list");
    write_text(path, leap_list);
    Driver d(jan_2017 - 40 * day, path);
    const LeapActions loaded = d.leap.load(jan_2017 - 40 * day, true);
    CHECK(has_message(loaded, "leapsecond file ('" + path + "'): good hash signature"));
    CHECK(has_event(loaded, SystemEvent::tai, "37 leap 201701010000 expires 201706280000"));
    CHECK(d.leap.tai_offset_s() == 36);
    CHECK(d.leap.table_unix_s() == jan_2017);
    CHECK(d.leap.expire_unix_s() == 3707596800LL - 2208988800LL);

    d.run(5);
    CHECK_FALSE(has_event(d.seen, SystemEvent::leap_armed));  // more than a month ahead
    d.run(10 * day);                                          // into December
    CHECK(has_event(d.seen, SystemEvent::leap_armed));
    CHECK(d.leap.announcement() == leap::none);
    CHECK(d.clock.leap_armed() == LeapDirection::none);

    d.run(30 * day - 100);  // to 100 s before the leap
    CHECK(d.announced_from == jan_2017 - day);  // announced exactly in the last day
    CHECK(d.leap.announcement() == leap::add_second);
    CHECK(d.clock.leap_armed() == LeapDirection::insert);
    CHECK(d.leap.near_leap(jan_2017 - 1.5));
    CHECK_FALSE(d.leap.near_leap(jan_2017 - 100));

    d.run(200);
    REQUIRE(d.clock.leaps().size() == 1);  // the clock repeated 23:59:59
    CHECK(d.leap_jumps == 1);              // and that jump was recognised as the leap
    CHECK(has_event(d.seen, SystemEvent::leap_event));
    CHECK(d.leap.announcement() == leap::none);
    CHECK(d.clock.leap_armed() == LeapDirection::none);
    CHECK(d.leap.tai_offset_s() == 37);
    CHECK(d.clock.tai_offset_s() == 37);
    CHECK(d.leap.near_leap(jan_2017 + 1));
    CHECK_FALSE(d.leap.scheduled());
    CHECK(d.clock.error_s() == Approx(-1));  // the clock now shows UTC after the leap
}

TEST_CASE("leap state: without a file, a majority of survivors' leap bits schedules the month's end") {
    Driver d(jan_2017 - 10 * day, std::nullopt);
    d.run(10, {0, 0, 3});
    d.run(10, {1, 0, 3});  // a minority
    CHECK_FALSE(d.leap.scheduled());
    d.run(10, {2, 0, 3});
    REQUIRE(d.leap.scheduled());
    CHECK(d.leap.scheduled()->unix_s == jan_2017);
    CHECK(d.leap.scheduled()->change_s == 1);
    CHECK(has_event(d.seen, SystemEvent::leap_armed));
    d.run(10 * day, {0, 0, 3});  // once scheduled it stays (classic)
    CHECK(d.clock.leaps().size() == 1);
    CHECK(has_event(d.seen, SystemEvent::leap_event));
    CHECK(d.leap.tai_offset_s() == 0);  // unknown without a file
}

TEST_CASE("leap state: a deletion vote, and no vote in the first hour of a month") {
    Driver d(jan_2017 + 1800, std::nullopt);  // 2017-01-01 00:30: leap bits still set from the leap
    d.run(10, {0, 3, 3});
    CHECK_FALSE(d.leap.scheduled());
    d.run(3600, {0, 3, 3});
    REQUIRE(d.leap.scheduled());
    CHECK(d.leap.scheduled()->change_s == -1);
    CHECK(d.leap.scheduled()->unix_s == jan_2017 + 31 * day);  // 2017-02-01
}

TEST_CASE("leap state: a valid leap file outvotes the peers; an expired one does not") {
    TestDir dir;
    const std::string path = dir.file("leap.list");
    write_text(path, leap_list);
    const std::int64_t june_2017 = jan_2017 + 160 * day;  // 2017-06-10, file expires 06-28
    Driver d(june_2017, path);
    d.leap.load(june_2017, true);
    d.run(10, {3, 0, 3});
    CHECK_FALSE(d.leap.scheduled());

    const std::int64_t august_2017 = jan_2017 + 220 * day;
    Driver late(august_2017, path);
    const LeapActions a = late.leap.load(august_2017, true);
    CHECK(late.leap.has_table());  // an expired file still loads ...
    CHECK(has_message(a, "leapsecond file ('" + path + "'): expired less than 42 days ago"));
    CHECK(has_event(a, SystemEvent::tai, "37 leap 201701010000 expired 201706280000"));
    late.run(10, {3, 0, 3});
    CHECK(late.leap.scheduled());  // ... and the peers are heard again
}

TEST_CASE("leap state: a bad file is rejected and logged; a changed file is re-read") {
    TestDir dir;
    const std::string path = dir.file("leap.list");
    std::string bad = leap_list;
    bad.replace(bad.find("\t37\t"), 4, "\t38\t");
    write_text(path, bad);
    Driver d(jan_2017 - 40 * day, path);
    const LeapActions a = d.leap.load(jan_2017 - 40 * day, true);
    CHECK(has_message(a, "leapsecond file ('" + path + "'): signature mismatch (" + path + ":5)"));
    CHECK_FALSE(d.leap.has_table());
    CHECK(d.leap.table_unix_s() == 0);

    // The hourly check notices the corrected file (new mtime) and loads it.
    write_text(path, leap_list);
    ::utime(path.c_str(), nullptr);
    struct timespec later[2] = {{0, UTIME_NOW}, {jan_2017, 0}};
    ::utimensat(AT_FDCWD, path.c_str(), later, 0);
    d.run(3601);
    CHECK(d.leap.has_table());
    CHECK(has_event(d.seen, SystemEvent::tai));

    Driver missing(jan_2017, dir.file("none"));
    CHECK(has_message(missing.leap.load(jan_2017, true),
                      "leapsecond file ('" + dir.file("none") + "'): stat failed: No such file or directory"));
}

TEST_CASE("leap state: a jump that is not the leap is not taken for it") {
    TestDir dir;
    const std::string path = dir.file("leap.list");
    write_text(path, leap_list);
    Driver d(jan_2017 - 100, path);
    d.leap.load(jan_2017 - 100, true);
    d.run(2);
    CHECK(d.leap.announcement() == leap::add_second);
    CHECK_FALSE(d.leap.take_leap_jump(-1, d.clock.now()));  // 98 s early
    CHECK_FALSE(d.leap.take_leap_jump(+2, {jan_2017 - 1, 0}));
    CHECK(d.leap.take_leap_jump(-1, {jan_2017 - 1, 0}));
    CHECK_FALSE(d.leap.take_leap_jump(-1, {jan_2017 - 1, 0}));  // once only
}

TEST_CASE("leap state: with clock control off the leap is announced but the clock is left alone") {
    TestDir dir;
    const std::string path = dir.file("leap.list");
    write_text(path, leap_list);
    Driver d(jan_2017 - 100, std::nullopt);
    LeapState hands_off(path, false);
    hands_off.load(jan_2017 - 100, true);
    CHECK(hands_off.tick(d.clock.now(), 1, {}, d.clock).messages.empty());
    CHECK(hands_off.announcement() == leap::add_second);
    CHECK(d.clock.leap_armed() == LeapDirection::none);
}
