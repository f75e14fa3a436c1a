#include "config.h"

#include "libntp/sys/privileges.hh"

#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifdef HAVE_LIBCAP
#include <sys/capability.h>
#endif

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

namespace ntp::sys {

namespace {

template <typename T>
std::optional<T> number(const std::string& s) {
    T v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

std::optional<RunAs> parse_run_as(const std::string& spec, std::string& error) {
    std::string user = spec;
    std::string group_name;
    if (auto colon = spec.find(':'); colon != std::string::npos) {
        user = spec.substr(0, colon);
        group_name = spec.substr(colon + 1);
    }
    RunAs r;
    bool have_gid = false;
    if (auto uid = number<uid_t>(user)) {
        r.uid = *uid;
        if (passwd* pw = getpwuid(r.uid)) {
            r.gid = pw->pw_gid;
            r.user = pw->pw_name;
            have_gid = true;
        }
    } else if (passwd* pw = getpwnam(user.c_str())) {
        r.uid = pw->pw_uid;
        r.gid = pw->pw_gid;
        r.user = pw->pw_name;
        have_gid = true;
    } else {
        error = "Cannot find user `" + user + "'";
        return std::nullopt;
    }
    if (!group_name.empty()) {
        if (auto gid = number<gid_t>(group_name)) {
            r.gid = *gid;
        } else if (struct group* gr = getgrnam(group_name.c_str())) {
            r.gid = gr->gr_gid;
        } else {
            error = "Cannot find group `" + group_name + "'";
            return std::nullopt;
        }
        have_gid = true;
    }
    if (!have_gid) r.gid = static_cast<gid_t>(r.uid);
    return r;
}

#ifdef HAVE_LIBCAP
namespace {

using CapPtr = std::unique_ptr<std::remove_pointer_t<cap_t>, int (*)(void*)>;

// The capabilities asked for that this process holds now (tests start the
// daemon without CAP_SYS_TIME: keeping it would fail, and less is safer).
std::vector<cap_value_t> held_of_wanted(const DropOptions& options) {
    std::vector<cap_value_t> wanted;
    if (options.keep_sys_time) wanted.push_back(CAP_SYS_TIME);
    if (options.keep_net_bind_service) wanted.push_back(CAP_NET_BIND_SERVICE);
    CapPtr now(cap_get_proc(), cap_free);
    std::vector<cap_value_t> held;
    for (cap_value_t c : wanted) {
        cap_flag_value_t v = CAP_CLEAR;
        if (now && cap_get_flag(now.get(), c, CAP_PERMITTED, &v) == 0 && v == CAP_SET) held.push_back(c);
    }
    return held;
}

}  // namespace
#endif

std::string drop_privileges(const DropOptions& options) {
    if (options.jaildir) {
        if (chdir(options.jaildir->c_str()) != 0) return errno_text("Cannot chdir() to jail");
        if (chroot(options.jaildir->c_str()) != 0) return errno_text("Cannot chroot() to jail");
        if (chdir("/") != 0) return errno_text("Cannot chdir() to root after chroot()");
    }
    const bool keep_any = options.keep_sys_time || options.keep_net_bind_service;
#ifdef HAVE_LIBCAP
    const std::vector<cap_value_t> keep = held_of_wanted(options);
    auto kept = [&](cap_value_t c) { return std::find(keep.begin(), keep.end(), c) != keep.end(); };
    if (options.user || options.jaildir) {
        // The bounding set too, while we still may (CAP_SETPCAP): nothing
        // exec'd later could gain more than what is kept back.
        for (cap_value_t cap = 0; cap <= 63; ++cap) {
            if (kept(cap)) continue;
            if (prctl(PR_CAPBSET_READ, cap, 0L, 0L, 0L) != 1) continue;  // absent or gone
            if (prctl(PR_CAPBSET_DROP, cap, 0L, 0L, 0L) != 0) return errno_text("prctl(PR_CAPBSET_DROP)");
        }
    }
#endif
    if (options.user) {
        const RunAs& r = *options.user;
        // Keep the permitted set across setuid() so the kept capabilities survive.
        if (keep_any && prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) != 0) {
            return errno_text("prctl(PR_SET_KEEPCAPS)");
        }
        if (!r.user.empty()) {
            if (initgroups(r.user.c_str(), r.gid) != 0) return errno_text("initgroups()");
        } else if (setgroups(1, &r.gid) != 0) {
            return errno_text("setgroups()");
        }
        if (setgid(r.gid) != 0) return errno_text("Cannot setgid() to group");
        if (setuid(r.uid) != 0) return errno_text("Cannot setuid() to user");
        if (keep_any) (void)prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L);
    }
#ifdef HAVE_LIBCAP
    if (options.user || options.jaildir) {
        CapPtr caps(cap_init(), cap_free);
        if (!caps) return errno_text("cap_init()");
        if (!keep.empty()) {
            const int n = static_cast<int>(keep.size());
            if (cap_set_flag(caps.get(), CAP_PERMITTED, n, keep.data(), CAP_SET) != 0 ||
                cap_set_flag(caps.get(), CAP_EFFECTIVE, n, keep.data(), CAP_SET) != 0) {
                return errno_text("cap_set_flag()");
            }
        }
        if (cap_set_proc(caps.get()) != 0) {
            // Keeping what we hold should not fail; keep nothing if it does,
            // which is only safer.
            CapPtr none(cap_init(), cap_free);
            if (!none || cap_set_proc(none.get()) != 0) return errno_text("cap_set_proc()");
        }
    }
#else
    (void)keep_any;
#endif
    return {};
}

}  // namespace ntp::sys
