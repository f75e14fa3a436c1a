// Tests for the mode 6 variable-list text codec.

#include "libntp/wire/varlist.hh"

#include <catch2/catch.hpp>

#include <random>
#include <string>

using namespace ntp::wire::mode6;

TEST_CASE("varlist parses a captured response text", "[varlist]") {
    const std::string text =
        "leap=3, stratum=4, precision=-24, rootdelay=0.033, rootdisp=1.210,\r\n"
        "refid=10.200.0.1, reftime=0xeeac9a4b.9f16c714, tc=4, peer=17769,\r\n"
        "processor=\"x86_64\", version=\"ntpd ntpsec-1.2.2\", mintc=0\r\n";
    auto vars = parse_variables(text);
    REQUIRE(vars.size() == 12);
    CHECK(vars[0] == Variable{"leap", "3", true});
    CHECK(vars[4] == Variable{"rootdisp", "1.210", true});
    CHECK(vars[5] == Variable{"refid", "10.200.0.1", true});
    CHECK(vars[9].value == "\"x86_64\"");
    CHECK(unquote(vars[10].value) == "ntpd ntpsec-1.2.2");
    CHECK(vars[11] == Variable{"mintc", "0", true});
}

TEST_CASE("varlist handles quotes, empty values, bare names and NULs", "[varlist]") {
    auto vars = parse_variables("a=\"x, y\",b=,c, d = 5 ,,e=\"unterminated, z");
    REQUIRE(vars.size() == 5);
    CHECK(vars[0] == Variable{"a", "\"x, y\"", true});
    CHECK(vars[1] == Variable{"b", "", true});
    CHECK(vars[2] == Variable{"c", "", false});
    CHECK(vars[3] == Variable{"d", "5", true});
    CHECK(vars[4] == Variable{"e", "\"unterminated, z", true});

    auto nul = parse_variables(std::string("x=1, y=2\0z=3", 12));
    REQUIRE(nul.size() == 2);
    CHECK(nul[1] == Variable{"y", "2", true});

    CHECK(parse_variables("").empty());
    CHECK(parse_variables(" ,\r\n, ").empty());
    CHECK(unquote("\"") == "\"");
    CHECK(unquote("plain") == "plain");
    CHECK(unquote("\"\"") == "");
}

TEST_CASE("varlist parses request items like classic ctl_getitem", "[varlist]") {
    auto items = parse_request_items("stratum,offset");
    REQUIRE(items);
    REQUIRE(items->size() == 2);
    CHECK((*items)[0].name == "stratum");
    CHECK_FALSE((*items)[0].value);
    CHECK((*items)[1].name == "offset");

    items = parse_request_items("nonce=0a1b2c, frags=32, addr.0=[::1]:123,last.0=0x1.2");
    REQUIRE(items);
    REQUIRE(items->size() == 4);
    CHECK((*items)[0].name == "nonce");
    CHECK(*(*items)[0].value == "0a1b2c");
    CHECK(*(*items)[1].value == "32");
    CHECK(*(*items)[2].value == "[::1]:123");
    CHECK((*items)[3].name == "last.0");

    items = parse_request_items("  stratum offset\r\n  leap = 1 , x=");
    REQUIRE(items);
    REQUIRE(items->size() == 4);
    CHECK((*items)[1].name == "offset");
    CHECK((*items)[2].name == "leap");
    CHECK(*(*items)[2].value == "1");
    CHECK(*(*items)[3].value == "");

    CHECK(parse_request_items("")->empty());
    CHECK_FALSE(parse_request_items(std::string(129, 'n')));
    CHECK(parse_request_items(std::string(128, 'n')));
    CHECK_FALSE(parse_request_items("a=" + std::string(129, 'v')));
    CHECK_FALSE(parse_request_items("a\x01b"));
    CHECK(parse_request_items(std::string("a\0\x01", 3))->size() == 1);  // NUL ends the text
}

TEST_CASE("varlist join and garbage", "[varlist]") {
    CHECK(join_request_items({{"a", "", false}, {"b", "1", true}, {"c", "", true}}) == "a,b=1,c=");
    const unsigned seed = 7;
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    for (int i = 0; i < 5000; ++i) {
        std::string s(rng() % 300, ' ');
        for (auto& c : s) c = static_cast<char>(rng());
        auto vars = parse_variables(s);
        for (const auto& v : vars) CHECK_FALSE(v.name.empty());
        auto items = parse_request_items(s);
        if (items)
            for (const auto& it : *items) CHECK(it.name.size() <= 128);
    }
}
