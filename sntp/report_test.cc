#include "sntp/report.hh"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>

namespace {

void use_tz(const char* tz) {
    setenv("TZ", tz, 1);
    tzset();
}

constexpr std::int64_t lfp(double s) { return static_cast<std::int64_t>(s * 4294967296.0); }

}  // namespace

TEST_CASE("offset_calculation: classic's offset and synch distance") {
    sntp::OffsetResult r = sntp::offset_calculation(lfp(0.25), -20, 0.5, 0.125);
    CHECK(r.offset_s == Approx(0.25));
    CHECK(r.precision_s == Approx(1.0 / 1048576));
    // (|2 * 0.25| + 0.5) / 3 + 0.125 + 15e-6
    CHECK(r.synch_distance_s == Approx(1.0 / 3 + 0.125 + 15e-6));
    CHECK(sntp::offset_calculation(lfp(-0.25), 0, 0, 0).synch_distance_s ==
          Approx(0.5 / 3 + 15e-6));
}

TEST_CASE("offset_digits: one per power of ten of the precision, at most 6") {
    CHECK(sntp::offset_digits(1.0) == 0);
    CHECK(sntp::offset_digits(0.5) == 0);
    CHECK(sntp::offset_digits(0.05) == 1);
    CHECK(sntp::offset_digits(0.001) == 2);  // 0.001 * 10 * 10 * 10 is not < 1
    CHECK(sntp::offset_digits(1.0 / 1048576) == 6);
    CHECK(sntp::offset_digits(1e-9) == 6);
    CHECK(sntp::offset_digits(0.0) == 6);
}

TEST_CASE("time_text: local time with classic's zone offset (sign inverted)") {
    use_tz("UTC");
    std::time_t t = 1796663853;  // 2026-12-07 17:17:33 UTC
    CHECK(sntp::time_text(t, 123456) == "2026-12-07 17:17:33.123456 (+0000)");
    // Classic derives the offset as mktime(gmtime(t)) - t, which is minus
    // the zone's offset from UTC: an hour east of Greenwich prints -0100.
    use_tz("CET-1");
    CHECK(sntp::time_text(t, 5) == "2026-12-07 18:17:33.000005 (-0100)");
    use_tz("<-0330>3:30");
    CHECK(sntp::time_text(t, 0) == "2026-12-07 13:47:33.000000 (+0330)");
    use_tz("UTC");
}

TEST_CASE("result_line: classic's layout") {
    sntp::ResultLine l{"2026-12-07 17:17:33.123456 (+0000)",      0.000123, 6, 0.000456,
                       sntp::host_text("127.0.0.1", "127.0.0.1"), 2,        0, false};
    CHECK(sntp::result_line(l) ==
          "2026-12-07 17:17:33.123456 (+0000) +0.000123 +/- 0.000456 127.0.0.1 s2 no-leap");
    l.offset_s = -1.5;
    l.digits = 2;
    l.host = sntp::host_text("localhost", "127.0.0.1");
    l.stratum = 0;
    l.leap = 1;
    l.excess = true;
    CHECK(sntp::result_line(l) ==
          "2026-12-07 17:17:33.123456 (+0000) -1.50 +/- 0.000456 localhost 127.0.0.1 s16 "
          "add-leap [excess]");
    l.synch_distance_s = 0;
    l.excess = false;
    l.leap = 2;
    CHECK(sntp::result_line(l) ==
          "2026-12-07 17:17:33.123456 (+0000) -1.50 localhost 127.0.0.1 s16 del-leap");
    CHECK(std::string(sntp::leap_text(3)) == "unsync");
}

TEST_CASE("no_response_line") {
    CHECK(sntp::no_response_line("127.0.0.1", 5) == "127.0.0.1 no UCST response after 5 seconds");
}

TEST_CASE("choose_action: -S steps, -s slews, both step beyond the step limit") {
    using sntp::ClockAction;
    CHECK(sntp::choose_action(false, false, 0, 3.0) == ClockAction::none);
    CHECK(sntp::choose_action(true, false, 0, 0.001) == ClockAction::step);
    CHECK(sntp::choose_action(false, true, 0, 30.0) == ClockAction::slew);
    CHECK(sntp::choose_action(true, true, 0.1, 0.05) == ClockAction::slew);
    CHECK(sntp::choose_action(true, true, 0.1, -0.2) == ClockAction::step);
    // -M not given (0): both flags step any non-zero offset.
    CHECK(sntp::choose_action(true, true, 0, 1e-9) == ClockAction::step);
}
