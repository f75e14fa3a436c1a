#pragma once
// The NTP time packet (modes 1-5, RFC 5905 section 7.3) with RFC 7822
// extension fields and the legacy MAC trailer. Pure codec: bytes in, values
// out, and back; no I/O, no clock, no logging, no allocation. Nothing here
// throws on any input.
//
// Layout (network byte order):
//   0  LI(2) VN(3) Mode(3) | stratum | poll (int8) | precision (int8)
//   4  root delay (NtpShort)      8  root dispersion (NtpShort)
//  12  reference id              16  reference timestamp
//  24  origin timestamp          32  receive timestamp   40  transmit timestamp
//  48  extension fields (type 16, length 16, value, padded to 4) ...
//      MAC: key id (32) + digest (16 MD5/AES-CMAC or 20 SHA1 and others,
//           truncated to 20 like classic ntpd), or 4 octets of key id alone
//           (crypto-NAK).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "libntp/wire/ntp_time.hh"

namespace ntp::wire {

inline constexpr std::size_t header_size = 48;
inline constexpr std::size_t crypto_nak_size = 4;      // key id only
inline constexpr std::size_t max_digest_size = 20;     // classic MAX_MDG_LEN
inline constexpr std::size_t max_mac_size = 4 + max_digest_size;
inline constexpr std::size_t min_extension_size = 16;  // RFC 7822 section 3
inline constexpr std::size_t min_last_extension_size = 28;  // ... when no MAC follows
inline constexpr std::size_t max_extensions = 8;       // more is refused, not truncated

enum class LeapIndicator : std::uint8_t {
    none = 0,
    add_second = 1,     // last minute of the day has 61 s
    delete_second = 2,  // last minute of the day has 59 s
    unsynchronised = 3, // alarm
};

enum class Mode : std::uint8_t {
    reserved = 0,
    symmetric_active = 1,
    symmetric_passive = 2,
    client = 3,
    server = 4,
    broadcast = 5,
    control = 6,    // mode 6: different layout, see mode6.hh
    private_use = 7 // mode 7 (ntpdc): never answered
};

// The reference identifier: 4 raw octets. Helpers build the usual meanings.
struct RefId {
    std::array<std::uint8_t, 4> bytes{};

    // Kiss code / refclock id: up to 4 ASCII characters, NUL-padded
    // ("RATE", "DENY", "RSTR", "INIT", "STEP", "LOCL", "GPS"). Longer text is cut.
    static RefId from_ascii(std::string_view code);
    // IPv4 upstream: the address octets in network order.
    static RefId from_ipv4(const std::array<std::uint8_t, 4>& octets);
    static RefId from_ipv4_host_order(std::uint32_t addr);
    // IPv6 upstream: first 4 octets of MD5 over the 16-octet address (RFC 5905
    // section 7.3, as classic ntpd). Uses OpenSSL EVP; on the (theoretical)
    // failure of the digest the result is all-zero.
    static RefId from_ipv6(const std::array<std::uint8_t, 16>& octets);

    // Big-endian value of the 4 octets (what mode 6 prints as "0x..." or a dotted quad).
    std::uint32_t host_order() const;
    // "192.0.2.1" form.
    std::string dotted_quad() const;
    // The octets up to the first NUL when all are printable ASCII; nullopt otherwise.
    std::optional<std::string> ascii() const;
    // True when the refid equals the kiss code `code` (exact 4-octet match after padding).
    bool is(std::string_view code) const { return *this == from_ascii(code); }

    friend bool operator==(const RefId&, const RefId&) = default;
};

namespace kiss {
inline constexpr std::string_view rate = "RATE";
inline constexpr std::string_view deny = "DENY";
inline constexpr std::string_view rstr = "RSTR";
inline constexpr std::string_view init = "INIT";
inline constexpr std::string_view step = "STEP";
}  // namespace kiss

struct NtpHeader {
    LeapIndicator leap = LeapIndicator::none;
    std::uint8_t version = 4;          // 3 bits on the wire; encode masks it
    Mode mode = Mode::client;
    std::uint8_t stratum = 0;
    std::int8_t poll_log2 = 0;
    std::int8_t precision_log2 = 0;
    NtpShort root_delay;
    NtpShort root_dispersion;
    RefId refid;
    NtpTimestamp reference_ts;
    NtpTimestamp origin_ts;
    NtpTimestamp receive_ts;
    NtpTimestamp transmit_ts;

