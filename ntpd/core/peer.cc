#include "ntpd/core/peer.hh"

#include <algorithm>
#include <cmath>

#include "libntp/sync/constants.hh"

namespace ntpd {
namespace {

namespace k = ntp::sync::constants;
using ntp::wire::LeapIndicator;
using ntp::wire::Mode;
using ntp::wire::NtpHeader;
using ntp::wire::NtpTimestamp;

double pow2(int e) { return std::ldexp(1.0, e); }

}  // namespace

const char* peer_event_name(PeerEvent e) {
    switch (e) {
    case PeerEvent::none: return "";
    case PeerEvent::mobilize: return "mobilize";
    case PeerEvent::demobilize: return "demobilize";
    case PeerEvent::unreachable: return "unreachable";
    case PeerEvent::reachable: return "reachable";
    case PeerEvent::restart: return "restart";
    case PeerEvent::no_reply: return "no_reply";
    case PeerEvent::rate_exceeded: return "rate_exceeded";
    case PeerEvent::access_denied: return "access_denied";
    case PeerEvent::leap_armed: return "leap_armed";
    case PeerEvent::sys_peer: return "sys_peer";
    case PeerEvent::clock_event: return "clock_event";
    case PeerEvent::bad_auth: return "bad_auth";
    case PeerEvent::popcorn: return "popcorn";
    }
    return "";
}

Peer::Peer(std::uint16_t assoc_id, PeerConfig config, double now_s, double first_poll_s)
    : assoc_id_(assoc_id), config_(std::move(config)) {
    config_.minpoll_log2 = std::clamp(config_.minpoll_log2, k::min_poll_log2, k::max_poll_log2);
    config_.maxpoll_log2 = std::clamp(config_.maxpoll_log2, config_.minpoll_log2, k::max_poll_log2);
    hpoll_ = config_.minpoll_log2;
    next_poll_s_ = now_s + first_poll_s;
    if (config_.kind == PeerKind::pool_prototype) header_.refid = ntp::wire::RefId::from_ascii("POOL");
    // Classic shows a broadcast association as .BCST. (.MCST. for a group).
    if (config_.kind == PeerKind::broadcast)
        header_.refid = ntp::wire::RefId::from_ascii(config_.address.addr.is_multicast() ? "MCST" : "BCST");
    // A reference clock shows its (fudged) stratum and refid from the start,
    // as classic's refclock_newpeer does (ntpq: LOCAL(0) .LOCL. 10 l).
    if (config_.is_refclock()) {
        header_.stratum = static_cast<std::uint8_t>(std::clamp(config_.fudge_stratum, 0, 15));
        header_.refid.bytes = {static_cast<std::uint8_t>(config_.fudge_refid >> 24),
                               static_cast<std::uint8_t>(config_.fudge_refid >> 16),
                               static_cast<std::uint8_t>(config_.fudge_refid >> 8),
                               static_cast<std::uint8_t>(config_.fudge_refid)};
    }
}

std::uint8_t Peer::hmode() const {
    switch (config_.kind) {
    case PeerKind::symmetric: return host_mode::sym_active;
    case PeerKind::broadcast: return host_mode::broadcast;
    case PeerKind::broadcast_client: return config_.calibrating ? host_mode::client : host_mode::bclient;
    default: return host_mode::client;
    }
}

PollAction Peer::poll(double now_s, int sys_poll_log2, bool fit) {
    PollAction action;
    if (stopped_) return action;
    (void)now_s;
    int hpoll = hpoll_;
    if (burst_ == 0) {
        // A regular poll (not inside a burst): shift the reach register.
        const std::uint8_t old_reach = reach_;
        reach_ = static_cast<std::uint8_t>(reach_ << 1);
        if (reach_ == 0) {
            if (old_reach != 0) action.event = PeerEvent::unreachable;
            ++unreach_;
            if (config_.iburst && retry_ == 0) retry_ = k::burst_retries;
        } else {
            hpoll = sys_poll_log2;
            // Preemptible associations must earn their keep: the core resets
            // their counter only while they survive selection (mark_useful).
            if (!config_.preempt && !config_.ephemeral()) unreach_ = 0;
            if (config_.burst && retry_ == 0 && fit) retry_ = k::burst_retries;
        }
        action.dummy_sample = (reach_ & 0x07) == 0 && old_reach != 0;
        if (unreach_ >= k::unreach_polls) {
            ++hpoll;
            if (config_.ephemeral() || config_.preempt) action.demobilize = true;
        }
        if (retry_ > 0) --retry_;
        if (config_.volley_unanswered && config_.iburst && reach_ == 0 && !volley_sent_ &&
            !action.demobilize) {
            // This packet and iburst_packets - 1 more at the minimum spacing,
            // replies or not; a reply must not arm another burst on top.
            volley_sent_ = true;
            burst_ = k::iburst_packets - 1;
            retry_ = 0;
        }
    } else {
        --burst_;
        action.burst_finished = burst_ == 0;
    }
    hpoll_ = std::clamp(hpoll, config_.minpoll_log2, config_.maxpoll_log2);
    const bool listens_only = config_.kind == PeerKind::broadcast_client && !config_.calibrating;
    action.send = config_.kind != PeerKind::pool_prototype && !listens_only && !action.demobilize;
    return action;
}

void Peer::mark_useful() {
    if (reach_ != 0) unreach_ = 0;
}

void Peer::transmitted(double now_s, NtpTimestamp xmt, unsigned random8) {
    last_send_s_ = now_s;
    expected_origin_ = xmt;
    last_xmt_ = xmt;
    ++counters_.sent;
    schedule_next(now_s, random8);
}

void Peer::schedule_next(double now_s, unsigned random8) {
    // Associations that do not send poll on their own schedule (the reach
    // register still shifts at each poll).
    const bool listens_only = config_.kind == PeerKind::broadcast_client && !config_.calibrating;
    if (config_.is_refclock() || config_.kind == PeerKind::pool_prototype || listens_only) last_send_s_ = now_s;
    const double headway_s = now_s + k::min_packet_spacing_s;
    if (config_.kind == PeerKind::broadcast) {
        // A fixed schedule, never early (receivers drop broadcasts that come
        // sooner than their poll): no jitter, a second of headway.
        next_poll_s_ = std::max(last_send_s_ + pow2(hpoll_) + 1.0, headway_s);
        return;
    }
    if (burst_ > 0) {
        next_poll_s_ = headway_s;
        return;
    }
    int h = hpoll_;
    if (retry_ > 0) {
        h = config_.minpoll_log2;
    } else if (reach_ != 0 && header_.ppoll_log2 > 0) {
        h = std::min(hpoll_, std::max(header_.ppoll_log2, config_.minpoll_log2));
    }
    // Classic poll jitter: 2^h * (1 + r/4096), r in [0, 255]: up to ~6 % later.
    const double interval_s = pow2(h) * (1.0 + static_cast<double>(random8 & 0xffu) / 4096.0);
    next_poll_s_ = std::max(last_send_s_ + interval_s, headway_s);
}

ReplyVerdict Peer::check_reply(const NtpHeader& h, bool has_mac, bool authenticated) {
    ++counters_.received;
    const bool symmetric = config_.kind == PeerKind::symmetric;
    const bool mode_ok = symmetric ? (h.mode == Mode::symmetric_active || h.mode == Mode::symmetric_passive)
                                   : h.mode == Mode::server;
    if (!mode_ok || config_.is_refclock() || config_.kind == PeerKind::pool_prototype ||
        config_.kind == PeerKind::broadcast)
        return ReplyVerdict::not_for_us;
    if (config_.key_id != 0 && (!has_mac || !authenticated)) {
        ++counters_.bad_auth;
        return ReplyVerdict::bad_auth;
    }
    // A replayed reply carries the transmit timestamp we accepted last time.
    if (!h.transmit_ts.is_zero() && h.transmit_ts == last_peer_xmt_) {
        ++counters_.old_packet;
        return ReplyVerdict::duplicate;
    }
    // The origin must be exactly our last transmit; zero never matches (a
    // packet with org 0 is what a blind spoofer would send).
    if (expected_origin_.is_zero() || h.origin_ts != expected_origin_) {
        ++counters_.bogus_origin;
        return ReplyVerdict::bogus_origin;
    }
    return ReplyVerdict::accepted;
}

KissAction Peer::classify_kiss(const NtpHeader& h) {
    if (h.leap != LeapIndicator::unsynchronised || h.stratum != 0) return KissAction::none;
    if (h.refid.is(ntp::wire::kiss::rate)) return KissAction::rate;
    if (h.refid.is(ntp::wire::kiss::deny) || h.refid.is(ntp::wire::kiss::rstr)) return KissAction::deny;
    return KissAction::none;
}

PeerEvent Peer::obey_kiss(KissAction action, const NtpHeader& h, double now_s) {
    ++counters_.selbroken;
    expected_origin_ = NtpTimestamp{};  // answered, even if not with time
    if (action == KissAction::rate) {
        // Raise minpoll to the server's poll and back off (classic).
        const int server_poll = std::clamp(static_cast<int>(h.poll_log2), k::min_poll_log2, k::max_poll_log2);
        if (server_poll > config_.minpoll_log2) {
            config_.minpoll_log2 = server_poll;
            config_.maxpoll_log2 = std::max(config_.maxpoll_log2, server_poll);
        }
        hpoll_ = std::max(hpoll_ + 1, config_.minpoll_log2);
        hpoll_ = std::min(hpoll_, config_.maxpoll_log2);
        burst_ = 0;
        retry_ = 0;
        next_poll_s_ = std::max(next_poll_s_, last_send_s_ + pow2(hpoll_));
        next_poll_s_ = std::max(next_poll_s_, now_s + k::min_packet_spacing_s);
        flash_ |= flash::pkt_denied;
        return PeerEvent::rate_exceeded;
    }
    if (action == KissAction::deny) {
        stopped_ = true;
        burst_ = 0;
        retry_ = 0;
        flash_ |= flash::pkt_denied;
        return PeerEvent::access_denied;
    }
    return PeerEvent::none;
}

std::uint16_t Peer::header_tests(const NtpHeader& h, int stratum_floor, int stratum_ceiling) {
    std::uint16_t bits = 0;
    const int stratum = h.stratum == 0 ? 16 : h.stratum;
    if (h.leap == LeapIndicator::unsynchronised || stratum >= 16) bits |= flash::pkt_unsync;
    else if (stratum < stratum_floor || stratum >= stratum_ceiling) bits |= flash::pkt_stratum;
    // TEST7: the server's own root distance is hopeless, or its reference
    // time is later than its transmit time.
    const double root_dist = h.root_delay.to_seconds() / 2 + h.root_dispersion.to_seconds();
    if (root_dist >= k::max_dispersion_s ||
        (!h.reference_ts.is_zero() && ntp::wire::diff_s(h.reference_ts, h.transmit_ts) > 0))
        bits |= flash::pkt_header;
    return bits;
}

PeerEvent Peer::accept_reply(const NtpHeader& h, NtpTimestamp received_at, double now_s, bool authenticated,
                             std::uint16_t header_bits) {
    header_.leap = static_cast<std::uint8_t>(h.leap);
    header_.stratum = h.stratum;
    header_.pmode = static_cast<std::uint8_t>(h.mode);
    header_.ppoll_log2 = std::clamp(static_cast<int>(h.poll_log2), k::min_poll_log2, k::max_poll_log2);
    header_.precision_log2 = h.precision_log2;
    header_.root_delay_s = h.root_delay.to_seconds();
    header_.root_dispersion_s = h.root_dispersion.to_seconds();
    header_.refid = h.refid;
    header_.reftime = h.reference_ts;
    header_.received_at = received_at;
    last_peer_xmt_ = h.transmit_ts;
    expected_origin_ = NtpTimestamp{};  // one reply per request
    counters_.time_received_s = now_s;
    authentic_ = authenticated;

    flash_ = static_cast<std::uint16_t>((flash_ & ~(flash::header_mask | flash::pkt_denied)) | header_bits);
    if (retry_ > 0) {
        retry_ = 0;
        burst_ = reach_ != 0 ? std::min(1 << (hpoll_ - config_.minpoll_log2), k::filter_stages) - 1
                             : k::iburst_packets - 1;
        if (burst_ > 0) next_poll_s_ = std::max(now_s, last_send_s_ + k::min_packet_spacing_s);
    }
    if (header_bits != 0) {
        ++counters_.seldisp;
        return PeerEvent::none;
    }
    PeerEvent event = PeerEvent::none;
    if (reach_ == 0) {
        event = PeerEvent::reachable;
        counters_.time_reachable_s = now_s;
    }
    reach_ |= 1;
    return event;
}

PeerEvent Peer::accept_broadcast(const NtpHeader& h, NtpTimestamp received_at, double now_s,
                                 bool authenticated) {
    ++counters_.received;
    return accept_reply(h, received_at, now_s, authenticated);
}

void Peer::reject_broadcast(bool duplicate) {
    ++counters_.received;
    if (duplicate) ++counters_.old_packet;
    else ++counters_.bogus_origin;
}

PeerEvent Peer::refclock_sample(double now_s, NtpTimestamp when, int precision_log2, int leap) {
    header_.leap = static_cast<std::uint8_t>(leap & 3);
    header_.stratum = static_cast<std::uint8_t>(std::clamp(config_.fudge_stratum, 0, 15));
    header_.pmode = 0;
    header_.ppoll_log2 = hpoll_;
    header_.precision_log2 = precision_log2;
    header_.root_delay_s = 0;
    header_.root_dispersion_s = 0;
    header_.refid.bytes = {static_cast<std::uint8_t>(config_.fudge_refid >> 24),
                           static_cast<std::uint8_t>(config_.fudge_refid >> 16),
                           static_cast<std::uint8_t>(config_.fudge_refid >> 8),
                           static_cast<std::uint8_t>(config_.fudge_refid)};
    header_.reftime = when;
    header_.received_at = when;
    counters_.time_received_s = now_s;
    ++counters_.received;
    PeerEvent event = PeerEvent::none;
    if (reach_ == 0) {
        event = PeerEvent::reachable;
        counters_.time_reachable_s = now_s;
        // Fill the clock filter at the 2 s headway instead of one sample per
        // poll: with empty stages the peer dispersion is ~8 s, and a server
        // that only has its LOCAL clock would be rejected by its clients
        // (root distance > 1.5 s) for minutes, as classic's is.
        burst_ = k::filter_stages - 1;
    }
    reach_ |= 1;
    return event;
}

void Peer::restart(double now_s, double first_poll_s) {
    reach_ = 0;
    unreach_ = 0;
    hpoll_ = config_.minpoll_log2;
    retry_ = 0;
    burst_ = 0;
    volley_sent_ = false;
    expected_origin_ = NtpTimestamp{};
    last_peer_xmt_ = NtpTimestamp{};
    header_ = PeerHeader{};
    header_.refid = ntp::wire::RefId::from_ascii(ntp::wire::kiss::step);
    flash_ = flash::peer_unreach;
    select_ = PeerSelect::reject;
    next_poll_s_ = now_s + first_poll_s;
}

std::uint16_t Peer::status_word() const {
    unsigned high = 0;
    if (!config_.ephemeral()) high |= 0x80;  // conf
    if (config_.key_id != 0) high |= 0x40;   // authenb
    if (authentic_) high |= 0x20;            // auth
    if (reach_ != 0) high |= 0x10;           // reach
    high |= static_cast<unsigned>(select_) & 0x7u;
    return static_cast<std::uint16_t>((high << 8) | ((event_count_ & 0xfu) << 4) |
                                      (static_cast<unsigned>(last_event_) & 0xfu));
}

void Peer::note_event(PeerEvent e) {
    if (e == PeerEvent::none) return;
    if (event_count_ < 15) ++event_count_;
    last_event_ = e;
}

}  // namespace ntpd
