#include "ntpd/seccomp.hh"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>

#include "libntp/clock/drift_file.hh"
#include "libntp/io/event_loop.hh"
#include "libntp/io/udp_socket.hh"
#include "libntp/util/log.hh"
#include "libntp/io/resolver.hh"
#include "ntpd/core/stats_files.hh"

namespace {

struct ChildResult {
    int status = 0;
    std::string stderr_text;
};

// Runs `body` in a child with stderr captured; the child exits with what
// `body` returns unless a signal ends it first.
ChildResult in_child(const std::function<int()>& body) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        _exit(body());
    }
    close(fds[1]);
    ChildResult r;
    char buf[512];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) r.stderr_text.append(buf, static_cast<std::size_t>(n));
    close(fds[0]);
    REQUIRE(waitpid(pid, &r.status, 0) == pid);
    return r;
}

std::string temp_dir() {
    char tmpl[] = "/tmp/ntpd-seccomp-test.XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    return tmpl;
}

}  // namespace

TEST_CASE("without libseccomp --seccomp is a clear start-up error", "[seccomp]") {
    if (ntpd::seccomp_available()) return;
    auto r = in_child([] { return ntpd::install_seccomp_filter().find("built without seccomp") ==
                                           std::string::npos ? 1 : 0; });
    CHECK((WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0));
}

TEST_CASE("a forbidden system call kills the process by SIGSYS, with its name logged",
          "[seccomp]") {
    if (!ntpd::seccomp_available()) {
        WARN("built without libseccomp: filter not tested");
        return;
    }
    struct Case {
        const char* name;
        std::function<void()> call;
    };
    const Case cases[] = {
        {"execve", [] { execl("/bin/true", "true", static_cast<char*>(nullptr)); }},
        {"clone", [] { (void)fork(); }},  // a fork: clone without CLONE_THREAD
        {"socket", [] { (void)socket(AF_PACKET, SOCK_RAW, 0); }},
        {"setuid", [] { (void)setuid(0); }},
        {"kill", [] { (void)kill(1, 0); }},
        {"chdir", [] { (void)chdir("/"); }},
        {"mkdir", [] { (void)mkdir("/tmp/ntpd-seccomp-never", 0700); }},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        auto r = in_child([&] {
            if (!ntpd::install_seccomp_filter().empty()) return 10;
            c.call();
            return 0;  // still alive: the call was allowed
        });
        CHECK(WIFSIGNALED(r.status));
        if (WIFSIGNALED(r.status)) CHECK(WTERMSIG(r.status) == SIGSYS);
        // (mkdir may be mkdirat, depending on the C library)
        CHECK(r.stderr_text.find(std::string("seccomp: forbidden system call ") + c.name) !=
              std::string::npos);
    }
}

TEST_CASE("what ntpd does in its steady state is allowed", "[seccomp]") {
    if (!ntpd::seccomp_available()) return;
    const std::string dir = temp_dir();
    for (bool noepoll : {false, true}) {
        INFO((noepoll ? "poll backend" : "default backend"));
        auto r = in_child([&]() -> int {
            // Before the filter, as the daemon: the loop exists already.
            if (noepoll) setenv("EVENT_NOEPOLL", "1", 1);
            ntp::io::EventLoop loop;
            openlog("seccomp_test", LOG_PID, LOG_DAEMON);
            if (!ntpd::install_seccomp_filter().empty()) return 10;

            // The clock: read it and ask the kernel discipline for its state.
            timespec ts{};
            if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return 11;
            timex tx{};
            if (ntp_adjtime(&tx) == -1) return 12;
            // Drift file: temp file, fsync, rename; read back.
            const std::string drift = dir + "/ntp.drift";
            if (!ntp::clock::write_drift_file(drift, 12.345).message.empty()) return 13;
            auto back = ntp::clock::read_drift_file(drift);
            if (!back.ok() || back.freq_ppm < 12.3 || back.freq_ppm > 12.4) return 14;
            // Statistics file and log file (re)opened, syslog.
            ntpd::FilegenSettings fs;
            fs.file = "peerstats";
            fs.enabled = true;
            ntpd::FileGen stats(dir, fs, ts.tv_sec, getpid());
            std::string err;
            if (!stats.write(ts, "127.0.0.1 9014 0.0 0.0 0.0 0.0", err)) return 15;
            ntp::util::Log log("ntpd");
            if (!log.use_file(dir + "/ntpd.log", err)) return 16;
            log.notice(ntp::util::Subsystem::general, "reopened");
            if (rename((dir + "/ntpd.log").c_str(), (dir + "/ntpd.log.1").c_str()) != 0) return 17;
            if (!log.use_file(dir + "/ntpd.log", err)) return 18;
            syslog(LOG_DEBUG, "seccomp test");
            // A new association socket, a datagram to itself, batch receive.
            auto sock = ntp::io::UdpSocket::bind(
                ntp::io::Endpoint{*ntp::io::IpAddress::parse("127.0.0.1"), 0});
            const std::uint8_t pkt[48] = {0x23};
            if (!sock.send_to(pkt, sock.local())) return 19;
            // The event loop waits for it (epoll, or poll with EVENT_NOEPOLL).
            int got = 0;
            ntp::io::RecvBatch batch(4, 256);
            auto watch = loop.on_readable(sock.fd(), [&] {
                got += static_cast<int>(sock.receive(batch, [] { return timespec{}; }));
                loop.stop();
            });
            auto guard = loop.once(std::chrono::seconds(2), [&] { loop.stop(); });
            loop.run();
            if (got != 1) return 20;
            // Name resolution on a thread of its own (the ThreadedResolver).
            ntp::io::ResolveResult res;
            std::thread worker([&] { res = ntp::io::resolve_now("localhost", ntp::io::ResolveFamily::v4); });
            worker.join();
            if (res.addresses.empty()) return 21;
            // DNS for a name nobody has: fails, but is allowed to try.
            (void)ntp::io::resolve_now("ntp-seccomp-test.invalid", ntp::io::ResolveFamily::any);
            return 0;
        });
        INFO(r.stderr_text);
        REQUIRE_FALSE(WIFSIGNALED(r.status));
        CHECK(WEXITSTATUS(r.status) == 0);
    }
    CHECK(system(("rm -rf '" + dir + "'").c_str()) == 0);
}
