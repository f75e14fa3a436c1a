#include "ntpd/refclock/local_clock.hh"

namespace ntpd::refclock_local {

ntp::sync::Sample sample() {
    ntp::sync::Sample s;
    s.offset_s = 0;
    s.delay_s = 0;
    s.dispersion_s = sample_dispersion_s;
    return s;
}

std::string clock_name(int unit) { return "LOCAL(" + std::to_string(unit) + ")"; }

}  // namespace ntpd::refclock_local
