#pragma once
// Least privilege (`-u user[:group]`, `-i jaildir`): after the sockets are
// bound, the daemon (or ntpdate -U) becomes an ordinary user that keeps only
// CAP_SYS_TIME, to discipline the clock (none at all with --no-adjust, which
// never changes the clock), plus CAP_NET_BIND_SERVICE when ntpd tracks
// interfaces and so binds port 123 later.

#include <sys/types.h>

#include <optional>
#include <string>

namespace ntp::sys {

struct RunAs {
    uid_t uid = 0;
    gid_t gid = 0;
    std::string user;   // name for initgroups(); empty for a bare numeric uid
};

// Parses "user", "user:group", "uid:gid" (names through getpwnam/getgrnam,
// numbers taken as they are, as Debian's `-u 105:108`). Without a group the
// user's primary group is used. nullopt with `error` set when unknown.
std::optional<RunAs> parse_run_as(const std::string& spec, std::string& error);

struct DropOptions {
    std::optional<RunAs> user;          // -u
    std::optional<std::string> jaildir; // -i: chroot() there first
    bool keep_sys_time = true;          // false with --no-adjust
    bool keep_net_bind_service = false; // ntpd binds port 123 on addresses that appear later
};

// chroot (if asked), switch group/user (if asked) and reduce the capability
// sets to CAP_SYS_TIME (or nothing). Returns "" on success, else the reason
// (start-up error: the daemon logs it and exits 1).
std::string drop_privileges(const DropOptions& options);

}  // namespace ntp::sys
