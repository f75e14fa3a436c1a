// KernelClock against the real kernel. These tests only READ the host clock.
// The mutating calls are exercised solely in a forked child that has first
// given up CAP_SYS_TIME and proved it, so they can only fail with EPERM.
#include "libntp/clock/kernel_clock.hh"

#include <sys/prctl.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <fstream>
#include <string>

#include "config.h"

#ifdef HAVE_LIBCAP
#include <sys/capability.h>
#endif

using ntp::clock::diff_seconds;
using ntp::clock::kernel_report_text;
using ntp::clock::KernelClock;

TEST_CASE("KernelClock reads CLOCK_REALTIME") {
    KernelClock clock;
    timespec before{};
    ::clock_gettime(CLOCK_REALTIME, &before);
    timespec now = clock.now();
    timespec after{};
    ::clock_gettime(CLOCK_REALTIME, &after);
    CHECK(diff_seconds(now, before) >= 0);
    CHECK(diff_seconds(after, now) >= 0);
}

TEST_CASE("KernelClock measures a plausible precision once") {
    KernelClock clock;
    double p = clock.precision_s();
    CHECK(p > 20e-9);
    CHECK(p < 0.02);
    CHECK(clock.precision_s() == p);
}

TEST_CASE("KernelClock reads the kernel state without changing it") {
    KernelClock clock;
    auto state = clock.kernel_state();
    if (!state.available) {
        WARN("ntp_adjtime is not available here; nothing to check");
        return;
    }
    CHECK(state.time_state >= TIME_OK);
    CHECK(state.time_state <= TIME_ERROR);
    CHECK(state.freq_ppm >= -600);  // +-500 ppm plus the tick adjustment range
    CHECK(state.freq_ppm <= 600);
    CHECK(state.unsynchronised == ((state.status_bits & STA_UNSYNC) != 0));
    CHECK(state.pll == ((state.status_bits & STA_PLL) != 0));
    CHECK(clock.frequency_ppm() == Approx(state.freq_ppm).margin(1e-3));
}

TEST_CASE("kernel return states give classic ntpd's log texts") {
    CHECK_FALSE(kernel_report_text(TIME_OK, STA_PLL));
    CHECK(*kernel_report_text(TIME_ERROR, 0x41) ==
          "kernel reports TIME_ERROR: 0x41: Clock Unsynchronized");
    CHECK(*kernel_report_text(TIME_ERROR, STA_NANO | STA_UNSYNC | STA_PLL) ==
          "kernel reports TIME_ERROR: 0x2041: Clock Unsynchronized");
    CHECK(*kernel_report_text(TIME_ERROR, STA_UNSYNC | STA_PPSFREQ | STA_PPSTIME) ==
          "kernel reports TIME_ERROR: 0x46: Clock Unsynchronized; "
          "PPS Frequency Sync wanted but no PPS; PPS Time Sync wanted but no PPS signal");
    CHECK(*kernel_report_text(TIME_ERROR, STA_PPSSIGNAL | STA_PPSTIME | STA_PPSJITTER) ==
          "kernel reports TIME_ERROR: 0x304: PPS Time Sync wanted but PPS Jitter exceeded");
    CHECK(*kernel_report_text(TIME_ERROR, STA_CLOCKERR) ==
          "kernel reports TIME_ERROR: 0x1000: Clock Error");
    CHECK(*kernel_report_text(TIME_INS, 0) == "kernel reports leap second insertion scheduled");
    CHECK(*kernel_report_text(TIME_DEL, 0) == "kernel reports leap second deletion scheduled");
    CHECK(*kernel_report_text(TIME_OOP, 0) == "kernel reports leap second in progress");
    CHECK(*kernel_report_text(TIME_WAIT, 0) == "kernel reports leap second has occurred");
    CHECK(*kernel_report_text(42, 0) ==
          "kernel reports unhandled return value 42 from ntp_adjtime()");
}

