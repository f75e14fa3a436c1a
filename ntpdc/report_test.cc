#include <catch2/catch.hpp>
#include <map>

#include "ntpdc/commands.hh"
#include "ntpdc/report.hh"

using ntp::client::parse_vars;

namespace {

std::string numeric(const ntp::io::IpAddress& a) {
    return a.to_string();
}

// Associations and their READVAR texts.
class FakeServer final : public ntpdc::Server {
public:
    std::vector<ntp::client::Association> assocs;
    std::map<std::uint16_t, std::string> texts;
    bool fail = false;

    ntp::client::Result<std::vector<ntp::client::Association>> associations() override {
        if (fail) return ntp::client::Status(258, "***Request timed out");
        return assocs;
    }
    ntp::client::Result<ntp::client::VarReply> vars(std::uint16_t id, std::string_view) override {
        ntp::client::VarReply r;
        r.text = texts[id];
        r.vars = parse_vars(r.text);
        return r;
    }
};

FakeServer two_peers() {
    FakeServer s;
    s.assocs = {{1, 0x9614}, {2, 0x9424}};  // sys peer; candidate
    s.texts[1] = "srcadr=127.127.1.0, dstadr=0.0.0.0, hmode=3, stratum=10, hpoll=6, ppoll=6, reach=0xff, "
                 "delay=0.000, offset=0.000, dispersion=0.950";
    s.texts[2] = "srcadr=192.0.2.7, dstadr=192.0.2.1, hmode=1, stratum=2, hpoll=10, ppoll=12, reach=0x3f, "
                 "delay=12.340, offset=-1.234567, dispersion=3.5";
    return s;
}

}  // namespace

TEST_CASE("peers: classic's columns, marks by host mode or selection") {
    auto s = two_peers();
    auto r = ntpdc::run_command("peers", s, numeric);
    CHECK(r.err.empty());
    CHECK(r.out ==
          "     remote           local      st poll reach  delay   offset    disp\n"
          "=======================================================================\n"
          "*127.127.1.0     0.0.0.0         10   64  377 0.00000  0.000000 0.00095\n"
          "+192.0.2.7       192.0.2.1        2 1024   77 0.01234 -0.001235 0.00350\n");
    auto dm = ntpdc::run_command("dmpeers", s, numeric);
    CHECK(dm.out.find("\n.192.0.2.7 ") != std::string::npos);
}

TEST_CASE("listpeers and the family filter") {
    auto s = two_peers();
    CHECK(ntpdc::run_command("listpeers", s, numeric).out == "client    127.127.1.0\nsym_active 192.0.2.7\n");
    CHECK(ntpdc::run_command("listpeers 6", s, numeric).out.empty());
    FakeServer empty;
    CHECK(ntpdc::run_command("peers", empty, numeric).out == "No data returned in response to query\n");
}

TEST_CASE("sysstats maps the ss_ counters to classic's lines") {
    FakeServer s;
    s.texts[0] = "ss_uptime=100, ss_reset=100, ss_received=7, ss_processed=5, ss_thisver=6, ss_oldver=1, "
                 "ss_declined=0, ss_restricted=2, ss_badformat=3, ss_badauth=4, ss_limited=9";
    CHECK(ntpdc::run_command("sysst", s, numeric).out ==
          "time since restart:     100\ntime since reset:       100\npackets received:       7\n"
          "packets processed:      5\ncurrent version:        6\nprevious version:       1\n"
          "declined:               0\naccess denied:          2\nbad length or format:   3\n"
          "bad authentication:     4\nrate exceeded:          9\n");
    s.texts[0] = "ss_uptime=100";
    CHECK(ntpdc::run_command("sysstats", s, numeric).out == "No data returned in response to query\n");
}

TEST_CASE("prefixes, unknown commands, mode 7 only commands and failures") {
    FakeServer s;
    CHECK(ntpdc::run_command("p", s, numeric).err == "***Command `p' ambiguous\n");
    CHECK(ntpdc::run_command("frobnicate", s, numeric).err == "***Command `frobnicate' unknown\n");
    CHECK(ntpdc::run_command("addserver 192.0.2.1", s, numeric).err ==
          "***Command `addserver' needs mode 7, which this ntpd does not support (try ntpq)\n");
    CHECK(ntpdc::run_command("sysi", s, numeric).err ==
          "***Command `sysinfo' needs mode 7, which this ntpd does not support (try ntpq)\n");
    CHECK(ntpdc::run_command("hostnames no", s, numeric).err == "***Command `hostnames' is not supported by this ntpdc\n");
    CHECK(ntpdc::run_command("quit", s, numeric).quit);
    CHECK(ntpdc::run_command("   ", s, numeric).out.empty());
    s.fail = true;
    CHECK(ntpdc::run_command("peers", s, numeric).err == "***Request timed out\n");
}
