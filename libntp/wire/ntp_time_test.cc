#include "libntp/wire/ntp_time.hh"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace ntp::wire;

namespace {
// Reference instants, as Unix seconds.
constexpr std::int64_t unix_1900 = -2208988800LL;
constexpr std::int64_t unix_2010 = 1262304000LL;       // 2010-01-01T00:00:00Z
constexpr std::int64_t unix_2024 = 1704067200LL;       // 2024-01-01T00:00:00Z
constexpr std::int64_t unix_2036_rollover = 2085978496LL;  // 2036-02-07T06:28:16Z
constexpr std::int64_t unix_2040 = 2208988800LL;       // 2040-01-01T00:00:00Z
constexpr std::int64_t unix_2060 = 2840140800LL;       // 2060-01-01T00:00:00Z

NtpTime at_unix(std::int64_t unix_s, std::uint32_t fraction = 0) {
    return NtpTime(unix_s + unix_to_ntp_offset_s, fraction);
}
constexpr double unit = 1.0 / 4294967296.0;  // 2^-32 s
}  // namespace

TEST_CASE("epochs and the 2036 era boundary", "[ntp_time]") {
    CHECK(at_unix(unix_1900).seconds_since_1900() == 0);
    CHECK(at_unix(unix_1900).era() == 0);
    CHECK(at_unix(unix_1900 - 1).era() == -1);
    CHECK(at_unix(unix_1900 - 1).timestamp().seconds() == 0xffffffffu);
    CHECK(at_unix(unix_2036_rollover).seconds_since_1900() == era_length_s);
    CHECK(at_unix(unix_2036_rollover).era() == 1);
    CHECK(at_unix(unix_2036_rollover).timestamp().raw() == 0);
    CHECK(at_unix(unix_2036_rollover - 1).era() == 0);
    CHECK(at_unix(unix_2036_rollover - 1).timestamp().seconds() == 0xffffffffu);
    CHECK(era_floor_s_since_1900 == unix_2024 + unix_to_ntp_offset_s);
}

TEST_CASE("timespec round trips are exact to the nanosecond", "[ntp_time]") {
    for (long nsec : {0L, 1L, 499999999L, 500000000L, 999999999L}) {
        for (std::int64_t sec : {std::int64_t{0}, std::int64_t{-1}, unix_1900, unix_2010,
                                 unix_2036_rollover - 1, unix_2036_rollover, unix_2060}) {
            timespec ts{static_cast<time_t>(sec), nsec};
            timespec back = NtpTime::from_timespec(ts).to_timespec();
            INFO("sec " << sec << " nsec " << nsec);
            CHECK(back.tv_sec == ts.tv_sec);
            CHECK(back.tv_nsec == ts.tv_nsec);
        }
    }
    CHECK(NtpTime::from_timespec({0, 500000000}) == NtpTime(2208988800LL, 0x80000000u));
}

TEST_CASE("fraction carry and unnormalised timespecs", "[ntp_time]") {
    // 0xffffffff units is 999999999.77 ns: rounds up into the next second.
    timespec ts = NtpTime(100, 0xffffffffu).to_timespec();
    CHECK(ts.tv_sec == 100 - unix_to_ntp_offset_s + 1);
    CHECK(ts.tv_nsec == 0);
    CHECK(NtpTime::from_timespec({5, 1500000000}) == NtpTime::from_timespec({6, 500000000}));
    CHECK(NtpTime::from_timespec({0, -1}) == NtpTime::from_timespec({-1, 999999999}));
    CHECK(NtpTime::from_timespec({-1, 500000000}) == NtpTime(2208988799LL, 0x80000000u));
}

TEST_CASE("double seconds conversions", "[ntp_time]") {
    CHECK(NtpTime::from_unix_seconds(0.5) == NtpTime(2208988800LL, 0x80000000u));
    CHECK(NtpTime::from_unix_seconds(-0.25) == NtpTime(2208988799LL, 0xc0000000u));
    CHECK(NtpTime::from_unix_seconds(std::nan("")) == NtpTime{});
    CHECK(NtpTime::from_unix_seconds(std::numeric_limits<double>::infinity()) == NtpTime{});
    CHECK(at_unix(unix_2024, 0x40000000u).to_unix_seconds() == Approx(unix_2024 + 0.25));
    CHECK(NtpTime(10, 0).add_seconds(-0.25) == NtpTime(9, 0xc0000000u));
    CHECK(NtpTime(10, 0xc0000000u).add_seconds(0.5) == NtpTime(11, 0x40000000u));
    CHECK(NtpTime(10, 0).add_seconds(unit) == NtpTime(10, 1));
    CHECK(at_unix(unix_2010).add_seconds(static_cast<double>(unix_2040 - unix_2010)) ==
          at_unix(unix_2040));
    CHECK(NtpTime(10, 5).add_seconds(std::nan("")) == NtpTime(10, 5));
    // Saturation, not wrap-around, on absurd inputs.
    CHECK(NtpTime::from_unix_seconds(1e300).seconds_since_1900() > 0);
    CHECK(NtpTime::from_unix_seconds(-1e300).seconds_since_1900() < 0);
}

