#include "libntp/sync/sample.hh"

#include <algorithm>
#include <cmath>

#include "libntp/sync/constants.hh"

namespace ntp::sync {

Sample compute_sample(const ExchangeTimes& t, double peer_precision_s, double sys_precision_s) {
    Sample s;
    s.offset_s = (t.forward_s + t.backward_s) / 2;
    // ntp_proto.c floors delta at the system precision so a zero-delay LAN
    // exchange still gets a positive distance.
    s.delay_s = std::max(t.forward_s - t.backward_s, sys_precision_s);
    s.dispersion_s = std::fabs(peer_precision_s) + std::fabs(sys_precision_s) +
                     constants::phi * std::max(t.round_trip_s, 0.0);
    return s;
}

}  // namespace ntp::sync
