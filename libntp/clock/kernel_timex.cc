#include "libntp/clock/kernel_timex.hh"

#include <sys/timex.h>

#include <cerrno>

namespace ntp::clock {

namespace {

KernelTimex from_kernel(const timex& tx) {
    KernelTimex k;
    k.modes = tx.modes;
    k.offset = tx.offset;
    k.freq = tx.freq;
    k.maxerror = tx.maxerror;
    k.esterror = tx.esterror;
    k.status = tx.status;
    k.constant = tx.constant;
    k.precision = tx.precision;
    k.tolerance = tx.tolerance;
    k.tick = tx.tick;
    k.ppsfreq = tx.ppsfreq;
    k.jitter = tx.jitter;
    k.shift = tx.shift;
    k.stabil = tx.stabil;
    k.jitcnt = tx.jitcnt;
    k.calcnt = tx.calcnt;
    k.errcnt = tx.errcnt;
    k.stbcnt = tx.stbcnt;
    k.tai = tx.tai;
    return k;
}

TimexAnswer call(timex& tx) {
    TimexAnswer answer;
    errno = 0;
    answer.state = ::ntp_adjtime(&tx);
    if (answer.state < 0) {
        answer.error = errno;
        return answer;
    }
    answer.timex = from_kernel(tx);
    return answer;
}

}  // namespace

TimexAnswer query_kernel_timex() {
    timex tx{};
    tx.modes = 0;
    return call(tx);
}

TimexAnswer write_kernel_timex(const KernelTimex& request) {
    timex tx{};
    tx.modes = request.modes;
    tx.offset = request.offset;
    tx.freq = request.freq;
    tx.maxerror = request.maxerror;
    tx.esterror = request.esterror;
    tx.status = request.status;
    tx.constant = request.constant;
    tx.tick = request.tick;
    return call(tx);
}

NtpGetTime read_ntp_gettime() {
    ntptimeval tv{};
    NtpGetTime reading;
    errno = 0;
    reading.state = ::ntp_gettime(&tv);
    if (reading.state < 0) {
        reading.error = errno;
        return reading;
    }
    reading.seconds = tv.time.tv_sec;
    reading.fraction = tv.time.tv_usec;
    reading.maxerror = tv.maxerror;
    reading.esterror = tv.esterror;
    reading.tai = tv.tai;
    return reading;
}

}  // namespace ntp::clock
