#pragma once
// The stateless server side of ntpd: decides, for every datagram that
// reaches port 123, whether to drop it, answer it at once (mode 4 to a
// client, mode 2 to a symmetric-active client without an association, a
// RATE kiss-o'-death), hand it to the control server (mode 6), or hand it to
// the client core (replies to our own polls, configured peers).
//
// Order of checks, as classic ntpd `receive()` (ntpd.md §7):
//   source port 0 -> restrict lookup -> ignore -> oversize -> mode 7 (never
//   answered) -> mode 6 (noquery, else control) -> noserve -> flake
//   -> mode 0 -> version -> length / extension fields / MAC -> notrust
//   -> rate limiting (MRU, limited, kod) -> dispatch by mode.
//
// Guarantees, whatever arrives: nothing throws; no reply is longer than the
// request; no MAC on a reply unless the request carried a valid MAC under a
// trusted key (then the reply is signed with that key); malformed packets
// (short, oversize, version 0 or 5-7, mode 0 in any version, bad extension
// fields, MAC trailers other than 4, 20 or 24 octets) are counted in
// `bad_format` and dropped without a reply and without touching the MRU list.
//
// Pure: no sockets and no clock of its own. The receive time comes with the
// packet; the transmit time comes from the `now` function given at
// construction, read just before the reply is encoded.

#include <cstdint>
#include <ctime>
#include <functional>
#include <span>

#include "libntp/io/endpoint.hh"
#include "ntpd/server/mru.hh"
#include "ntpd/server/rate_limit.hh"
#include "ntpd/server/restrict_list.hh"
#include "ntpd/core/system_state.hh"

namespace ntpd {

// Checks and makes MACs for the responder; the daemon implements it over
// libntp/auth's KeyStore (ntpd/server/packet_auth.hh), tests with a fake.
class PacketAuth {
public:
    virtual ~PacketAuth() = default;
    // True only for a correct digest under an existing, trusted key that
    // `source` may use. Must be constant-time in the digest comparison.
    virtual bool verify(std::uint32_t key_id, std::span<const std::uint8_t> data,
                        std::span<const std::uint8_t> digest,
                        const ntp::io::IpAddress& source) = 0;
    // Writes the digest of `data` under `key_id` to `out`; returns its
    // length, 0 when the key cannot be used.
    virtual std::size_t sign(std::uint32_t key_id, std::span<const std::uint8_t> data,
                             std::span<std::uint8_t> out) = 0;
};

// Classic `sysstats` counters (ss_*).
struct ResponderCounters {
    std::uint64_t received = 0;         // every datagram seen
    std::uint64_t current_version = 0;  // version 4
    std::uint64_t old_version = 0;      // versions 1-3
    std::uint64_t bad_format = 0;       // bad length, version, mode, EF, MAC layout
    std::uint64_t bad_auth = 0;
    std::uint64_t declined = 0;         // refused by policy after parsing (e.g. crypto-NAK)
    std::uint64_t restricted = 0;       // restrict table (ignore, noquery, noserve, notrust, mode 7)
    std::uint64_t limited = 0;          // over the rate limit
    std::uint64_t kod_sent = 0;
    std::uint64_t processed = 0;        // answered or handed to the core/control server
};

struct ResponderSettings {
    bool monitor = true;           // `enable monitor` (MRU list for everyone)
    int discard_average_log2 = 3;  // also the minimum poll we echo
};

// What the caller should do with the datagram.
enum class Action {
    drop,
    reply,    // send reply_buffer[0, reply_length) back to the source
    control,  // mode 6: give it to the control server with `restrict_flags`
    core,     // give it to the client core (modes 1, 2, 4, 5)
};

struct Outcome {
    Action action = Action::drop;
    std::size_t reply_length = 0;
    std::uint32_t restrict_flags = 0;
    bool authenticated = false;  // request carried a valid MAC (core may mobilize)
    std::uint32_t key_id = 0;    // its key
};

struct Request {
    std::span<const std::uint8_t> data;
    ntp::io::Endpoint source;
    ntp::io::IpAddress local;     // our address it arrived on
    timespec rx_time{};
    bool truncated = false;       // did not fit the receive buffer: oversize
};

class ServerResponder {
public:
    using Now = std::function<timespec()>;
    // Does the core have an association for this address (configured peer
    // or server)? Symmetric packets from such sources go to the core.
    using PeerLookup = std::function<bool(const ntp::io::Endpoint&)>;

    // `auth` may be null: then no request authenticates.
    // `random_seed` drives flake and the transmit timestamp's low bits.
    ServerResponder(RestrictList& restrictions, MruList& mru, RateLimiter& limiter,
                    PacketAuth* auth, ResponderSettings settings, Now now,
                    std::uint64_t random_seed);

    void set_peer_lookup(PeerLookup lookup) { peer_lookup_ = std::move(lookup); }
    void set_settings(const ResponderSettings& s) { settings_ = s; }

    // Decides what to do with one datagram. A reply, if any, is written to
    // `reply_buffer` (at least 48 + 24 octets needed, else no reply).
    Outcome handle(const Request& request, const SystemState& system,
                   std::span<std::uint8_t> reply_buffer);

    const ResponderCounters& counters() const { return counters_; }
    void reset_counters() { counters_ = {}; }

private:
    struct Parsed;  // the request fields a reply needs, and its MAC verdict
    std::uint64_t next_random();
    std::size_t build_reply(const Request& request, const Parsed& parsed,
                            const SystemState& system, std::uint8_t reply_mode,
                            std::span<std::uint8_t> out);
    std::size_t build_kod(const Parsed& parsed, std::uint8_t reply_mode,
                          std::span<std::uint8_t> out);

    RestrictList& restrictions_;
    MruList& mru_;
    RateLimiter& limiter_;
    PacketAuth* auth_;
    ResponderSettings settings_;
    Now now_;
    PeerLookup peer_lookup_;
    std::uint64_t rng_;
    ResponderCounters counters_;
};

}  // namespace ntpd
