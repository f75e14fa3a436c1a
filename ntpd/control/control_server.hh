#pragma once
// The mode 6 control server (mode6.md): request bytes in, reply datagrams
// out. No sockets and no clock: the caller passes the receive time, the source
// address and the restrict flags that apply to it, and sends what comes back
// to the source (nothing means: send nothing).
//
// The caller has already dropped mode 6 from sources with `noquery` (or
// `ignore`); this class applies `nomodify`, `notrap` and `nomrulist` itself.
//
// Opcodes: UNSPEC, READSTAT, READVAR, READCLOCK, REQ_NONCE, READ_MRU answer
// everybody; WRITEVAR, CONFIGURE, SAVECONFIG and READ_ORDLIST_A (ifstats,
// reslist) need a request MAC that verifies with the `controlkey` (else
// PERMISSION); WRITECLOCK and SETTRAP are refused (PERMISSION), UNSETTRAP
// finds no trap (BADASSOC); anything else is BADOP. A reply to a request whose
// MAC verified is signed with the same key.
//
// Nothing here throws on network input: malformed requests are counted and
// either dropped or answered with the classic error code.

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "libntp/io/endpoint.hh"
#include "libntp/wire/mode6.hh"
#include "ntpd/control/state.hh"
#include "ntpd/control/reply_budget.hh"

namespace ntpd::control {

// MAC checking for requests and signing for replies (classic key + digest
// MACs). The daemon wires it to libntp/auth (KeyStoreAuthenticator); a server
// without one treats every request as unauthenticated.
class Authenticator {
public:
    virtual ~Authenticator() = default;
    // True when `digest` is the MAC of `data` under trusted key `key_id` and
    // the key may be used by `source`.
    virtual bool verify(std::uint32_t key_id, std::span<const std::uint8_t> data,
                        std::span<const std::uint8_t> digest,
                        const ntp::io::Endpoint& source) = 0;
    // Writes the MAC of `data` under `key_id` into `out`; returns its length,
    // 0 when the key cannot be used.
    virtual std::size_t sign(std::uint32_t key_id, std::span<const std::uint8_t> data,
                             std::span<std::uint8_t> out) = 0;
};

struct ServerConfig {
    std::string version;    // `version`, e.g. "ntpd 4.2.8p15 (ntp-suite 0.1.0)"
    std::string processor;  // `processor`: uname -m
    std::string os;         // `system`: uname -s + "/" + uname -r
    std::uint32_t control_key = 0;  // `controlkey`; 0 disables the authenticated opcodes
    // Amplification policy (ours; classic has none): a reply to a request
    // that is not authenticated and not from a loopback address, larger in
    // all its datagrams than the request, is sent only when the source's
    // byte budget covers it (reply_budget.hh); otherwise nothing is sent.
    // READ_MRU is exempt: its nonce already proves the requester receives
    // at its address. `reply_budget = false`: no limit, as classic.
    bool reply_budget = true;
    ReplyBudget::Limits reply_limits;
};

// `processor` and `system` from uname(2), with the given version string.
ServerConfig host_server_config(std::string version);

struct Request {
    std::span<const std::uint8_t> datagram;
    ntp::io::Endpoint source;
    std::uint32_t restrict_flags = 0;  // ntp::config::restrict_flag bits for `source`
    std::uint64_t now_ntp = 0;         // receive time (NTP timestamp)
};

// Classic numctl* counters (ntpd keeps them for `ctlstats`) plus ours.
struct ServerCounters {
    std::uint64_t requests = 0;
    std::uint64_t too_short = 0;         // under 12 octets: dropped
    std::uint64_t input_response = 0;    // R bit set: dropped
    std::uint64_t input_fragment = 0;    // M bit set: dropped
    std::uint64_t input_error = 0;       // E bit set: dropped
    std::uint64_t bad_offset = 0;        // offset != 0: dropped
    std::uint64_t bad_version = 0;       // VN 0 or > 4: dropped
    std::uint64_t data_too_short = 0;    // Count beyond the datagram / unaligned: BADFMT
    std::uint64_t bad_op = 0;
    std::uint64_t auth_failed = 0;       // a MAC was present and did not verify
    std::uint64_t errors = 0;            // error replies sent
    std::uint64_t responses = 0;         // data replies sent (last fragments)
    std::uint64_t fragments = 0;         // fragments with M set sent
    std::uint64_t restricted = 0;        // refused by nomodify / nomrulist (sysstats)
    std::uint64_t bad_nonce = 0;         // READ_MRU without a valid nonce: dropped
    std::uint64_t amplification_dropped = 0;  // over the source's reply budget: dropped
};

class ControlServer {
public:
    // `nonce_secret` keys the REQ_NONCE / READ_MRU nonces (take 16+ random
    // octets from OpenSSL; refresh with set_nonce_secret, e.g. hourly);
    // `random_seed` only shuffles field order and decoy tags of list replies.
    ControlServer(ServerConfig config, ControlState& state, Authenticator* auth,
                  std::span<const std::uint8_t> nonce_secret, std::uint64_t random_seed);

    // The reply datagrams for one request, in sending order; empty: no reply.
    std::vector<std::vector<std::uint8_t>> handle(const Request& request);

    void set_nonce_secret(std::span<const std::uint8_t> secret);
    const ServerCounters& counters() const { return counters_; }
    const ServerConfig& config() const { return config_; }

    // The 24-hex-digit nonce for `source` at `now_ntp` (what REQ_NONCE sends).
    std::string make_nonce(const ntp::io::Endpoint& source, std::uint64_t now_ntp) const;
    // True when `nonce` was made for `source` less than 16 s before `now_ntp`.
    bool nonce_valid(std::string_view nonce, const ntp::io::Endpoint& source,
                     std::uint64_t now_ntp) const;

private:
    struct Context;  // one request being answered (control_server.cc)

    std::uint32_t derive_nonce(const ntp::io::Endpoint& source, std::uint64_t ts_ntp) const;

    void op_unspec(Context& c);
    void op_read_status(Context& c);
    void op_read_var(Context& c);
    void op_write_var(Context& c);
    void op_read_clock(Context& c);
    void op_configure(Context& c);
    void op_save_config(Context& c);
    void op_read_mru(Context& c);
    void op_read_ordlist(Context& c);
    void op_req_nonce(Context& c);
    void read_peer_vars(Context& c, const PeerVariables& peer, bool default_list);
    void add_decoy(Context& c, std::size_t index);

    ServerConfig config_;
    ControlState& state_;
    Authenticator* auth_;
    std::vector<std::uint8_t> nonce_secret_;
    std::mt19937_64 rng_;
    ReplyBudget budget_;
    ServerCounters counters_;
};

}  // namespace ntpd::control
