// The parser as a whole: leniency, diagnostics, includefile, end, simulate.
#include "libntp/config/parser.hh"

#include <catch2/catch.hpp>

#include "tests/support/config_files.hh"

using namespace ntp::config;
using ntp::config::test::messages;
using ntp::config::test::parse;

TEST_CASE("a bad line gives one error, is dropped whole, and parsing goes on") {
    auto r = parse(
        "server 192.0.2.1 iburst minpoll x\n"
        "server 192.0.2.2 iburst\n"
        "foo 1\n"
        "driftfile /var/lib/ntp/drift\n");
    CHECK(messages(r) == std::vector<std::string>{
                             "t.conf:1:33: error: 'minpoll' needs an integer, not 'x'",
                             "t.conf:3:1: error: unknown directive 'foo'"});
    CHECK(r.errors == 2);
    REQUIRE(r.config.associations.size() == 1);
    CHECK(r.config.associations[0].address.text == "192.0.2.2");
    CHECK(r.config.driftfile == "/var/lib/ntp/drift");
}

TEST_CASE("an unknown association option is an error, the association stays with the rest") {
    auto r = parse("server 192.0.2.1 iburst fast minpoll 4\n");
    CHECK(messages(r) == std::vector<std::string>{"t.conf:1:25: error: unknown option 'fast' for 'server'"});
    CHECK(r.errors == 1);
    REQUIRE(r.config.associations.size() == 1);
    CHECK(r.config.associations[0].iburst);
    CHECK(r.config.associations[0].minpoll_log2 == 4);
}

TEST_CASE("warnings on a line that is then rejected are not reported") {
    auto r = parse("server 192.0.2.1 minpoll 1 maxpoll x\n");
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.errors == 1);
    CHECK(r.warnings == 0);
    CHECK(r.config.associations.empty());
}

TEST_CASE("keywords are case-sensitive, with a hint") {
    auto r = parse("Server 192.0.2.1\nminpoll 6\n\"server\" x\n");
    CHECK(messages(r) == std::vector<std::string>{
                             "t.conf:1:1: error: unknown directive 'Server' (keywords are lower case)",
                             "t.conf:2:1: error: unknown directive 'minpoll' ('minpoll' is an option "
                             "of server, pool and peer lines)",
                             "t.conf:3:1: error: a directive cannot be a quoted string"});
    CHECK(r.config.associations.empty());
}

TEST_CASE("an empty or comment-only file is a valid empty configuration") {
    auto r = parse("# nothing\n\n   \t\n");
    CHECK(r.diagnostics.empty());
    CHECK(r.config == NtpConfig{});
    CHECK(r.lines_read == 3);
    CHECK(r.files_read == 1);
}

TEST_CASE("includefile reads through the FileReader as if inserted") {
    test::MemoryFs fs;
    fs.files["/etc/ntp/a.conf"] = "server 192.0.2.1\nincludefile /etc/ntp/b.conf\n";
    fs.files["/etc/ntp/b.conf"] = "server 192.0.2.2\nbogus\n";
    auto r = parse_config_text("includefile /etc/ntp/a.conf\nserver 192.0.2.3\n", "main.conf",
                               fs.reader());
    REQUIRE(r.config.associations.size() == 3);
    CHECK(r.config.associations[0].address.text == "192.0.2.1");
    CHECK(r.config.associations[1].address.text == "192.0.2.2");
    CHECK(r.config.associations[2].address.text == "192.0.2.3");
    CHECK(r.config.associations[1].where.file == "/etc/ntp/b.conf");
    CHECK(r.config.associations[1].where.line == 1);
    CHECK(messages(r) ==
          std::vector<std::string>{"/etc/ntp/b.conf:2:1: error: unknown directive 'bogus'"});
    CHECK(r.files_read == 3);
    CHECK(r.lines_read == 6);
}

TEST_CASE("a missing includefile is a warning (CentOS crypto/pw)") {
    auto r = parse("includefile /etc/ntp/crypto/pw\nkeys /etc/ntp/keys\n");
    CHECK(messages(r) == std::vector<std::string>{
                             "t.conf:1:13: warning: cannot open includefile '/etc/ntp/crypto/pw': "
                             "No such file or directory"});
    CHECK(r.errors == 0);
    CHECK(r.config.keys_file == "/etc/ntp/keys");
}

TEST_CASE("includefile nesting stops at level 5, also for a file including itself") {
    test::MemoryFs fs;
    fs.files["self.conf"] = "server 192.0.2.1\nincludefile self.conf\n";
    auto r = parse_config_text("includefile self.conf\n", "main.conf", fs.reader());
    // Levels 1..5 are read, the sixth include is refused.
    CHECK(fs.opened.size() == 5);
    CHECK(r.config.associations.size() == 5);
    CHECK(r.errors == 1);
    CHECK(messages(r).back() ==
          "self.conf:2:1: error: maximum include file level (5) exceeded, 'self.conf' not read");
}

TEST_CASE("includefile needs exactly one file name") {
    auto r = parse("includefile\nincludefile a b\n");
    CHECK(messages(r) == std::vector<std::string>{
                             "t.conf:1:12: error: 'includefile' needs a file name",
                             "t.conf:2:15: error: unexpected 'b' after the includefile name"});
}

TEST_CASE("end stops reading this file and the files that included it") {
    test::MemoryFs fs;
    fs.files["inc"] = "server 192.0.2.1\nend\nserver 192.0.2.2\n";
    auto r = parse_config_text("includefile inc\nserver 192.0.2.3\n", "main", fs.reader());
    REQUIRE(r.config.associations.size() == 1);
    CHECK(r.config.associations[0].address.text == "192.0.2.1");
}

TEST_CASE("a simulate block is skipped with a warning") {
    auto r = parse(
        "simulate {\n  simulation_duration = 86400;\n  server = { x; };\n}\nserver 192.0.2.1\n");
    CHECK(messages(r) == std::vector<std::string>{
                             "t.conf:1:1: warning: the simulate block is for the classic simulator "
                             "only, ignored"});
    CHECK(r.config.associations.size() == 1);
    auto open = parse("simulate {\nserver 192.0.2.1\n");
    CHECK(open.errors == 1);
    CHECK(messages(open).back() == "t.conf:1:1: error: the simulate block is not closed with '}'");
}

TEST_CASE("load_config: a missing main file is one file-level error") {
    test::MemoryFs fs;
    auto r = load_config("/etc/ntp.conf", fs.reader());
    CHECK_FALSE(r.main_file_opened);
    CHECK(r.errors == 1);
    CHECK(messages(r) == std::vector<std::string>{
                             "/etc/ntp.conf: error: cannot open configuration file: No such file "
                             "or directory"});
    fs.files["/etc/ntp.conf"] = "server 192.0.2.1\n";
    auto ok = load_config("/etc/ntp.conf", fs.reader());
    CHECK(ok.main_file_opened);
    CHECK(ok.errors == 0);
    CHECK(ok.config.associations.size() == 1);
}

TEST_CASE("the disk reader refuses directories and reports errno text") {
    auto reader = disk_file_reader();
    auto dir = reader("/");
    CHECK_FALSE(dir.ok);
    CHECK(dir.error == "Is a directory");
    auto missing = reader("/nonexistent/ntp.conf");
    CHECK_FALSE(missing.ok);
    CHECK(missing.error == "No such file or directory");
    auto empty = reader("/dev/null");
    CHECK(empty.ok);
    CHECK(empty.text.empty());
}
