#include "libntp/oneshot/sample_filter.hh"

#include <catch2/catch.hpp>

#include <vector>

using ntp::wire::NtpTimestamp;

namespace {

// A timestamp `s` seconds after an arbitrary base in era 0.
NtpTimestamp ts(double s) {
    const std::uint64_t base = std::uint64_t{0xeeaca764} << 32;
    return NtpTimestamp::from_raw(base + static_cast<std::uint64_t>(ntp::oneshot::lfp_from_seconds(s)));
}

ntp::oneshot::Sample sample(double delay_s, double offset_s) {
    return {static_cast<ntp::oneshot::Sfp>(delay_s * ntp::oneshot::fp_second), ntp::oneshot::lfp_from_seconds(offset_s)};
}

ntp::oneshot::ServerSummary good_server(double offset_s, int stratum = 2, double delay_s = 0.026) {
    ntp::oneshot::ServerSummary s;
    s.filter.delay = static_cast<ntp::oneshot::Sfp>(delay_s * ntp::oneshot::fp_second);
    s.filter.offset = ntp::oneshot::lfp_from_seconds(offset_s);
    s.filter.short_offset = ntp::oneshot::lfp_to_sfp(s.filter.offset);
    s.filter.dispersion = 0;
    s.stratum = stratum;
    s.precision_log2 = -20;
    s.reference_ts = ts(-30);
    s.transmit_ts = ts(0);
    return s;
}

}  // namespace

TEST_CASE("lfp_to_sfp truncates towards minus infinity and saturates") {
    CHECK(ntp::oneshot::lfp_to_sfp(ntp::oneshot::lfp_from_seconds(0.5)) == 0x8000);
    CHECK(ntp::oneshot::lfp_to_sfp(1) == 0);
    CHECK(ntp::oneshot::lfp_to_sfp(-1) == -1);  // floor, like the classic shift
    CHECK(ntp::oneshot::lfp_to_sfp(ntp::oneshot::lfp_from_seconds(40000)) == 0x7fffffff);
    CHECK(ntp::oneshot::lfp_to_sfp(ntp::oneshot::lfp_from_seconds(-40000)) == -0x7fffffff);
}

TEST_CASE("lfp_diff is modular across the 2036 era boundary") {
    NtpTimestamp before(0xffffffffu, 0x80000000u);  // 0.5 s before the rollover
    NtpTimestamp after(0, 0x80000000u);             // 0.5 s after
    CHECK(ntp::oneshot::lfp_to_seconds(ntp::oneshot::lfp_diff(after, before)) == 1.0);
    CHECK(ntp::oneshot::lfp_to_seconds(ntp::oneshot::lfp_diff(before, after)) == -1.0);
}

TEST_CASE("sample on a LAN: classic adds 2^-6 + 2^prec + 0.01 s to the delay") {
    // 190 us round trip, server 10 us of processing, clocks agree.
    ntp::oneshot::Sample s = ntp::oneshot::make_sample(ts(0), ts(0.0001), ts(0.00011), ts(0.0002), -26);
    // 0.00019 s truncated to 16.16 is 12/65536; plus 0x400 + 0 + 0x28f.
    CHECK(s.delay == 12 + 0x400 + 0x28f);
    CHECK(ntp::oneshot::sfp_to_seconds(s.delay) == Approx(0.02580).margin(0.00001));
    CHECK(ntp::oneshot::lfp_to_seconds(s.offset) == Approx(0.000005).margin(1e-9));
}

TEST_CASE("sample offset sign: positive when the server is ahead") {
    ntp::oneshot::Sample s = ntp::oneshot::make_sample(ts(0), ts(3.5001), ts(3.5002), ts(0.0003), -20);
    CHECK(ntp::oneshot::lfp_to_seconds(s.offset) == Approx(3.5).margin(1e-6));
    ntp::oneshot::Sample behind = ntp::oneshot::make_sample(ts(10), ts(6.4901), ts(6.4902), ts(10.0003), -20);
    CHECK(ntp::oneshot::lfp_to_seconds(behind.offset) == Approx(-3.51).margin(1e-6));
}

TEST_CASE("sample delay is floored at 0.02 s and a hopeless one is empty") {
    // The fixed terms alone (0x400 + 0x28f = 0.0256 s) exceed 0.02 s, so
    // only a negative measured delay (server transmit "after" our receive)
    // reaches the floor.
    ntp::oneshot::Sample floored = ntp::oneshot::make_sample(ts(0), ts(0.0), ts(0.01), ts(0.0), -26);
    CHECK(floored.delay == ntp::oneshot::min_distance);
    ntp::oneshot::Sample hopeless = ntp::oneshot::make_sample(ts(0), ts(0.0), ts(1.0), ts(0.0), -26);
    CHECK(hopeless.empty());
    CHECK(hopeless.offset == 0);
}

