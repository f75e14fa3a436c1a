#include "ntpd/control/provider.hh"

#include <algorithm>
#include <cmath>

#include "ntpd/refclock/local_clock.hh"

namespace ntpd {
namespace {

unsigned seconds_since(double then_s, double now_s) {
    if (then_s <= 0 || now_s < then_s) return 0;
    return static_cast<unsigned>(now_s - then_s);
}

}  // namespace

ControlProvider::ControlProvider(Core& core, control::ControlState& server_side, std::function<timespec()> now)
    : core_(core), server_(server_side), now_(std::move(now)) {}

control::SystemExtras ControlProvider::system_extras() const {
    control::SystemExtras x = server_.system_extras();
    if (core_.system_state().sys_peer_assoc != 0) x.sys_peer_address = core_.sys_peer_address();
    else x.sys_peer_address.reset();
    x.tai_offset_s = core_.leap().tai_offset_s();
    x.leap_table_unix_s = core_.leap().table_unix_s();
    x.leap_expire_unix_s = core_.leap().expire_unix_s();
    return x;
}

std::vector<std::pair<std::uint16_t, std::uint16_t>> ControlProvider::associations() const {
    std::vector<std::pair<std::uint16_t, std::uint16_t>> out;
    for (const auto& e : core_.peers().entries()) out.emplace_back(e->peer.assoc_id(), e->peer.status_word());
    return out;
}

control::PeerVariables peer_variables(const PeerEntry& e, double steady_now_s) {
    const Peer& p = e.peer;
    const PeerConfig& c = p.config();
    const PeerHeader& h = p.header();
    control::PeerVariables v;
    v.assoc_id = p.assoc_id();
    v.status = p.status_word();
    v.source = c.address;
    if (!c.is_refclock()) v.hostname = c.hostname;  // classic sends srchost only for names it resolved
    v.refclock = c.is_refclock();
    v.leap = h.leap;
    v.stratum = c.is_refclock() ? c.fudge_stratum : (h.stratum == 0 ? 16 : h.stratum);
    v.precision_log2 = h.precision_log2;
    v.root_delay_s = h.root_delay_s;
    v.root_dispersion_s = h.root_dispersion_s;
    v.refid = h.refid.host_order();
    v.reftime_ntp = h.reftime.raw();
    v.org_ntp = p.last_peer_transmit().raw();
    v.rec_ntp = h.received_at.raw();
    v.reach = p.reach();
    v.unreach = static_cast<unsigned>(std::max(p.unreach(), 0));
    v.hmode = c.is_refclock() ? host_mode::client : p.hmode();
    v.pmode = h.pmode;
    v.hpoll_log2 = p.hpoll_log2();
    v.ppoll_log2 = h.ppoll_log2 > 0 ? h.ppoll_log2 : p.hpoll_log2();
    v.flash = p.flash();
    v.key_id = c.key_id;
    if (c.is_refclock()) v.ttl = c.refclock_mode;  // driver mode
    v.offset_s = e.filter.offset_s();
    v.delay_s = e.filter.delay_s();
    v.dispersion_s = e.filter.dispersion_s();
    v.jitter_s = e.filter.jitter_s();
    const auto stages = e.filter.stages_newest_first();
    for (std::size_t i = 0; i < stages.size() && i < v.filter_delay_s.size(); ++i) {
        v.filter_delay_s[i] = stages[i].delay_s;
        v.filter_offset_s[i] = stages[i].offset_s;
        v.filter_dispersion_s[i] = stages[i].dispersion_s;
    }
    const PeerCounters& k = p.counters();
    v.timer_s = p.stopped() || c.kind == PeerKind::pool_prototype
                    ? 0
                    : static_cast<unsigned>(std::max(0.0, std::ceil(p.next_poll_s() - steady_now_s)));
    v.since_received_s = seconds_since(k.time_received_s, steady_now_s);
    v.since_reach_change_s = seconds_since(k.time_reachable_s, steady_now_s);
    v.received = k.received;
    v.sent = k.sent;
    v.bad_auth = k.bad_auth;
    v.bogus_origin = k.bogus_origin;
    v.old_packets = k.old_packet;
    v.sel_dispersion = k.seldisp;
    v.sel_broken = k.selbroken;
    return v;
}

std::optional<control::PeerVariables> ControlProvider::peer(std::uint16_t assoc_id) const {
    const PeerEntry* e = core_.peers().find(assoc_id);
    if (!e) return std::nullopt;
    return peer_variables(*e, core_.steady_seconds(now_()));
}

std::optional<control::ClockVariables> ControlProvider::clock(std::uint16_t assoc_id) const {
    const PeerEntry* e = core_.peers().find(assoc_id);
    if (!e || !e->peer.config().is_refclock()) return std::nullopt;
    const PeerConfig& c = e->peer.config();
    control::ClockVariables v;
    v.assoc_id = assoc_id;
    v.fudge_stratum = c.fudge_stratum;
    v.fudge_refid = c.fudge_refid;
    if (!e->driver) {
        v.type = refclock_local::driver_type;
        v.device = "Undisciplined local clock";
        v.polls = e->peer.counters().received;
        return v;
    }
    const refclock::Driver& d = *e->driver;
    const refclock::DriverConfig& dc = d.config();
    v.type = static_cast<unsigned>(dc.type);
    v.device = d.description();
    v.timecode = d.timecode();
    v.status = static_cast<std::uint8_t>(d.status());
    v.last_event = static_cast<std::uint8_t>(d.last_event());
    v.polls = d.counters().polls;
    v.no_reply = d.counters().no_reply;
    v.bad_format = d.counters().bad_format;
    v.bad_data = d.counters().bad_data;
    if (dc.time1_s != 0) v.fudge_time1_s = dc.time1_s;
    if (dc.time2_s != 0) v.fudge_time2_s = dc.time2_s;
    for (unsigned i = 0; i < 4; ++i)
        if (dc.flag[i]) v.flags |= 1u << i;
    return v;
}

control::KernelInfo ControlProvider::kernel_info() const {
    const ntp::clock::KernelState k = core_.clock().kernel_state();
    control::KernelInfo v;
    v.available = k.available;
    if (!k.available) return v;
    v.offset_ms = k.offset_s * 1e3;
    v.frequency_ppm = k.freq_ppm;
    v.max_error_ms = k.max_error_s * 1e3;
    v.est_error_ms = k.est_error_s * 1e3;
    v.status = static_cast<std::uint32_t>(k.status_bits);
    v.time_constant = core_.system_state().poll_log2;
    v.precision_ms = std::ldexp(1.0, core_.system_state().precision_log2) * 1e3;
    v.tolerance_ppm = 500;
    return v;
}

control::TimerStats ControlProvider::timer_stats() const {
    control::TimerStats t = server_.timer_stats();
    t.xmts = core_.packets_sent();
    return t;
}

}  // namespace ntpd
