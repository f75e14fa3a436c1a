#pragma once
// The leap second table from a `leapfile` (the IERS/NIST leap-seconds.list
// format, as shipped in /usr/share/zoneinfo/leap-seconds.list):
//
//   #$ 3960835200              last update, NTP seconds
//   #@ 3991593600              expiry, NTP seconds
//   2272060800  10  # 1 Jan 1972   from this NTP second on, TAI - UTC = 10 s
//   ...
//   #h 49db2447 571e5e1b 2f002a53 9c8da8e4 39b8e49e   SHA-1, five 32-bit words
//
// The hash covers only the digits of the #$ line, the #@ line and the data
// lines (up to a data line's comment), in file order, as classic ntpd checks
// it. A good hash or no hash loads the table (no hash is logged as an error,
// as classic does); a wrong or malformed hash rejects the file. An expired
// table still loads: the caller warns (leap_expiry_warning).
//
// parse_leap_file is pure; load_leap_file reads the file and parses it. Times
// are kept as Unix seconds (UTC, leap seconds not counted, like time_t).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libntp/util/log.hh"

namespace ntp::sync {

inline constexpr std::int64_t ntp_to_unix_offset_s = 2'208'988'800;  // 1900-01-01 .. 1970-01-01

struct LeapEntry {
    std::int64_t unix_s = 0;  // first second with the new offset: 00:00:00 UTC on a month's first day
    int tai_offset_s = 0;     // TAI - UTC from then on
};

// The next leap second as seen from some moment.
struct LeapTransition {
    std::int64_t unix_s = 0;  // the transition (the leap is the second just before it)
    int tai_offset_s = 0;     // TAI - UTC after it
    int change_s = 0;         // +1: a second is inserted (23:59:60), -1: 23:59:59 is deleted
};

struct LeapTable {
    std::int64_t updated_unix_s = 0;  // #$
    std::int64_t expires_unix_s = 0;  // #@ (0: the file had none)
    std::vector<LeapEntry> entries;   // strictly ascending
    bool hash_checked = false;        // a #h line was present and matched

    // TAI - UTC at `unix_s` (0 before the first entry or for an empty table).
    int tai_offset_at(std::int64_t unix_s) const;
    // The first transition after `unix_s`, if the table has one.
    std::optional<LeapTransition> next_after(std::int64_t unix_s) const;
    // The latest entry's transition time (the `leapsec` mode 6 variable).
    std::optional<std::int64_t> last_transition_unix_s() const;
    bool expired_at(std::int64_t unix_s) const { return unix_s >= expires_unix_s; }
    // Whole days until expiry, rounded down (negative once expired).
    std::int64_t days_to_live(std::int64_t unix_s) const;
};

struct LeapMessage {
    util::Severity severity = util::Severity::notice;
    std::string text;
};

struct LeapFileResult {
    std::optional<LeapTable> table;     // nullopt: rejected (the messages say why)
    std::vector<LeapMessage> messages;  // classic texts: "leapsecond file ('<name>'): ..."
};

// Parses the text of a leap seconds file; `name` is used in the messages
// (the path, as classic logs it).
LeapFileResult parse_leap_file(std::string_view text, std::string_view name);

// Reads and parses `path`; a file that cannot be read is rejected with
// "leapsecond file ('<path>'): open failed: <errno text>".
LeapFileResult load_leap_file(const std::string& path);

// The expiry warning classic ntpd logs: every check once less than a day is
// left ("will expire in less than one day"), on the daily check also within
// 28 days ("will expire in less than N days") and after expiry ("expired less
// than N days ago", an error). nullopt: nothing to say.
std::optional<LeapMessage> leap_expiry_warning(const LeapTable& table, std::string_view name,
                                               std::int64_t now_unix_s, bool daily_check);

// "2017-01-01T00:00:00Z" (classic's leap file log format).
std::string leap_iso_time(std::int64_t unix_s);
// "201701010000" (classic's filestamp: the TAI event and mode 6 leapsec/expire).
std::string leap_filestamp(std::int64_t unix_s);

}  // namespace ntp::sync
