#include "ntpd/control/auth.hh"

namespace ntpd::control {

bool KeyStoreAuthenticator::verify(std::uint32_t key_id, std::span<const std::uint8_t> data,
                                   std::span<const std::uint8_t> digest,
                                   const ntp::io::Endpoint& source) {
    const auto address = std::span<const std::uint8_t>(source.addr.bytes).first(source.addr.size());
    return keys_.check(macs_, key_id, data, digest, address) == ntp::auth::AuthStatus::ok;
}

std::size_t KeyStoreAuthenticator::sign(std::uint32_t key_id, std::span<const std::uint8_t> data,
                                        std::span<std::uint8_t> out) {
    return keys_.sign(macs_, key_id, data, out);
}

}  // namespace ntpd::control
