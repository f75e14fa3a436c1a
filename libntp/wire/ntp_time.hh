#pragma once
// NTP time formats (RFC 5905 section 6) and the era arithmetic around them.
//
//   NtpTimestamp  the 64-bit wire timestamp: 32 bits of seconds since the start
//                 of the current era (era 0 began 1900-01-01T00:00:00Z) and 32
//                 bits of fraction. It does not know its era: 2036-02-07T06:28:16Z
//                 is raw 0 again.
//   NtpShort      the 32-bit wire "short" format, 16.16 unsigned seconds, used
//                 for root delay and root dispersion.
//   NtpTime       a full, era-qualified time: signed 64-bit seconds since
//                 1900-01-01 plus a 32-bit fraction. This is what local clock
//                 readings become and what offset math works on.
//
// A wire timestamp becomes an NtpTime only through resolve_era(), which picks
// the era closest to a local reference. All conversions are exact integer
// operations except where a double is asked for explicitly.

#include <compare>
#include <cstdint>
#include <ctime>

namespace ntp::wire {

// Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (the Unix epoch).
inline constexpr std::int64_t unix_to_ntp_offset_s = 2208988800LL;
// Length of one NTP era in seconds (about 136 years).
inline constexpr std::int64_t era_length_s = std::int64_t{1} << 32;

class NtpTimestamp {
public:
    constexpr NtpTimestamp() = default;
    constexpr NtpTimestamp(std::uint32_t seconds, std::uint32_t fraction)
        : raw_((std::uint64_t{seconds} << 32) | fraction) {}
    static constexpr NtpTimestamp from_raw(std::uint64_t raw) {
        NtpTimestamp t;
        t.raw_ = raw;
        return t;
    }

    constexpr std::uint64_t raw() const { return raw_; }
    constexpr std::uint32_t seconds() const { return static_cast<std::uint32_t>(raw_ >> 32); }
    constexpr std::uint32_t fraction() const { return static_cast<std::uint32_t>(raw_); }
    // All-zero means "unknown / not set" on the wire (e.g. origin of a first packet).
    constexpr bool is_zero() const { return raw_ == 0; }

    constexpr auto operator<=>(const NtpTimestamp&) const = default;

private:
    std::uint64_t raw_ = 0;
};

// a - b in seconds, taking the 64-bit difference modulo 2^64 as signed (RFC 5905
// section 6: correct whenever the true difference is within +-68 years, across an
// era boundary too). Computed in integers, then converted once to double.
double diff_s(NtpTimestamp a, NtpTimestamp b);

class NtpShort {
public:
    constexpr NtpShort() = default;
    static constexpr NtpShort from_raw(std::uint32_t raw) {
        NtpShort s;
        s.raw_ = raw;
        return s;
    }
    // Rounds to nearest 2^-16 s; negative and NaN give 0, values beyond the
    // format (65535.99998 s) saturate: on the wire these fields are unsigned.
    static NtpShort from_seconds(double seconds);

    constexpr std::uint32_t raw() const { return raw_; }
    double to_seconds() const { return static_cast<double>(raw_) / 65536.0; }

    constexpr auto operator<=>(const NtpShort&) const = default;

private:
    std::uint32_t raw_ = 0;
};

class NtpTime {
public:
    constexpr NtpTime() = default;
    // seconds_since_1900 may be negative (before 1900) or beyond era 0.
    constexpr NtpTime(std::int64_t seconds_since_1900, std::uint32_t fraction)
        : seconds_(seconds_since_1900), fraction_(fraction) {}

    // Exact up to rounding of the nanoseconds to the nearest 2^-32 s. Accepts
    // non-normalised timespecs (tv_nsec outside [0, 1e9)).
    static NtpTime from_timespec(const timespec& ts);
    // Seconds since the Unix epoch (may be negative); NaN and infinities give
    // the zero NtpTime, out-of-range values saturate.
    static NtpTime from_unix_seconds(double unix_s);
    // Place a wire timestamp in a given era (era 0 = 1900..2036, 1 = 2036..2172).
    static constexpr NtpTime from_timestamp(NtpTimestamp ts, std::int64_t era) {
        return NtpTime(era * era_length_s + ts.seconds(), ts.fraction());
    }

