#include "libntp/wire/ntp_packet.hh"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>

namespace ntp::wire {

namespace {

std::uint16_t get16(std::span<const std::uint8_t> b, std::size_t at) {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

std::uint32_t get32(std::span<const std::uint8_t> b, std::size_t at) {
    return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
           (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}

std::uint64_t get64(std::span<const std::uint8_t> b, std::size_t at) {
    return (std::uint64_t{get32(b, at)} << 32) | get32(b, at + 4);
}

void put16(std::span<std::uint8_t> b, std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
}

void put32(std::span<std::uint8_t> b, std::size_t at, std::uint32_t v) {
    b[at] = static_cast<std::uint8_t>(v >> 24);
    b[at + 1] = static_cast<std::uint8_t>(v >> 16);
    b[at + 2] = static_cast<std::uint8_t>(v >> 8);
    b[at + 3] = static_cast<std::uint8_t>(v);
}

void put64(std::span<std::uint8_t> b, std::size_t at, std::uint64_t v) {
    put32(b, at, static_cast<std::uint32_t>(v >> 32));
    put32(b, at + 4, static_cast<std::uint32_t>(v));
}

// Trailer lengths that are a legacy MAC rather than an extension field
// (RFC 7822 section 7.5): key id alone (crypto-NAK), + 16-octet digest
// (MD5, AES-CMAC), + 20-octet digest (SHA1, and longer digests truncated).
bool is_mac_length(std::size_t n) {
    return n == crypto_nak_size || n == 4 + 16 || n == 4 + 20;
}

std::size_t round_up4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

}  // namespace

RefId RefId::from_ascii(std::string_view code) {
    RefId r;
    const std::size_t n = std::min(code.size(), r.bytes.size());
    for (std::size_t i = 0; i < n; ++i) r.bytes[i] = static_cast<std::uint8_t>(code[i]);
    return r;
}

RefId RefId::from_ipv4(const std::array<std::uint8_t, 4>& octets) { return RefId{octets}; }

RefId RefId::from_ipv4_host_order(std::uint32_t addr) {
    RefId r;
    put32(r.bytes, 0, addr);
    return r;
}

RefId RefId::from_ipv6(const std::array<std::uint8_t, 16>& octets) {
    RefId r;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    // One-shot EVP_Digest allocates and frees its own context.
    if (EVP_Digest(octets.data(), octets.size(), md, &len, EVP_md5(), nullptr) == 1 && len >= 4)
        std::copy_n(md, 4, r.bytes.begin());
    return r;
}

std::uint32_t RefId::host_order() const { return get32(bytes, 0); }

std::string RefId::dotted_quad() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
    return buf;
}

std::optional<std::string> RefId::ascii() const {
    std::string out;
    std::size_t i = 0;
    for (; i < bytes.size() && bytes[i] != 0; ++i) {
        if (bytes[i] < 0x20 || bytes[i] > 0x7e) return std::nullopt;
        out.push_back(static_cast<char>(bytes[i]));
    }
    for (; i < bytes.size(); ++i)
        if (bytes[i] != 0) return std::nullopt;  // NUL padding only
    return out;
}

std::string_view to_string(DecodeError e) {
    switch (e) {
    case DecodeError::none: return "ok";
    case DecodeError::too_short: return "packet too short";
    case DecodeError::not_multiple_of_4: return "length not a multiple of 4";
    case DecodeError::bad_extension_length: return "bad extension field length";
    case DecodeError::bad_mac_length: return "bad MAC length";
    case DecodeError::too_many_extensions: return "too many extension fields";
    }
    return "unknown";
}

std::optional<NtpHeader> decode_header(std::span<const std::uint8_t> b) {
    if (b.size() < header_size) return std::nullopt;
    NtpHeader h;
    h.leap = static_cast<LeapIndicator>(b[0] >> 6);
    h.version = static_cast<std::uint8_t>((b[0] >> 3) & 7);
    h.mode = static_cast<Mode>(b[0] & 7);
    h.stratum = b[1];
    h.poll_log2 = static_cast<std::int8_t>(b[2]);
    h.precision_log2 = static_cast<std::int8_t>(b[3]);
    h.root_delay = NtpShort::from_raw(get32(b, 4));
    h.root_dispersion = NtpShort::from_raw(get32(b, 8));
    std::copy_n(b.begin() + 12, 4, h.refid.bytes.begin());
    h.reference_ts = NtpTimestamp::from_raw(get64(b, 16));
    h.origin_ts = NtpTimestamp::from_raw(get64(b, 24));
    h.receive_ts = NtpTimestamp::from_raw(get64(b, 32));
    h.transmit_ts = NtpTimestamp::from_raw(get64(b, 40));
    return h;
}

DecodeResult decode_packet(std::span<const std::uint8_t> bytes) {
    DecodeResult result;
    if (bytes.size() < header_size) {
        result.error = DecodeError::too_short;
        return result;
    }
    if (bytes.size() % 4 != 0) {
        result.error = DecodeError::not_multiple_of_4;
        return result;
    }
    PacketView view;
    view.header = *decode_header(bytes);

    std::size_t pos = header_size;
    while (pos < bytes.size()) {
        const std::size_t rest = bytes.size() - pos;
        if (is_mac_length(rest)) {
            view.mac = MacView{get32(bytes, pos), bytes.subspan(pos + 4)};
            break;
        }
        // Too small to be an extension field and not a MAC we know: classic
        // ntpd counts this as a bad length as well.
        if (rest < min_extension_size) {
            result.error = DecodeError::bad_mac_length;
            return result;
        }
        const std::size_t length = get16(bytes, pos + 2);
        if (length < min_extension_size || length % 4 != 0 || length > rest) {
            result.error = DecodeError::bad_extension_length;
            return result;
        }
        // Without a MAC behind it, the last field must be at least 28 octets
        // so it cannot be mistaken for a MAC (RFC 7822 section 3).
        if (length == rest && length < min_last_extension_size) {
            result.error = DecodeError::bad_extension_length;
            return result;
        }
        if (view.extension_count == max_extensions) {
            result.error = DecodeError::too_many_extensions;
            return result;
        }
        view.extensions[view.extension_count++] =
            ExtensionField{get16(bytes, pos), bytes.subspan(pos + 4, length - 4)};
        pos += length;
    }
    view.authenticated = bytes.first(pos);
    result.packet = view;
    return result;
}

std::uint8_t peek_version(std::span<const std::uint8_t> bytes) {
    return bytes.empty() ? 0 : static_cast<std::uint8_t>((bytes[0] >> 3) & 7);
}

Mode peek_mode(std::span<const std::uint8_t> bytes) {
    return bytes.empty() ? Mode::reserved : static_cast<Mode>(bytes[0] & 7);
}

bool encode_header(const NtpHeader& h, std::span<std::uint8_t> out) {
    if (out.size() < header_size) return false;
    out[0] = static_cast<std::uint8_t>((static_cast<unsigned>(h.leap) & 3) << 6 |
                                       (h.version & 7u) << 3 |
                                       (static_cast<unsigned>(h.mode) & 7));
    out[1] = h.stratum;
    out[2] = static_cast<std::uint8_t>(h.poll_log2);
    out[3] = static_cast<std::uint8_t>(h.precision_log2);
    put32(out, 4, h.root_delay.raw());
    put32(out, 8, h.root_dispersion.raw());
    std::copy(h.refid.bytes.begin(), h.refid.bytes.end(), out.begin() + 12);
    put64(out, 16, h.reference_ts.raw());
    put64(out, 24, h.origin_ts.raw());
    put64(out, 32, h.receive_ts.raw());
    put64(out, 40, h.transmit_ts.raw());
    return true;
}

bool PacketWriter::header(const NtpHeader& h) {
    if (failed_ || has_header_ || !encode_header(h, buffer_)) {
        failed_ = true;
        return false;
    }
    has_header_ = true;
    size_ = auth_end_ = header_size;
    return true;
}

bool PacketWriter::extension(std::uint16_t type, std::span<const std::uint8_t> value,
                             std::size_t min_total_size) {
    const std::size_t total =
        std::max({round_up4(4 + value.size()), round_up4(min_total_size), min_extension_size});
    if (failed_ || !has_header_ || has_mac_ || total > 0xfffc ||
        extension_count_ == max_extensions || buffer_.size() - size_ < total) {
        failed_ = true;
        return false;
    }
    auto field = buffer_.subspan(size_, total);
    put16(field, 0, type);
    put16(field, 2, static_cast<std::uint16_t>(total));
    std::copy(value.begin(), value.end(), field.begin() + 4);
    std::fill(field.begin() + 4 + static_cast<std::ptrdiff_t>(value.size()), field.end(), 0);
    size_ = auth_end_ = size_ + total;
    last_extension_size_ = total;
    ++extension_count_;
    return true;
}

bool PacketWriter::mac(std::uint32_t key_id, std::span<const std::uint8_t> digest) {
    const bool good_length = digest.empty() || digest.size() == 16 || digest.size() == 20;
    if (failed_ || !has_header_ || has_mac_ || !good_length ||
        buffer_.size() - size_ < 4 + digest.size()) {
        failed_ = true;
        return false;
    }
    put32(buffer_, size_, key_id);
    std::copy(digest.begin(), digest.end(), buffer_.begin() + static_cast<std::ptrdiff_t>(size_ + 4));
    size_ += 4 + digest.size();
    has_mac_ = true;
    return true;
}

std::optional<std::span<const std::uint8_t>> PacketWriter::finish() const {
    if (failed_ || !has_header_) return std::nullopt;
    if (extension_count_ > 0 && !has_mac_ && last_extension_size_ < min_last_extension_size)
        return std::nullopt;
    const std::span<const std::uint8_t> out = buffer_.first(size_);
    // Refuse to emit a layout a receiver would read differently, e.g. a
    // 16-octet field followed by a crypto-NAK, which parses as a 20-octet MAC.
    const DecodeResult check = decode_packet(out);
    if (!check.packet || check.packet->extension_count != extension_count_ ||
        check.packet->mac.has_value() != has_mac_)
        return std::nullopt;
    return out;
}

}  // namespace ntp::wire
