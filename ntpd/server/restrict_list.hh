#pragma once
// The `restrict` access table (ntp.conf.md §4).
//
// Two ordered lists, IPv4 and IPv6. Every list always ends with its default
// entry (address and mask all zero), so every lookup finds an entry. Order,
// as classic ntpd keeps it: address descending, then mask descending; for the
// same address and mask an `ntpport` entry comes first, then a configured
// entry, then one made from the `restrict source` template. A lookup takes
// the first entry whose (source & mask) == address, which is the most
// specific one for nested ranges. Flags are never combined across entries.
//
// Adding an entry equal in address, mask and match kind to an existing one
// ORs the flags into it (classic: `restrict default` lines accumulate).
//
// Besides the configured entries the daemon adds:
//   * for every local address: `ignore` matching source port 123 only, so we
//     never answer our own packets ("no use talking to ourself");
//   * for every association address, a host entry from the `restrict source`
//     template while the association lives (reference counted).
// Multicast source addresses always get `ignore`.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "libntp/config/ntp_config.hh"
#include "libntp/io/endpoint.hh"

namespace ntpd {

// Restriction flag bits: the classic RES_* values, shared with the config.
namespace rflag = ntp::config::restrict_flag;

// How an entry matches (classic RESM_* values as mode 6 `reslist` shows them).
namespace rmatch {
inline constexpr std::uint32_t interface = 0x1000;  // added for a local address
inline constexpr std::uint32_t ntpport = 0x2000;    // source port 123 only
inline constexpr std::uint32_t source = 0x4000;     // from the `restrict source` template
}  // namespace rmatch

struct RestrictRule {
    ntp::io::IpAddress address;  // already masked
    ntp::io::IpAddress mask;
    std::uint32_t flags = 0;     // rflag bits
    std::uint32_t match = 0;     // rmatch bits
    int ippeerlimit = -1;        // later 4.2.8; stored and shown, -1 = none
    std::uint64_t hits = 0;      // lookups that chose this entry
    unsigned refs = 0;           // holders of a source/interface entry

    bool is_default() const { return mask.is_unspecified(); }
};

// "nopeer noquery limited" style text of a flag set (reslist, logs).
std::string restrict_flags_text(std::uint32_t flags);

class RestrictList {
public:
    // Starts with the two default entries, no flags (everything allowed).
    RestrictList();

    // A configured entry; `mask` must be of the address family. OR-merges
    // into an equal entry. A zero mask on any address is a default entry.
    void add(const ntp::io::IpAddress& address, const ntp::io::IpAddress& mask,
             std::uint32_t flags, std::uint32_t match = 0, int ippeerlimit = -1);
    void add_default(ntp::io::Family family, std::uint32_t flags);

    // The `restrict source` template; without one, add_source() does nothing.
    void set_source_template(std::uint32_t flags, int ippeerlimit = -1);
    bool has_source_template() const { return source_template_set_; }
    void add_source(const ntp::io::IpAddress& address);
    void remove_source(const ntp::io::IpAddress& address);

    // Own-address entries (ignore, port 123 only).
    void add_local_address(const ntp::io::IpAddress& address);
    void remove_local_address(const ntp::io::IpAddress& address);

    // Flags for a packet from `source`; counts a hit on the chosen entry.
    std::uint32_t lookup(const ntp::io::Endpoint& source);
    // The entry a lookup would choose, without counting (nullptr never
    // happens for v4/v6 sources; a Family::none source gets nullptr).
    const RestrictRule* find(const ntp::io::Endpoint& source) const;

    // Entries in match order (for `ntpq reslist` and tests).
    std::span<const RestrictRule> rules(ntp::io::Family family) const;

    // Loading many entries at once: between begin_bulk() and end_bulk(),
    // add() only appends; end_bulk() sorts once and merges equal entries
    // as add() would have (flags OR-ed, the last ippeerlimit kept), so a
    // file of 100 000 restrict lines costs n log n, not n^2 moves.
    void begin_bulk() { bulk_ = true; }
    void end_bulk();

private:
    std::vector<RestrictRule>& list_for(ntp::io::Family f) { return f == ntp::io::Family::v6 ? v6_ : v4_; }
    const std::vector<RestrictRule>& list_for(ntp::io::Family f) const {
        return f == ntp::io::Family::v6 ? v6_ : v4_;
    }
    RestrictRule* find_exact(const ntp::io::IpAddress& address, const ntp::io::IpAddress& mask,
                             std::uint32_t match);
    void insert_sorted(RestrictRule rule);
    void release(const ntp::io::IpAddress& address, std::uint32_t match);

    std::vector<RestrictRule> v4_;
    std::vector<RestrictRule> v6_;
    std::uint32_t source_flags_ = 0;
    int source_ippeerlimit_ = -1;
    bool source_template_set_ = false;
    bool bulk_ = false;
};

// Fills `list` from the configuration's restrict lines. Host-name entries
// are resolved by `resolve(host, family) -> std::vector<IpAddress>` (the
// daemon passes a blocking getaddrinfo at start-up, as classic ntpd does); names that give no address are reported
// in `problems` with the classic text
// "restrict: ignoring line N, address/host 'X' unusable.".
template <typename Resolve>
void load_restrictions(const ntp::config::NtpConfig& config, RestrictList& list,
                       std::vector<std::string>& problems, Resolve&& resolve);

// Conversion from the configuration's address type.
ntp::io::IpAddress to_io_address(const ntp::config::IpAddress& a);

// Non-template part of load_restrictions: one entry, addresses already known.
void add_config_entry(const ntp::config::RestrictEntry& entry,
                      const std::vector<ntp::io::IpAddress>& addresses, RestrictList& list);

template <typename Resolve>
void load_restrictions(const ntp::config::NtpConfig& config, RestrictList& list,
                       std::vector<std::string>& problems, Resolve&& resolve) {
    list.begin_bulk();
    for (const auto& entry : config.restrictions) {
        std::vector<ntp::io::IpAddress> addresses;
        if (entry.target == ntp::config::RestrictTarget::hostname) {
            addresses = resolve(entry.host, entry.family);
            if (addresses.empty()) {
                problems.push_back("restrict: ignoring line " + std::to_string(entry.where.line) +
                                   ", address/host '" + entry.host + "' unusable.");
                continue;
            }
        }
        add_config_entry(entry, addresses, list);
    }
    list.end_bulk();
}

}  // namespace ntpd
