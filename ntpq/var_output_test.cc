#include <catch2/catch.hpp>

#include "tests/support/fake_mode6_server.hh"
#include "ntpq/var_output.hh"

using namespace ntpq;

namespace {

const ntp::wire::NtpTime capture_now(0xeeaca8f3LL, 0);

Namer numeric_namer() {
    Namer n([](const ntp::io::IpAddress&) { return std::optional<std::string>(); });
    return n;
}

// What classic ntpd 4.2.8 sends for the upstream association of the classic
// capture (values taken from samples/classic/ntpq-c-rv-11100.txt).
const char* const peer_11100 =
    "srcadr=10.200.0.1, srcport=123, dstadr=10.200.0.2, dstport=123, leap=0,\r\n"
    "stratum=2, precision=-26, rootdelay=0.000, rootdisp=0.000,\r\n"
    "refid=127.127.1.1, reftime=0xeeaca8ed.ca97d0db, rec=0xeeaca8ef.825536d9,\r\n"
    "reach=0xff, unreach=0, hmode=3, pmode=4, hpoll=6, ppoll=6, headway=338,\r\n"
    "flash=0x0, keyid=0, offset=0.015, delay=0.058, dispersion=0.964,\r\n"
    "jitter=0.001, xleave=0.071,\r\n"
    "filtdelay= 0.06 0.06 0.05 0.05 0.05 0.05 0.05 0.04,\r\n"
    "filtoffset= 0.02 0.02 0.01 0.01 0.02 0.01 0.01 0.01,\r\n"
    "filtdisp= 0.00 1.01 2.00 3.00 3.99 5.00 5.99 6.83\r\n";

const char* const expected_11100 =
    "associd=11100 status=963a conf, reach, sel_sys.peer, 3 events, sys_peer,\n"
    "srcadr=10.200.0.1, srcport=123, dstadr=10.200.0.2, dstport=123, leap=00,\n"
    "stratum=2, precision=-26, rootdelay=0.000, rootdisp=0.000,\n"
    "refid=LOCAL(1), reftime=eeaca8ed.ca97d0db  Sat, Nov 21 2026 23:34:05.791,\n"
    "rec=eeaca8ef.825536d9  Sat, Nov 21 2026 23:34:07.509, reach=377,\n"
    "unreach=0, hmode=3, pmode=4, hpoll=6, ppoll=6, headway=338, flash=00 ok,\n"
    "keyid=0, offset=0.015, delay=0.058, dispersion=0.964, jitter=0.001,\n"
    "xleave=0.071,\n"
    "filtdelay=     0.06    0.06    0.05    0.05    0.05    0.05    0.05    0.04,\n"
    "filtoffset=    0.02    0.02    0.01    0.01    0.02    0.01    0.01    0.01,\n"
    "filtdisp=      0.00    1.01    2.00    3.00    3.99    5.00    5.99    6.83\n";

const char* const peer_11101 =
    "srcadr=127.127.1.0, srcport=123, dstadr=127.0.0.1, dstport=123, leap=3,\r\n"
    "stratum=10, precision=-24, rootdelay=0.000, rootdisp=0.000, refid=LOCL,\r\n"
    "reftime=0x00000000.00000000, rec=0x00000000.00000000, reach=0x0,\r\n"
    "unreach=0, hmode=3, pmode=4, hpoll=6, ppoll=6, headway=0, flash=0x1200,\r\n"
    "keyid=0, ttl=0, offset=0.000, delay=0.000, dispersion=15937.500,\r\n"
    "jitter=0.000,\r\n"
    "filtdelay= 0.00 0.00 0.00 0.00 0.00 0.00 0.00 0.00,\r\n"
    "filtoffset= 0.00 0.00 0.00 0.00 0.00 0.00 0.00 0.00,\r\n"
    "filtdisp= 16000.00 16000.00 16000.00 16000.00 16000.00 16000.00 16000.00 16000.00\r\n";

const char* const expected_11101 =
    "associd=11101 status=8011 conf, sel_reject, 1 event, mobilize,\n"
    "srcadr=LOCAL(0), srcport=123, dstadr=127.0.0.1, dstport=123, leap=11,\n"
    "stratum=10, precision=-24, rootdelay=0.000, rootdisp=0.000, refid=LOCL,\n"
    "reftime=00000000.00000000  Thu, Feb  7 2036  6:28:16.000,\n"
    "rec=00000000.00000000  Thu, Feb  7 2036  6:28:16.000, reach=000,\n"
    "unreach=0, hmode=3, pmode=4, hpoll=6, ppoll=6, headway=0,\n"
    "flash=1200 peer_stratum, peer_unreach, keyid=0, ttl=0, offset=0.000,\n"
    "delay=0.000, dispersion=15937.500, jitter=0.000,\n"
    "filtdelay=     0.00    0.00    0.00    0.00    0.00    0.00    0.00    0.00,\n"
    "filtoffset=    0.00    0.00    0.00    0.00    0.00    0.00    0.00    0.00,\n"
    "filtdisp=   16000.0 16000.0 16000.0 16000.0 16000.0 16000.0 16000.0 16000.0\n";

std::string render(std::uint16_t assoc, std::uint16_t status, std::string_view data) {
    auto namer = numeric_namer();
    PrintContext ctx{namer, capture_now, false};
    return "associd=" + std::to_string(assoc) + " " + status_line(status, VarKind::peer, false) +
           cooked_vars(data, ctx);
}

}  // namespace

TEST_CASE("cooked peer variables match the classic capture byte for byte") {
    CHECK(render(11100, 0x963a, peer_11100) == expected_11100);
    CHECK(render(11101, 0x8011, peer_11101) == expected_11101);
    auto file = test::sample("classic/ntpq-c-rv-11100.txt");
    if (!file.empty()) CHECK(file == expected_11100);
    file = test::sample("classic/ntpq-c-rv-11101.txt");
    if (!file.empty()) CHECK(file == expected_11101);
}

