#include "ntpdate/adjust.hh"

#include <cmath>

namespace ntpdate {


AdjustOutcome adjust_clock(ntp::clock::Clock& clock, const AdjustRequest& request) {
    AdjustOutcome out;
    out.kind = ntp::oneshot::choose_adjustment(ntp::oneshot::lfp_to_sfp(request.offset), request.always_step,
                                     request.never_step);
    if (request.dry_run) {
        out.report = true;
        return out;
    }
    if (out.kind == ntp::oneshot::Adjustment::step) {
        ntp::clock::ClockResult r = clock.step(ntp::oneshot::lfp_to_seconds(request.offset));
        if (r.ok) {
            out.clock_set = true;
            out.report = true;
        } else {
            out.error = "step-systime: " + r.error;
        }
        return out;
    }
    // Classic converts to a timeval and skips adjtime() when the
    // microseconds come out as zero.
    double amount_s = ntp::oneshot::lfp_to_seconds(ntp::oneshot::slew_with_overshoot(request.offset));
    if (std::llround(amount_s * 1e6) != 0) {
        ntp::clock::ClockResult r = clock.slew(amount_s);
        if (!r.ok) {
            out.error = "Can't adjust the time of day: " + r.error;
            out.exit_status = 1;
            return out;
        }
    }
    out.clock_set = true;
    out.report = true;
    return out;
}

}  // namespace ntpdate
