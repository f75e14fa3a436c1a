#include "libntp/wire/ntp_time.hh"

#include <algorithm>
#include <cmath>

namespace ntp::wire {

namespace {

// 128-bit integers keep offset sums exact even across eras; GCC and Clang
// both provide them on every target we build for.
__extension__ typedef __int128 Int128;

constexpr double two_pow_32 = 4294967296.0;
constexpr std::int64_t nanos_per_s = 1000000000;
// Seconds are kept within +-2^62 so that era arithmetic and sums of two
// values never overflow; that is far beyond any meaningful date.
constexpr std::int64_t seconds_limit = std::int64_t{1} << 62;

std::int64_t clamp_seconds(std::int64_t s) {
    return std::clamp(s, -seconds_limit, seconds_limit);
}

// Time in units of 2^-32 s.
Int128 units(NtpTime t) {
    return static_cast<Int128>(t.seconds_since_1900()) * (Int128{1} << 32) + t.fraction();
}

double units_to_seconds(Int128 u) {
    // Split first so the conversion to double is exact in the common case of
    // small differences and rounds once otherwise.
    const Int128 whole = u >> 32;  // floor
    const auto frac = static_cast<std::uint32_t>(u - (whole << 32));
    return static_cast<double>(whole) + static_cast<double>(frac) / two_pow_32;
}

// Splits a finite double into floor(x) and a 32-bit fraction rounded to nearest,
// with the carry; saturates far outside the representable range.
NtpTime split_seconds(double x, std::int64_t add_s) {
    if (!std::isfinite(x)) return NtpTime{};
    const double limit = static_cast<double>(seconds_limit);
    if (x >= limit) return NtpTime(seconds_limit, 0);
    if (x <= -limit) return NtpTime(-seconds_limit, 0);
    double whole = std::floor(x);
    const double frac = std::round((x - whole) * two_pow_32);
    std::uint64_t frac_units = static_cast<std::uint64_t>(frac);
    if (frac_units >= (std::uint64_t{1} << 32)) {
        whole += 1;
        frac_units = 0;
    }
    return NtpTime(clamp_seconds(static_cast<std::int64_t>(whole) + add_s),
                   static_cast<std::uint32_t>(frac_units));
}

}  // namespace

double diff_s(NtpTimestamp a, NtpTimestamp b) {
    // Modular subtraction, reinterpreted as signed: RFC 5905 section 6.
    const auto d = static_cast<std::int64_t>(a.raw() - b.raw());
    return static_cast<double>(d) / two_pow_32;
}

NtpShort NtpShort::from_seconds(double seconds) {
    if (!(seconds > 0)) return NtpShort{};  // also NaN
    if (seconds >= 65536.0) return from_raw(0xffffffffu);
    const double raw = std::round(seconds * 65536.0);
    return from_raw(raw >= 4294967295.0 ? 0xffffffffu : static_cast<std::uint32_t>(raw));
}

NtpTime NtpTime::from_timespec(const timespec& ts) {
    std::int64_t sec = ts.tv_sec;
    std::int64_t nsec = ts.tv_nsec;
    // Normalise so 0 <= nsec < 1e9 (floor division).
    std::int64_t carry = nsec / nanos_per_s;
    nsec %= nanos_per_s;
    if (nsec < 0) {
        nsec += nanos_per_s;
        carry -= 1;
    }
    sec = clamp_seconds(sec);
    const std::uint64_t frac =
        ((static_cast<std::uint64_t>(nsec) << 32) + nanos_per_s / 2) / nanos_per_s;
    // nsec <= 999999999 keeps frac below 2^32, so no carry is needed here.
    return NtpTime(clamp_seconds(sec + carry + unix_to_ntp_offset_s), static_cast<std::uint32_t>(frac));
}

NtpTime NtpTime::from_unix_seconds(double unix_s) {
    return split_seconds(unix_s, unix_to_ntp_offset_s);
}

timespec NtpTime::to_timespec() const {
    std::int64_t sec = seconds_ - unix_to_ntp_offset_s;
    std::uint64_t nsec =
        (static_cast<std::uint64_t>(fraction_) * nanos_per_s + (std::uint64_t{1} << 31)) >> 32;
    if (nsec >= static_cast<std::uint64_t>(nanos_per_s)) {
        sec += 1;
        nsec -= nanos_per_s;
    }
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(sec);
    ts.tv_nsec = static_cast<long>(nsec);
    return ts;
}

double NtpTime::to_unix_seconds() const {
    return static_cast<double>(seconds_ - unix_to_ntp_offset_s) +
           static_cast<double>(fraction_) / two_pow_32;
}

NtpTime NtpTime::add_seconds(double offset_s) const {
    if (!std::isfinite(offset_s)) return *this;
    const NtpTime delta = split_seconds(offset_s, 0);
    std::uint64_t frac = std::uint64_t{fraction_} + delta.fraction();
    std::int64_t sec = seconds_ + delta.seconds_since_1900();
    if (frac >= (std::uint64_t{1} << 32)) {
        frac -= std::uint64_t{1} << 32;
        sec += 1;
    }
    return NtpTime(clamp_seconds(sec), static_cast<std::uint32_t>(frac));
}

double diff_s(NtpTime a, NtpTime b) { return units_to_seconds(units(a) - units(b)); }

OnWireResult on_wire(NtpTime t1, NtpTime t2, NtpTime t3, NtpTime t4) {
    const Int128 sum = (units(t2) - units(t1)) + (units(t3) - units(t4));
    const Int128 delay = (units(t4) - units(t1)) - (units(t3) - units(t2));
    // Halving in double is exact (power of two), so the offset keeps full precision.
    return {units_to_seconds(sum) / 2, units_to_seconds(delay)};
}

NtpTime closest_era(NtpTimestamp ts, NtpTime reference) {
    const NtpTime ref(clamp_seconds(reference.seconds_since_1900()), reference.fraction());
    const std::int64_t era = ref.era();
    const Int128 half_era = Int128{1} << 63;  // 2^31 s in 2^-32 s units
    const Int128 d = units(NtpTime::from_timestamp(ts, era)) - units(ref);
    if (d > half_era) return NtpTime::from_timestamp(ts, era - 1);
    if (d <= -half_era) return NtpTime::from_timestamp(ts, era + 1);
    return NtpTime::from_timestamp(ts, era);
}

NtpTime resolve_era(NtpTimestamp ts, NtpTime local_now) {
    // A local clock far in the past (no RTC, dead battery) would put
    // timestamps after 2038 into the wrong era: anchor on the floor instead.
    const NtpTime floor(era_floor_s_since_1900, 0);
    return closest_era(ts, std::max(local_now, floor));
}

namespace {
std::uint32_t low_bits_mask(int precision_log2) {
    const int bits = std::clamp(32 + precision_log2, 0, 32);
    return bits == 32 ? 0xffffffffu : ((std::uint32_t{1} << bits) - 1);
}
}  // namespace

NtpTime with_random_low_bits(NtpTime t, int precision_log2, std::uint32_t random_bits) {
    const std::uint32_t mask = low_bits_mask(precision_log2);
    return NtpTime(t.seconds_since_1900(), (t.fraction() & ~mask) | (random_bits & mask));
}

NtpTimestamp with_random_low_bits(NtpTimestamp t, int precision_log2, std::uint32_t random_bits) {
    const std::uint32_t mask = low_bits_mask(precision_log2);
    return NtpTimestamp(t.seconds(), (t.fraction() & ~mask) | (random_bits & mask));
}

double timespec_diff_s(const timespec& a, const timespec& b) {
    const Int128 ns = (static_cast<Int128>(a.tv_sec) - b.tv_sec) * nanos_per_s +
                      (static_cast<Int128>(a.tv_nsec) - b.tv_nsec);
    Int128 whole = ns / nanos_per_s;
    Int128 rem = ns % nanos_per_s;
    return static_cast<double>(whole) + static_cast<double>(rem) / static_cast<double>(nanos_per_s);
}

timespec timespec_from_seconds(double seconds) {
    timespec ts{};
    if (!std::isfinite(seconds)) return ts;
    const double limit = static_cast<double>(seconds_limit);
    seconds = std::clamp(seconds, -limit, limit);
    double whole = std::floor(seconds);
    auto nsec = static_cast<std::int64_t>(std::round((seconds - whole) * 1e9));
    if (nsec >= nanos_per_s) {
        whole += 1;
        nsec -= nanos_per_s;
    }
    ts.tv_sec = static_cast<time_t>(whole);
    ts.tv_nsec = static_cast<long>(nsec);
    return ts;
}

}  // namespace ntp::wire
