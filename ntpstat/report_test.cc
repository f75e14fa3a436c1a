#include <catch2/catch.hpp>

#include <string>

#include "ntpstat/report.hh"

using namespace ntpstat;

namespace {

std::vector<std::uint8_t> reply(std::uint8_t b1, std::uint8_t b2, std::uint16_t status,
                                const std::string& text) {
    std::vector<std::uint8_t> d{b1, b2, 0, 1, static_cast<std::uint8_t>(status >> 8),
                                static_cast<std::uint8_t>(status), 0, 0, 0, 0,
                                static_cast<std::uint8_t>(text.size() >> 8),
                                static_cast<std::uint8_t>(text.size())};
    for (char c : text) d.push_back(static_cast<std::uint8_t>(c));
    while (d.size() % 4) d.push_back(0);
    return d;
}

// Classic ntpd's default system variables (first fragment).
const std::string sys_text =
    "version=\"ntpd 4.2.8p15\", processor=\"x86_64\", system=\"Linux/6.1.0\",\r\n"
    "leap=0, stratum=3, precision=-24, rootdelay=12.345, rootdisp=35.832,\r\n"
    "refid=192.0.2.1, reftime=0xeeaca8ef.825536d9,\r\n"
    "clock=0xeeaca8f3.606810e9, peer=11100, tc=10, mintc=3, offset=0.000000\r\n";

}  // namespace

TEST_CASE("the request is the original 576-octet READVAR") {
    const auto r = request();
    REQUIRE(r.size() == 576);
    CHECK(r[0] == 0x16);
    CHECK(r[1] == 0x02);
    CHECK(r[2] == 0);
    CHECK(r[3] == 1);
    for (std::size_t i = 4; i < r.size(); ++i) REQUIRE(r[i] == 0);
}

TEST_CASE("synchronised to an NTP server") {
    const auto rep = interpret(reply(0x16, 0x82, 0x0615, sys_text));
    CHECK(rep.out ==
          "synchronised to NTP server (192.0.2.1) at stratum 3 \n"
          "   time correct to within 42 ms\n"
          "   polling server every 1024 s\n");
    CHECK(rep.err.empty());
    CHECK(rep.exit_code == 0);
    // The More bit is allowed (ntpstat reads only the first fragment).
    CHECK(interpret(reply(0x16, 0xa2, 0x0615, sys_text)).exit_code == 0);
    // LI bits in octet 0 are ignored, VN must be 2.
    CHECK(interpret(reply(0xd6, 0x82, 0x0615, sys_text)).exit_code == 0);
}

TEST_CASE("other clock sources") {
    const std::string text = "leap=0, stratum=1, rootdelay=0.000, rootdisp=0.950, refid=GPS, tc=4";
    CHECK(interpret(reply(0x16, 0x82, 0x0415, text)).out ==
          "synchronised to UHF radio at stratum 1 \n"
          "   time correct to within 1 ms\n"
          "   polling server every 16 s\n");
    CHECK(interpret(reply(0x16, 0x82, 0x0115, text)).out.rfind("synchronised to atomic clock at", 0) == 0);
    CHECK(interpret(reply(0x16, 0x82, 0x2015, text)).out.rfind("synchronised to unknown source at", 0) == 0);
}

TEST_CASE("unsynchronised") {
    const std::string text = "leap=3, stratum=16, rootdelay=0.000, rootdisp=0.000, refid=INIT, tc=3";
    auto rep = interpret(reply(0x16, 0x82, 0xc011, text));
    CHECK(rep.out == "unsynchronised\n  time server re-starting\n   polling server every 8 s\n");
    CHECK(rep.exit_code == 1);
    rep = interpret(reply(0x16, 0x82, 0xc016, text));
    CHECK(rep.out == "unsynchronised\n   polling server every 8 s\n");
    CHECK(rep.exit_code == 1);
}

TEST_CASE("missing or unreadable values") {
    auto rep = interpret(reply(0x16, 0x82, 0x0615, "leap=0"));
    CHECK(rep.out ==
          "synchronised to NTP server <IP unknown>, stratum unknown\n"
          "accuracy unknown\n"
          "poll interval unknown\n");
    CHECK(rep.exit_code == 1);
    rep = interpret(reply(0x16, 0x82, 0x0615,
                          "refid=2001:0db8:0000:0000:0000:0000:0000:0001, stratum=123,"
                          " rootdelay=12345678901, rootdisp=1, tc=100"));
    CHECK(rep.out ==
          "synchronised to NTP server <IP unreadable>, stratum unreadable\n"
          "accuracy unreadable\n"
          "poll interval unreadable\n");
    CHECK(rep.exit_code == 0);  // the original only fails on missing values
}

TEST_CASE("invalid replies and transport failures exit 2") {
    auto rep = interpret(reply(0x26, 0x82, 0x0615, sys_text));  // a server answering VN 4
    CHECK(rep.out.empty());
    CHECK(rep.err ==
          "status word is 0x2682\nreturn data appears to be invalid based on status word\n");
    CHECK(rep.exit_code == 2);
    CHECK(interpret(reply(0x16, 0xc2, 0x0500, "")).exit_code == 2);  // error bit
    CHECK(interpret(std::vector<std::uint8_t>{}).exit_code == 2);
    CHECK(interpret(std::vector<std::uint8_t>{0x16, 0x82}).exit_code == 1);  // header cut short
    CHECK(timeout().err == "timeout\n");
    CHECK(unreachable().err == "Unable to talk to NTP daemon. Is it running?\n");
    CHECK(unreachable().exit_code == 2);
    // A payload longer than one fragment: only the first 468 octets count.
    std::string big = std::string(470, 'x') + ", stratum=2";
    CHECK(interpret(reply(0x16, 0x82, 0x0615, big)).out.find("stratum unknown") != std::string::npos);
}
