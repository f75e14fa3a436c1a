#include "ntpd/core/peer_manager.hh"

#include <algorithm>
#include <stdexcept>

namespace ntpd {
namespace {

using ntp::io::Endpoint;
using ntp::io::IpAddress;

bool sane_unicast(const IpAddress& a, ntp::io::ResolveFamily family) {
    if (a.family == ntp::io::Family::none || a.is_multicast() || a.is_unspecified()) return false;
    if (family == ntp::io::ResolveFamily::v4 && !a.is_v4()) return false;
    if (family == ntp::io::ResolveFamily::v6 && !a.is_v6()) return false;
    return true;
}

std::string gai_message(const ntp::io::ResolveResult& r) {
    return r.error_text + " (" + std::to_string(r.gai_error) + ")";
}

}  // namespace

std::string too_many_message(const std::string& what) {
    return "too many associations (limit " + std::to_string(PeerManager::max_associations) + "): " + what +
           " not mobilized";
}


std::optional<IpAddress> first_sane_address(const std::vector<IpAddress>& addresses, ntp::io::ResolveFamily family) {
    for (const auto& a : addresses)
        if (sane_unicast(a, family)) return a;
    return std::nullopt;
}

PeerManager::PeerManager(Random random, double sys_precision_s)
    : random_(std::move(random)), sys_precision_s_(sys_precision_s) {
    next_id_ = static_cast<std::uint16_t>(random_() & 0x7fff);
    if (next_id_ == 0) next_id_ = 1;
}

std::uint16_t PeerManager::next_id() {
    // Bounded: with the table not full a free id is at most 65535 steps away.
    for (std::size_t tries = 0; tries < max_associations; ++tries) {
        const std::uint16_t id = next_id_++;
        if (next_id_ == 0) next_id_ = 1;
        if (id != 0 && !ids_in_use_.test(id)) return id;
    }
    throw std::length_error("association table full");
}

double PeerManager::first_poll_delay() {
    // Classic starts new associations within a second or two, staggered.
    return 1.0 + static_cast<double>(random_() & 0xff) / 256.0;
}

PeerEntry& PeerManager::add(PeerConfig config, double now_s, double first_poll_s, int pool) {
    if (full()) throw std::length_error("association table full");
    const std::uint16_t id = next_id();
    ids_in_use_.set(id);
    auto entry = std::make_unique<PeerEntry>(Peer(id, std::move(config), now_s, first_poll_s), sys_precision_s_);
    entry->pool = pool;
    entries_.push_back(std::move(entry));
    return *entries_.back();
}

bool PeerManager::remove(std::uint16_t assoc_id) {
    const auto it = std::find_if(entries_.begin(), entries_.end(),
                                 [&](const auto& e) { return e->peer.assoc_id() == assoc_id; });
    if (it == entries_.end()) return false;
    ids_in_use_.reset(assoc_id);
    entries_.erase(it);
    return true;
}

PeerEntry* PeerManager::find(std::uint16_t assoc_id) {
    for (auto& e : entries_)
        if (e->peer.assoc_id() == assoc_id) return e.get();
    return nullptr;
}

const PeerEntry* PeerManager::find(std::uint16_t assoc_id) const {
    return const_cast<PeerManager*>(this)->find(assoc_id);
}

PeerEntry* PeerManager::find_by_source(const Endpoint& from) {
    for (auto& e : entries_) {
        const PeerConfig& c = e->peer.config();
        if (c.is_refclock() || c.kind == PeerKind::pool_prototype || c.kind == PeerKind::broadcast) continue;
        if (c.address.addr == from.addr && c.address.port == from.port) return e.get();
    }
    return nullptr;
}

const PeerEntry* PeerManager::find_by_source(const Endpoint& from) const {
    return const_cast<PeerManager*>(this)->find_by_source(from);
}

std::size_t PeerManager::network_sources() const {
    std::size_t n = names_.size();
    for (const auto& e : entries_)
        // Pool prototypes count (members are coming); what we broadcast does not.
        if (!e->peer.config().is_refclock() && e->peer.config().kind != PeerKind::broadcast) ++n;
    return n;
}

bool PeerManager::address_in_use(const IpAddress& a) const {
    for (const auto& e : entries_)
        if (e->peer.config().address.addr == a && !e->peer.config().is_refclock()) return true;
    return false;
}

void PeerManager::add_name(PeerConfig config, ntp::io::ResolveFamily family, double now_s) {
    PendingName n;
    n.config = std::move(config);
    n.family = family;
    n.next_try_s = now_s;
    names_.push_back(std::move(n));
}

void PeerManager::add_pool(const std::string& host, PeerConfig member, ntp::io::ResolveFamily family, double now_s) {
    Pool p;
    p.host = host;
    p.family = family;
    member.kind = PeerKind::pool_member;
    member.preempt = true;
    member.hostname = host;
    p.member = member;
    PeerConfig proto = member;
    proto.kind = PeerKind::pool_prototype;
    proto.address.addr = IpAddress::any(ntp::io::Family::v4);
    proto.address.port = 0;
    p.next_resolve_s = now_s;
    const int index = static_cast<int>(pools_.size());
    p.prototype_id = add(std::move(proto), now_s, 1e18, index).peer.assoc_id();
    pools_.push_back(std::move(p));
}

void PeerManager::note_pool_member_dropped(int pool, const IpAddress& address) {
    if (pool < 0 || static_cast<std::size_t>(pool) >= pools_.size()) return;
    pools_[static_cast<std::size_t>(pool)].dropped.push_back(address);
}

void PeerManager::fill_pool(std::size_t index, double now_s, const PoolLimits& limits,
                            std::vector<std::string>& log, std::vector<std::uint16_t>& mobilized) {
    Pool& p = pools_[index];
    // Classic solicits while there are fewer than maxclock associations (the
    // prototype counts as one); we add the spare servers a lookup gave.
    while (!p.spare.empty() && !full() && entries_.size() < static_cast<std::size_t>(std::max(limits.max_clock, 1))) {
        const IpAddress a = p.spare.front();
        p.spare.erase(p.spare.begin());
        if (address_in_use(a)) continue;
        PeerConfig c = p.member;
        c.address.addr = a;
        c.address.port = 123;
        const PeerEntry& e = add(std::move(c), now_s, first_poll_delay(), static_cast<int>(index));
        mobilized.push_back(e.peer.assoc_id());
        log.push_back("Soliciting pool server " + a.to_string());
    }
}

void PeerManager::service_names(double now_s, ntp::io::NameResolver& resolver, const PoolLimits& limits,
                                std::vector<std::string>& log, std::vector<std::uint16_t>& mobilized) {
    for (auto& n : names_) {
        if (!n.request && now_s >= n.next_try_s) n.request = resolver.submit(n.config.hostname, n.family);
    }
    for (auto& p : pools_) {
        const bool wants_more = entries_.size() < static_cast<std::size_t>(std::max(limits.max_clock, 1)) ||
                                limits.survivors < limits.min_clock;
        if (!p.request && p.spare.empty() && wants_more && now_s >= p.next_resolve_s)
            p.request = resolver.submit(p.host, p.family);
    }

    for (ntp::io::ResolveResult& r : resolver.poll()) {
        const auto name = std::find_if(names_.begin(), names_.end(),
                                       [&](const PendingName& n) { return n.request == r.id; });
        if (name != names_.end()) {
            const auto address = r.ok() ? first_sane_address(r.addresses, name->family) : std::nullopt;
            if (address && full()) {
                log.push_back(too_many_message(name->config.hostname));
                names_.erase(name);
            } else if (address) {
                PeerConfig c = name->config;
                c.address.addr = *address;
                c.address.port = 123;
                const PeerEntry& e = add(std::move(c), now_s, first_poll_delay());
                mobilized.push_back(e.peer.assoc_id());
                const char* tag = name->family == ntp::io::ResolveFamily::v4   ? "(A) "
                                  : name->family == ntp::io::ResolveFamily::v6 ? "(AAAA) "
                                                                      : "";
                log.push_back(std::string("DNS ") + name->config.hostname + " -> " + tag + address->to_string());
                names_.erase(name);
            } else {
                name->request.reset();
                name->backoff_s = name->backoff_s == 0 ? 2 : std::min(name->backoff_s * 2, max_resolve_backoff_s);
                name->next_try_s = now_s + name->backoff_s;
                if (!name->failure_logged) {
                    // Classic gives up here; we keep trying with back-off.
                    log.push_back("unable to resolve host " + name->config.hostname + ": " +
                                  (r.ok() ? std::string("no usable address") : gai_message(r)) +
                                  ", retrying with back-off");
                    name->failure_logged = true;
                }
            }
            continue;
        }
        const auto pool = std::find_if(pools_.begin(), pools_.end(),
                                       [&](const Pool& p) { return p.request == r.id; });
        if (pool == pools_.end()) continue;
        pool->request.reset();
        std::vector<IpAddress> fresh;
        for (const auto& a : r.addresses) {
            if (!sane_unicast(a, pool->family) || address_in_use(a)) continue;
            if (std::find(pool->dropped.begin(), pool->dropped.end(), a) != pool->dropped.end()) continue;
            fresh.push_back(a);
        }
        if (r.ok()) {
            pool->backoff_s = 0;
            pool->failure_logged = false;
            pool->next_resolve_s = now_s + pool_refresh_s;
            // Every address was dropped once: give them another chance next time.
            if (fresh.empty()) pool->dropped.clear();
            pool->spare = std::move(fresh);
        } else {
            pool->backoff_s = pool->backoff_s == 0 ? 2 : std::min(pool->backoff_s * 2, max_resolve_backoff_s);
            pool->next_resolve_s = now_s + pool->backoff_s;
            if (!pool->failure_logged) {
                log.push_back("unable to resolve pool " + pool->host + ": " + gai_message(r) +
                              ", retrying with back-off");
                pool->failure_logged = true;
            }
        }
    }

    for (std::size_t i = 0; i < pools_.size(); ++i) fill_pool(i, now_s, limits, log, mobilized);
}

}  // namespace ntpd
