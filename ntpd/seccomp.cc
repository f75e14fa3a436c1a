#include "config.h"

#include "ntpd/seccomp.hh"

#ifdef HAVE_SECCOMP

#include <sched.h>
#include <seccomp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <type_traits>

namespace ntpd {

namespace {

// Everything the daemon does after start-up, without argument checks.
// Names missing on an architecture (open, stat, epoll_wait...) are skipped.
constexpr const char* allowed_calls[] = {
    // memory, threads, scheduling
    "brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "futex", "set_robust_list",
    "get_robust_list", "rseq", "set_tid_address", "sched_yield", "sched_getaffinity",
    "nanosleep", "clock_nanosleep", "restart_syscall", "exit", "exit_group",
    // identity and system facts (mode 6 `system`, getaddrinfo, the C library)
    "getpid", "gettid", "getuid", "geteuid", "getgid", "getegid", "uname", "sysinfo",
    "getrusage", "times", "getrandom",
    // signals: SignalFlags, the SIGSYS reporter below
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
    // time and the clock discipline (Clock implementations, libntp/clock)
    "clock_gettime", "clock_getres", "gettimeofday", "time", "clock_adjtime", "adjtimex",
    "clock_settime",
    // files: drift, statistics (filegen links its current generation), log,
    // keys (SIGHUP), /etc/hosts, NSS modules
    "read", "readv", "pread64", "write", "writev", "pwrite64", "open", "openat", "close",
    "lseek", "fstat", "newfstatat", "stat", "lstat", "statx", "fsync", "fdatasync",
    "ftruncate", "fchmod", "rename", "renameat", "renameat2", "unlink", "unlinkat",
    "access", "faccessat", "faccessat2", "fcntl", "dup", "dup2", "dup3", "getdents64",
    "readlink", "readlinkat", "link", "linkat",
    // the RTC (RTC_RD_TIME / RTC_SET_TIME), FIONREAD in the resolver, isatty()
    "ioctl",
    // sockets: association sockets, DNS over UDP/TCP, syslog, netlink
    "connect", "bind", "getsockname", "getpeername", "setsockopt", "getsockopt", "sendto",
    "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown",
    // the event loop (epoll, or poll with EVENT_NOEPOLL=1) and the resolver
    "poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1", "epoll_ctl",
    "epoll_wait", "epoll_pwait", "epoll_pwait2",
    // reference clocks: the SHM segment (attached again when it was removed)
    "shmget", "shmat", "shmdt",
};

// Sanitizer builds (--enable-sanitizers) only: UBSan's vptr check probes
// memory through a pipe (__sanitizer::IsAccessibleMemoryRange).
#if defined(__SANITIZE_ADDRESS__)
#define NTPD_SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NTPD_SANITIZER_BUILD 1
#endif
#endif
#ifdef NTPD_SANITIZER_BUILD
constexpr std::array<const char*, 2> sanitizer_calls{"pipe", "pipe2"};
#else
constexpr std::array<const char*, 0> sanitizer_calls{};
#endif

constexpr int socket_families[] = {AF_INET, AF_INET6, AF_UNIX, AF_NETLINK};

// The SIGSYS reporter needs these from a signal handler, so they cannot be
// passed down: set once by install_seccomp_filter(), before the filter.
constexpr long max_syscall_number = 512;
std::array<const char*, max_syscall_number> g_syscall_names{};
int g_syslog_fd = -1;

void append(char*& p, const char* end, const char* s) {
    while (*s && p < end) *p++ = *s++;
}

void append_number(char*& p, const char* end, long v) {
    char digits[24];
    int n = 0;
    unsigned long u = v < 0 ? 0UL - static_cast<unsigned long>(v) : static_cast<unsigned long>(v);
    do {
        digits[n++] = static_cast<char>('0' + u % 10);
        u /= 10;
    } while (u != 0 && n < 20);
    if (v < 0 && p < end) *p++ = '-';
    while (n > 0 && p < end) *p++ = digits[--n];
}

// Async-signal-safe: formats without allocating, writes to stderr and the
// syslog socket opened beforehand, then dies by SIGSYS (SA_RESETHAND put the
// default action back, SA_NODEFER lets the signal through at once).
void report_forbidden_call(int, siginfo_t* info, void*) {
    const long nr = info->si_syscall;
    char text[160];
    char* p = text;
    const char* end = text + sizeof text - 1;
    append(p, end, "seccomp: forbidden system call ");
    const char* name = nr >= 0 && nr < max_syscall_number ? g_syscall_names[nr] : nullptr;
    append(p, end, name ? name : "?");
    append(p, end, " (");
    append_number(p, end, nr);
    append(p, end, "); exiting");
    const std::size_t text_len = static_cast<std::size_t>(p - text);

    char line[200];
    char* q = line;
    const char* line_end = line + sizeof line - 1;
    append(q, line_end, "ntpd[");
    append_number(q, line_end, getpid());
    append(q, line_end, "]: ");
    for (std::size_t i = 0; i < text_len && q < line_end; ++i) *q++ = text[i];
    *q++ = '\n';
    (void)!write(STDERR_FILENO, line, static_cast<std::size_t>(q - line));

    if (g_syslog_fd >= 0) {
        // <26> = LOG_DAEMON | LOG_CRIT, in the format syslog(3) sends.
        char msg[220];
        char* m = msg;
        const char* msg_end = msg + sizeof msg;
        append(m, msg_end, "<26>");
        for (char* c = line; c < q - 1 && m < msg_end; ++c) *m++ = *c;
        (void)!send(g_syslog_fd, msg, static_cast<std::size_t>(m - msg), MSG_DONTWAIT);
    }
    raise(SIGSYS);
    _exit(128 + SIGSYS);  // not reached: SIGSYS terminates
}

void prepare_reporter() {
    for (long nr = 0; nr < max_syscall_number; ++nr) {
        // Allocated once for the life of the process (the handler reads them).
        g_syscall_names[static_cast<std::size_t>(nr)] =
            seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, static_cast<int>(nr));
    }
    if (g_syslog_fd < 0) {
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, "/dev/log", sizeof addr.sun_path - 1);
        if (fd >= 0 && connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
            g_syslog_fd = fd;
        } else if (fd >= 0) {
            close(fd);
        }
    }
    struct sigaction sa {};
    sa.sa_sigaction = report_forbidden_call;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSYS, &sa, nullptr);
}

