#include "libntp/util/script_options.hh"

#include <catch2/catch.hpp>

using ntp::util::ScriptOption;
using Kind = ScriptOption::Kind;

namespace {

const ScriptOption wait_options[] = {
    {"tries", 'n', Kind::integer}, {"sleep", 's', Kind::integer}, {"verbose", 'v', Kind::flag},
    {"host", 'r', Kind::string},   {"help", '?', Kind::flag},
};

ntp::util::ScriptArgs parse(std::vector<std::string> args) {
    return ntp::util::parse_script_options(wait_options, args);
}

}  // namespace

TEST_CASE("short and long names, with or without '=', in any case and order") {
    auto a = parse({"-n", "5", "host1", "--sleep=2", "-V", "-TRIES", "7", "-r", "-x"});
    CHECK(a.ok());
    CHECK(a.integer("tries", 100) == 7);
    CHECK(a.integer("sleep", 6) == 2);
    CHECK(a.has("verbose"));
    CHECK(a.string("host", "") == "-x");
    CHECK(a.operands == std::vector<std::string>{"host1"});
    CHECK(a.integer("missing", 42) == 42);
}

TEST_CASE("integers follow Getopt::Long's pattern") {
    CHECK(parse({"-n", "+007"}).integer("tries", 0) == 7);
    CHECK(parse({"-n", "-5"}).integer("tries", 0) == -5);
    CHECK(parse({"-n", "1_000"}).integer("tries", 0) == 1000);
    auto bad = parse({"-n", "-v"});
    REQUIRE(bad.warnings == std::vector<std::string>{"Value \"-v\" invalid for option n (number expected)"});
    CHECK_FALSE(bad.has("verbose"));  // the value was consumed
    CHECK(parse({"--tries=2x"}).warnings ==
          std::vector<std::string>{"Value \"2x\" invalid for option tries (number expected)"});
}

TEST_CASE("Getopt::Long's warnings, and the parse goes on") {
    auto a = parse({"-x", "-n5", "--verbose=1", "--TRIES=", "-s"});
    CHECK(a.warnings == std::vector<std::string>{
                            "Unknown option: x", "Unknown option: n5",
                            "Option verbose does not take an argument", "Option tries requires an argument",
                            "Option s requires an argument"});
    CHECK(parse({"--=1"}).warnings == std::vector<std::string>{"Missing option after --"});
}

TEST_CASE("'--' ends the options and '-' is an operand") {
    auto a = parse({"-", "--", "-v", "x"});
    CHECK(a.ok());
    CHECK_FALSE(a.has("verbose"));
    CHECK(a.operands == std::vector<std::string>{"-", "-v", "x"});
}
