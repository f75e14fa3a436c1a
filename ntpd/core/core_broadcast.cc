// The core's broadcast paths (see core.hh and ntpd/core/broadcast.hh): the
// mode 5 packets a `broadcast` association sends, and the broadcast client:
// mobilizing an association for a server heard broadcasting, its volley,
// and the samples its broadcasts give.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "libntp/auth/key_store.hh"
#include "libntp/sync/fitness.hh"
#include "ntpd/core/broadcast.hh"
#include "ntpd/core/core.hh"

namespace ntpd {

using ntp::util::Severity;
using ntp::wire::NtpHeader;
using ntp::wire::NtpTime;

namespace {

namespace rflag = ntp::config::restrict_flag;

// Poll exponents a broadcast may announce and a client association use.
constexpr int min_bcast_poll = 3;
constexpr int max_bcast_poll = 17;

}  // namespace

void Core::send_broadcast(PeerEntry& e, double steady_s) {
    if (!broadcast::may_send(sys_)) {
        e.peer.schedule_next(steady_s, 0);
        return;
    }
    const PeerConfig& c = e.peer.config();
    NtpHeader h = broadcast::server_header(sys_, c.version, e.peer.hpoll_log2());
    h.transmit_ts = ntp::wire::with_random_low_bits(NtpTime::from_timespec(deps_.clock.now()),
                                                    sys_.precision_log2, deps_.random.next_u32())
                        .timestamp();
    std::array<std::uint8_t, ntp::wire::header_size + ntp::wire::max_mac_size> buf{};
    const auto bytes = encode(h, c.key_id, buf);
    e.peer.transmitted(steady_s, h.transmit_ts, 0);
    if (!bytes) return;
    deps_.sender.send_broadcast(e.peer.assoc_id(), c.address, c.ttl, *bytes);
    ++packets_sent_;
}

PacketResult Core::on_broadcast(const ReceivedPacket& rx) {
    const auto decoded = ntp::wire::decode_packet(rx.bytes);
    if (!decoded.packet) {
        ++bcast_counters_.declined;
        return PacketResult::dropped;
    }
    const ntp::wire::PacketView& pkt = *decoded.packet;
    const NtpHeader& h = pkt.header;
    PeerEntry* e = peers_.find_by_source(rx.from);
    if (e && e->peer.config().kind != PeerKind::broadcast_client) {
        // One of our servers or peers broadcasting too: its unicast
        // association is what counts.
        ++bcast_counters_.declined;
        return PacketResult::dropped;
    }
    if (!e && !bcast_.client) {
        ++bcast_counters_.not_enabled;
        return PacketResult::dropped;
    }

    // Authentication: the association's key once it has one; else any
    // trusted key, required unless `disable auth` (and always for sources
    // restricted nopeer or notrust, as classic).
    const bool has_mac = pkt.mac && !pkt.mac->is_crypto_nak();
    const std::uint32_t want_key = e ? e->peer.config().key_id : 0;
    bool authenticated = false;
    if (has_mac && deps_.keys && deps_.macs && (want_key == 0 || pkt.mac->key_id == want_key)) {
        const auto src = std::span<const std::uint8_t>(rx.from.addr.bytes.data(), rx.from.addr.size());
        authenticated = deps_.keys->check(*deps_.macs, pkt.mac->key_id, pkt.authenticated, pkt.mac->digest, src) ==
                        ntp::auth::AuthStatus::ok;
    }
    const bool need_auth = want_key != 0 || bcast_.auth_required ||
                           (rx.restrict_flags & (rflag::nopeer | rflag::notrust)) != 0;
    if ((need_auth || has_mac) && !authenticated) {
        ++bcast_counters_.bad_auth;
        if (e) {
            e->peer.reject_broadcast(false);
            peer_event(*e, PeerEvent::bad_auth);
        }
        return PacketResult::dropped;
    }

    const double steady = steady_seconds(rx.received_at);
    if (!e) {
        // A new server: only a sane one (synchronised, within the stratum
        // limits, a sane root distance) gets an association.
        if (header_bits(h) != 0 || h.poll_log2 < min_bcast_poll ||
            h.poll_log2 > max_bcast_poll || peers_.full()) {
            ++bcast_counters_.declined;
            return PacketResult::dropped;
        }
        e = &mobilize_broadcast_client(rx.from, h, authenticated ? pkt.mac->key_id : 0, steady);
    }

    const PeerConfig& c = e->peer.config();
    const broadcast::Verdict v = broadcast::check(e->bclient, h, steady, c.minpoll_log2, c.maxpoll_log2);
    if (v != broadcast::Verdict::accepted) {
        ++bcast_counters_.declined;
        e->peer.reject_broadcast(v == broadcast::Verdict::duplicate);
        return PacketResult::dropped;
    }
    // While the volley is under way its requests are outstanding: the
    // broadcast is remembered (bxmt) but changes nothing else.
    if (c.calibrating && (e->peer.burst_remaining() > 0 || !e->filter.has_sample())) return PacketResult::accepted;

    const NtpTime t4 = NtpTime::from_timespec(rx.received_at);
    const PeerEvent ev = e->peer.accept_broadcast(h, t4.timestamp(), steady, authenticated);
    if (ev != PeerEvent::none) peer_event(*e, ev);
    const std::uint16_t packet_bits = header_bits(h);
    e->peer.set_flash(static_cast<std::uint16_t>((e->peer.flash() & ntp::sync::flash::fitness_mask) | packet_bits));
    if (packet_bits != 0) return PacketResult::accepted;
    if (leap_->near_leap(ntp::clock::to_seconds(rx.received_at))) return PacketResult::accepted;
    broadcast_sample(*e, h, rx.received_at);
    return PacketResult::accepted;
}

PeerEntry& Core::mobilize_broadcast_client(const ntp::io::Endpoint& from, const NtpHeader& h, std::uint32_t key_id,
                                           double steady_s) {
    PeerConfig c;
    c.kind = PeerKind::broadcast_client;
    c.address = from;
    // Polls at the server's broadcast interval, fixed (classic).
    c.minpoll_log2 = c.maxpoll_log2 = std::clamp(static_cast<int>(h.poll_log2), min_bcast_poll, max_bcast_poll);
    c.version = std::clamp(static_cast<int>(h.version), 1, 4);
    c.key_id = key_id;
    c.preempt = true;
    c.calibrating = !bcast_.delay_s;
    c.iburst = c.calibrating;
    PeerEntry& e = peers_.add(std::move(c), steady_s, 1.0 + (deps_.random.next_u32() & 0xff) / 256.0);
    e.bclient.delay_s = bcast_.delay_s;
    peer_event(e, PeerEvent::mobilize, "assoc " + std::to_string(e.peer.assoc_id()));
    return e;
}

void Core::broadcast_sample(PeerEntry& e, const NtpHeader& h, const timespec& received_at) {
    const NtpTime t4 = NtpTime::from_timespec(received_at);
    const NtpTime t3 = ntp::wire::resolve_era(h.transmit_ts, t4);
    const double t34 = ntp::wire::diff_s(t3, t4);
    PeerConfig& c = e.peer.config();
    if (c.calibrating) {
        // The volley is over: its offset against this broadcast's T3 - T4
        // gives the one-way delay; from now on the broadcasts alone count.
        e.bclient.delay_s = broadcast::calibrated_delay_s(e.filter.offset_s(), t34);
        c.calibrating = false;
        c.iburst = false;
        char buf[96];
        std::snprintf(buf, sizeof buf, "broadcast client %s: calibrated delay %.6f s",
                      c.address.addr.to_string().c_str(), *e.bclient.delay_s);
        message(Severity::info, buf);
    }
    const auto s = broadcast::sample(t34, e.bclient.delay_s.value_or(broadcast::default_delay_s),
                                     std::ldexp(1.0, h.precision_log2), std::ldexp(1.0, sys_.precision_log2));
    process_sample(e, s, received_at);
}

}  // namespace ntpd
