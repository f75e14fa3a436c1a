#include "ntpd/daemon_process.hh"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "libntp/io/unique_fd.hh"

namespace ntpd {

Background Background::detach() {
    Background b;
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
        _exit(n == 1 ? status : 1);
    }
    read_end.reset();
    setsid();
    b.fd_ = write_end.release();
    return b;
}

Background::Background(Background&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), failed_(other.failed_) {}

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
    ::close(fd_);
    fd_ = -1;
    if (status != 0) return;
    ntp::io::UniqueFd null(open("/dev/null", O_RDWR | O_CLOEXEC));
    if (null) {
        dup2(null.get(), STDIN_FILENO);
        dup2(null.get(), STDOUT_FILENO);
        dup2(null.get(), STDERR_FILENO);
    }
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
