#include "ntptrace/trace.hh"

#include <catch2/catch.hpp>
#include <map>

using ntp::client::parse_vars;

namespace {

// Hosts answering `rv 0` with the given text and `rv PEER srcadr` with a map.
struct FakeNet {
    std::map<std::string, std::string> system;
    std::map<std::string, std::string> sources;  // "host/peer" -> srcadr
    std::string out;
    std::vector<std::string> asked;

    int run(const ntptrace::Options& o) {
        ntptrace::Io io;
        io.read_system = [this](const std::string& h) -> std::optional<std::vector<ntp::client::Var>> {
            asked.push_back(h);
            auto it = system.find(h);
            if (it == system.end()) return std::nullopt;
            return parse_vars(it->second);
        };
        io.read_source = [this](const std::string& h, const std::string& peer) -> std::optional<std::string> {
            auto it = sources.find(h + "/" + peer);
            if (it == sources.end()) return std::nullopt;
            return it->second;
        };
        io.display_name = [](const std::string& h) { return h == "127.0.0.1" ? std::string("localhost") : h; };
        io.out = [this](std::string_view s) { out += s; };
        return ntptrace::run(o, io);
    }
};

const char* const b_vars =
    "version=\"ntpd 4.2.8\", leap=0, stratum=12, rootdelay=0.060, rootdisp=15.420, "
    "refid=127.0.0.2, peer=4711, offset=-0.123456, sys_jitter=0.01";
const char* const a_vars = "stratum=11, rootdelay=0.000, rootdisp=7942.500, refid=127.127.1.0, peer=27673, offset=0.000000";

}  // namespace

TEST_CASE("follows the peer's source address and stops at a reference clock") {
    FakeNet net;
    net.system["127.0.0.1"] = b_vars;
    net.system["127.0.0.2"] = a_vars;
    net.sources["127.0.0.1/4711"] = "127.0.0.2";
    net.sources["127.0.0.2/27673"] = "127.127.1.0";
    CHECK(net.run({}) == 0);
    CHECK(net.out ==
          "localhost: stratum 12, offset -0.000123, synch distance 0.015450\n"
          "127.0.0.2: stratum 11, offset 0.000000, synch distance 7.942500\n");
    CHECK(net.asked == std::vector<std::string>{"127.0.0.1", "127.0.0.2"});
}

TEST_CASE("stratum 1 prints the refid and ends the trace; -n keeps addresses") {
    FakeNet net;
    net.system["127.0.0.1"] = "stratum=1, offset=1.5, rootdelay=0, rootdisp=0.5, refid=GPS, peer=1";
    net.sources["127.0.0.1/1"] = "127.0.0.9";
    ntptrace::Options o;
    o.numeric = true;
    CHECK(net.run(o) == 0);
    CHECK(net.out == "127.0.0.1: stratum 1, offset 0.001500, synch distance 0.000500, refid 'GPS'\n");
}

TEST_CASE("unsynchronised, silent, limited and dead-end hosts") {
    FakeNet unsync;
    unsync.system["127.0.0.1"] = "stratum=16, refid=INIT, peer=0";
    unsync.run({});
    CHECK(unsync.out == "localhost: stratum 16, offset 0.000000, synch distance 0.000000\n");

    FakeNet silent;
    CHECK(silent.run({}) == 0);
    CHECK(silent.out.empty());

    FakeNet limited;
    limited.system["127.0.0.1"] = b_vars;
    limited.sources["127.0.0.1/4711"] = "127.0.0.2";
    ntptrace::Options o;
    o.max_hosts = 1;
    limited.run(o);
    CHECK(limited.asked.size() == 1);

    FakeNet no_source;  // `rv 4711 srcadr` fails: one line, then stop
    no_source.system["127.0.0.1"] = b_vars;
    no_source.run({});
    CHECK(no_source.asked.size() == 1);
}

TEST_CASE("values as ntpq shows them and perl reads them") {
    CHECK(ntptrace::refid_text("127.127.1.0") == "LOCAL(0)");
    CHECK(ntptrace::refid_text("192.0.2.1") == "192.0.2.1");
    CHECK(ntptrace::refid_text("GPS") == "GPS");
    CHECK(ntptrace::refid_text("TOOLONG") == "TOOLONG?");
    CHECK(ntptrace::address_text("::1") == "::1");
    CHECK(ntptrace::perl_number(" 12.5x") == 12.5);
    CHECK(ntptrace::perl_number("0x10") == 0);
    CHECK(ntptrace::perl_number("junk") == 0);
    auto info = ntptrace::host_info(parse_vars("stratum=\"3\", phase=2, rootdispersion=4, rootdelay=2"));
    REQUIRE(info);
    CHECK(info->stratum == 3);
    CHECK(info->offset_s == 0.002);
    CHECK(info->sync_distance_s == 0.005);
    CHECK_FALSE(ntptrace::host_info(parse_vars("offset=1")));
}

TEST_CASE("command line: operand or -r, and classic's errors") {
    auto d = ntptrace::parse_command_line(std::vector<std::string>{});
    CHECK(d.options.host == "127.0.0.1");
    CHECK(d.options.max_hosts == 99);
    auto r = ntptrace::parse_command_line(std::vector<std::string>{"-n", "-m", "3", "-r", "a", "b"});
    CHECK(r.options.host == "b");
    CHECK(r.options.numeric);
    CHECK(r.options.max_hosts == 3);
    CHECK(ntptrace::parse_command_line(std::vector<std::string>{"-r", "a"}).options.host == "a");
    auto e = ntptrace::parse_command_line(std::vector<std::string>{"-m"});
    CHECK_FALSE(e.run);
    CHECK(e.exit_code == 1);
    CHECK(e.err == "Option m requires an argument\n" + ntptrace::usage_text());
}
