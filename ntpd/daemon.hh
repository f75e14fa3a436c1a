#pragma once
// The ntpd process shell: start-up in the classic order (ntpd.md §2), the
// event loop, signals, and clean exit. It owns the sockets, the server side
// (responder, restrict table, MRU, rate limiting), the control server and
// the client core, and wires them together; the protocol logic lives in
// those objects, not here.
//
// Signals (ntpd.md §10, and what we do differently):
//   SIGTERM, SIGINT, SIGQUIT  "ntpd exiting on signal 15 (Terminated)", exit 0
//                             within a second (a timer polls the flag).
//   SIGHUP                    classic ntpd exits; we do not: the log
//                             file is reopened (logrotate) and the keys file
//                             re-read. The rest of ntp.conf is not reloaded.
//   SIGUSR1 / SIGUSR2         debug level +1 / -1.
//   SIGPIPE                   ignored.

#include <string>
#include <vector>

#include "ntpd/options.hh"

namespace ntpd {

// Runs the daemon; returns the process exit status. `argv` is the command
// line as given (for the "Command line:" log line).
int run_daemon(const Options& options, const std::vector<std::string>& argv);

}  // namespace ntpd
