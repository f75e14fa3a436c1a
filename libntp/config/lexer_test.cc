#include "libntp/config/lexer.hh"

#include <catch2/catch.hpp>

using namespace ntp::config;

namespace {

std::vector<LexedLine> run(std::string_view text, Diagnostics& d) { return lex(text, "t.conf", d); }

std::vector<std::string> texts(const LexedLine& l) {
    std::vector<std::string> out;
    for (const auto& t : l.tokens) out.push_back(t.text);
    return out;
}

}  // namespace

TEST_CASE("lexer splits on blanks and tracks line and column") {
    Diagnostics d;
    auto lines = run("server\t192.0.2.1  iburst \n\n   pool x\n", d);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].line == 1);
    CHECK(texts(lines[0]) == std::vector<std::string>{"server", "192.0.2.1", "iburst"});
    CHECK(lines[0].tokens[1].column == 8);   // a tab is one column
    CHECK(lines[0].tokens[2].column == 19);
    CHECK(lines[0].end_column == 25);
    CHECK(lines[1].line == 3);
    CHECK(lines[1].tokens[0].column == 4);
    CHECK(d.all().empty());
}

TEST_CASE("lexer: CRLF, form feeds and a missing final newline") {
    Diagnostics d;
    auto lines = run("driftfile /var/lib/ntp/drift\r\nserver a\r\nkeys /k", d);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].tokens[1].text == "/var/lib/ntp/drift");
    CHECK(lines[1].tokens[1].text == "a");
    CHECK(lines[2].tokens[1].text == "/k");
    CHECK(d.all().empty());
}

TEST_CASE("lexer: '#' starts a comment anywhere, also inside a word") {
    Diagnostics d;
    auto lines = run("# whole line\nserver a#comment\nrestrict default nomodify # noquery\n#", d);
    REQUIRE(lines.size() == 2);
    CHECK(texts(lines[0]) == std::vector<std::string>{"server", "a"});
    CHECK(texts(lines[1]) == std::vector<std::string>{"restrict", "default", "nomodify"});
}

TEST_CASE("lexer: quoted strings keep blanks and '#'") {
    Diagnostics d;
    auto lines = run("leapfile \"/var/db/leap file#1\" x\n", d);
    REQUIRE(lines.size() == 1);
    REQUIRE(lines[0].tokens.size() == 3);
    CHECK(lines[0].tokens[1].text == "/var/db/leap file#1");
    CHECK(lines[0].tokens[1].quoted);
    CHECK(lines[0].tokens[1].column == 10);
    CHECK(lines[0].tokens[2].text == "x");
    CHECK(d.all().empty());
}

TEST_CASE("lexer: an unterminated quote runs to the end of the line with a warning") {
    Diagnostics d;
    auto lines = run("logfile \"/var/log/ntp.log  \nserver b\n", d);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].tokens[1].text == "/var/log/ntp.log");
    CHECK_FALSE(lines[0].rejected);
    REQUIRE(d.all().size() == 1);
    CHECK(format_diagnostic(d.all()[0]) ==
          "t.conf:1:9: warning: unterminated quoted string (it ends at the end of the line)");
    CHECK(d.error_count() == 0);
}

TEST_CASE("lexer: control bytes reject the line, junk in comments is fine") {
    Diagnostics d;
    using namespace std::string_literals;
    const std::string text = "server a\x01 b\n# \x02\x00 fine\nserver c\n"s;
    const std::string with_nul = "pool \0x\n# ok \x7f\n"s;
    auto lines = run(text + with_nul, d);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].rejected);
    CHECK(texts(lines[1]) == std::vector<std::string>{"server", "c"});
    CHECK(lines[2].rejected);
    REQUIRE(d.error_count() == 2);
    CHECK(format_diagnostic(d.all()[0]) ==
          "t.conf:1:9: error: invalid character 0x01 in configuration text");
    CHECK(format_diagnostic(d.all()[1]) ==
          "t.conf:4:6: error: invalid character 0x00 in configuration text");
}

TEST_CASE("lexer: bytes >= 0x80 are word characters") {
    Diagnostics d;
    auto lines = run("server h\xc3\xb6st.example\n", d);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].tokens[1].text == "h\xc3\xb6st.example");
    CHECK(d.all().empty());
}

TEST_CASE("lexer: over-long items are rejected, long lines are fine") {
    Diagnostics d;
    std::string many;
    for (int i = 0; i < 5000; ++i) many += " 1";
    std::string text = "trustedkey" + many + "\nkeys /" + std::string(2000, 'k') + "\nserver z\n";
    auto lines = run(text, d);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].tokens.size() == 5001);
    CHECK(lines[1].rejected);
    REQUIRE(d.error_count() == 1);
    CHECK(format_diagnostic(d.all()[0]) == "t.conf:2:6: error: item longer than 1024 characters");
    CHECK(texts(lines[2]) == std::vector<std::string>{"server", "z"});
}
