#include "ntpd/server/responder.hh"

#include <algorithm>
#include <array>

#include "libntp/wire/ntp_packet.hh"
#include "libntp/wire/ntp_time.hh"

namespace ntpd {

namespace wire = ntp::wire;

namespace {

constexpr std::uint8_t mode_symmetric_active = 1;
constexpr std::uint8_t mode_symmetric_passive = 2;
constexpr std::uint8_t mode_client = 3;
constexpr std::uint8_t mode_server = 4;
constexpr std::uint8_t mode_broadcast = 5;
constexpr std::uint8_t mode_control = 6;
constexpr std::uint8_t mode_private = 7;

constexpr std::uint8_t current_version = 4;
constexpr std::uint8_t oldest_version = 1;

// Largest reply we build: header plus the biggest MAC.
constexpr std::size_t max_reply_size = wire::header_size + wire::max_mac_size;

enum class MacState { none, valid, invalid, crypto_nak };

std::int8_t clamp_int8(int v) { return static_cast<std::int8_t>(std::clamp(v, -128, 127)); }

}  // namespace

struct ServerResponder::Parsed {
    wire::NtpHeader header;
    std::uint8_t version = 0;
    std::uint8_t mode = 0;
    MacState mac = MacState::none;
    std::uint32_t key_id = 0;
};

ServerResponder::ServerResponder(RestrictList& restrictions, MruList& mru, RateLimiter& limiter,
                                 PacketAuth* auth, ResponderSettings settings, Now now,
                                 std::uint64_t random_seed)
    : restrictions_(restrictions),
      mru_(mru),
      limiter_(limiter),
      auth_(auth),
      settings_(settings),
      now_(std::move(now)),
      rng_(random_seed == 0 ? 0x853c49e6748fea9bULL : random_seed) {}

std::uint64_t ServerResponder::next_random() {
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    return rng_ * 0x2545f4914f6cdd1dULL;
}

Outcome ServerResponder::handle(const Request& request, const SystemState& system,
                                std::span<std::uint8_t> reply_buffer) {
    Outcome out;
    ++counters_.received;
    const auto& data = request.data;
    if (request.source.port == 0 || data.empty()) {
        ++counters_.bad_format;
        return out;
    }

    const std::uint32_t flags = restrictions_.lookup(request.source);
    out.restrict_flags = flags;
    if (flags & rflag::ignore) {
        ++counters_.restricted;
        return out;
    }

    if (request.truncated) {
        // Larger than any packet we understand, whatever its mode (mode 6
        // included): the control server never sees it.
        ++counters_.bad_format;
        return out;
    }

    const std::uint8_t mode = data[0] & 0x7;
    const std::uint8_t version = (data[0] >> 3) & 0x7;
    if (mode == mode_private) {
        // Mode 7 (ntpdc) is never answered: it was the monlist amplifier.
        ++counters_.restricted;
        return out;
    }
    if (mode == mode_control) {
        if (flags & rflag::noquery) {
            ++counters_.restricted;
            return out;
        }
        out.action = Action::control;
        return out;
    }
    if (flags & rflag::noserve) {
        ++counters_.restricted;
        return out;
    }
    if ((flags & rflag::flake) && next_random() % 10 == 0) {
        return out;  // testing aid: lose 10 % of the time packets
    }

    if (mode == 0) {
        // Reserved. Classic ntpd still takes NTPv1 mode 0 as a client
        // request; we drop every mode 0: no client of the last
        // thirty years sends one, and it would be answered unauthenticated.
        ++counters_.bad_format;
        return out;
    }
    if (version == current_version) {
        ++counters_.current_version;
    } else if (version >= oldest_version && version < current_version &&
               !(flags & rflag::version)) {
        ++counters_.old_version;
    } else {
        ++counters_.bad_format;
        return out;
    }
    const wire::DecodeResult decoded = wire::decode_packet(data);
    if (!decoded.packet) {
        ++counters_.bad_format;
        return out;
    }
    const wire::PacketView& view = *decoded.packet;

    Parsed parsed;
    parsed.header = view.header;
    parsed.version = version;
    parsed.mode = mode;
    if (view.mac) {
        parsed.key_id = view.mac->key_id;
        if (view.mac->is_crypto_nak()) {
            parsed.mac = MacState::crypto_nak;
        } else if (auth_ != nullptr && view.mac->key_id != 0 &&
                   auth_->verify(view.mac->key_id, view.authenticated, view.mac->digest,
                                 request.source.addr)) {
            parsed.mac = MacState::valid;
        } else {
            parsed.mac = MacState::invalid;
        }
    }
    if ((flags & rflag::notrust) && parsed.mac != MacState::valid) {
        ++counters_.restricted;
        return out;
    }
    if (parsed.mac == MacState::invalid) ++counters_.bad_auth;
    out.authenticated = parsed.mac == MacState::valid;
    out.key_id = out.authenticated ? parsed.key_id : 0;

    // Monitoring and rate limiting, for time packets only (not mode 6).
    if (settings_.monitor || (flags & rflag::limited)) {
        double rx_s = wire::NtpTime::from_timespec(request.rx_time).to_unix_seconds();
        MruList::Touch touch = mru_.record(request.source, request.local, rx_s);
        if (touch.entry != nullptr) {
            touch.entry->mode = mode;
            touch.entry->version = version;
            touch.entry->restrict_flags = flags & ~(rflag::limited | rflag::kod);
            if (flags & rflag::limited) {
                bool kod_ok = (flags & rflag::kod) &&
                              (mode == mode_client || mode == mode_symmetric_active);
                RateDecision d =
                    limiter_.decide(*touch.entry, touch.is_new, touch.interval_s, kod_ok);
                if (d != RateDecision::pass) {
                    touch.entry->restrict_flags = flags;
                    ++counters_.limited;
                    if (d == RateDecision::drop) return out;
                    std::uint8_t kod_mode =
                        mode == mode_client ? mode_server : mode_symmetric_active;
                    out.reply_length = build_kod(parsed, kod_mode, reply_buffer);
                    if (out.reply_length == 0 || out.reply_length > data.size()) {
                        out.reply_length = 0;
                        return out;
                    }
                    ++counters_.kod_sent;
                    out.action = Action::reply;
                    return out;
                }
            }
        }
    }

    std::uint8_t reply_mode = 0;
    switch (mode) {
    case mode_client:
        reply_mode = mode_server;
        break;
    case mode_symmetric_active:
        if (peer_lookup_ && peer_lookup_(request.source)) {
            ++counters_.processed;
            out.action = Action::core;
            return out;
        }
        // No association: classic answers statelessly in symmetric passive
        // mode, which keeps Windows w32time clients (mode 1) working behind
        // `nopeer`. Packets never mobilize associations here.
        reply_mode = mode_symmetric_passive;
        break;
    case mode_symmetric_passive:
    case mode_server:
    case mode_broadcast:
        if (!peer_lookup_) {
            ++counters_.declined;
            return out;
        }
        ++counters_.processed;
        out.action = Action::core;
        return out;
    default:
        ++counters_.bad_format;
        return out;
    }

    if (parsed.mac == MacState::crypto_nak) {
        ++counters_.declined;
        return out;
    }
    out.reply_length = build_reply(request, parsed, system, reply_mode, reply_buffer);
    if (out.reply_length == 0 || out.reply_length > data.size()) {
        out.reply_length = 0;
        return out;
    }
    ++counters_.processed;
    out.action = Action::reply;
    return out;
}

std::size_t ServerResponder::build_reply(const Request& request, const Parsed& parsed,
                                         const SystemState& system, std::uint8_t reply_mode,
                                         std::span<std::uint8_t> out) {
    if (out.size() < max_reply_size) return 0;
    wire::NtpHeader h;
    h.leap = static_cast<wire::LeapIndicator>(system.leap & 0x3);
    h.version = parsed.version;
    h.mode = static_cast<wire::Mode>(reply_mode);
    h.stratum = system.wire_stratum();
    h.poll_log2 = clamp_int8(std::max<int>(parsed.header.poll_log2, settings_.discard_average_log2));
    h.precision_log2 = clamp_int8(system.precision_log2);
    h.root_delay = wire::NtpShort::from_seconds(system.root_delay_s);
    h.root_dispersion = wire::NtpShort::from_seconds(system.root_dispersion_s);
    h.refid = wire::RefId::from_ipv4_host_order(system.refid);
    h.reference_ts = wire::NtpTimestamp::from_raw(system.reftime_ntp);
    h.origin_ts = parsed.header.transmit_ts;  // bit for bit
    h.receive_ts = wire::NtpTime::from_timespec(request.rx_time).timestamp();
    wire::NtpTimestamp xmt = wire::with_random_low_bits(
        wire::NtpTime::from_timespec(now_()).timestamp(), system.precision_log2,
        static_cast<std::uint32_t>(next_random() >> 32));
    // Strictly later than the receive time, even if the clock reading (or
    // the random low bits) says otherwise.
    if (wire::diff_s(xmt, h.receive_ts) <= 0) {
        xmt = wire::NtpTimestamp::from_raw(h.receive_ts.raw() + 1);
    }
    h.transmit_ts = xmt;

    wire::PacketWriter w(out.first(max_reply_size));
    if (!w.header(h)) return 0;
    if (parsed.mac == MacState::valid) {
        std::array<std::uint8_t, wire::max_digest_size> digest{};
        std::size_t n = auth_->sign(parsed.key_id, w.authenticated(), digest);
        // Never answer a signed request unsigned: drop instead.
        if (n == 0 || !w.mac(parsed.key_id, std::span<const std::uint8_t>(digest.data(), n))) {
            return 0;
        }
    } else if (parsed.mac == MacState::invalid) {
        // Classic answers a bad MAC with a crypto-NAK (key id 0, no digest).
        if (!w.mac(0, {})) return 0;
    }
    auto bytes = w.finish();
    return bytes ? bytes->size() : 0;
}

std::size_t ServerResponder::build_kod(const Parsed& parsed, std::uint8_t reply_mode,
                                       std::span<std::uint8_t> out) {
    if (out.size() < wire::header_size) return 0;
    const wire::NtpHeader& req = parsed.header;
    wire::NtpHeader h;
    h.leap = wire::LeapIndicator::unsynchronised;
    h.version = parsed.version;
    h.mode = static_cast<wire::Mode>(reply_mode);
    h.stratum = 0;
    h.poll_log2 = clamp_int8(std::max<int>(req.poll_log2, settings_.discard_average_log2));
    h.precision_log2 = req.precision_log2;
    h.root_delay = req.root_delay;
    h.root_dispersion = req.root_dispersion;
    h.refid = wire::RefId::from_ascii(wire::kiss::rate);
    h.reference_ts = req.reference_ts;
    // Origin, receive and transmit all carry the request's transmit time, so
    // the KoD can be matched by the client but never used as a time sample.
    h.origin_ts = req.transmit_ts;
    h.receive_ts = req.transmit_ts;
    h.transmit_ts = req.transmit_ts;
    return wire::encode_header(h, out) ? wire::header_size : 0;
}

}  // namespace ntpd
