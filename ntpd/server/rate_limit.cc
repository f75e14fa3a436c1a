#include "ntpd/server/rate_limit.hh"

#include <algorithm>
#include <cmath>

namespace ntpd {

namespace {
constexpr int bucket_headways = 8;   // NTP_SHIFT: packets a client may send back to back
constexpr double minimum_grace_s = 1;
constexpr double headway_grace_s = 2;
}  // namespace

RateLimiter::RateLimiter(const RateLimitSettings& settings, std::uint64_t random_seed)
    : settings_(settings), rng_(random_seed == 0 ? 0x2545f4914f6cdd1dULL : random_seed) {
    settings_.average_log2 = std::clamp(settings_.average_log2, 0, 17);
    settings_.minimum_s = std::max(settings_.minimum_s, 0);
}

bool RateLimiter::leak() {
    if (settings_.leak_log2 < 0) return false;
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    std::uint64_t r = rng_ * 0x2545f4914f6cdd1dULL;
    std::uint64_t mask = (std::uint64_t{1} << std::min(settings_.leak_log2, 32)) - 1;
    return ((r >> 32) & mask) == 0;
}

RateDecision RateLimiter::decide(MruEntry& entry, bool is_new, double interval_s, bool kod_allowed) {
    const double head = std::ldexp(1.0, settings_.average_log2);
    const double limit = bucket_headways * head;
    if (is_new) {
        entry.debt_s = head - headway_grace_s;
        if (entry.debt_s < 0) entry.debt_s = 0;
        return RateDecision::pass;
    }
    // Whole seconds, rounded, as the classic monitor counts headway.
    double interval = std::floor(interval_s + 0.5);
    entry.debt_s = std::max(0.0, entry.debt_s - interval);
    double with_this = entry.debt_s + head;
    if (interval + minimum_grace_s >= settings_.minimum_s && with_this < limit) {
        entry.debt_s = std::max(0.0, with_this - headway_grace_s);
        return RateDecision::pass;
    }
    bool first_excess = entry.debt_s < limit;
    if (first_excess) entry.debt_s = limit + head;
    // The kiss-o'-death is the answer to the first excess packet (it is
    // paced by the penalty above); the leak only applies to what would
    // otherwise be dropped silently.
    if (first_excess && kod_allowed) return RateDecision::kod;
    if (leak()) {
        ++leaked_;
        return RateDecision::pass;
    }
    return RateDecision::drop;
}

}  // namespace ntpd
