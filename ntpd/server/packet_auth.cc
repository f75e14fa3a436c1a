#include "ntpd/server/packet_auth.hh"

namespace ntpd {

bool KeyStorePacketAuth::verify(std::uint32_t key_id, std::span<const std::uint8_t> data,
                                std::span<const std::uint8_t> digest,
                                const ntp::io::IpAddress& source) {
    auto address = std::span<const std::uint8_t>(source.bytes.data(), source.size());
    return keys_.check(macs_, key_id, data, digest, address) == ntp::auth::AuthStatus::ok;
}

std::size_t KeyStorePacketAuth::sign(std::uint32_t key_id, std::span<const std::uint8_t> data,
                                     std::span<std::uint8_t> out) {
    return keys_.sign(macs_, key_id, data, out);
}

}  // namespace ntpd
