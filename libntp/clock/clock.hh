#pragma once
// The system clock behind an interface. Nothing outside libntp/clock reads or
// changes the system clock directly: ntpd and ntpdate are handed a Clock&.
//
// Implementations:
//   KernelClock  clock_gettime / clock_settime / ntp_adjtime (the real thing)
//   NullClock    reads the real clock, accepts every adjustment, changes nothing
//                (ntpd --no-adjust, ntpdate tests without CAP_SYS_TIME)
//   SimClock     simulated time with a frequency error; moves only when told
//
// Units: offsets in seconds (positive offset = the clock is behind and must be
// advanced), frequencies in ppm (positive = make the clock run faster).

#include <ctime>
#include <string>

namespace ntp::clock {

// Outcome of a request that changes the clock. `ok == false` carries the errno
// text (e.g. "Operation not permitted" without CAP_SYS_TIME); callers log it.
struct ClockResult {
    bool ok = true;
    std::string error;
    static ClockResult success() { return {}; }
    static ClockResult failure(std::string why) { return {false, std::move(why)}; }
};

// What the kernel discipline (ntp_adjtime with STA_PLL) is told at a clock update.
struct KernelPllUpdate {
    double offset_s = 0;      // residual phase offset handed to the kernel PLL
    int time_constant = 0;    // log2 poll - 4 style constant, as ntp_adjtime wants it
    double est_error_s = 0;   // jitter estimate
    double max_error_s = 0;   // root distance estimate
    bool leap_insert = false; // STA_INS: insert a second at the end of the UTC day
    bool leap_delete = false; // STA_DEL
    // Keep STA_UNSYNC set with this write (the later-4.2.8 loop start:
    // STA_PLL|STA_UNSYNC, offset 0, errors 16 s). Default false: the write
    // clears STA_UNSYNC, which is what lets the kernel's 11-minute RTC mode run.
    bool unsynchronised = false;
    int tai_offset_s = 0;     // TAI-UTC to push with MOD_TAI; 0 = unknown, not pushed
};

// A leap second to execute at the end of the current UTC day (23:59:59 is
// followed by 23:59:60 for an insertion, 23:59:58 by 00:00:00 for a deletion).
enum class LeapDirection { none, insert, remove };

// Kernel view of synchronisation, as adjtimex reports it.
struct KernelState {
    bool available = false;   // ntp_adjtime works here (it may still refuse changes)
    bool unsynchronised = true; // STA_UNSYNC
    bool pll = false;         // STA_PLL
    double freq_ppm = 0;
    double offset_s = 0;
    double max_error_s = 0;
    double est_error_s = 0;
    int tai_offset_s = 0;
    int status_bits = 0;      // raw timex.status (STA_* bits)
    int time_state = 0;       // ntp_adjtime() return: TIME_OK, TIME_INS, ... TIME_ERROR (5)
};

class Clock {
public:
    virtual ~Clock() = default;

    // CLOCK_REALTIME now.
    virtual timespec now() = 0;

    // Smallest step between two successive readings, in seconds (the classic
    // "precision" is log2 of this).
    virtual double precision_s() = 0;

    // Step the clock by offset_s at once (clock_settime(now + offset)).
    virtual ClockResult step(double offset_s) = 0;

    // Amortize offset_s gradually, like adjtime(): at most 500 ppm of slew.
    virtual ClockResult slew(double offset_s) = 0;

    // Set the absolute frequency correction (ntp_adjtime ADJ_FREQUENCY).
    virtual ClockResult set_frequency(double freq_ppm) = 0;
    virtual double frequency_ppm() = 0;

    // Fast slew: run the clock `extra_ppm` faster (negative: slower) than
    // set_frequency() says, from now until changed (0 ends it). It lets the
    // start-up phase go faster than adjtime()'s 500 ppm. The rate is exact
    // from the call on, so whoever sets it knows what it applied. Limited to
    // +-fast_slew_limit_ppm(); a clock that cannot (limit 0) fails, and the
    // caller keeps using slew().
    virtual double fast_slew_limit_ppm() { return 0; }
    virtual ClockResult set_fast_slew(double extra_ppm) {
        (void)extra_ppm;
        return ClockResult::failure("fast slew is not supported by this clock");
    }

    // Kernel PLL discipline. Returns failure when the kernel loop is not
    // available (simulated clocks without one, or no permission).
    virtual ClockResult kernel_pll_update(const KernelPllUpdate& update) = 0;

    // Tell the kernel we are synchronised (clears STA_UNSYNC so the kernel's
    // 11-minute RTC mode runs) or not, with the error estimates.
    virtual ClockResult set_sync_status(bool synchronised, double max_error_s,
                                        double est_error_s) = 0;

    virtual KernelState kernel_state() = 0;

    // Arm (or, with LeapDirection::none, disarm) a leap second at the next
    // UTC midnight, executed by the clock itself as the Linux kernel does
    // with STA_INS / STA_DEL: at midnight the clock repeats (insert) or skips
    // (remove) one second, whatever discipline runs. tai_offset_s > 0 is
    // handed over too (MOD_TAI). Re-arming the same direction is harmless.
    // The default is a clock that cannot: the caller then logs the failure.
    virtual ClockResult arm_leap(LeapDirection direction, int tai_offset_s) {
        (void)direction;
        (void)tai_offset_s;
        return ClockResult::failure("leap seconds are not supported by this clock");
    }
};

// Helpers for timespec arithmetic used by every implementation.
double to_seconds(const timespec& ts);
timespec from_seconds(double seconds);
timespec add_seconds(const timespec& ts, double seconds);
double diff_seconds(const timespec& a, const timespec& b);  // a - b

}  // namespace ntp::clock
