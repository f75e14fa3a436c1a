#include "ntpdate/format.hh"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>

using ntp::wire::NtpTime;
using ntp::wire::NtpTimestamp;

namespace {

void use_utc() {
    setenv("TZ", "UTC", 1);
    tzset();
}

// The server of samples/classic/ntpdate-d-q.txt, rebuilt from its numbers.
ntpdate::ServerReport classic_capture() {
    ntpdate::ServerReport r;
    r.address = "10.200.0.1";
    r.stratum = 2;
    r.precision_log2 = -26;
    r.filter.delay = 0x0692;  // 0.02567
    r.filter.offset = ntp::oneshot::lfp_from_seconds(0.000004);
    r.filter.dispersion = 0;
    r.transmitted = 4;
    r.in_filter = 4;
    r.reference_ts = NtpTimestamp(0xeeaca75d, 0xbb2601a9);
    r.originate_ts = NtpTimestamp(0xeeaca764, 0xe24b18c0);
    r.transmit_ts = NtpTimestamp(0xeeaca764, 0xe245473b);
    const double delays[4] = {0.02570, 0.02567, 0.02567, 0.02567};
    const double offsets[4] = {0.000017, 0.000004, 0.000006, 0.000005};
    for (std::size_t i = 0; i < 4; ++i) {
        // The 16.16 value nearest to the captured delay.
        r.slots[i].delay = static_cast<ntp::oneshot::Sfp>(delays[i] * 65536 + 0.5);
        r.slots[i].offset = ntp::oneshot::lfp_from_seconds(offsets[i]);
    }
    return r;
}

NtpTime capture_now() { return NtpTime::from_timestamp(NtpTimestamp(0xeeaca764, 0), 0); }

}  // namespace

TEST_CASE("pretty_date: classic prettydate in local time") {
    use_utc();
    CHECK(ntpdate::pretty_date(NtpTimestamp(0xeeaca75d, 0xbb2601a9), capture_now()) ==
          "eeaca75d.bb2601a9  Sat, Nov 21 2026 23:27:25.731");
    // Raw zero is read in the era closest to now: 2036, hour padded with a space.
    CHECK(ntpdate::pretty_date(NtpTimestamp(), capture_now()) ==
          "00000000.00000000  Thu, Feb  7 2036  6:28:16.000");
}

TEST_CASE("query_line: samples/classic/ntpdate-q.txt and -q-noserver") {
    ntpdate::ServerReport r;
    r.address = "10.200.0.1";
    r.stratum = 2;
    r.filter.offset = ntp::oneshot::lfp_from_seconds(0.000009);
    r.filter.delay = static_cast<ntp::oneshot::Sfp>(0.02568 * 65536 + 0.5);
    CHECK(ntpdate::query_line(r) == "server 10.200.0.1, stratum 2, offset 0.000009, delay 0.02568\n");

    ntpdate::ServerReport none;
    none.address = "10.200.0.9";
    CHECK(ntpdate::query_line(none) ==
          "server 10.200.0.9, stratum 0, offset 0.000000, delay 0.00000\n");
}

TEST_CASE("debug_block: byte for byte the block of samples/classic/ntpdate-d-q.txt") {
    use_utc();
    const char* expected =
        "server 10.200.0.1, port 123\n"
        "stratum 2, precision -26, leap 00, trust 000\n"
        "refid [10.200.0.1], delay 0.02567, dispersion 0.00000\n"
        "transmitted 4, in filter 4\n"
        "reference time:    eeaca75d.bb2601a9  Sat, Nov 21 2026 23:27:25.731\n"
        "originate timestamp: eeaca764.e24b18c0  Sat, Nov 21 2026 23:27:32.883\n"
        "transmit timestamp:  eeaca764.e245473b  Sat, Nov 21 2026 23:27:32.883\n"
        "filter delay:  0.02570  0.02567  0.02567  0.02567 \n"
        "         0.00000  0.00000  0.00000  0.00000 \n"
        "filter offset: 0.000017 0.000004 0.000006 0.000005\n"
        "         0.000000 0.000000 0.000000 0.000000\n"
        "delay 0.02567, dispersion 0.00000\n"
        "offset 0.000004\n"
        "\n";
    CHECK(ntpdate::debug_block(classic_capture(), capture_now()) == expected);
}

TEST_CASE("debug_block: stratum 1 shows the refid text, leap bits, trust in octal") {
    use_utc();
    ntpdate::ServerReport r = classic_capture();
    r.stratum = 1;
    r.refid = ntp::wire::RefId::from_ascii("LOCL");
    r.leap = 3;
    r.trust = 0x0b;
    std::string block = ntpdate::debug_block(r, capture_now());
    CHECK(block.find("stratum 1, precision -26, leap 11, trust 013\n") != std::string::npos);
    CHECK(block.find("refid [LOCL], delay") != std::string::npos);
    r.refid = ntp::wire::RefId{{'G', 'P', 'S', 0}};
    CHECK(ntpdate::debug_block(r, capture_now()).find("refid [GPS],") != std::string::npos);
    r.refid = ntp::wire::RefId{{'\x1b', '[', '2', 'J'}};
    CHECK(ntpdate::debug_block(r, capture_now()).find("refid [.[2J],") != std::string::npos);
}

TEST_CASE("debug_block: a negative offset is cut to 8 columns like classic's %-8.8s") {
    use_utc();
    ntpdate::ServerReport r = classic_capture();
    r.slots[0].offset = ntp::oneshot::lfp_from_seconds(-0.000017);
    CHECK(ntpdate::debug_block(r, capture_now()).find("filter offset: -0.00001 0.000004") !=
          std::string::npos);
}

TEST_CASE("adjust_message: step and adjust lines") {
    CHECK(ntpdate::adjust_message(ntp::oneshot::Adjustment::slew, "10.200.0.1", ntp::oneshot::lfp_from_seconds(0.000004)) ==
          "adjust time server 10.200.0.1 offset 0.000004 sec");
    CHECK(ntpdate::adjust_message(ntp::oneshot::Adjustment::step, "192.0.2.1", ntp::oneshot::lfp_from_seconds(-3.512345)) ==
          "step time server 192.0.2.1 offset -3.512345 sec");
}