TEST_CASE("timespec helpers handle negative differences", "[ntp_time]") {
    CHECK(timespec_diff_s({1, 0}, {2, 500000000}) == -1.5);
    CHECK(timespec_diff_s({2, 500000000}, {1, 0}) == 1.5);
    CHECK(timespec_diff_s({0, 1}, {0, 2}) == Approx(-1e-9).margin(1e-18));
    timespec t = timespec_from_seconds(-0.25);
    CHECK(t.tv_sec == -1);
    CHECK(t.tv_nsec == 750000000);
    t = timespec_from_seconds(1.9999999999);
    CHECK(t.tv_sec == 2);
    CHECK(t.tv_nsec == 0);
    t = timespec_from_seconds(std::nan(""));
    CHECK((t.tv_sec == 0 && t.tv_nsec == 0));
}

TEST_CASE("differences are exact to 2^-32 s even late in era 1", "[ntp_time]") {
    NtpTime a = at_unix(unix_2060, 7);
    NtpTime b = at_unix(unix_2060, 6);
    CHECK(diff_s(a, b) == unit);
    CHECK(diff_s(b, a) == -unit);
    // Going through double seconds first loses it: that is why diff_s exists.
    CHECK(a.to_unix_seconds() - b.to_unix_seconds() != unit);
    // Across the rollover.
    NtpTime before = at_unix(unix_2036_rollover - 1, 0xffffffffu);
    NtpTime after = at_unix(unix_2036_rollover, 0);
    CHECK(diff_s(after, before) == unit);
    // Large differences are still exact where a double can hold them.
    CHECK(diff_s(at_unix(unix_2040), at_unix(1970)) == static_cast<double>(unix_2040 - 1970));
    CHECK(diff_s(at_unix(unix_2010, 0x80000000u), at_unix(unix_2060)) ==
          static_cast<double>(unix_2010 - unix_2060) + 0.5);
}

TEST_CASE("wire timestamp differences are modulo 2^64", "[ntp_time]") {
    NtpTimestamp before = at_unix(unix_2036_rollover - 1).timestamp();
    NtpTimestamp after = at_unix(unix_2036_rollover + 1, 0x80000000u).timestamp();
    CHECK(after < before);  // raw order flips at the rollover
    CHECK(diff_s(after, before) == 2.5);
    CHECK(diff_s(before, after) == -2.5);
    CHECK(diff_s(NtpTimestamp(0, 1), NtpTimestamp(0, 0)) == unit);
}

TEST_CASE("NTP short format", "[ntp_time]") {
    CHECK(NtpShort::from_seconds(1.5).raw() == 0x00018000u);
    CHECK(NtpShort::from_seconds(1.0 / 65536).raw() == 1);
    CHECK(NtpShort::from_seconds(0.6 / 65536).raw() == 1);
    CHECK(NtpShort::from_seconds(0.4 / 65536).raw() == 0);
    CHECK(NtpShort::from_seconds(-3).raw() == 0);
    CHECK(NtpShort::from_seconds(std::nan("")).raw() == 0);
    CHECK(NtpShort::from_seconds(70000).raw() == 0xffffffffu);
    CHECK(NtpShort::from_seconds(65535.99999).raw() == 0xffffffffu);
    CHECK(NtpShort::from_raw(0x00020000u).to_seconds() == 2.0);
    CHECK(NtpShort::from_raw(0x00000001u).to_seconds() == 1.0 / 65536);
}

TEST_CASE("closest_era picks the era nearest the reference", "[ntp_time]") {
    const NtpTimestamp zero(0, 0);
    // Exactly 2^31 s either way: ties go to the later era.
    CHECK(closest_era(zero, NtpTime(std::int64_t{1} << 31, 0)) == NtpTime(era_length_s, 0));
    CHECK(closest_era(zero, NtpTime((std::int64_t{1} << 31) - 1, 0)) == NtpTime(0, 0));
    CHECK(closest_era(zero, NtpTime(std::int64_t{1} << 31, 1)) == NtpTime(era_length_s, 0));
    // A timestamp just before the rollover, seen from just after it.
    const NtpTime just_before = at_unix(unix_2036_rollover - 5);
    CHECK(closest_era(just_before.timestamp(), at_unix(unix_2036_rollover + 5)) == just_before);
    const NtpTime just_after = at_unix(unix_2036_rollover + 5);
    CHECK(closest_era(just_after.timestamp(), at_unix(unix_2036_rollover - 5)) == just_after);
    // Before 1900 too.
    CHECK(closest_era(NtpTimestamp(0xfffffff0u, 0), NtpTime(3, 0)) == NtpTime(-16, 0));
}

