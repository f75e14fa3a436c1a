#pragma once
// Service settings files in shell syntax: /etc/sysconfig/ntpd (RHEL),
// /etc/sysconfig/ntpdate, /etc/default/ntp (Debian). The init scripts
// `source` them; we read the plain assignments so the daemon can honour
// SYNC_HWCLOCK=yes the way the RHEL scripts do (hwclock.md 3).

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ntp::clock {

inline constexpr const char* kSysconfigNtpd = "/etc/sysconfig/ntpd";
inline constexpr const char* kSysconfigNtpdate = "/etc/sysconfig/ntpdate";
inline constexpr const char* kDefaultNtp = "/etc/default/ntp";

// KEY=value lines as the shell assigns them: `#` comments, an optional
// `export `, single quotes (literal), double quotes (a backslash escapes
// the characters \" \\ \$ \` and joins lines), backslash escapes in bare words, values
// spanning lines inside quotes. A bare value ends at white space; whatever
// follows on that line is ignored. `$VAR` is kept literally, not expanded.
// Lines that are not assignments (commands, `KEY = v`) are skipped; a later
// assignment overrides an earlier one.
std::map<std::string, std::string> parse_shell_assignments(std::string_view text);

// nullopt when the file is missing or unreadable.
std::optional<std::map<std::string, std::string>> read_shell_assignments(const std::string& path);

// The RHEL scripts test `[ "$SYNC_HWCLOCK" = "yes" ]`: exactly "yes".
bool sync_hwclock_requested(const std::map<std::string, std::string>& settings);

}  // namespace ntp::clock
