#include "sntp/options.hh"

#include <catch2/catch.hpp>

namespace {

sntp::ParsedOptions parse(std::vector<std::string> args) {
    return sntp::parse_options(args, "sntp");
}

}  // namespace

TEST_CASE("options: classic defaults") {
    auto p = parse({"127.0.0.1"});
    REQUIRE(p.options);
    CHECK(p.options->timeout_s == 5);
    CHECK(p.options->version == 4);
    CHECK_FALSE(p.options->wait);
    CHECK_FALSE(p.options->step);
    CHECK(p.options->kod_file == "/var/db/ntp-kod");
    CHECK(p.options->servers == std::vector<std::string>{"127.0.0.1"});
}

TEST_CASE("options: short flags, joined and separate values, long names") {
    auto p = parse({"-4", "-t1", "-a", "1", "-k", "keys", "-Ss", "--steplimit=20", "-o", "3",
                    "--no-wait", "-K", "/dev/null", "-c", "h1", "h2"});
    REQUIRE(p.options);
    const sntp::Options& o = *p.options;
    CHECK(o.family == ntp::oneshot::AddressFamily::v4);
    CHECK(o.timeout_s == 1);
    CHECK(o.auth_key == 1);
    CHECK(o.key_file == "keys");
    CHECK(o.step);
    CHECK(o.slew);
    CHECK(o.steplimit_ms == 20);
    CHECK(o.version == 3);
    CHECK(o.wait);  // --no-wait waits too, as classic's code does
    CHECK(o.kod_file == "/dev/null");
    CHECK(o.concurrent == std::vector<std::string>{"h1"});
    CHECK(o.servers == std::vector<std::string>{"h2"});
    CHECK(parse({"--timeout", "7", "x"}).options->timeout_s == 7);
    CHECK(parse({"--wait", "x"}).options->wait);
}

TEST_CASE("options: classic's complaints and exit status 1") {
    auto p = parse({"-x"});
    CHECK_FALSE(p.options);
    CHECK(p.exit_status == 1);
    REQUIRE(p.errors.size() == 5);
    CHECK(p.errors[0] == "sntp: illegal option -- x");
    CHECK(p.errors[2] == "Usage:  sntp [ -<flag> [<val>] | --<name>[{=| }<val>] ]... \\");
    CHECK(p.errors[4] == "Try 'sntp --help' for more information.");

    p = parse({"-t", "abc", "x"});
    CHECK(p.errors[0] == "sntp error:  'abc' is not a recognizable number.");

    p = parse({"-o", "9", "x"});
    REQUIRE(p.errors.size() == 7);
    CHECK(p.errors[0] == "sntp error:  ntpversion option value 9 is out of range.");
    CHECK(p.errors[1] == "it must be in the range:");
    CHECK(p.errors[2] == "\t0 to 7");
}
