#pragma once
// Process-level pieces of the daemon shell: going to the background with a
// readiness report, the pid file, and the classic signal texts.

#include <string>

namespace ntpd {

// Detaches from the terminal like classic ntpd (fork, setsid), but the
// parent waits until the child reports that it is serving (sockets bound,
// privileges dropped) and exits with the child's start-up status: 0 once
// ready, the child's error status if start-up failed, 1 if the child died.
// So `ntpd` returning 0 under systemd's Type=forking means "ready".
// With `wait_sync_s` > 0 (classic's -w), the parent then goes on waiting
// until the child reports its first clock synchronisation (exit 0) or the
// time is up ("ntpd: -w/--wait-sync N timed out.", exit ETIMEDOUT).
class Background {
public:
    // Forks. Returns only in the child (the parent exits). On fork failure
    // returns with failed() set; the caller logs and exits 1.
    static Background detach(int wait_sync_s = 0);
    Background(Background&& other) noexcept;
    Background& operator=(Background&&) = delete;
    ~Background();

    bool failed() const { return failed_; }
    // Child: start-up is over with `status` (0 = serving). Closes the report
    // channel and points stdin/stdout/stderr at /dev/null.
    void report(int status);
    // Child: the clock is synchronised for the first time (ends a -w wait).
    void report_synchronised();
    bool awaiting_sync() const { return fd_ >= 0 && wait_sync_; }

private:
    Background() = default;
    int fd_ = -1;
    bool failed_ = false;
    bool wait_sync_ = false;
};

// Writes the pid as "%d" without a newline (classic). Returns "" or the error.
std::string write_pid_file(const std::string& path, long pid);

// "exiting on signal 15 (Terminated)" text pieces: classic uses strsignal().
std::string signal_description(int signo);

}  // namespace ntpd
