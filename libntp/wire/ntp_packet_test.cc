#include "libntp/wire/ntp_packet.hh"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <vector>

using namespace ntp::wire;

namespace {

using Bytes = std::vector<std::uint8_t>;

NtpHeader sample_header() {
    NtpHeader h;
    h.leap = LeapIndicator::unsynchronised;
    h.version = 4;
    h.mode = Mode::client;
    h.stratum = 2;
    h.poll_log2 = 6;
    h.precision_log2 = -20;
    h.root_delay = NtpShort::from_raw(0x00011234u);
    h.root_dispersion = NtpShort::from_raw(0x0000abcdu);
    h.refid = RefId::from_ipv4({192, 0, 2, 1});
    h.reference_ts = NtpTimestamp(0xe9000001u, 0x80000000u);
    h.origin_ts = NtpTimestamp(0xe9000002u, 0x00000001u);
    h.receive_ts = NtpTimestamp(0xe9000003u, 0xfffffffeu);
    h.transmit_ts = NtpTimestamp(0xe9000004u, 0x12345678u);
    return h;
}

Bytes header_bytes(const NtpHeader& h) {
    Bytes b(header_size);
    REQUIRE(encode_header(h, b));
    return b;
}

// Appends an extension field with the given declared length (value zero-filled).
void append_ef(Bytes& b, std::uint16_t type, std::uint16_t declared, std::size_t actual) {
    const std::size_t at = b.size();
    b.resize(at + actual, 0);
    b[at] = static_cast<std::uint8_t>(type >> 8);
    b[at + 1] = static_cast<std::uint8_t>(type);
    b[at + 2] = static_cast<std::uint8_t>(declared >> 8);
    b[at + 3] = static_cast<std::uint8_t>(declared);
}

void append_mac(Bytes& b, std::uint32_t key_id, std::size_t digest_len, std::uint8_t fill = 0xaa) {
    b.push_back(static_cast<std::uint8_t>(key_id >> 24));
    b.push_back(static_cast<std::uint8_t>(key_id >> 16));
    b.push_back(static_cast<std::uint8_t>(key_id >> 8));
    b.push_back(static_cast<std::uint8_t>(key_id));
    b.insert(b.end(), digest_len, fill);
}

}  // namespace

TEST_CASE("header encodes field by field in network order", "[ntp_packet]") {
    const Bytes b = header_bytes(sample_header());
    const Bytes expected = {
        0xe3, 0x02, 0x06, 0xec,                          // LI 3, VN 4, mode 3; stratum; poll; precision
        0x00, 0x01, 0x12, 0x34, 0x00, 0x00, 0xab, 0xcd,  // root delay, root dispersion
        0xc0, 0x00, 0x02, 0x01,                          // refid 192.0.2.1
        0xe9, 0x00, 0x00, 0x01, 0x80, 0x00, 0x00, 0x00,  // reference
        0xe9, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,  // origin
        0xe9, 0x00, 0x00, 0x03, 0xff, 0xff, 0xff, 0xfe,  // receive
        0xe9, 0x00, 0x00, 0x04, 0x12, 0x34, 0x56, 0x78,  // transmit
    };
    CHECK(b == expected);
}

TEST_CASE("header round trip, every LI/VN/mode combination", "[ntp_packet]") {
    NtpHeader h = sample_header();
    for (unsigned li = 0; li < 4; ++li)
        for (std::uint8_t vn = 0; vn < 8; ++vn)
            for (unsigned mode = 0; mode < 8; ++mode) {
                h.leap = static_cast<LeapIndicator>(li);
                h.version = vn;
                h.mode = static_cast<Mode>(mode);
                const Bytes b = header_bytes(h);
                auto back = decode_header(b);
                REQUIRE(back);
                CHECK(*back == h);
                CHECK(peek_version(b) == vn);
                CHECK(peek_mode(b) == h.mode);
            }
    CHECK(peek_version({}) == 0);
    CHECK(peek_mode({}) == Mode::reserved);
}

