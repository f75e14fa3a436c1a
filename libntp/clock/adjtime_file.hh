#pragma once
// /etc/adjtime as util-linux hwclock reads and writes it (hwclock.md 1.4):
//
//   0.000000 1453640000 0.000000     drift factor s/day, last adjust time, not-adjusted s
//   1453640000                       last calibration time (0 = no valid history)
//   UTC                              or LOCAL: what the RTC keeps
//
// Parsing is lenient like hwclock: missing lines or fields take defaults
// (0, UTC); an unknown third line is a warning. Formatting is byte-exact
// with hwclock's "%f %ld %f\n%ld\n%s\n" in the C locale.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ntp::clock {

enum class RtcTimescale { utc, local };

struct Adjtime {
    double drift_factor_s_per_day = 0;
    long long last_adjust_time_s = 0;  // Unix seconds
    double not_adjusted_s = 0;
    long long last_calibration_time_s = 0;
    RtcTimescale timescale = RtcTimescale::utc;
    // Line 3 said UTC or LOCAL. When false the RTC is taken as UTC, as
    // hwclock does for a missing or unrecognised line.
    bool timescale_stated = false;

    bool operator==(const Adjtime&) const = default;
};

struct AdjtimeParse {
    Adjtime adjtime;
    std::vector<std::string> warnings;  // "Warning: unrecognized third line in adjtime file"
};

AdjtimeParse parse_adjtime(std::string_view text);
std::string format_adjtime(const Adjtime& adjtime);

struct AdjtimeRead {
    AdjtimeParse parsed;  // defaults when the file is missing
    bool exists = false;
    std::string error;  // set when the file exists but cannot be read
    std::string text;   // the raw contents, to tell whether a rewrite changes anything
};

AdjtimeRead read_adjtime(const std::string& path);

// The timescale to write the RTC in: the forced one (config `utc`/`local`)
// or else what the adjtime file says (UTC when it says nothing).
RtcTimescale resolve_timescale(std::optional<RtcTimescale> forced, const Adjtime& adjtime);

struct AdjtimeUpdate {
    bool written = false;  // false also when nothing changed
    std::string error;     // "/etc/adjtime: <strerror>" when it could not be written
};

// What `hwclock --systohc` (without --update-drift) records after setting the
// RTC at `reference_s` in `timescale`: last adjust and last calibration
// times := reference_s, not-adjusted := 0, drift factor untouched, line 3 :=
// the timescale used. The file is created when missing (hwclock does too),
// rewritten only when its text changes, and replaced atomically (a symlink
// is followed, so the file it points to is replaced).
AdjtimeUpdate update_adjtime_after_systohc(const std::string& path, long long reference_s,
                                           RtcTimescale timescale);

}  // namespace ntp::clock
