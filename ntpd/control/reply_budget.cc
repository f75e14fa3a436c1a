#include "ntpd/control/reply_budget.hh"

#include <algorithm>

namespace ntpd::control {

ReplyBudget::ReplyBudget(Limits limits, std::uint64_t salt)
    : limits_(limits), salt_(salt), buckets_(std::max<std::size_t>(limits.slots, 1)) {}

std::size_t ReplyBudget::slot_of(const ntp::io::IpAddress& source) const {
    // FNV-1a over the family and the octets, then a splitmix64 finaliser
    // keyed with the salt: forged addresses cannot be aimed at one slot
    // without knowing it (and aiming would only starve the attacker).
    std::uint64_t h = 0xcbf29ce484222325ull ^ salt_;
    auto mix = [&h](std::uint8_t octet) { h = (h ^ octet) * 0x100000001b3ull; };
    mix(static_cast<std::uint8_t>(source.family));
    for (std::size_t i = 0; i < source.size(); ++i) mix(source.bytes[i]);
    h += salt_;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
    h ^= h >> 31;
    return static_cast<std::size_t>(h % buckets_.size());
}

bool ReplyBudget::spend(const ntp::io::IpAddress& source, std::size_t bytes, double now_s) {
    Bucket& b = buckets_[slot_of(source)];
    const double burst = static_cast<double>(limits_.burst_bytes);
    if (!b.used) {
        b = {burst, now_s, true};
    } else if (now_s > b.last_s) {
        b.tokens = std::min(burst, b.tokens + (now_s - b.last_s) * limits_.rate_bytes_s);
        b.last_s = now_s;
    }
    const double cost = static_cast<double>(bytes);
    if (cost > b.tokens) return false;
    b.tokens -= cost;
    return true;
}

}  // namespace ntpd::control