TEST_CASE("short, ragged and exact lengths", "[ntp_packet]") {
    const Bytes full = header_bytes(sample_header());
    for (std::size_t n = 0; n < header_size; ++n) {
        const Bytes b(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
        CHECK(decode_packet(b).error == DecodeError::too_short);
        CHECK_FALSE(decode_packet(b).packet);
        CHECK_FALSE(decode_header(b));
    }
    for (std::size_t extra : {1u, 2u, 3u, 5u, 21u}) {
        Bytes b = full;
        b.resize(b.size() + extra, 0);
        CHECK(decode_packet(b).error == DecodeError::not_multiple_of_4);
    }
    const DecodeResult r = decode_packet(full);
    REQUIRE(r.packet);
    CHECK(r.error == DecodeError::none);
    CHECK(r.packet->header == sample_header());
    CHECK(r.packet->extension_count == 0);
    CHECK_FALSE(r.packet->mac);
    CHECK(r.packet->authenticated.size() == header_size);
}

TEST_CASE("MAC trailers: crypto-NAK, MD5/CMAC, SHA1; odd lengths refused", "[ntp_packet]") {
    for (std::size_t digest : {0u, 16u, 20u}) {
        Bytes b = header_bytes(sample_header());
        append_mac(b, 42, digest);
        const DecodeResult r = decode_packet(b);
        REQUIRE(r.packet);
        REQUIRE(r.packet->mac);
        CHECK(r.packet->mac->key_id == 42);
        CHECK(r.packet->mac->digest.size() == digest);
        CHECK(r.packet->mac->is_crypto_nak() == (digest == 0));
        CHECK(r.packet->authenticated.size() == header_size);
        CHECK(r.packet->extension_count == 0);
    }
    for (std::size_t digest : {4u, 8u}) {  // 8- and 12-octet trailers
        Bytes b = header_bytes(sample_header());
        append_mac(b, 1, digest);
        CHECK(decode_packet(b).error == DecodeError::bad_mac_length);
    }
}

TEST_CASE("extension fields per RFC 7822", "[ntp_packet]") {
    const Bytes base = header_bytes(sample_header());

    SECTION("one 28-octet field without MAC") {
        Bytes b = base;
        append_ef(b, 0x0104, 28, 28);
        b[48 + 4] = 0x77;
        const DecodeResult r = decode_packet(b);
        REQUIRE(r.packet);
        REQUIRE(r.packet->extension_count == 1);
        CHECK(r.packet->extensions[0].type == 0x0104);
        CHECK(r.packet->extensions[0].value.size() == 24);
        CHECK(r.packet->extensions[0].value[0] == 0x77);
        CHECK_FALSE(r.packet->mac);
        CHECK(r.packet->authenticated.size() == b.size());
    }
    SECTION("16-octet fields are fine before a MAC") {
        Bytes b = base;
        append_ef(b, 1, 16, 16);
        append_ef(b, 2, 16, 16);
        append_mac(b, 7, 20);
        const DecodeResult r = decode_packet(b);
        REQUIRE(r.packet);
        CHECK(r.packet->extension_count == 2);
        CHECK(r.packet->extension_fields()[1].type == 2);
        REQUIRE(r.packet->mac);
        CHECK(r.packet->mac->key_id == 7);
        CHECK(r.packet->authenticated.size() == header_size + 32);
    }
    SECTION("last field without MAC must be >= 28") {
        Bytes b = base;
        append_ef(b, 1, 16, 16);
        append_ef(b, 2, 16, 16);
        CHECK(decode_packet(b).error == DecodeError::bad_extension_length);
        b = base;
        append_ef(b, 1, 16, 16);
        append_ef(b, 2, 28, 28);
        CHECK(decode_packet(b).packet);
    }
    SECTION("bad declared lengths") {
        for (std::uint16_t declared : {0, 4, 12, 30, 34, 36, 0xfffc}) {
            Bytes b = base;
            append_ef(b, 1, declared, 32);
            INFO("declared " << declared);
            CHECK(decode_packet(b).error == DecodeError::bad_extension_length);
        }
    }
    SECTION("too many fields") {
        Bytes b = base;
        for (std::size_t i = 0; i <= max_extensions; ++i) append_ef(b, 1, 16, 16);
        append_mac(b, 1, 20);
        CHECK(decode_packet(b).error == DecodeError::too_many_extensions);
        b = base;
        for (std::size_t i = 0; i < max_extensions; ++i) append_ef(b, 1, 16, 16);
        append_mac(b, 1, 20);
        CHECK(decode_packet(b).packet);
    }
    SECTION("junk after a field that is not a MAC") {
        Bytes b = base;
        append_ef(b, 1, 16, 16);
        b.resize(b.size() + 12, 0);  // 16 + 8 would read as a 24-octet MAC
        CHECK(decode_packet(b).error == DecodeError::bad_mac_length);
    }
}

TEST_CASE("garbage never crashes and always yields a consistent view", "[ntp_packet]") {
    const auto seed = Catch::rngSeed();
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    for (int i = 0; i < 20000; ++i) {
        Bytes b(rng() % 200);
        for (auto& x : b) x = static_cast<std::uint8_t>(rng());
        // Bias towards plausible layouts: multiples of 4 with sane EF lengths.
        if (i % 2 == 0) {
            b.resize(b.size() & ~std::size_t{3});
            if (b.size() > 52) b[50] = 0, b[51] = static_cast<std::uint8_t>((rng() % 12) * 4);
        }
        const DecodeResult r = decode_packet(b);
        CHECK(r.packet.has_value() == (r.error == DecodeError::none));
        if (r.packet) {
            std::size_t covered = r.packet->authenticated.size();
            if (r.packet->mac) covered += 4 + r.packet->mac->digest.size();
            CHECK(covered == b.size());
            CHECK(r.packet->extension_count <= max_extensions);
        }
    }
}

TEST_CASE("PacketWriter builds what decode_packet reads", "[ntp_packet]") {
    std::array<std::uint8_t, 256> buf{};
    const std::array<std::uint8_t, 5> value{1, 2, 3, 4, 5};
    const std::array<std::uint8_t, 20> digest20{};
    const std::array<std::uint8_t, 16> digest16{};

    SECTION("header + EF + MAC") {
        PacketWriter w(buf);
        REQUIRE(w.header(sample_header()));
        REQUIRE(w.extension(0x2005, value));
        CHECK(w.authenticated().size() == 64);  // 4 + 5 padded to the 16 minimum
        REQUIRE(w.mac(9, digest20));
        auto out = w.finish();
        REQUIRE(out);
        CHECK(out->size() == 88);
        const DecodeResult r = decode_packet(*out);
        REQUIRE(r.packet);
        CHECK(r.packet->header == sample_header());
        REQUIRE(r.packet->extension_count == 1);
        CHECK(r.packet->extensions[0].type == 0x2005);
        CHECK(r.packet->extensions[0].value[4] == 5);
        CHECK(r.packet->extensions[0].value[5] == 0);
        CHECK(r.packet->mac->key_id == 9);
    }
    SECTION("a last field without MAC needs padding to 28") {
        PacketWriter w(buf);
        w.header(sample_header());
        w.extension(1, value);
        CHECK_FALSE(w.finish());
        PacketWriter w2(buf);
        w2.header(sample_header());
        w2.extension(1, value, min_last_extension_size);
        auto out = w2.finish();
        REQUIRE(out);
        CHECK(out->size() == 48 + 28);
    }
    SECTION("ambiguous EF + crypto-NAK is refused") {
        PacketWriter w(buf);
        w.header(sample_header());
        w.extension(1, value);
        w.mac(0, {});
        CHECK_FALSE(w.finish());
        PacketWriter w2(buf);
        w2.header(sample_header());
        w2.extension(1, value, 28);
        w2.mac(0, {});
        auto out = w2.finish();
        REQUIRE(out);
        CHECK(decode_packet(*out).packet->mac->is_crypto_nak());
    }
    SECTION("order, sizes and room") {
        PacketWriter no_header(buf);
        CHECK_FALSE(no_header.mac(1, digest16));
        CHECK_FALSE(no_header.finish());

        PacketWriter twice(buf);
        twice.header(sample_header());
        twice.mac(1, digest16);
        CHECK_FALSE(twice.extension(1, value));
        CHECK_FALSE(twice.ok());

        PacketWriter odd(buf);
        odd.header(sample_header());
        const std::array<std::uint8_t, 17> digest17{};
        CHECK_FALSE(odd.mac(1, digest17));

        std::array<std::uint8_t, 60> small{};
        PacketWriter tight(small);
        REQUIRE(tight.header(sample_header()));
        CHECK_FALSE(tight.mac(1, digest16));  // 48 + 20 > 60

        std::array<std::uint8_t, 47> tiny{};
        PacketWriter none(tiny);
        CHECK_FALSE(none.header(sample_header()));
    }
}

TEST_CASE("refid helpers", "[ntp_packet]") {
    CHECK(RefId::from_ascii("RATE").bytes == std::array<std::uint8_t, 4>{'R', 'A', 'T', 'E'});
    CHECK(RefId::from_ascii("GPS").bytes == std::array<std::uint8_t, 4>{'G', 'P', 'S', 0});
    CHECK(RefId::from_ascii("TOOLONG").bytes == std::array<std::uint8_t, 4>{'T', 'O', 'O', 'L'});
    CHECK(RefId::from_ascii(kiss::init).is(kiss::init));
    CHECK_FALSE(RefId::from_ascii(kiss::init).is(kiss::step));
    CHECK(RefId::from_ascii("GPS").ascii() == std::optional<std::string>("GPS"));
    CHECK(RefId::from_ascii(kiss::deny).ascii() == std::optional<std::string>("DENY"));
    CHECK_FALSE(RefId::from_ipv4({192, 0, 2, 1}).ascii());
    CHECK_FALSE((RefId{{'A', 0, 'B', 0}}.ascii()));
    CHECK(RefId::from_ipv4_host_order(0x7f000001u).dotted_quad() == "127.0.0.1");
    CHECK(RefId::from_ipv4({10, 1, 2, 3}).host_order() == 0x0a010203u);
    // Expected values computed independently (Python hashlib.md5 of the
    // packed address), not with this code.
    std::array<std::uint8_t, 16> loopback6{};
    loopback6[15] = 1;
    CHECK(RefId::from_ipv6(loopback6).bytes == std::array<std::uint8_t, 4>{0xcf, 0x40, 0x4d, 0xc8});
    const std::array<std::uint8_t, 16> doc6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                            0,    0,    0,    0,    0, 0, 0, 1};
    CHECK(RefId::from_ipv6(doc6).bytes == std::array<std::uint8_t, 4>{0x39, 0xab, 0x9b, 0x37});
}