TEST_CASE("resolve_era never missteps by 2^32 s from a 1970, 2010 or 2040 clock", "[ntp_time]") {
    const std::int64_t locals[] = {0, unix_2010, unix_2040};
    const std::int64_t truths[] = {unix_2024,
                                   unix_2036_rollover - 1,
                                   unix_2036_rollover,
                                   unix_2036_rollover + 1,
                                   unix_2040,
                                   unix_2060,
                                   1893456000LL /* 2030 */};
    for (std::int64_t local : locals) {
        for (std::int64_t truth : truths) {
            INFO("local " << local << " true " << truth);
            const NtpTime true_time = at_unix(truth, 0x12345678u);
            const NtpTime local_now = at_unix(local, 0x9abcdef0u);
            const NtpTime resolved = resolve_era(true_time.timestamp(), local_now);
            CHECK(resolved == true_time);
            // ... so the offset to apply is the real one, not 2^32 s off.
            const double expected = static_cast<double>(truth - local) +
                                    (double{0x12345678u} - double{0x9abcdef0u}) * unit;
            CHECK(diff_s(resolved, local_now) == Approx(expected).margin(1e-6));
        }
    }
    // A clock that is right keeps resolving right on both sides of 2036.
    for (std::int64_t t = unix_2036_rollover - 3; t <= unix_2036_rollover + 3; ++t)
        CHECK(resolve_era(at_unix(t).timestamp(), at_unix(t + 1)) == at_unix(t));
}

TEST_CASE("random low-order bits stay below the precision", "[ntp_time]") {
    const NtpTimestamp t(5, 0x12345678u);
    CHECK(with_random_low_bits(t, -20, 0xabcdefffu) == NtpTimestamp(5, 0x12345fffu));
    CHECK(with_random_low_bits(t, -20, 0) == NtpTimestamp(5, 0x12345000u));
    CHECK(with_random_low_bits(t, -32, 0xffffffffu) == t);
    CHECK(with_random_low_bits(t, -40, 0xffffffffu) == t);
    CHECK(with_random_low_bits(t, 0, 0xdeadbeefu) == NtpTimestamp(5, 0xdeadbeefu));
    CHECK(with_random_low_bits(t, 3, 0xdeadbeefu) == NtpTimestamp(5, 0xdeadbeefu));
    const NtpTime full(era_length_s + 5, 0x12345678u);
    const NtpTime r = with_random_low_bits(full, -24, 0xffffffffu);
    CHECK(r == NtpTime(era_length_s + 5, 0x123456ffu));
    CHECK(std::abs(diff_s(r, full)) < std::ldexp(1.0, -24));
}

TEST_CASE("on-wire offset and delay", "[ntp_time]") {
    const NtpTime t1 = at_unix(unix_2024);
    const auto plus = [&](std::int64_t units) {
        return NtpTime(t1.seconds_since_1900() + (units >> 32),
                       static_cast<std::uint32_t>(units & 0xffffffff));
    };
    // Server 1 unit after our send, replies 3 units later, we receive at +10.
    OnWireResult r = on_wire(t1, plus(1), plus(4), plus(10));
    CHECK(r.offset_s == -2.5 * unit);
    CHECK(r.delay_s == 7 * unit);
    // A clock 30 years behind with 20 ms each way.
    const NtpTime local = at_unix(unix_2010);
    const NtpTime server = at_unix(unix_2040);
    r = on_wire(local, server.add_seconds(0.020), server.add_seconds(0.021),
                local.add_seconds(0.041));
    CHECK(r.offset_s == Approx(static_cast<double>(unix_2040 - unix_2010)));
    CHECK(r.delay_s == Approx(0.040).margin(1e-9));
    // Straddling the 2036 rollover.
    const NtpTime a = at_unix(unix_2036_rollover - 1);
    r = on_wire(a, a.add_seconds(0.75), a.add_seconds(1.25), a.add_seconds(2));
    CHECK(r.offset_s == 0.0);
    CHECK(r.delay_s == 1.5);
}
