#include "libntp/oneshot/poller.hh"

#include <algorithm>

#include "libntp/oneshot/fixed_text.hh"

namespace ntp::oneshot {

namespace wire = ntp::wire;

Poller::Poller(PollerConfig config, std::vector<ntp::io::Endpoint> servers, PollerOutput output,
               AuthVerifier verify)
    : config_(config), output_(std::move(output)), verify_(std::move(verify)) {
    config_.samples = std::clamp(config_.samples, 1, ntp::oneshot::max_samples);
    servers_.reserve(servers.size());
    for (const auto& address : servers) {
        ServerState s;
        s.address = address;
        servers_.push_back(s);
    }
}

void Poller::debug(int level, const std::string& line) const {
    if (config_.debug >= level && output_.debug_line) output_.debug_line(line);
}

void Poller::add_slot(ServerState& s, ntp::oneshot::Sample sample) {
    if (s.filled < ntp::oneshot::max_samples) s.slots[static_cast<std::size_t>(s.filled++)] = sample;
}

std::vector<std::size_t> Poller::due(double now_s) {
    std::vector<std::size_t> send;
    for (std::size_t i = 0; i < servers_.size(); ++i) {
        ServerState& s = servers_[i];
        if (s.complete || now_s < s.next_event_s) continue;
        if (s.filled < s.transmitted) {
            // The last request went unanswered: an empty slot, as classic.
            add_slot(s, ntp::oneshot::Sample{});
            s.awaiting.reset();
        }
        if (s.filled >= config_.samples) {
            s.complete = true;
            continue;
        }
        send.push_back(i);
    }
    return send;
}

void Poller::transmitted(std::size_t server, wire::NtpTimestamp transmit_ts, double now_s) {
    if (server >= servers_.size()) return;
    ServerState& s = servers_[server];
    debug(1, "transmit(" + s.address.addr.to_string() + ")");
    s.last_transmit = transmit_ts;
    s.awaiting = transmit_ts;
    s.transmitted++;
    s.next_event_s = now_s + config_.spacing_s;
    debug(2, std::string(config_.authenticate ? "transmit auth to " : "transmit to ") +
                 s.address.addr.to_string());
}

ServerState* Poller::find(const ntp::io::Endpoint& source) {
    if (source.port != 123) return nullptr;
    for (auto& s : servers_) {
        if (s.address.addr == source.addr) return &s;
    }
    return nullptr;
}

void Poller::receive(const ntp::io::Endpoint& source, std::span<const std::uint8_t> bytes,
                     wire::NtpTimestamp receive_ts, double now_s) {
    (void)now_s;  // the schedule does not move on a reply: see poller.hh
    debug(1, "receive(" + source.addr.to_string() + ")");
    auto header = wire::decode_header(bytes);
    if (!header) {
        debug(1, "receive: packet length " + std::to_string(bytes.size()));
        return;
    }
    if (header->version < 1 || header->version > 4) return;
    if ((header->mode != wire::Mode::server && header->mode != wire::Mode::symmetric_passive) ||
        header->stratum >= 16) {
        debug(1, "receive: mode " + std::to_string(static_cast<int>(header->mode)) + " stratum " +
                     std::to_string(header->stratum));
        return;
    }
    ServerState* s = find(source);
    if (s == nullptr) {
        debug(1, "receive: server not found");
        return;
    }
    if (s->complete || !s->awaiting || header->origin_ts != *s->awaiting) {
        debug(1, "receive: pkt.org and peer.xmt differ");
        return;
    }

    bool authentic = true;
    if (config_.authenticate) {
        authentic = verify_ && verify_(bytes);
        debug(1, std::string("receive: authentication ") + (authentic ? "passed" : "failed"));
    }
    s->trust = static_cast<std::uint8_t>((s->trust << 1) | (authentic ? 0 : 1));

    if (header->leap == wire::LeapIndicator::unsynchronised && header->stratum == 0 &&
        header->refid.is(wire::kiss::rate)) {
        if (output_.log_error) {
            output_.log_error(s->address.addr.to_string() + " rate limit response from server.");
        }
        s->complete = true;
        s->awaiting.reset();
        return;
    }

    s->leap = static_cast<int>(header->leap);
    s->stratum = header->stratum == 0 ? 16 : header->stratum;
    s->precision_log2 = header->precision_log2;
    s->root_delay = header->root_delay;
    s->root_dispersion = header->root_dispersion;
    s->refid = header->refid;
    s->reference_ts = header->reference_ts;
    s->server_transmit_ts = header->transmit_ts;

    // "Make sure the server is at least somewhat sane": a zero receive
    // timestamp, or a transmit not strictly after the receive, is ignored.
    if (header->receive_ts.is_zero() ||
        ntp::oneshot::lfp_diff(header->transmit_ts, header->receive_ts) <= 0) {
        return;
    }

    ntp::oneshot::Sample sample = ntp::oneshot::make_sample(*s->awaiting, header->receive_ts, header->transmit_ts,
                                        receive_ts, header->precision_log2);
    debug(4, "offset: " + format_lfp(sample.offset, 6) + ", delay " + format_sfp(sample.delay, 5));
    add_slot(*s, sample);
    s->awaiting.reset();  // a duplicate of this reply must not fill a second slot
    if (s->filled >= config_.samples) s->complete = true;
}

bool Poller::finished() const {
    return std::all_of(servers_.begin(), servers_.end(),
                       [](const ServerState& s) { return s.complete; });
}

std::optional<double> Poller::next_event_s() const {
    std::optional<double> next;
    for (const auto& s : servers_) {
        if (s.complete) continue;
        if (!next || s.next_event_s < *next) next = s.next_event_s;
    }
    return next;
}

wire::NtpHeader request_header(int version, wire::NtpTimestamp transmit_ts) {
    wire::NtpHeader h;
    h.leap = wire::LeapIndicator::unsynchronised;
    h.version = static_cast<std::uint8_t>(version & 7);
    h.mode = wire::Mode::client;
    h.stratum = 0;
    h.poll_log2 = 3;                                  // NTP_MINPOLL
    h.precision_log2 = ntp::oneshot::own_precision_log2;        // NTPDATE_PRECISION
    h.root_delay = wire::NtpShort::from_raw(0x10000);       // NTPDATE_DISTANCE, 1 s
    h.root_dispersion = wire::NtpShort::from_raw(0x10000);  // NTPDATE_DISP, 1 s
    h.transmit_ts = transmit_ts;
    return h;
}

}  // namespace ntp::oneshot
