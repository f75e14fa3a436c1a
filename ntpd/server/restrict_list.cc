#include "ntpd/server/restrict_list.hh"

#include <algorithm>

namespace ntpd {

using ntp::io::Endpoint;
using ntp::io::Family;
using ntp::io::IpAddress;

namespace {

constexpr std::uint16_t ntp_port = 123;

// Same address and mask: port-123-only entries are the more specific ones,
// and a configured entry beats one made from the source template.
int rank(std::uint32_t match) {
    if (match & rmatch::ntpport) return 0;
    if (match & rmatch::source) return 2;
    return 1;
}

bool goes_before(const RestrictRule& a, const RestrictRule& b) {
    int c = compare(a.address, b.address);
    if (c != 0) return c > 0;
    c = compare(a.mask, b.mask);
    if (c != 0) return c > 0;
    return rank(a.match) < rank(b.match);
}

bool matches(const RestrictRule& r, const Endpoint& src) {
    if (src.addr.family != r.address.family) return false;
    if ((r.match & rmatch::ntpport) && src.port != ntp_port) return false;
    for (std::size_t i = 0; i < r.address.size(); ++i) {
        if ((src.addr.bytes[i] & r.mask.bytes[i]) != r.address.bytes[i]) return false;
    }
    return true;
}

IpAddress host_mask(Family f) { return IpAddress::mask_of(f, 128); }

}  // namespace

std::string restrict_flags_text(std::uint32_t flags) {
    // ntp.conf keywords in bit order (classic reslist prints these words).
    static constexpr struct {
        std::uint32_t bit;
        const char* name;
    } names[] = {
        {rflag::ignore, "ignore"},     {rflag::noserve, "noserve"},
        {rflag::notrust, "notrust"},   {rflag::version, "version"},
        {rflag::nopeer, "nopeer"},     {rflag::limited, "limited"},
        {rflag::noquery, "noquery"},   {rflag::nomodify, "nomodify"},
        {rflag::notrap, "notrap"},     {rflag::lowpriotrap, "lowpriotrap"},
        {rflag::kod, "kod"},           {rflag::mssntp, "mssntp"},
        {rflag::flake, "flake"},       {rflag::nomrulist, "nomrulist"},
        {rflag::noepeer, "noepeer"},
    };
    std::string out;
    for (const auto& n : names) {
        if ((flags & n.bit) == 0) continue;
        if (!out.empty()) out += ' ';
        out += n.name;
    }
    return out;
}

RestrictList::RestrictList() {
    add_default(Family::v4, 0);
    add_default(Family::v6, 0);
}

void RestrictList::add(const IpAddress& address, const IpAddress& mask, std::uint32_t flags,
                       std::uint32_t match, int ippeerlimit) {
    if (address.family == Family::none || mask.family != address.family) return;
    IpAddress net = address.masked(mask);
    RestrictRule* existing = bulk_ ? nullptr : find_exact(net, mask, match);
    if (existing != nullptr) {
        existing->flags |= flags;
        if (ippeerlimit >= 0) existing->ippeerlimit = ippeerlimit;
        return;
    }
    RestrictRule rule;
    rule.address = net;
    rule.mask = mask;
    rule.flags = flags;
    rule.match = match;
    rule.ippeerlimit = ippeerlimit;
    insert_sorted(rule);
}

void RestrictList::add_default(Family family, std::uint32_t flags) {
    add(IpAddress::any(family), IpAddress::any(family), flags);
}

void RestrictList::set_source_template(std::uint32_t flags, int ippeerlimit) {
    source_flags_ |= flags;  // repeated `restrict source` lines accumulate too
    if (ippeerlimit >= 0) source_ippeerlimit_ = ippeerlimit;
    source_template_set_ = true;
}

void RestrictList::add_source(const IpAddress& address) {
    if (!source_template_set_ || address.family == Family::none) return;
    IpAddress mask = host_mask(address.family);
    if (RestrictRule* existing = find_exact(address, mask, rmatch::source)) {
        ++existing->refs;
        return;
    }
    RestrictRule rule;
    rule.address = address;
    rule.mask = mask;
    rule.flags = source_flags_;
    rule.match = rmatch::source;
    rule.ippeerlimit = source_ippeerlimit_;
    rule.refs = 1;
    insert_sorted(rule);
}

void RestrictList::remove_source(const IpAddress& address) { release(address, rmatch::source); }

void RestrictList::add_local_address(const IpAddress& address) {
    if (address.family == Family::none) return;
    IpAddress mask = host_mask(address.family);
    constexpr std::uint32_t match = rmatch::interface | rmatch::ntpport;
    if (RestrictRule* existing = find_exact(address, mask, match)) {
        ++existing->refs;
        return;
    }
    RestrictRule rule;
    rule.address = address;
    rule.mask = mask;
    rule.flags = rflag::ignore;
    rule.match = match;
    rule.refs = 1;
    insert_sorted(rule);
}

void RestrictList::remove_local_address(const IpAddress& address) {
    release(address, rmatch::interface | rmatch::ntpport);
}

void RestrictList::release(const IpAddress& address, std::uint32_t match) {
    auto& list = list_for(address.family);
    IpAddress mask = host_mask(address.family);
    auto it = std::find_if(list.begin(), list.end(), [&](const RestrictRule& r) {
        return r.address == address && r.mask == mask && r.match == match;
    });
    if (it == list.end()) return;
    if (it->refs > 1) {
        --it->refs;
        return;
    }
    list.erase(it);
}

// The lists are kept in goes_before order, so both searches are binary: a
// configuration of 100 000 restrict lines must not take n^2 comparisons.
RestrictRule* RestrictList::find_exact(const IpAddress& address, const IpAddress& mask,
                                       std::uint32_t match) {
    auto& list = list_for(address.family);
    RestrictRule key;
    key.address = address;
    key.mask = mask;
    key.match = match;
    // goes_before ranks matches, several to a rank: look through the equal range.
    const auto [first, last] = std::equal_range(list.begin(), list.end(), key, goes_before);
    for (auto it = first; it != last; ++it) {
        if (it->match == match) return &*it;
    }
    return nullptr;
}

void RestrictList::insert_sorted(RestrictRule rule) {
    auto& list = list_for(rule.address.family);
    if (bulk_) {
        list.push_back(rule);
        return;
    }
    list.insert(std::upper_bound(list.begin(), list.end(), rule, goes_before), rule);
}

void RestrictList::end_bulk() {
    bulk_ = false;
    for (auto* list : {&v4_, &v6_}) {
        std::stable_sort(list->begin(), list->end(), goes_before);
        // Equal entries are adjacent now (same address, mask and match);
        // fold each run into its first, in the order they were added.
        std::vector<RestrictRule> merged;
        merged.reserve(list->size());
        for (const auto& r : *list) {
            auto same = [&](const RestrictRule& m) {
                return m.address == r.address && m.mask == r.mask && m.match == r.match;
            };
            auto it = merged.end();
            for (auto back = merged.rbegin(); back != merged.rend() && !goes_before(*back, r); ++back) {
                if (same(*back)) {
                    it = std::prev(back.base());
                    break;
                }
            }
            if (it == merged.end()) {
                merged.push_back(r);
                continue;
            }
            it->flags |= r.flags;
            if (r.ippeerlimit >= 0) it->ippeerlimit = r.ippeerlimit;
        }
        *list = std::move(merged);
    }
}

const RestrictRule* RestrictList::find(const Endpoint& source) const {
    if (source.addr.family == Family::none) return nullptr;
    for (const auto& r : list_for(source.addr.family)) {
        if (matches(r, source)) return &r;
    }
    return nullptr;
}

std::uint32_t RestrictList::lookup(const Endpoint& source) {
    // Nobody legitimately sends NTP requests from a multicast address.
    if (source.addr.is_multicast() || source.addr.family == Family::none) return rflag::ignore;
    for (auto& r : list_for(source.addr.family)) {
        if (matches(r, source)) {
            ++r.hits;
            return r.flags;
        }
    }
    return 0;  // not reached: the default entry matches everything
}

std::span<const RestrictRule> RestrictList::rules(Family family) const {
    return list_for(family);
}

IpAddress to_io_address(const ntp::config::IpAddress& a) {
    IpAddress out;
    out.family = a.is_v6() ? Family::v6 : Family::v4;
    out.bytes = a.bytes;
    if (out.is_v4()) std::fill(out.bytes.begin() + 4, out.bytes.end(), 0);
    return out;
}

void add_config_entry(const ntp::config::RestrictEntry& entry,
                      const std::vector<IpAddress>& addresses, RestrictList& list) {
    using ntp::config::AddressFamily;
    using ntp::config::RestrictTarget;
    std::uint32_t match = entry.ntpport ? rmatch::ntpport : 0;
    int peerlimit = entry.ippeerlimit.value_or(-1);
    switch (entry.target) {
    case RestrictTarget::default_entry:
        if (entry.family != AddressFamily::ipv6) {
            list.add(IpAddress::any(Family::v4), IpAddress::any(Family::v4), entry.flags, match,
                     peerlimit);
        }
        if (entry.family != AddressFamily::ipv4) {
            list.add(IpAddress::any(Family::v6), IpAddress::any(Family::v6), entry.flags, match,
                     peerlimit);
        }
        break;
    case RestrictTarget::address: {
        if (!entry.address) break;
        IpAddress addr = to_io_address(*entry.address);
        IpAddress mask = entry.mask ? to_io_address(*entry.mask) : host_mask(addr.family);
        list.add(addr, mask, entry.flags, match, peerlimit);
        break;
    }
    case RestrictTarget::hostname:
        for (const auto& addr : addresses) {
            list.add(addr, host_mask(addr.family), entry.flags, match, peerlimit);
        }
        break;
    case RestrictTarget::source:
        list.set_source_template(entry.flags, peerlimit);
        break;
    }
}

}  // namespace ntpd
