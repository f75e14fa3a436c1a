#pragma once
// One logging module for the suite. A Log is created in main() and passed down
// by reference; there is no global logger.
//
// Backends: stderr (foreground, tools), syslog (daemon default) and a log file
// (`logfile` / -l) whose lines look like classic ntpd's:
//   "21 Nov 23:49:22 ntpd[1234]: message"
// Each message has a severity and a subsystem tag; the tag is not printed so
// the classic message texts that monitoring scripts grep for stay exact.

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace ntp::util {

enum class Severity { debug = 7, info = 6, notice = 5, warning = 4, error = 3 };

enum class Subsystem { general, config, proto, clock, ctl, io, auth };

class Log {
public:
    enum class Backend { stderr_stream, syslog, file };

    // `program` is the name shown in log lines ("ntpd", "ntpdate").
    explicit Log(std::string program);
    ~Log();
    Log(const Log&) = delete;
    Log& operator=(const Log&) = delete;

    void use_stderr();
    void use_syslog(int facility);
    // Returns false (and keeps the current backend) when the file cannot be
    // opened; `error` then holds the reason.
    bool use_file(const std::string& path, std::string& error);
    Backend backend() const { return backend_; }

    // Messages below this severity are dropped (default: info; -d lowers it).
    void set_threshold(Severity s) { threshold_ = s; }
    // Also copy messages to stderr (e.g. while starting in the foreground).
    void set_echo_stderr(bool on) { echo_stderr_ = on; }

    void write(Severity s, Subsystem sub, std::string_view message);

    void debug(Subsystem sub, std::string_view m) { write(Severity::debug, sub, m); }
    void info(Subsystem sub, std::string_view m) { write(Severity::info, sub, m); }
    void notice(Subsystem sub, std::string_view m) { write(Severity::notice, sub, m); }
    void warning(Subsystem sub, std::string_view m) { write(Severity::warning, sub, m); }
    void error(Subsystem sub, std::string_view m) { write(Severity::error, sub, m); }

    const std::string& program() const { return program_; }

private:
    struct FileCloser {
        void operator()(std::FILE* f) const;
    };

    std::string program_;
    Backend backend_ = Backend::stderr_stream;
    Severity threshold_ = Severity::info;
    bool echo_stderr_ = false;
    bool syslog_open_ = false;
    std::unique_ptr<std::FILE, FileCloser> file_;
};

// "DD Mon HH:MM:SS prog[pid]: " in local time, as classic ntpd and ntpdate print.
std::string classic_log_prefix(const std::string& program, long pid, long unix_seconds);

}  // namespace ntp::util