    friend bool operator==(const NtpHeader&, const NtpHeader&) = default;
};

// A view into the decoded buffer: valid only while that buffer lives.
struct ExtensionField {
    std::uint16_t type = 0;
    std::span<const std::uint8_t> value;  // everything after the 4-octet EF header, padding included
};

struct MacView {
    std::uint32_t key_id = 0;
    std::span<const std::uint8_t> digest;  // empty for a crypto-NAK
    bool is_crypto_nak() const { return digest.empty(); }
};

struct PacketView {
    NtpHeader header;
    std::array<ExtensionField, max_extensions> extensions{};
    std::size_t extension_count = 0;
    std::optional<MacView> mac;
    // Header plus extension fields: the bytes the MAC covers.
    std::span<const std::uint8_t> authenticated;

    std::span<const ExtensionField> extension_fields() const {
        return {extensions.data(), extension_count};
    }
};

enum class DecodeError {
    none = 0,
    too_short,              // fewer than 48 octets
    not_multiple_of_4,      // total length not a multiple of 4
    bad_extension_length,   // EF length < 16, not a multiple of 4, past the end, or last EF < 28 without MAC
    bad_mac_length,         // trailing bytes that are neither EFs nor a 4/20/24-octet MAC
    too_many_extensions,    // more than max_extensions fields
};
std::string_view to_string(DecodeError e);

struct DecodeResult {
    std::optional<PacketView> packet;  // set exactly when error == none
    DecodeError error = DecodeError::none;
};

// Just the first 48 octets; nullopt if fewer. Does not look at the rest.
std::optional<NtpHeader> decode_header(std::span<const std::uint8_t> bytes);

// Full parse of a mode 1-5 packet. The returned views point into `bytes`.
// Field values are not judged (version 0, mode 0, stratum 200 all decode):
// policy belongs to the caller. Parse order after the header, RFC 7822 section 7.5:
// remaining 4, 20 or 24 octets are a MAC (or crypto-NAK); anything else must
// start with an extension field.
DecodeResult decode_packet(std::span<const std::uint8_t> bytes);

// First-octet peeks for dispatch before a full decode (0 when empty).
std::uint8_t peek_version(std::span<const std::uint8_t> bytes);
Mode peek_mode(std::span<const std::uint8_t> bytes);

// Writes the 48-octet header. Returns false (and writes nothing) if `out` is
// shorter than 48.
bool encode_header(const NtpHeader& header, std::span<std::uint8_t> out);

// Builds a packet into a caller-provided buffer, no allocation:
//   PacketWriter w(buf);
//   w.header(h); w.extension(type, value); ...
//   digest = compute over w.authenticated(); w.mac(key_id, digest);
//   auto bytes = w.finish();
// Any step that does not fit, or comes in the wrong order, puts the writer in
// a failed state; finish() then returns nullopt.
class PacketWriter {
public:
    explicit PacketWriter(std::span<std::uint8_t> buffer) : buffer_(buffer) {}

    bool header(const NtpHeader& h);
    // Value is zero-padded to a multiple of 4 and to the 16-octet minimum.
    // `min_total_size` lets a caller pad the last field to 28 when no MAC follows.
    bool extension(std::uint16_t type, std::span<const std::uint8_t> value,
                   std::size_t min_total_size = min_extension_size);
    // digest: 0 octets (crypto-NAK), 16, or 20; anything else fails.
    bool mac(std::uint32_t key_id, std::span<const std::uint8_t> digest);

    // Bytes the MAC must cover (header + extension fields written so far).
    std::span<const std::uint8_t> authenticated() const { return buffer_.first(auth_end_); }
    std::size_t size() const { return size_; }
    bool ok() const { return !failed_; }
    // The finished packet; nullopt when a step failed, when the last
    // extension field is shorter than 28 octets and no MAC follows (RFC 7822),
    // or when the result would decode differently (a short field followed by
    // a crypto-NAK reads as a MAC): finish() decodes its own output to check.
    std::optional<std::span<const std::uint8_t>> finish() const;

private:
    std::span<std::uint8_t> buffer_;
    std::size_t size_ = 0;
    std::size_t auth_end_ = 0;
    std::size_t last_extension_size_ = 0;
    std::size_t extension_count_ = 0;
    bool has_header_ = false;
    bool has_mac_ = false;
    bool failed_ = false;
};

}  // namespace ntp::wire