TEST_CASE("cooked system variables: classic rv") {
    const char* sys =
        "version=\"ntpd 4.3.91-o Sat Nov 21 22:42:17 UTC 2026 (3)\",\r\n"
        "processor=\"x86_64\", system=\"Linux/6.18.44-fc-v595\", leap=3, stratum=3,\r\n"
        "precision=-24, rootdelay=0.058, rootdisp=1.045, refid=10.200.0.1,\r\n"
        "reftime=0xeeaca8ef.825536d9, clock=0xeeaca8f3.606810e9, peer=11100, tc=6,\r\n"
        "mintc=3, offset=0.000000, frequency=0.000, sys_jitter=0.000000,\r\n"
        "clk_jitter=0.000, clk_wander=0.000\r\n";
    const char* expected =
        "associd=0 status=c616 leap_alarm, sync_ntp, 1 event, restart,\n"
        "version=\"ntpd 4.3.91-o Sat Nov 21 22:42:17 UTC 2026 (3)\",\n"
        "processor=\"x86_64\", system=\"Linux/6.18.44-fc-v595\", leap=11, stratum=3,\n"
        "precision=-24, rootdelay=0.058, rootdisp=1.045, refid=10.200.0.1,\n"
        "reftime=eeaca8ef.825536d9  Sat, Nov 21 2026 23:34:07.509,\n"
        "clock=eeaca8f3.606810e9  Sat, Nov 21 2026 23:34:11.376, peer=11100, tc=6,\n"
        "mintc=3, offset=0.000000, frequency=0.000, sys_jitter=0.000000,\n"
        "clk_jitter=0.000, clk_wander=0.000\n";
    auto namer = numeric_namer();
    PrintContext ctx{namer, capture_now, false};
    const std::string got =
        "associd=0 " + status_line(0xc616, VarKind::system, false) + cooked_vars(sys, ctx);
    CHECK(got == expected);
    auto file = test::sample("classic/ntpq-c-rv.txt");
    if (!file.empty()) CHECK(file == expected);
}

TEST_CASE("clock variables and their status word") {
    const char* data =
        "device=\"Undisciplined local clock\", timecode=, poll=0, noreply=0,\r\n"
        "badformat=0, baddata=0, stratum=10, refid=76.79.67.76, flags=0\r\n";
    auto namer = numeric_namer();
    PrintContext ctx{namer, capture_now, false};
    const std::string got =
        "associd=11101 " + status_line(0, VarKind::clock, false) + cooked_vars(data, ctx);
    CHECK(got ==
          "associd=11101 status=0000 no events, clk_unspec,\n"
          "device=\"Undisciplined local clock\", timecode=, poll=0, noreply=0,\n"
          "badformat=0, baddata=0, stratum=10, refid=76.79.67.76, flags=0\n");
}

TEST_CASE("values that fail their cooked parser are marked with '?'") {
    auto namer = numeric_namer();
    PrintContext ctx{namer, capture_now, false};
    CHECK(cook_value("leap", "7", ctx) == "7?");
    CHECK(cook_value("reach", "zz", ctx) == "zz?");
    CHECK(cook_value("reftime", "junk", ctx) == "junk?");
    CHECK(cook_value("refid", "TOOLONG", ctx) == "TOOLONG?");
    CHECK(cook_value("refid", "GPS", ctx) == "GPS");
    CHECK(cook_value("srcadr", "nohost", ctx) == "nohost?");
    CHECK(cook_value("filtdelay", " 1.0 x", ctx) == " 1.0 x?");
    CHECK(cook_value("flash", "0x1", ctx) == "01 pkt_dup");
    CHECK(cook_value("version", "\"a\x01z\"", ctx) == "\"a^Az\"");
    // Arrays longer than 8 keep the first 8; huge values are cut to 7 chars.
    CHECK(cook_value("filtdelay", "1 2 3 4 5 6 7 8 9", ctx) ==
          "     1.00    2.00    3.00    4.00    5.00    6.00    7.00    8.00");
    CHECK(cook_value("filtdisp", "123456789.5", ctx) == "   1234567");
    // A host name from the reverse lookup unless -n.
    Namer named([](const ntp::io::IpAddress&) { return std::optional<std::string>("ntp.example"); });
    PrintContext nctx{named, capture_now, false};
    CHECK(cook_value("srcadr", "192.0.2.1", nctx) == "ntp.example");
    CHECK(cook_value("dstadr", "192.0.2.1", nctx) == "192.0.2.1");
    named.set_show_names(false);
    CHECK(cook_value("srcadr", "192.0.2.1", nctx) == "192.0.2.1");
}

TEST_CASE("wrapping at 72 columns") {
    CookedLine l;
    l.add("a", std::string(60, 'x'));  // 62 chars
    l.add("b", "1234567");             // 62 + 2 + 9 = 73 > 72: new line
    l.add("c", "1");
    CHECK(l.finish() == "a=" + std::string(60, 'x') + ",\nb=1234567, c=1\n");
    CHECK(CookedLine().finish().empty());
}

TEST_CASE("raw output shows the server text with CRLF as LF") {
    CHECK(status_line(0xc016, VarKind::system, true) == "status=0xc016,\n");
    CHECK(raw_vars("leap=3, stratum=4,\r\nrefid=10.200.0.1\r\n") ==
          "leap=3, stratum=4,\nrefid=10.200.0.1\n");
    CHECK(raw_vars("a=1\rb") == "a=1^Mb");
    CHECK(raw_vars("a=1\r") == "a=1^M");
    CHECK(raw_vars("x=\xe0\x10") == "x=M-`^P");
}
