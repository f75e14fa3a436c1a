#pragma once
// The kernel's NTP interface as it is, field for field: ntp_gettime() and
// ntp_adjtime() in their raw units (microseconds or nanoseconds as the
// kernel's STA_NANO says, frequencies scaled by 2^16). For tools that show or
// set the kernel state by hand (ntptime); the daemons use Clock.
//
// query_kernel_timex() and read_ntp_gettime() never change anything. Only
// write_kernel_timex() does, and only the fields its `modes` name; without
// CAP_SYS_TIME the kernel refuses it with EPERM and changes nothing.

#include <ctime>

namespace ntp::clock {

// struct timex, copied out of the kernel's answer.
struct KernelTimex {
    unsigned modes = 0;   // ADJ_* / MOD_* bits (what a write changes)
    long offset = 0;      // us, or ns with STA_NANO
    long freq = 0;        // ppm * 2^16
    long maxerror = 0;    // us
    long esterror = 0;    // us
    int status = 0;       // STA_* bits
    long constant = 0;    // PLL time constant (MOD_TAI: the TAI offset to set)
    long precision = 0;   // us, or ns with STA_NANO
    long tolerance = 0;   // ppm * 2^16
    long tick = 0;        // us per clock interrupt
    long ppsfreq = 0;     // ppm * 2^16
    long jitter = 0;      // us, or ns with STA_NANO
    int shift = 0;        // log2 of the PPS interval
    long stabil = 0;      // ppm * 2^16
    long jitcnt = 0;
    long calcnt = 0;
    long errcnt = 0;
    long stbcnt = 0;
    int tai = 0;          // TAI - UTC, seconds
};

// Outcome of ntp_adjtime(): state is its return (TIME_OK 0 .. TIME_ERROR 5)
// or -1 with errno in `error`.
struct TimexAnswer {
    int state = -1;
    int error = 0;
    KernelTimex timex;
};

// ntp_adjtime with modes = 0.
TimexAnswer query_kernel_timex();
// ntp_adjtime with request.modes and the fields they name.
TimexAnswer write_kernel_timex(const KernelTimex& request);

// ntp_gettime(): the time with its error estimates. `fraction` is tv_usec as
// the kernel fills it: microseconds, or nanoseconds while STA_NANO is set.
struct NtpGetTime {
    int state = -1;
    int error = 0;
    long seconds = 0;
    long fraction = 0;
    long maxerror = 0;  // us
    long esterror = 0;  // us
    long tai = 0;
};
NtpGetTime read_ntp_gettime();

}  // namespace ntp::clock
