#include "ntpd/server/mru.hh"

#include <algorithm>
#include <bit>
#include <cstring>

namespace ntpd {

using ntp::io::Endpoint;
using ntp::io::IpAddress;

namespace {

std::uint64_t mix(std::uint64_t h) {
    // splitmix64 finaliser: good avalanche for a keyed table hash.
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

}  // namespace

MruList::MruList(const MruSettings& settings, std::uint64_t hash_key, std::uint64_t random_seed)
    : settings_(settings),
      key0_(mix(hash_key ^ 0x6a09e667f3bcc908ULL)),
      key1_(mix(hash_key ^ 0xbb67ae8584caa73bULL)),
      rng_(random_seed == 0 ? 0x9e3779b97f4a7c15ULL : random_seed) {
    std::size_t derived = settings.max_mem_kb * 1024 / entry_bytes();
    max_depth_ = settings.max_depth != 0 ? settings.max_depth : derived;
    // At least min_depth, at least one, and indices must fit in 32 bits.
    max_depth_ = std::max<std::size_t>({max_depth_, settings.min_depth, 1});
    max_depth_ = std::min<std::size_t>(max_depth_, 1u << 26);
    settings_.min_depth = std::min(settings_.min_depth, max_depth_);
    nodes_.reserve(max_depth_);
    std::size_t table_size = std::bit_ceil(max_depth_ * 2);
    table_.assign(table_size, empty_slot);
    table_mask_ = table_size - 1;
}

std::size_t MruList::slot_of(const IpAddress& a) const {
    std::uint64_t w0 = 0, w1 = 0;
    std::memcpy(&w0, a.bytes.data(), 8);
    std::memcpy(&w1, a.bytes.data() + 8, 8);
    std::uint64_t h = mix(w0 ^ key0_);
    h = mix(h ^ w1 ^ key1_ ^ static_cast<std::uint64_t>(a.family));
    return static_cast<std::size_t>(h) & table_mask_;
}

std::uint32_t MruList::lookup_index(const IpAddress& a) const {
    for (std::size_t s = slot_of(a);; s = (s + 1) & table_mask_) {
        std::uint32_t idx = table_[s];
        if (idx == empty_slot) return npos;
        if (nodes_[idx].entry.source.addr == a) return idx;
    }
}

void MruList::hash_insert(std::uint32_t node) {
    std::size_t s = slot_of(nodes_[node].entry.source.addr);
    while (table_[s] != empty_slot) s = (s + 1) & table_mask_;
    table_[s] = node;
}

void MruList::hash_erase(std::uint32_t node) {
    // Linear probing deletion with backward shift: no tombstones, so probe
    // lengths cannot grow without bound under churn.
    std::size_t s = slot_of(nodes_[node].entry.source.addr);
    while (table_[s] != node) s = (s + 1) & table_mask_;
    std::size_t hole = s;
    for (std::size_t next = (hole + 1) & table_mask_; table_[next] != empty_slot;
         next = (next + 1) & table_mask_) {
        std::size_t home = slot_of(nodes_[table_[next]].entry.source.addr);
        // Move the entry back if its home slot is not in (hole, next].
        bool in_range = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
        if (!in_range) {
            table_[hole] = table_[next];
            hole = next;
        }
    }
    table_[hole] = empty_slot;
}

void MruList::unlink(std::uint32_t node) {
    Node& n = nodes_[node];
    if (n.newer != npos) nodes_[n.newer].older = n.older;
    else head_ = n.older;
    if (n.older != npos) nodes_[n.older].newer = n.newer;
    else tail_ = n.newer;
    n.newer = n.older = npos;
}

void MruList::link_head(std::uint32_t node) {
    Node& n = nodes_[node];
    n.newer = npos;
    n.older = head_;
    if (head_ != npos) nodes_[head_].newer = node;
    head_ = node;
    if (tail_ == npos) tail_ = node;
}

double MruList::next_random() {
    // xorshift64*: only a coin for the replacement policy, not for secrets.
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    return static_cast<double>((rng_ * 0x2545f4914f6cdd1dULL) >> 11) * 0x1.0p-53;
}

MruList::Touch MruList::record(const Endpoint& source, const IpAddress& local, double now_s) {
    Touch t;
    std::uint32_t idx = lookup_index(source.addr);
    if (idx != npos) {
        MruEntry& e = nodes_[idx].entry;
        t.interval_s = std::max(0.0, now_s - e.last_s);
        e.last_s = now_s;
        e.source.port = source.port;
        e.local = local;
        if (e.count < 0xffffffffu) ++e.count;
        if (head_ != idx) {
            unlink(idx);
            link_head(idx);
        }
        t.entry = &e;
        return t;
    }

    bool reuse = false;
    if (depth_ >= settings_.min_depth && tail_ != npos) {
        double oldest_age = now_s - nodes_[tail_].entry.last_s;
        if (oldest_age > settings_.max_age_s) {
            reuse = true;
        } else if (depth_ >= max_depth_) {
            double chance = settings_.monitor_s > 0 ? oldest_age / settings_.monitor_s : 1.0;
            if (next_random() >= chance) {
                ++not_recorded_;
                return t;
            }
            reuse = true;
        }
    }
    if (reuse) {
        idx = tail_;
        hash_erase(idx);
        unlink(idx);
    } else {
        idx = static_cast<std::uint32_t>(nodes_.size());
        nodes_.emplace_back();  // within the reserved capacity: no reallocation
        ++depth_;
        deepest_ = std::max(deepest_, depth_);
    }
    MruEntry& e = nodes_[idx].entry;
    e = MruEntry{};
    e.source = source;
    e.local = local;
    e.first_s = e.last_s = now_s;
    e.count = 1;
    hash_insert(idx);
    link_head(idx);
    t.entry = &e;
    t.is_new = true;
    return t;
}

const MruEntry* MruList::find(const IpAddress& address) const {
    std::uint32_t idx = lookup_index(address);
    return idx == npos ? nullptr : &nodes_[idx].entry;
}

void MruList::clear() {
    nodes_.clear();  // keeps the reserved capacity
    std::fill(table_.begin(), table_.end(), empty_slot);
    head_ = tail_ = npos;
    depth_ = 0;
}

std::size_t MruList::mem_kb() const { return (depth_ * entry_bytes() + 1023) / 1024; }

}  // namespace ntpd