TEST_CASE("filter: minimum delay wins, dispersion weights the others by 1/2^i") {
    std::vector<ntp::oneshot::Sample> slots = {sample(0.030, 0.001), sample(0.026, 0.002),
                                     sample(0.028, 0.004), sample(0.027, 0.000)};
    ntp::oneshot::FilterResult r = ntp::oneshot::filter(slots);
    CHECK(r.delay == slots[1].delay);
    CHECK(r.offset == slots[1].offset);
    // Sorted: 0.026(0.002) 0.027(0.000) 0.028(0.004) 0.030(0.001)
    ntp::oneshot::Sfp o0 = ntp::oneshot::lfp_to_sfp(slots[1].offset);
    auto d = [&](const ntp::oneshot::Sample& s) {
        ntp::oneshot::Sfp v = ntp::oneshot::lfp_to_sfp(s.offset) - o0;
        return static_cast<ntp::oneshot::Ufp>(v < 0 ? -v : v);
    };
    ntp::oneshot::Ufp expect = (d(slots[3]) >> 1) + (d(slots[2]) >> 2) + (d(slots[0]) >> 3);
    CHECK(r.dispersion == expect);
}

TEST_CASE("filter: empty slots sort last and count as 64 s of dispersion") {
    std::vector<ntp::oneshot::Sample> slots = {ntp::oneshot::Sample{}, sample(0.026, 0.25), ntp::oneshot::Sample{},
                                     ntp::oneshot::Sample{}};
    ntp::oneshot::FilterResult r = ntp::oneshot::filter(slots);
    CHECK(r.delay == slots[1].delay);
    CHECK(r.short_offset == 0x4000);
    CHECK(r.dispersion == (ntp::oneshot::max_dispersion >> 1) + (ntp::oneshot::max_dispersion >> 2) +
                             (ntp::oneshot::max_dispersion >> 3));
}

TEST_CASE("filter: no samples at all") {
    std::vector<ntp::oneshot::Sample> slots(4);
    ntp::oneshot::FilterResult r = ntp::oneshot::filter(slots);
    CHECK(r.delay == 0);
    CHECK(r.offset == 0);
    CHECK(r.dispersion == ntp::oneshot::max_dispersion);
}

TEST_CASE("filter: equal delays keep the earlier slot") {
    std::vector<ntp::oneshot::Sample> slots = {sample(0.026, 0.001), sample(0.026, 0.002)};
    CHECK(ntp::oneshot::filter(slots).offset == slots[0].offset);
}

TEST_CASE("check_server: each classic reason, in classic order") {
    using R = ntp::oneshot::DropReason;
    ntp::oneshot::ServerSummary s = good_server(0.1);
    CHECK(ntp::oneshot::check_server(s) == R::none);

    ntp::oneshot::ServerSummary none;
    CHECK(ntp::oneshot::check_server(none) == R::no_data);

    auto with = [&](auto change) {
        ntp::oneshot::ServerSummary c = s;
        change(c);
        return ntp::oneshot::check_server(c);
    };
    CHECK(with([](auto& c) { c.stratum = 16; }) == R::stratum_too_high);
    CHECK(with([](auto& c) { c.filter.delay = 9 * ntp::oneshot::fp_second; }) == R::too_far_away);
    CHECK(with([](auto& c) { c.leap = 3; }) == R::leap_not_in_sync);
    CHECK(with([](auto& c) { c.reference_ts = c.transmit_ts; }) == R::very_broken);
    CHECK(with([](auto& c) { c.reference_ts = ts(1); }) == R::very_broken);
    CHECK(with([](auto& c) { c.reference_ts = ts(-86400); }) == R::too_long_without_sync);
    CHECK(with([](auto& c) { c.reference_ts = ts(-86399); }) == R::none);
    CHECK(with([](auto& c) { c.trust = 1; }) == R::untrusted);
    // Several faults: the first check in classic order is reported.
    CHECK(with([](auto& c) { c.leap = 3; c.trust = 1; }) == R::leap_not_in_sync);
    CHECK(ntp::oneshot::drop_text(R::leap_not_in_sync) == "Leap not in sync");
    CHECK(ntp::oneshot::drop_text(R::no_data) == "no data");
}

