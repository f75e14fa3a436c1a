#include "ntpd/core/broadcast.hh"

#include <algorithm>
#include <cmath>

namespace ntpd::broadcast {

using ntp::wire::NtpHeader;

ntp::io::IpAddress default_group_v4() { return ntp::io::IpAddress::v4(0xe0000101u); }

ntp::io::IpAddress default_group_v6() {
    return ntp::io::IpAddress::v6({0xff, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x01});
}

NtpHeader server_header(const SystemState& sys, int version, int poll_log2) {
    NtpHeader h;
    h.leap = static_cast<ntp::wire::LeapIndicator>(sys.leap & 3);
    h.version = static_cast<std::uint8_t>(std::clamp(version, 1, 4));
    h.mode = ntp::wire::Mode::broadcast;
    h.stratum = sys.wire_stratum();
    h.poll_log2 = static_cast<std::int8_t>(poll_log2);
    h.precision_log2 = static_cast<std::int8_t>(sys.precision_log2);
    h.root_delay = ntp::wire::NtpShort::from_seconds(sys.root_delay_s);
    h.root_dispersion = ntp::wire::NtpShort::from_seconds(sys.root_dispersion_s);
    h.refid.bytes = {static_cast<std::uint8_t>(sys.refid >> 24), static_cast<std::uint8_t>(sys.refid >> 16),
                     static_cast<std::uint8_t>(sys.refid >> 8), static_cast<std::uint8_t>(sys.refid)};
    h.reference_ts = ntp::wire::NtpTimestamp::from_raw(sys.reftime_ntp);
    return h;
}

bool may_send(const SystemState& sys) { return sys.leap != leap::alarm && sys.stratum < stratum_unsynchronised; }

const char* verdict_name(Verdict v) {
    switch (v) {
    case Verdict::accepted: return "accepted";
    case Verdict::zero_transmit: return "zero transmit timestamp";
    case Verdict::duplicate: return "duplicate";
    case Verdict::non_monotonic: return "non-monotonic timestamp";
    case Verdict::poll_out_of_range: return "poll out of range";
    case Verdict::too_soon: return "arrived too soon";
    }
    return "";
}

Verdict check(ClientState& st, const NtpHeader& h, double now_s, int minpoll_log2, int maxpoll_log2) {
    if (h.transmit_ts.is_zero()) return Verdict::zero_transmit;
    if (h.transmit_ts == st.last_transmit) return Verdict::duplicate;
    const bool earlier = !st.last_transmit.is_zero() && ntp::wire::diff_s(h.transmit_ts, st.last_transmit) < 0;
    st.last_transmit = h.transmit_ts;
    if (earlier) return Verdict::non_monotonic;
    if (h.poll_log2 < minpoll_log2 || h.poll_log2 > maxpoll_log2) return Verdict::poll_out_of_range;
    // Whole seconds, as the sender schedules them: a broadcast due every
    // 2^poll s may come a fraction of a second early by our clock.
    const double interval_s = std::ldexp(1.0, h.poll_log2);
    if (st.last_counted_s && now_s - *st.last_counted_s < interval_s - schedule_headway_s)
        return Verdict::too_soon;
    st.last_counted_s = now_s;
    return Verdict::accepted;
}

double calibrated_delay_s(double unicast_offset_s, double t3_minus_t4_s) {
    return std::min(std::fabs(unicast_offset_s - t3_minus_t4_s) * 2, 1.0);
}

ntp::sync::Sample sample(double t3_minus_t4_s, double delay_s, double peer_precision_s, double sys_precision_s) {
    // As an exchange whose request leg took the whole delay: offset
    // (forward + backward) / 2 = T3 - T4 + delay / 2, delay = forward - backward.
    ntp::sync::ExchangeTimes t;
    t.backward_s = t3_minus_t4_s;
    t.forward_s = t3_minus_t4_s + delay_s;
    t.round_trip_s = delay_s;
    return ntp::sync::compute_sample(t, peer_precision_s, sys_precision_s);
}

}  // namespace ntpd::broadcast
