#pragma once
// The MRU (most recently used) monitor list: one entry per remote address
// that sent us time packets, newest first, as `ntpq mrulist` shows it and as
// rate limiting (`restrict ... limited`) needs it.
//
// Memory is bounded: at most `max_depth` entries, held in one pool reserved
// at construction, indexed by a fixed-size open-addressing hash table with a
// secret hash key (so an attacker cannot aim collisions at it). Recording a
// packet never allocates.
//
// Replacement policy (classic `mru` / `discard monitor` semantics):
//   * below min_depth entries the list just grows;
//   * otherwise the oldest entry is reused when it is older than max_age_s;
//   * otherwise the list grows until max_depth;
//   * when full, the oldest entry is reused only with probability
//     age(oldest) / monitor_s, so a flood from thousands of (spoofed)
//     addresses cannot flush the entries of real abusers being rate limited;
//     a newcomer that gets no entry is served without one.
//
// Times are CLOCK_REALTIME readings as double seconds (the caller passes `now`).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "libntp/io/endpoint.hh"

namespace ntpd {

struct MruSettings {
    std::size_t min_depth = 600;
    std::size_t max_depth = 0;         // 0: derive from max_mem_kb
    std::size_t max_mem_kb = 1024;
    double max_age_s = 64;
    double monitor_s = 3000;           // `discard monitor`
};

struct MruEntry {
    ntp::io::Endpoint source;     // address and the last source port
    ntp::io::IpAddress local;     // our address the last packet came to
    double first_s = 0;           // first packet (unix seconds)
    double last_s = 0;            // latest packet
    std::uint32_t count = 0;
    std::uint8_t mode = 0;        // of the latest packet
    std::uint8_t version = 0;
    std::uint32_t restrict_flags = 0;  // as applied to the latest packet
    // Rate-limit state, owned by RateLimiter.
    double debt_s = 0;

    // (version << 3) | mode, as mode 6 `mv.N` shows it.
    std::uint8_t mode_version() const {
        return static_cast<std::uint8_t>(((version & 7u) << 3) | (mode & 7u));
    }
};

class MruList {
public:
    // `hash_key` should be random (the daemon takes it from OpenSSL);
    // `random_seed` drives the replacement coin (tests fix both).
    MruList(const MruSettings& settings, std::uint64_t hash_key, std::uint64_t random_seed);
    MruList(const MruList&) = delete;
    MruList& operator=(const MruList&) = delete;

    struct Touch {
        MruEntry* entry = nullptr;  // nullptr: full, newcomer not recorded
        bool is_new = false;
        double interval_s = 0;      // since the previous packet (0 when new)
    };
    // Records a packet from `source` at `now_s`: finds or creates the entry,
    // moves it to the head, bumps the count and the last time. Mode, version
    // and flags are left for the caller to fill in.
    Touch record(const ntp::io::Endpoint& source, const ntp::io::IpAddress& local, double now_s);

    const MruEntry* find(const ntp::io::IpAddress& address) const;

    // Visits entries newest first / oldest first; `fn(const MruEntry&)`
    // returns false to stop.
    template <typename Fn>
    void for_each_newest_first(Fn&& fn) const {
        for (std::uint32_t i = head_; i != npos; i = nodes_[i].older)
            if (!fn(nodes_[i].entry)) return;
    }
    template <typename Fn>
    void for_each_oldest_first(Fn&& fn) const {
        for (std::uint32_t i = tail_; i != npos; i = nodes_[i].newer)
            if (!fn(nodes_[i].entry)) return;
    }

    // Empties the list (e.g. `disable monitor` at run time).
    void clear();

    // Statistics for mode 6 (`mru_depth`, `mru_deepest`, ...).
    std::size_t depth() const { return depth_; }
    std::size_t deepest() const { return deepest_; }
    std::size_t min_depth() const { return settings_.min_depth; }
    std::size_t max_depth() const { return max_depth_; }
    double max_age_s() const { return settings_.max_age_s; }
    std::size_t max_mem_kb() const { return settings_.max_mem_kb; }
    // Memory in use for the entries, kB (rounded up), as `mru_mem` shows.
    std::size_t mem_kb() const;
    std::uint64_t not_recorded() const { return not_recorded_; }
    // Bytes one entry costs (pool node plus its share of the hash table).
    static constexpr std::size_t entry_bytes() { return sizeof(Node) + 2 * sizeof(std::uint32_t); }

private:
    static constexpr std::uint32_t npos = 0xffffffffu;
    static constexpr std::uint32_t empty_slot = 0xffffffffu;

    struct Node {
        MruEntry entry;
        std::uint32_t newer = npos;
        std::uint32_t older = npos;
    };

    std::size_t slot_of(const ntp::io::IpAddress& a) const;
    std::uint32_t lookup_index(const ntp::io::IpAddress& a) const;
    void hash_insert(std::uint32_t node);
    void hash_erase(std::uint32_t node);
    void unlink(std::uint32_t node);
    void link_head(std::uint32_t node);
    double next_random();  // uniform in [0, 1)

    MruSettings settings_;
    std::size_t max_depth_;
    std::uint64_t key0_, key1_;
    std::uint64_t rng_;
    std::vector<Node> nodes_;  // reserved to max_depth_: never reallocates
    std::vector<std::uint32_t> table_;
    std::size_t table_mask_;
    std::uint32_t head_ = npos;
    std::uint32_t tail_ = npos;
    std::size_t depth_ = 0;
    std::size_t deepest_ = 0;
    std::uint64_t not_recorded_ = 0;
};

}  // namespace ntpd
