#include "ntpdate/messages.hh"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

std::string contents(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string s;
    char buf[256];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
    return s;
}

}  // namespace

TEST_CASE("messages: classic terminal lines, errors on stderr, the rest on stdout") {
    setenv("TZ", "UTC", 1);
    tzset();
    File out(std::tmpfile()), err(std::tmpfile());
    REQUIRE(out);
    REQUIRE(err);
    // 2026-11-21 23:34:20 UTC, as in samples/classic/ntpdate-q.txt.
    ntpdate::Messages m("ntpdate", 8997, [] { return timespec{1795304060, 0}; }, out.get(),
                        err.get());
    m.print("server 10.200.0.1, stratum 2, offset 0.000009, delay 0.02568\n");
    m.notice("adjust time server 10.200.0.1 offset 0.000009 sec");
    m.error("no server suitable for synchronization found");
    m.print_err("host found : 10.200.0.1\n");
    CHECK(contents(out.get()) ==
          "server 10.200.0.1, stratum 2, offset 0.000009, delay 0.02568\n"
          "21 Nov 23:34:20 ntpdate[8997]: adjust time server 10.200.0.1 offset 0.000009 sec\n");
    CHECK(contents(err.get()) ==
          "21 Nov 23:34:20 ntpdate[8997]: no server suitable for synchronization found\n"
          "host found : 10.200.0.1\n");
}

TEST_CASE("messages: with -s log lines leave the terminal, printed lines stay") {
    File out(std::tmpfile()), err(std::tmpfile());
    ntpdate::Messages m("ntpdate", 1, [] { return timespec{0, 0}; }, out.get(), err.get());
    m.use_syslog();
    m.notice("adjust time server 127.0.0.1 offset 0.000001 sec (ntpdate unit test)");
    m.error("no server suitable for synchronization found (ntpdate unit test)");
    m.print("server 127.0.0.1, stratum 2, offset 0.000001, delay 0.02567\n");
    CHECK(contents(out.get()) == "server 127.0.0.1, stratum 2, offset 0.000001, delay 0.02567\n");
    CHECK(contents(err.get()).empty());
}
