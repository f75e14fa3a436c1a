#include "libntp/util/log.hh"

#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace ntp::util {

void Log::FileCloser::operator()(std::FILE* f) const {
    if (f != nullptr) std::fclose(f);
}

Log::Log(std::string program) : program_(std::move(program)) {}

Log::~Log() {
    if (syslog_open_) closelog();
}

void Log::use_stderr() { backend_ = Backend::stderr_stream; }

void Log::use_syslog(int facility) {
    if (!syslog_open_) {
        openlog(program_.c_str(), LOG_PID | LOG_NDELAY, facility);
        syslog_open_ = true;
    }
    backend_ = Backend::syslog;
}

bool Log::use_file(const std::string& path, std::string& error) {
    std::FILE* f = std::fopen(path.c_str(), "a");
    if (f == nullptr) {
        error = std::strerror(errno);
        return false;
    }
    file_.reset(f);
    backend_ = Backend::file;
    return true;
}

std::string classic_log_prefix(const std::string& program, long pid, long unix_seconds) {
    time_t t = static_cast<time_t>(unix_seconds);
    struct tm tm {};
    localtime_r(&t, &tm);
    // Classic msyslog: "%2d %s %02d:%02d:%02d", the day padded with a space
    // ("1 Mar" -> " 1 Mar") and English month names whatever the locale.
    static constexpr const char* months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%2d %s %02d:%02d:%02d", tm.tm_mday,
                  months[(tm.tm_mon % 12 + 12) % 12], tm.tm_hour, tm.tm_min, tm.tm_sec);
    return std::string(stamp) + " " + program + "[" + std::to_string(pid) + "]: ";
}

void Log::write(Severity s, Subsystem, std::string_view message) {
    if (static_cast<int>(s) > static_cast<int>(threshold_)) return;
    switch (backend_) {
        case Backend::syslog:
            syslog(static_cast<int>(s), "%.*s", static_cast<int>(message.size()), message.data());
            break;
        case Backend::file: {
            std::string line = classic_log_prefix(program_, static_cast<long>(getpid()),
                                                  static_cast<long>(std::time(nullptr)));
            line.append(message);
            line.push_back('\n');
            std::fwrite(line.data(), 1, line.size(), file_.get());
            std::fflush(file_.get());
            break;
        }
        case Backend::stderr_stream:
            std::fprintf(stderr, "%s: %.*s\n", program_.c_str(), static_cast<int>(message.size()),
                         message.data());
            return;  // already on stderr
    }
    if (echo_stderr_) {
        std::fprintf(stderr, "%.*s\n", static_cast<int>(message.size()), message.data());
    }
}

}  // namespace ntp::util
