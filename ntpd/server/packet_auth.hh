#pragma once
// PacketAuth over libntp/auth: the keys file's KeyStore and a MacComputer.

#include "libntp/auth/key_store.hh"
#include "libntp/auth/mac.hh"
#include "ntpd/server/responder.hh"

namespace ntpd {

class KeyStorePacketAuth final : public PacketAuth {
public:
    // Both must outlive this object; the daemon may replace the keys in
    // `keys` at run time (the store is read at every call).
    KeyStorePacketAuth(const ntp::auth::KeyStore& keys, ntp::auth::MacComputer& macs)
        : keys_(keys), macs_(macs) {}

    bool verify(std::uint32_t key_id, std::span<const std::uint8_t> data,
                std::span<const std::uint8_t> digest, const ntp::io::IpAddress& source) override;
    std::size_t sign(std::uint32_t key_id, std::span<const std::uint8_t> data,
                     std::span<std::uint8_t> out) override;

private:
    const ntp::auth::KeyStore& keys_;
    ntp::auth::MacComputer& macs_;
};

}  // namespace ntpd
