#include "ntpdate/options.hh"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using ntpdate::parse_options;

namespace {

ntpdate::ParsedOptions parse(std::vector<std::string> args) {
    return parse_options(args, "ntpdate");
}

const std::string usage =
    "usage: ntpdate [-46bBdqsuv] [-a key#] [-e delay] [-k file] [-p samples] [-o version#] "
    "[-t timeo] server ...";

}  // namespace

TEST_CASE("options: classic defaults") {
    auto p = parse({"pool.example"});
    REQUIRE(p.options);
    const auto& o = *p.options;
    CHECK(o.samples == 4);
    CHECK(o.timeout_s() == 2.0);
    CHECK(o.version == 4);
    CHECK(o.key_file == "/etc/ntp.keys");
    CHECK_FALSE(o.dry_run());
    CHECK(o.servers == std::vector<std::string>{"pool.example"});
}

TEST_CASE("options: every classic letter, grouped and with attached arguments") {
    auto p = parse({"-46bBdqsuv", "-a", "5", "-e0.002", "-k", "/tmp/keys", "-o3", "-p", "2",
                    "-t", "0.5", "a", "b"});
    REQUIRE(p.options);
    const auto& o = *p.options;
    CHECK(o.family == ntp::oneshot::AddressFamily::v6);  // the last of -4/-6 wins
    CHECK_FALSE(o.always_step);                     // -B after -b clears it
    CHECK(o.never_step);
    CHECK(o.debug == 1);
    CHECK(o.query_only);
    CHECK(o.use_syslog);
    CHECK(o.unprivileged_port);
    CHECK(o.verbose);
    CHECK(o.auth_key == 5u);
    CHECK(o.auth_delay == ntpdate::parse_decimal_lfp("0.002"));
    CHECK(o.key_file == "/tmp/keys");
    CHECK(o.version == 3);
    CHECK(o.samples == 2);
    CHECK(o.timeout_s() == 1.0);  // minimum 1 s
    CHECK(o.servers == std::vector<std::string>{"a", "b"});
}

TEST_CASE("options: -U user from Red Hat's ntpdate") {
    auto o = *parse({"-U", "ntp", "-s", "-b", "server"}).options;
    CHECK(o.run_as == "ntp");
    CHECK(o.always_step);
    CHECK_FALSE(parse({"server"}).options->run_as);
}

TEST_CASE("options: -t rounds to 0.2 s ticks") {
    CHECK(parse({"-t", "3.31", "x"}).options->timeout_s() == Approx(3.4));
    // 3.3 s is 16.4999 ticks once truncated to 16.16, as in classic.
    CHECK(parse({"-t", "3.3", "x"}).options->timeout_s() == Approx(3.2));
    CHECK(parse({"-t", "1.09", "x"}).options->timeout_s() == Approx(1.0));
    CHECK(parse({"-t", "1.11", "x"}).options->timeout_s() == Approx(1.2));
}

TEST_CASE("options: -d is repeatable and makes a dry run") {
    auto o = *parse({"-d", "-dd", "x"}).options;
    CHECK(o.debug == 3);
    CHECK(o.dry_run());
}

TEST_CASE("options: options end at the first server name or --") {
    auto o = *parse({"-q", "server", "-b"}).options;
    CHECK_FALSE(o.always_step);
    CHECK(o.servers == std::vector<std::string>{"server", "-b"});
    auto o2 = *parse({"--", "-q"}).options;
    CHECK_FALSE(o2.query_only);
    CHECK(o2.servers == std::vector<std::string>{"-q"});
}

TEST_CASE("options: our long options anywhere") {
    auto o = *parse({"-s", "server", "--hwclock", "--clock=null"}).options;
    CHECK(o.hwclock);
    CHECK(o.clock == ntpdate::ClockBackend::null);
    CHECK(o.servers == std::vector<std::string>{"server"});
}

TEST_CASE("options: usage errors carry the classic texts and the usage line") {
    auto bad_p = parse({"-p", "9", "x"});
    CHECK_FALSE(bad_p.options);
    CHECK(bad_p.errors == std::vector<std::string>{"ntpdate: number of samples (9) is invalid", usage});

    CHECK(parse({"-p", "zero", "x"}).errors.front() == "ntpdate: number of samples (0) is invalid");
    CHECK(parse({"-e", "1.5", "x"}).errors.front() == "ntpdate: encryption delay 1.5 is unlikely");
    CHECK(parse({"-t", "soon", "x"}).errors.front() == "ntpdate: timeout soon is undecodeable");
    CHECK(parse({"-x", "x"}).errors.front() == "ntpdate: illegal option -- x");
    CHECK(parse({"-p"}).errors.front() == "ntpdate: option requires an argument -- p");
    CHECK(parse({"--frobnicate", "x"}).errors.front() == "ntpdate: illegal option -- frobnicate");
    // Every error is reported before the usage line.
    auto two = parse({"-x", "-p", "0", "s"});
    CHECK(two.errors.size() == 3);
    CHECK(two.errors.back() == usage);
}

TEST_CASE("options: no server is not a usage error (classic: no servers can be used)") {
    auto p = parse({"-q"});
    REQUIRE(p.options);
    CHECK(p.options->servers.empty());
}

TEST_CASE("parse_decimal_lfp: classic atolfp forms") {
    using ntpdate::parse_decimal_lfp;
    CHECK(parse_decimal_lfp("1") == (std::int64_t{1} << 32));
    CHECK(parse_decimal_lfp("0.5") == (std::int64_t{1} << 31));
    CHECK(parse_decimal_lfp(".25") == (std::int64_t{1} << 30));
    CHECK(parse_decimal_lfp("-2") == -(std::int64_t{2} << 32));
    CHECK(parse_decimal_lfp(" 3 ") == (std::int64_t{3} << 32));
    CHECK_FALSE(parse_decimal_lfp(""));
    CHECK_FALSE(parse_decimal_lfp("."));
    CHECK_FALSE(parse_decimal_lfp("1.2.3"));
    CHECK_FALSE(parse_decimal_lfp("1s"));
}
