// Tests for the mode 6 request item parser.

#include "libntp/wire/varlist.hh"

#include <catch2/catch.hpp>

#include <random>
#include <string>

using namespace ntp::wire::mode6;

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

TEST_CASE("varlist request items from garbage", "[varlist]") {
    const unsigned seed = 7;
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    for (int i = 0; i < 5000; ++i) {
        std::string s(rng() % 300, ' ');
        for (auto& c : s) c = static_cast<char>(rng());
        auto items = parse_request_items(s);
        if (items)
            for (const auto& it : *items) CHECK(it.name.size() <= 128);
    }
}
