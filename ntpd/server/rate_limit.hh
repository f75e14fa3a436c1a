#pragma once
// `restrict ... limited [kod]` with `discard average/minimum` (ntp.conf.md
// §4.2, ntpd.md §7 step 10), decided per packet on the sender's MRU entry.
//
// The limit is a leaky bucket in seconds, the shape classic ntpd uses:
// every accepted packet adds one average headway (2^average s) minus a 2 s
// grace to the entry's debt, elapsed time pays it off, and a packet is
// within limits when it comes at least `minimum` - 1 s after the previous one
// and the debt stays below 8 headways (so an iburst of 8 passes, and a
// steady client may poll every 2^average - 2 s). A packet over the limit
// sets the debt to 9 headways; while the debt is still above 8 headways
// further excess is dropped silently, so KoD replies to one address go out
// at most once per headway.
//
// Spoofed floods: a flood carrying a victim's address would otherwise keep
// the victim's entry permanently over the limit and black-hole the real
// client. So a share (1 in 2^leak_log2, decided by a PRNG) of the excess
// that would be dropped silently is still answered normally. The answer is
// never larger than the request, so this gives an attacker no amplification.

#include <cstdint>

#include "ntpd/server/mru.hh"

namespace ntpd {

struct RateLimitSettings {
    int average_log2 = 3;   // `discard average` (8 s)
    int minimum_s = 2;      // `discard minimum`
    int leak_log2 = 2;      // answer 1 in 4 of the excess anyway; < 0: never
};

enum class RateDecision {
    pass,     // within limits (or let through by the leak)
    drop,     // over the limit: no reply
    kod,      // over the limit: send a RATE kiss-o'-death (only with `kod`)
};

class RateLimiter {
public:
    RateLimiter(const RateLimitSettings& settings, std::uint64_t random_seed);

    // `entry` has just been updated by MruList::record(); `interval_s` is
    // what record() returned (ignored for a new entry). `kod_allowed` when
    // the restrict entry has `kod` and the packet is mode 1 or 3.
    RateDecision decide(MruEntry& entry, bool is_new, double interval_s, bool kod_allowed);

    const RateLimitSettings& settings() const { return settings_; }
    std::uint64_t leaked() const { return leaked_; }

private:
    bool leak();

    RateLimitSettings settings_;
    std::uint64_t rng_;
    std::uint64_t leaked_ = 0;
};

}  // namespace ntpd