TEST_CASE("a Windows-style server (stratum 1, 10 s root dispersion) is accepted") {
    // Root delay/dispersion play no part in classic ntpdate's checks.
    ntp::oneshot::ServerSummary w = good_server(0.02, 1);
    std::vector<ntp::oneshot::ServerSummary> list = {w};
    CHECK(ntp::oneshot::select(list).chosen == 0u);
}

TEST_CASE("select: nothing usable") {
    std::vector<ntp::oneshot::ServerSummary> list = {ntp::oneshot::ServerSummary{}, good_server(0.1)};
    list[1].leap = 3;
    ntp::oneshot::Selection sel = ntp::oneshot::select(list);
    CHECK_FALSE(sel.chosen.has_value());
    REQUIRE(sel.dropped.size() == 2);
    CHECK(sel.dropped[0] == std::pair<std::size_t, ntp::oneshot::DropReason>{0, ntp::oneshot::DropReason::no_data});
    CHECK(sel.dropped[1].second == ntp::oneshot::DropReason::leap_not_in_sync);
}

TEST_CASE("select: lower stratum first, then lower delay") {
    std::vector<ntp::oneshot::ServerSummary> list = {good_server(0.001, 3, 0.020), good_server(0.002, 2, 0.040),
                                           good_server(0.0021, 2, 0.030)};
    // Offsets agree within the threshold: nobody is dropped, the best of
    // the lowest stratum (smallest delay) wins.
    CHECK(ntp::oneshot::select(list).chosen == 2u);
}

TEST_CASE("select: a falseticker is voted out") {
    std::vector<ntp::oneshot::ServerSummary> list = {good_server(5.0, 2, 0.020), good_server(0.010, 2, 0.030),
                                           good_server(0.011, 2, 0.031)};
    // Server 0 has the lowest delay but disagrees with the other two.
    CHECK(ntp::oneshot::select(list).chosen == 1u);
}

TEST_CASE("select: the list is cut before the second stratum increase") {
    // Strata 1, 2, 3: the stratum-3 server cannot take part even though it
    // has the lowest delay.
    std::vector<ntp::oneshot::ServerSummary> list = {good_server(0.0, 3, 0.020), good_server(0.0, 1, 0.050),
                                           good_server(0.0, 2, 0.030)};
    CHECK(ntp::oneshot::select(list).chosen == 1u);
}

TEST_CASE("select: at most five candidates are kept") {
    std::vector<ntp::oneshot::ServerSummary> list;
    for (int i = 0; i < 7; ++i) {
        list.push_back(good_server(0.0, 2, 0.030 - i * 0.001));
        list.back().filter.dispersion = static_cast<ntp::oneshot::Ufp>(i * 100);
    }
    // The two with the largest dispersion (5, 6) never enter the list, so
    // the lowest delay among 0..4 wins.
    CHECK(ntp::oneshot::select(list).chosen == 4u);
}

TEST_CASE("choose_adjustment: 0.5 s threshold in 16.16, -b and -B") {
    using A = ntp::oneshot::Adjustment;
    CHECK(ntp::oneshot::choose_adjustment(0x8000, false, false) == A::step);
    CHECK(ntp::oneshot::choose_adjustment(0x7fff, false, false) == A::slew);
    CHECK(ntp::oneshot::choose_adjustment(-0x8000, false, false) == A::step);
    CHECK(ntp::oneshot::choose_adjustment(-0x7fff, false, false) == A::slew);
    CHECK(ntp::oneshot::choose_adjustment(0, true, false) == A::step);
    CHECK(ntp::oneshot::choose_adjustment(10 * ntp::oneshot::fp_second, false, true) == A::slew);
    // The 16.16 floor makes a negative offset just short of -0.5 s step,
    // like classic.
    CHECK(ntp::oneshot::choose_adjustment(ntp::oneshot::lfp_to_sfp(ntp::oneshot::lfp_from_seconds(-0.49999)), false, false) ==
          A::step);
}

TEST_CASE("slew_with_overshoot: half the offset, at most 62.5 ms, same sign") {
    auto slew = [](double s) { return ntp::oneshot::lfp_to_seconds(ntp::oneshot::slew_with_overshoot(ntp::oneshot::lfp_from_seconds(s))); };
    CHECK(slew(0.1) == Approx(0.15));
    CHECK(slew(-0.01) == Approx(-0.015));
    CHECK(slew(0.2) == Approx(0.2625));
    CHECK(slew(-0.4) == Approx(-0.4625));
    CHECK(slew(0.0) == 0.0);
}