using FilterPtr = std::unique_ptr<std::remove_pointer_t<scmp_filter_ctx>, void (*)(scmp_filter_ctx)>;

std::string failed(const char* what, int rc) {
    return std::string("seccomp: ") + what + ": " + std::strerror(-rc);
}

}  // namespace

bool seccomp_available() { return true; }

std::string install_seccomp_filter() {
    FilterPtr filter(seccomp_init(SCMP_ACT_TRAP), seccomp_release);
    if (!filter) return "seccomp: cannot create a filter";
    auto* ctx = filter.get();
    int rc = 0;
    for (const char* name : allowed_calls) {
        const int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) continue;
        if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0)) != 0) return failed(name, rc);
    }
    for (const char* name : sanitizer_calls) {
        const int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) continue;
        if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0)) != 0) return failed(name, rc);
    }
    for (int family : socket_families) {
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
                              SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(family), 0));
        if (rc != 0) return failed("socket", rc);
    }
    // Threads only (the resolver): a clone without CLONE_THREAD is a fork.
    rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                          SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
    if (rc != 0) return failed("clone", rc);
    // clone3 passes its flags in memory, out of a filter's reach: ENOSYS
    // makes the C library fall back to clone.
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    if (rc != 0) return failed("clone3", rc);
    // Signals to ourselves only (raise() in the SIGSYS reporter, abort()).
    rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
                          SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(getpid()), 0));
    if (rc != 0) return failed("tgkill", rc);
    // getrlimit() only, never a new limit.
    rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 1, SCMP_A2(SCMP_CMP_EQ, 0, 0));
    if (rc != 0) return failed("prlimit64", rc);

    prepare_reporter();
    // Sets no_new_privs first (SCMP_FLTATR_CTL_NNP is on by default), and
    // applies to every thread already running (SCMP_FLTATR_CTL_TSYNC).
    if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) != 0) return failed("tsync", rc);
    if ((rc = seccomp_load(ctx)) != 0) return failed("cannot load the filter", rc);
    return {};
}

}  // namespace ntpd

#else  // !HAVE_SECCOMP

namespace ntpd {

bool seccomp_available() { return false; }

std::string install_seccomp_filter() {
    return "--seccomp: this ntpd was built without seccomp support "
           "(configure --enable-seccomp, with libseccomp installed)";
}

}  // namespace ntpd

#endif
