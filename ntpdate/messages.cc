#include "ntpdate/messages.hh"

#include <syslog.h>

namespace ntpdate {

Messages::Messages(std::string program, long pid, std::function<timespec()> now, std::FILE* out,
                   std::FILE* err)
    : program_(std::move(program)),
      pid_(pid),
      now_(std::move(now)),
      out_(out),
      err_(err),
      syslog_(program_) {}

void Messages::use_syslog() {
    // Classic: openlog("ntpdate", LOG_PID | LOG_NDELAY, LOG_DAEMON).
    syslog_.use_syslog(LOG_DAEMON);
    syslog_.set_threshold(ntp::util::Severity::debug);
    use_syslog_ = true;
}

void Messages::log(ntp::util::Severity severity, std::string_view message) {
    if (use_syslog_) {
        syslog_.write(severity, ntp::util::Subsystem::general, message);
        return;
    }
    std::FILE* stream = static_cast<int>(severity) <= static_cast<int>(ntp::util::Severity::error)
                            ? err_
                            : out_;
    std::string line = ntp::util::classic_log_prefix(program_, pid_, now_().tv_sec);
    line.append(message);
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stream);
    std::fflush(stream);
}

void Messages::print(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), out_);
    std::fflush(out_);
}

void Messages::print_err(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), err_);
    std::fflush(err_);
}

}  // namespace ntpdate