namespace {

constexpr int kCapSysTimeBit = 25;

bool effective_has_cap_sys_time() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("CapEff:", 0) == 0) {
            unsigned long long bits = std::stoull(line.substr(7), nullptr, 16);
            return (bits >> kCapSysTimeBit) & 1;
        }
    }
    return true;  // cannot tell: assume the worst
}

// Removes CAP_SYS_TIME from the bounding, effective, permitted and inheritable
// sets of this (child) process.
void drop_cap_sys_time() {
    ::prctl(PR_CAPBSET_DROP, CAP_SYS_TIME, 0, 0, 0);
#ifdef HAVE_LIBCAP
    cap_t caps = cap_get_proc();
    if (!caps) return;
    cap_value_t which[] = {CAP_SYS_TIME};
    cap_set_flag(caps, CAP_EFFECTIVE, 1, which, CAP_CLEAR);
    cap_set_flag(caps, CAP_PERMITTED, 1, which, CAP_CLEAR);
    cap_set_flag(caps, CAP_INHERITABLE, 1, which, CAP_CLEAR);
    cap_set_proc(caps);
    cap_free(caps);
#endif
}

constexpr int kChildCannotDrop = 77;

// In the child: only after CAP_SYS_TIME is verifiably gone, try every change
// and report each error text, one per line.
[[noreturn]] void child_try_changes(int out_fd) {
    drop_cap_sys_time();
    if (effective_has_cap_sys_time()) ::_exit(kChildCannotDrop);
    KernelClock clock;
    std::string report;
    auto note = [&](const ntp::clock::ClockResult& r) {
        report += (r.ok ? std::string("ok") : r.error) + "\n";
    };
    note(clock.step(0.0));
    note(clock.slew(0.0));
    note(clock.set_frequency(clock.frequency_ppm()));
    note(clock.kernel_pll_update({}));
    note(clock.set_sync_status(false, 16, 16));
    note(clock.arm_leap(ntp::clock::LeapDirection::none, 0));
    ssize_t ignored = ::write(out_fd, report.data(), report.size());
    (void)ignored;
    ::_exit(0);
}

}  // namespace

TEST_CASE("without CAP_SYS_TIME every change fails with the EPERM text") {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        child_try_changes(fds[1]);
    }
    ::close(fds[1]);
    std::string report;
    char buf[512];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) report.append(buf, static_cast<size_t>(n));
    ::close(fds[0]);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    if (WEXITSTATUS(status) == kChildCannotDrop) {
        WARN("could not drop CAP_SYS_TIME in a child; EPERM paths not checked");
        return;
    }
    REQUIRE(WEXITSTATUS(status) == 0);
    const std::string eperm = std::strerror(EPERM);
    CHECK(report == eperm + "\n" + eperm + "\n" + eperm + "\n" + eperm + "\n" + eperm + "\n" + eperm + "\n");
}

TEST_CASE("KernelClock splits a rate into tick and frequency") {
    using ntp::clock::split_rate;
    // Within +-500 ppm: the nominal tick, MOD_FREQUENCY alone.
    auto r = split_rate(-499.5, 10000);
    CHECK(r.tick_us == 10000);
    CHECK(r.freq_ppm == Approx(-499.5));
    // Beyond: whole microseconds of tick (100 ppm each at USER_HZ 100).
    r = split_rate(12345.5, 10000);
    CHECK(r.tick_us == 10123);
    CHECK(r.freq_ppm == Approx(45.5));
    r = split_rate(-50030, 10000);
    CHECK(r.tick_us == 9500);
    CHECK(r.freq_ppm == Approx(-30));
    // Another USER_HZ: 1 us of a 4000 us tick is 250 ppm.
    r = split_rate(1000, 4000);
    CHECK(r.tick_us == 4004);
    CHECK(r.freq_ppm == Approx(0));
    // The sum is always what was asked for.
    for (double total : {-90000.0, -600.0, 501.0, 777.7, 89999.9}) {
        r = split_rate(total, 10000);
        CHECK((r.tick_us - 10000) * 100.0 + r.freq_ppm == Approx(total).margin(1e-9));
    }
}
