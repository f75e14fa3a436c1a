#pragma once
// Where ntpdate's texts go (ntpdate.md section 4).
//
//   log()        classic msyslog: on the terminal as
//                "DD Mon HH:MM:SS ntpdate[PID]: message" (local time), errors
//                (LOG_ERR and worse) on stderr, the rest on stdout; with -s
//                only to syslog (ident "ntpdate", LOG_PID, facility daemon).
//   print()      plain text on stdout: -q lines, the -d transcript (also
//                with -s, as classic's printf).
//   print_err()  plain text on stderr ("host found : ...", resolver errors).

#include <cstdio>
#include <ctime>
#include <functional>
#include <string>
#include <string_view>

#include "libntp/util/log.hh"

namespace ntpdate {

class Messages {
  public:
    // `now` gives the time stamped on terminal lines; `out`/`err` are the
    // terminal streams (tests pass temporary files).
    Messages(std::string program, long pid, std::function<timespec()> now, std::FILE* out,
             std::FILE* err);

    // -s: from now on log() goes to syslog only.
    void use_syslog();

    void log(ntp::util::Severity severity, std::string_view message);
    void error(std::string_view message) { log(ntp::util::Severity::error, message); }
    void notice(std::string_view message) { log(ntp::util::Severity::notice, message); }

    void print(std::string_view text);      // as is, stdout
    void print_err(std::string_view text);  // as is, stderr

  private:
    std::string program_;
    long pid_;
    std::function<timespec()> now_;
    std::FILE* out_;
    std::FILE* err_;
    ntp::util::Log syslog_;
    bool use_syslog_ = false;
};

}  // namespace ntpdate
