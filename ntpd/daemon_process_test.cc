#include "ntpd/daemon_process.hh"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

TEST_CASE("the pid file holds the number without a newline", "[process]") {
    char dir[] = "/tmp/ntpd-pid-test.XXXXXX";
    REQUIRE(mkdtemp(dir) != nullptr);
    std::string path = std::string(dir) + "/ntpd.pid";
    CHECK(ntpd::write_pid_file(path, 4242).empty());
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text == "4242");
    CHECK(ntpd::write_pid_file(path, 7).empty());  // truncated, not appended
    std::ifstream again(path);
    std::string text2((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
    CHECK(text2 == "7");
    CHECK_FALSE(ntpd::write_pid_file(std::string(dir) + "/missing/ntpd.pid", 1).empty());
    unlink(path.c_str());
    rmdir(dir);
}

TEST_CASE("signal texts are the classic ones", "[process]") {
    CHECK(ntpd::signal_description(SIGTERM) == "15 (Terminated)");
    CHECK(ntpd::signal_description(SIGINT) == "2 (Interrupt)");
}

namespace {
// Runs detach() in a child (so the test program is not the parent that
// exits) and returns the exit status the "parent" reported.
int detach_and_report(int child_status, bool die_first) {
    pid_t outer = fork();
    if (outer == 0) {
        ntpd::Background bg = ntpd::Background::detach();
        if (bg.failed()) _exit(99);
        // Here we are the detached child.
        if (die_first) _exit(0);
        bg.report(child_status);
        _exit(0);
    }
    int status = 0;
    waitpid(outer, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
}  // namespace

TEST_CASE("the parent exits with the child's start-up status", "[process]") {
    CHECK(detach_and_report(0, false) == 0);
    CHECK(detach_and_report(1, false) == 1);
    CHECK(detach_and_report(3, false) == 3);
    // The child dies without reporting: the parent reports failure.
    CHECK(detach_and_report(0, true) == 1);
}
