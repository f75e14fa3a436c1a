#pragma once
// Per-source byte budget for mode 6 replies larger than their request: what
// keeps `ntpq` usable from anywhere `restrict` allows it (as classic) while
// the server is no amplifier worth spoofing for.
//
// A 12-octet READVAR from a forged source address draws a ~500-octet reply
// to the victim. Each source address gets a token bucket of `burst_bytes`,
// refilled at `rate_bytes_s`: an interactive `ntpq -p` or a monitoring
// poll every few seconds never notices, while a flood forged to come from
// one victim gets it at most burst + rate * seconds octets in all. Buckets
// sit in a fixed table indexed by a salted hash of the address, so a flood
// from many forged addresses cannot grow memory; two addresses that share
// a slot share a budget, which only ever means fewer replies.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "libntp/io/endpoint.hh"

namespace ntpd::control {

class ReplyBudget {
public:
    struct Limits {
        std::size_t burst_bytes = 32 * 1024;
        double rate_bytes_s = 2048;
        std::size_t slots = 4096;
    };

    ReplyBudget(Limits limits, std::uint64_t salt);

    // Charges `bytes` to `source`'s bucket at `now_s` (any monotonic-enough
    // seconds; time going backwards refills nothing). False, and nothing
    // charged, when the bucket cannot cover it.
    bool spend(const ntp::io::IpAddress& source, std::size_t bytes, double now_s);

    const Limits& limits() const { return limits_; }

private:
    struct Bucket {
        double tokens = 0;
        double last_s = 0;
        bool used = false;
    };
    std::size_t slot_of(const ntp::io::IpAddress& source) const;

    Limits limits_;
    std::uint64_t salt_;
    std::vector<Bucket> buckets_;
};

}  // namespace ntpd::control
