#include "ntpd/daemon_process.hh"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "libntp/io/unique_fd.hh"

namespace ntpd {

namespace {

// Parent side of -w: the child closes its end at the first synchronisation.
[[noreturn]] void wait_for_sync(int fd, int wait_sync_s) {
    timespec end{};
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += wait_sync_s;
    for (;;) {
        timespec now{};
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long left_ms = (end.tv_sec - now.tv_sec) * 1000LL + (end.tv_nsec - now.tv_nsec) / 1000000;
        if (left_ms < 0) left_ms = 0;
        pollfd p{fd, POLLIN, 0};
        int n = poll(&p, 1, static_cast<int>(left_ms));
        if (n > 0) _exit(0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 || left_ms == 0) break;
    }
    std::fprintf(stderr, "ntpd: -w/--wait-sync %d timed out.\n", wait_sync_s);
    _exit(ETIMEDOUT);
}

}  // namespace

Background Background::detach(int wait_sync_s) {
    Background b;
    b.wait_sync_ = wait_sync_s > 0;
    int fds[2];
    // A pipe here is outside the event loop (start-up only), so it does not
    // disturb a simulator that treats pipes in the loop as always readable.
    if (pipe2(fds, O_CLOEXEC) != 0) {
        b.failed_ = true;
        return b;
    }
    ntp::io::UniqueFd read_end(fds[0]);
    ntp::io::UniqueFd write_end(fds[1]);
    pid_t pid = fork();
    if (pid < 0) {
        b.failed_ = true;
        return b;
    }
    if (pid > 0) {
        write_end.reset();
        unsigned char status = 1;
        ssize_t n;
        do {
            n = read(read_end.get(), &status, 1);
        } while (n < 0 && errno == EINTR);
        if (n != 1) _exit(1);
        if (status != 0 || wait_sync_s <= 0) _exit(status);
        wait_for_sync(read_end.get(), wait_sync_s);
    }
    read_end.reset();
    setsid();
    b.fd_ = write_end.release();
    return b;
}

Background::Background(Background&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), failed_(other.failed_), wait_sync_(other.wait_sync_) {}

Background::~Background() {
    if (fd_ >= 0) ::close(fd_);
}

void Background::report(int status) {
    if (fd_ < 0) return;
    unsigned char byte = static_cast<unsigned char>(status & 0xff);
    ssize_t n;
    do {
        n = write(fd_, &byte, 1);
    } while (n < 0 && errno == EINTR);
    if (status != 0 || !wait_sync_) {
        ::close(fd_);
        fd_ = -1;
    }
    if (status != 0) return;
    ntp::io::UniqueFd null(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (null) {
        dup2(null.get(), STDIN_FILENO);
        dup2(null.get(), STDOUT_FILENO);
        dup2(null.get(), STDERR_FILENO);
    }
}

void Background::report_synchronised() {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
}

std::string write_pid_file(const std::string& path, long pid) {
    ntp::io::UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd) return "Cannot open PID file " + path + ": " + std::strerror(errno);
    std::string text = std::to_string(pid);
    if (write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        return "Cannot write PID file " + path + ": " + std::strerror(errno);
    }
    return {};
}

std::string signal_description(int signo) {
    const char* text = strsignal(signo);
    return std::to_string(signo) + " (" + (text != nullptr ? text : "Unknown signal") + ")";
}

}  // namespace ntpd
