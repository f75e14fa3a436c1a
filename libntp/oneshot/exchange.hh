#pragma once
// The one-shot clients' (ntpdate, sntp) exchange with their servers: sends
// the requests the Poller asks for, reads the replies on the UDP sockets and
// hands them back to the Poller, until it is finished or the caller says
// stop. The clock is read only for timestamps; it is never set here.
//
// Requests carry the caller's header (ntpdate and sntp send different
// ones), a transmit timestamp whose bits below our precision are random (so
// an off-path attacker cannot guess the origin the reply must echo), and a
// MAC when keys are given.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "libntp/auth/key_store.hh"
#include "libntp/auth/mac.hh"
#include "libntp/clock/clock.hh"
#include "libntp/oneshot/network.hh"
#include "libntp/oneshot/poller.hh"
#include "libntp/wire/ntp_packet.hh"

namespace ntp::oneshot {

// Symmetric-key authentication of the requests and replies (-a / -k).
struct Auth {
    ntp::auth::KeyStore keys;
    ntp::auth::MacComputer macs;
    std::uint32_t key_id = 0;
};

// True when `packet` carries a MAC under auth.key_id that verifies.
bool verify_reply(Auth& auth, std::span<const std::uint8_t> packet);

struct ExchangeConfig {
    // The request header for a transmit timestamp.
    std::function<ntp::wire::NtpHeader(ntp::wire::NtpTimestamp)> request;
    // Added to the transmit timestamp of signed requests (ntpdate -e), in
    // 2^-32 s units.
    std::int64_t auth_delay = 0;
    Auth* auth = nullptr;  // nullptr: unsigned requests
    std::function<void(const std::string&)> log_error;
    // Called after each datagram handed to the Poller; true ends the
    // exchange early (sntp stops at its first answer).
    std::function<bool(ntp::wire::NtpTimestamp receive_ts)> stop_after_receive;
};

// Runs the exchange until poller.finished() or stop_after_receive says so.
void exchange(const ExchangeConfig& config, Poller& poller, SocketSet& sockets,
              ntp::clock::Clock& clock);

}  // namespace ntp::oneshot
