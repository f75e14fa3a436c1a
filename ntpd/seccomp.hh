#pragma once
// ntpd --seccomp: a system-call allow-list for the daemon's steady state.
//
// Installed once the sockets are bound, privileges are dropped and the core
// is built. Everything ntpd still does from then on is allowed: packet I/O
// (recvmmsg/sendmmsg, poll/epoll), the clock (clock_gettime, clock_adjtime/
// adjtimex, clock_settime), the drift, statistics and log files (openat,
// write, fsync, rename...), new association sockets, the resolver thread and
// getaddrinfo (UDP/TCP DNS, /etc/hosts, NSS, netlink for AI_ADDRCONFIG),
// syslog, the RTC ioctl, threads (clone with CLONE_THREAD only; clone3 says
// ENOSYS so the C library uses clone). Anything else - execve, fork, ptrace,
// mount, setuid, socket families other than inet/inet6/unix/netlink, ... -
// traps: the process logs "seccomp: forbidden system call NAME (N)" to
// standard error and syslog and dies by SIGSYS.
//
// The filter is inherited by threads started later and cannot be removed.
// Built only with libseccomp (configure --enable-seccomp, the default when
// libseccomp is found); otherwise install_seccomp_filter() says so.

#include <string>

namespace ntpd {

// Was ntpd built with seccomp support?
bool seccomp_available();

// Installs the allow-list for the calling process (all its threads).
// Returns "" on success, else the reason (a start-up error: ntpd exits 1).
std::string install_seccomp_filter();

}  // namespace ntpd