    constexpr std::int64_t seconds_since_1900() const { return seconds_; }
    constexpr std::uint32_t fraction() const { return fraction_; }
    // floor(seconds / 2^32): 0 for 1900..2036, 1 after 2036-02-07T06:28:16Z, -1 before 1900.
    constexpr std::int64_t era() const { return seconds_ >> 32; }

    // Normalised timespec (0 <= tv_nsec < 1e9), nanoseconds rounded to nearest
    // with the carry into tv_sec.
    timespec to_timespec() const;
    double to_unix_seconds() const;
    // Drops the era: what goes on the wire.
    constexpr NtpTimestamp timestamp() const {
        return NtpTimestamp(static_cast<std::uint32_t>(seconds_), fraction_);
    }

    // this + offset_s (offset may be negative); saturates like from_unix_seconds.
    NtpTime add_seconds(double offset_s) const;

    constexpr auto operator<=>(const NtpTime&) const = default;

private:
    std::int64_t seconds_ = 0;
    std::uint32_t fraction_ = 0;
};

// a - b in seconds, exact in integers first; one rounding to double at the end.
double diff_s(NtpTime a, NtpTime b);

// The on-wire calculation (RFC 5905 section 8), all four timestamps already
// era-resolved. t1 = our transmit (origin), t2 = their receive, t3 = their
// transmit, t4 = our receive.
//   offset = ((t2 - t1) + (t3 - t4)) / 2   (positive: our clock is behind)
//   delay  = (t4 - t1) - (t3 - t2)         (not clamped: callers apply precision)
struct OnWireResult {
    double offset_s = 0;
    double delay_s = 0;
};
OnWireResult on_wire(NtpTime t1, NtpTime t2, NtpTime t3, NtpTime t4);

// The era that puts `ts` closest to `reference` (|result - reference| <= 2^31 s).
// Pure RFC 5905 behaviour; a tie (exactly 2^31 s) resolves to the later era.
NtpTime closest_era(NtpTimestamp ts, NtpTime reference);

// Earliest time the local clock is believed to be able to show correctly: a
// local clock reading earlier than this (a dead RTC starting in 1970) is treated
// as this value when choosing an era. 2024-01-01T00:00:00Z.
inline constexpr std::int64_t era_floor_s_since_1900 = 3913056000LL;

// Resolve a wire timestamp against the local clock reading `local_now`: the
// closest era to max(local_now, era floor). So a clock that starts in 1970 or
// 2010 resolves timestamps of any true time in [1956, 2092], a clock reading
// 2040 any true time in [1972, 2108], without a 2^32-second misstep, and the
// 2036 rollover is seamless.
NtpTime resolve_era(NtpTimestamp ts, NtpTime local_now);

// Replace the fraction bits below the clock precision with random bits, so
// transmit timestamps cannot be predicted (RFC 5905 section 6, RFC 9109-style
// hardening). precision_log2 is the classic precision (e.g. -20 means 2^-20 s):
// the low (32 + precision_log2) fraction bits are replaced, clamped to [0, 32].
// `random_bits` comes from the caller (the kernel generator in production,
// fixed values in tests).
NtpTime with_random_low_bits(NtpTime t, int precision_log2, std::uint32_t random_bits);
NtpTimestamp with_random_low_bits(NtpTimestamp t, int precision_log2, std::uint32_t random_bits);

// Helpers for timespec arithmetic used around the clock: a - b in seconds
// (exact in integers first, works for negative results and unnormalised input),
// and a double offset turned into a normalised timespec (tv_nsec in [0, 1e9)
// also when negative: -0.25 s is {-1, 750000000}).
double timespec_diff_s(const timespec& a, const timespec& b);
timespec timespec_from_seconds(double seconds);

}  // namespace ntp::wire
