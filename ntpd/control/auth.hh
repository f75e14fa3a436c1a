#pragma once
// The control server's Authenticator over libntp/auth: a request MAC counts
// when the key exists, is trusted, may be used from the source address, and
// the digest verifies (constant-time); replies are signed with the same key.

#include <cstdint>
#include <span>

#include "libntp/auth/key_store.hh"
#include "libntp/auth/mac.hh"
#include "ntpd/control/control_server.hh"

namespace ntpd::control {

class KeyStoreAuthenticator : public Authenticator {
public:
    // `keys` must outlive this object (the daemon owns both).
    explicit KeyStoreAuthenticator(const ntp::auth::KeyStore& keys) : keys_(keys) {}

    bool verify(std::uint32_t key_id, std::span<const std::uint8_t> data,
                std::span<const std::uint8_t> digest, const ntp::io::Endpoint& source) override;
    std::size_t sign(std::uint32_t key_id, std::span<const std::uint8_t> data,
                     std::span<std::uint8_t> out) override;

private:
    const ntp::auth::KeyStore& keys_;
    ntp::auth::MacComputer macs_;
};

}  // namespace ntpd::control
