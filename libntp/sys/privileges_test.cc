#include "libntp/sys/privileges.hh"

#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

using ntp::sys::parse_run_as;

TEST_CASE("user specs: names, numbers, user:group", "[privileges]") {
    std::string err;
    auto root = parse_run_as("root", err);
    REQUIRE(root);
    CHECK(root->uid == 0);
    CHECK(root->gid == 0);
    CHECK(root->user == "root");

    auto numeric = parse_run_as("0:0", err);
    REQUIRE(numeric);
    CHECK(numeric->uid == 0);

    auto mixed = parse_run_as("root:0", err);
    REQUIRE(mixed);
    CHECK(mixed->gid == 0);

    auto odd = parse_run_as("54321:54322", err);  // numbers need no passwd entry
    REQUIRE(odd);
    CHECK(odd->uid == 54321u);
    CHECK(odd->gid == 54322u);

    CHECK_FALSE(parse_run_as("no-such-user-here", err));
    CHECK(err == "Cannot find user `no-such-user-here'");
    CHECK_FALSE(parse_run_as("root:no-such-group-here", err));
    CHECK(err == "Cannot find group `no-such-group-here'");
}

namespace {
std::string status_field(const char* name) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(name, 0) == 0) return line.substr(line.find(':') + 1);
    }
    return {};
}
}  // namespace

TEST_CASE("dropping to an unprivileged user keeps only CAP_SYS_TIME", "[privileges]") {
    if (geteuid() != 0) {
        WARN("not root: privilege drop not tested");
        return;
    }
    passwd* nobody = getpwnam("nobody");
    if (nobody == nullptr) {
        WARN("no user nobody: privilege drop not tested");
        return;
    }
    bool had_sys_time = (std::stoull(status_field("CapEff:"), nullptr, 16) >> 25) & 1;
    bool bnd_had_sys_time = (std::stoull(status_field("CapBnd:"), nullptr, 16) >> 25) & 1;
    // In a child, so the test program keeps its own identity.
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ntp::sys::DropOptions o;
        std::string err;
        o.user = parse_run_as("nobody", err);
        if (!o.user || !ntp::sys::drop_privileges(o).empty()) _exit(10);
        if (getuid() != nobody->pw_uid || geteuid() != nobody->pw_uid) _exit(11);
        unsigned long long eff = std::stoull(status_field("CapEff:"), nullptr, 16);
        unsigned long long prm = std::stoull(status_field("CapPrm:"), nullptr, 16);
        unsigned long long want = had_sys_time ? (1ULL << 25) : 0;
        unsigned long long bnd = std::stoull(status_field("CapBnd:"), nullptr, 16);
        if (eff != want || prm != want) _exit(12);
        if (bnd != (bnd_had_sys_time ? (1ULL << 25) : 0)) _exit(14);  // bounding set: CAP_SYS_TIME only
        // Cannot go back to root.
        if (setuid(0) == 0) _exit(13);
        _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("without keeping CAP_SYS_TIME nothing is kept", "[privileges]") {
    if (geteuid() != 0 || getpwnam("nobody") == nullptr) {
        WARN("not root or no nobody: not tested");
        return;
    }
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ntp::sys::DropOptions o;
        std::string err;
        o.user = parse_run_as("nobody", err);
        o.keep_sys_time = false;
        if (!o.user || !ntp::sys::drop_privileges(o).empty()) _exit(10);
        if (std::stoull(status_field("CapEff:"), nullptr, 16) != 0) _exit(12);
        if (std::stoull(status_field("CapPrm:"), nullptr, 16) != 0) _exit(13);
        if (std::stoull(status_field("CapBnd:"), nullptr, 16) != 0) _exit(14);
        _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
}
