#pragma once
// The association table: mobilizing associations from the configuration,
// association ids, looking up the association a packet belongs to, host
// names waiting for the resolver (retried with back-off until they resolve)
// and `pool` directives that keep a set of ephemeral servers filled.
//
// Pure like the rest of the core: `now_s` is a parameter, lookups go through
// the NameResolver interface, random numbers through a callback, and what
// should be logged comes back as text.
//
// Packets never mobilize anything here: associations come from the
// configuration and from pool DNS answers, and - decided by the core - from
// broadcasts when the configuration asks to be a broadcast client
// (authenticated ones unless `disable auth`). Unauthenticated mode 1/2/4
// packets never create, reset or remove an association.

#include <bitset>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "libntp/io/endpoint.hh"
#include "libntp/sync/clock_filter.hh"
#include "libntp/wire/ntp_time.hh"
#include "ntpd/core/broadcast.hh"
#include "ntpd/core/peer.hh"
#include "ntpd/refclock/driver.hh"
#include "libntp/io/resolver.hh"

namespace ntpd {

// A Peer plus what the system process keeps beside it.
struct PeerEntry {
    PeerEntry(Peer p, double precision_s) : peer(std::move(p)), filter(precision_s) {}

    Peer peer;
    ntp::sync::ClockFilter filter;
    ntp::wire::NtpTime last_transmit;  // T1 of the outstanding request, full time
    int pool = -1;                     // index of the pool it belongs to (members and prototype)
    double root_distance_s = 16;       // as of the last selection
    std::unique_ptr<refclock::Driver> driver;  // refclocks other than LOCAL
    broadcast::ClientState bclient;            // broadcast_client associations
};

class PeerManager {
public:
    using Random = std::function<std::uint32_t()>;

    // Association ids start at a random value and increment (classic).
    PeerManager(Random random, double sys_precision_s);

    // Association ids are 16 bits and never 0: at most this many at once.
    static constexpr std::size_t max_associations = 65535;
    bool full() const { return entries_.size() >= max_associations; }
    // Callers check full() first; adding to a full table throws std::length_error.
    PeerEntry& add(PeerConfig config, double now_s, double first_poll_s, int pool = -1);
    // Removes the association; false if there is none with that id.
    bool remove(std::uint16_t assoc_id);

    PeerEntry* find(std::uint16_t assoc_id);
    const PeerEntry* find(std::uint16_t assoc_id) const;
    // The network association whose address and port are `from`.
    PeerEntry* find_by_source(const ntp::io::Endpoint& from);
    const PeerEntry* find_by_source(const ntp::io::Endpoint& from) const;

    std::vector<std::unique_ptr<PeerEntry>>& entries() { return entries_; }
    const std::vector<std::unique_ptr<PeerEntry>>& entries() const { return entries_; }

    // Associations that talk to the network (servers, peers, pool members),
    // plus names still being resolved: used for the LOCAL-only rule.
    std::size_t network_sources() const;

    // ---- names and pools ----------------------------------------------
    struct PendingName {
        PeerConfig config;        // hostname set, address empty
        ntp::io::ResolveFamily family = ntp::io::ResolveFamily::any;
        double next_try_s = 0;
        double backoff_s = 0;
        std::optional<std::uint64_t> request;
        bool failure_logged = false;
    };
    struct Pool {
        std::string host;
        ntp::io::ResolveFamily family = ntp::io::ResolveFamily::any;
        PeerConfig member;        // options every member inherits
        std::uint16_t prototype_id = 0;
        std::vector<ntp::io::IpAddress> spare;   // resolved, not yet used
        std::vector<ntp::io::IpAddress> dropped; // removed as useless: not re-added soon
        double next_resolve_s = 0;
        double backoff_s = 0;
        std::optional<std::uint64_t> request;
        bool failure_logged = false;
    };

    // A `server`/`peer` line with a host name.
    void add_name(PeerConfig config, ntp::io::ResolveFamily family, double now_s);
    // A `pool` line: mobilizes the prototype association at once.
    void add_pool(const std::string& host, PeerConfig member, ntp::io::ResolveFamily family, double now_s);

    struct PoolLimits {
        int max_clock = 10;
        int min_clock = 3;
        int survivors = 0;  // current survivors of clock selection
    };
    // Submits due lookups, takes finished ones, mobilizes what they give and
    // tops pools up. Messages for the log are appended to `log`; ids of
    // associations created to `mobilized`.
    void service_names(double now_s, ntp::io::NameResolver& resolver, const PoolLimits& limits,
                       std::vector<std::string>& log, std::vector<std::uint16_t>& mobilized);

    // A pool member was demobilized for being useless: remember its address.
    void note_pool_member_dropped(int pool, const ntp::io::IpAddress& address);

    const std::vector<PendingName>& pending_names() const { return names_; }
    const std::vector<Pool>& pools() const { return pools_; }

    // Back-off between lookups that fail: 2 s doubling up to this.
    static constexpr double max_resolve_backoff_s = 600;
    // A pool with nothing spare is re-resolved at most this often.
    static constexpr double pool_refresh_s = 64;

private:
    std::uint16_t next_id();
    double first_poll_delay();
    void fill_pool(std::size_t index, double now_s, const PoolLimits& limits, std::vector<std::string>& log,
                   std::vector<std::uint16_t>& mobilized);
    bool address_in_use(const ntp::io::IpAddress& a) const;

    Random random_;
    double sys_precision_s_;
    std::uint16_t next_id_;
    std::bitset<65536> ids_in_use_;
    std::vector<std::unique_ptr<PeerEntry>> entries_;
    std::vector<PendingName> names_;
    std::vector<Pool> pools_;
};

// "too many associations (limit 65535): WHAT not mobilized"
std::string too_many_message(const std::string& what);

// First sane address of a lookup for a server/peer: unicast, not multicast,
// not unspecified, matching the family. nullopt if none.
std::optional<ntp::io::IpAddress> first_sane_address(const std::vector<ntp::io::IpAddress>& addresses,
                                                     ntp::io::ResolveFamily family);

}  // namespace ntpd
