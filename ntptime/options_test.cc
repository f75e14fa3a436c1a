#include "ntptime/options.hh"

#include <sys/timex.h>

#include <catch2/catch.hpp>

namespace {

ntptime::Parsed parse(std::vector<std::string> args) { return ntptime::parse_options(args, "ntptime"); }

}  // namespace

TEST_CASE("ntptime options: no option only reads") {
    ntptime::Parsed p = parse({});
    REQUIRE(p.ok);
    CHECK(p.options.request.modes == 0);
    CHECK_FALSE(p.options.cost);
}

TEST_CASE("ntptime options: each setting names its mode bit and value") {
    ntptime::Parsed p = parse({"-f", "12.5", "-o500", "-s", "64", "-t", "4", "-e", "7", "-m", "9", "-rc"});
    REQUIRE(p.ok);
    const auto& r = p.options.request;
    CHECK(r.modes == (MOD_FREQUENCY | MOD_OFFSET | MOD_STATUS | MOD_TIMECONST | MOD_ESTERROR | MOD_MAXERROR));
    CHECK(r.freq == 819200);
    CHECK(r.offset == 500);
    CHECK(r.status == 64);
    CHECK(r.constant == 4);
    CHECK(r.esterror == 7);
    CHECK(r.maxerror == 9);
    CHECK(p.options.raw);
    CHECK(p.options.cost);
}

TEST_CASE("ntptime options: -T replaces the other modes, as classic") {
    ntptime::Parsed p = parse({"-f", "1", "-T", "37"});
    REQUIRE(p.ok);
    CHECK(p.options.request.modes == MOD_TAI);
    CHECK(p.options.request.constant == 37);
}

TEST_CASE("ntptime options: errors give classic's messages and the usage") {
    ntptime::Parsed p = parse({"-x"});
    CHECK_FALSE(p.ok);
    CHECK(p.errors.rfind("ntptime: unknown option -x\nusage: ntptime [-MNT:cde:f:hm:o:rs:t:]\n\n-M", 0) == 0);
    CHECK(p.errors.find("-t timeconstant\tlog2 of PLL time constant (0 .. 6)\n") != std::string::npos);
    p = parse({"-f"});
    CHECK_FALSE(p.ok);
    CHECK(p.errors.rfind("ntptime: option requires argument -f\nusage:", 0) == 0);
    CHECK_FALSE(parse({"-h"}).ok);
    CHECK_FALSE(parse({"-s", "256"}).ok);
    CHECK_FALSE(parse({"extra"}).ok);
    CHECK(parse({"-s", "255"}).ok);
}
