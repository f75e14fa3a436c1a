#include "libntp/client/var_parser.hh"

#include <catch2/catch.hpp>

using namespace ntp::client;

TEST_CASE("reply text becomes a variable list with classic nextvar rules") {
    auto v = parse_vars("stratum=2, refid=127.127.1.0,\r\nversion=\"ntpd 4.2.8p15, x\", leap=00");
    REQUIRE(v.size() == 4);
    CHECK(v[1].name == "refid");
    CHECK(v[1].value == "127.127.1.0");
    CHECK(v[2].value == "\"ntpd 4.2.8p15, x\"");
    CHECK(unquoted(v[2].value) == "ntpd 4.2.8p15, x");
    CHECK(unquoted("plain") == "plain");
    CHECK(unquoted("\"") == "\"");
    REQUIRE(find_var(v, "leap") != nullptr);
    CHECK(*find_var(v, "leap") == "00");
    CHECK(find_var(v, "offset") == nullptr);
}

TEST_CASE("hostile text stops cleanly") {
    std::vector<std::string> problems;
    auto v = parse_vars("a=1, b=\"never closed", &problems);
    CHECK(v.size() == 1);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].rfind("nextvar: no closing quote, stop: '\"never closed'", 0) == 0);
    CHECK(parse_vars(std::string(300, 'n') + "=1, ok=2").size() == 1);
}
