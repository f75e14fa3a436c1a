// libFuzzer target: the NTP packet codec (libntp/wire/ntp_packet.hh).
// Input: one received datagram. Invariants: decoding never reads outside the
// input, the views it returns lie inside it, and a packet that decodes is
// rebuilt octet for octet by PacketWriter (encode(decode(x)) == x).

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "libntp/wire/ntp_packet.hh"
#include "tests/fuzz/fuzz_support.hh"

namespace wire = ntp::wire;

namespace {

bool inside(std::span<const std::uint8_t> part, std::span<const std::uint8_t> whole) {
    return part.empty() || (part.data() >= whole.data() &&
                            part.data() + part.size() <= whole.data() + whole.size());
}

void check_packet(const wire::PacketView& p, std::span<const std::uint8_t> in) {
    FUZZ_CHECK(p.extension_count <= wire::max_extensions);
    FUZZ_CHECK(p.authenticated.data() == in.data());
    FUZZ_CHECK(p.authenticated.size() >= wire::header_size);
    FUZZ_CHECK(inside(p.authenticated, in));
    for (const auto& ef : p.extension_fields()) {
        FUZZ_CHECK(inside(ef.value, p.authenticated));
        FUZZ_CHECK((ef.value.size() + 4) % 4 == 0);
        FUZZ_CHECK(ef.value.size() + 4 >= wire::min_extension_size);
    }
    if (p.mac) {
        FUZZ_CHECK(inside(p.mac->digest, in));
        FUZZ_CHECK(p.authenticated.size() + 4 + p.mac->digest.size() == in.size());
    } else {
        FUZZ_CHECK(p.authenticated.size() == in.size());
    }

    // The header alone decodes the same, and re-encodes to the same octets.
    const auto h = wire::decode_header(in);
    FUZZ_CHECK(h && *h == p.header);
    std::array<std::uint8_t, wire::header_size> head{};
    FUZZ_CHECK(wire::encode_header(p.header, head));
    FUZZ_CHECK(std::equal(head.begin(), head.end(), in.begin()));
    FUZZ_CHECK(wire::peek_version(in) == p.header.version);
    FUZZ_CHECK(wire::peek_mode(in) == p.header.mode);

    // Round trip through the writer: same fields give the same datagram.
    // Exactly the input's size: the writer needs no slack.
    std::vector<std::uint8_t> buf(in.size());
    wire::PacketWriter w(buf);
    FUZZ_CHECK(w.header(p.header));
    for (const auto& ef : p.extension_fields())
        FUZZ_CHECK(w.extension(ef.type, ef.value, ef.value.size() + 4));
    FUZZ_CHECK(std::ranges::equal(w.authenticated(), p.authenticated));
    if (p.mac) FUZZ_CHECK(w.mac(p.mac->key_id, p.mac->digest));
    const auto out = w.finish();
    FUZZ_CHECK(out.has_value());
    FUZZ_CHECK(std::ranges::equal(*out, in));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> in(data, size);
    const auto r = wire::decode_packet(in);
    FUZZ_CHECK(r.packet.has_value() == (r.error == wire::DecodeError::none));
    FUZZ_CHECK(!wire::to_string(r.error).empty());
    if (size < wire::header_size) FUZZ_CHECK(r.error == wire::DecodeError::too_short);
    if (r.packet) check_packet(*r.packet, in);
    return 0;
}
