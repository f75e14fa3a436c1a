#pragma once
// The real system clock: CLOCK_REALTIME read with clock_gettime, stepped with
// clock_settime, slewed with adjtime() and disciplined with ntp_adjtime().
//
// Every call goes through the libc function (never a raw syscall) so that a
// clock simulator interposing libc with LD_PRELOAD drives it unchanged.
// Changes need CAP_SYS_TIME; without it each mutating call returns a
// ClockResult failure whose text is strerror(errno) ("Operation not
// permitted"), and the clock is left alone.

#include <optional>
#include <string>

#include "libntp/clock/clock.hh"

namespace ntp::clock {

// clock_gettime(CLOCK_REALTIME); the reader NullClock and tools share.
timespec read_realtime();

class KernelClock final : public Clock {
  public:
    timespec now() override;
    // Measured once (see precision.hh), then remembered.
    double precision_s() override;

    // clock_settime(now + offset_s).
    ClockResult step(double offset_s) override;
    // adjtime(): replaces any outstanding slew; the kernel amortizes it at
    // 500 ppm. Linux refuses |offset_s| beyond about 2145 s (EINVAL).
    ClockResult slew(double offset_s) override;
    // MOD_FREQUENCY, clamped to +-500 ppm as the kernel would, plus the fast
    // slew on top. Also writes ADJ_TICK: the nominal tick (1e6 / USER_HZ us)
    // when the sum is within +-500 ppm, else the tick that carries the part
    // beyond (1 us of tick = 100 ppm at USER_HZ 100), as chronyd does. So
    // a tick left off nominal (a daemon killed in a fast slew, or set by
    // hand with adjtimex --tick) is put back by the first frequency write.
    ClockResult set_frequency(double freq_ppm) override;
    // The frequency set_frequency() wrote as the kernel reports it (tick and
    // MOD_FREQUENCY together, the fast slew taken off); 0 when ntp_adjtime is
    // unavailable.
    double frequency_ppm() override;
    // Fast slew by the tick: up to 90000 ppm (Linux allows the tick 10%
    // either way; the discipline asks for less, see loop_filter.hh).
    double fast_slew_limit_ppm() override;
    ClockResult set_fast_slew(double extra_ppm) override;
    // MOD_OFFSET|MAXERROR|ESTERROR|STATUS|TIMECONST|NANO with status STA_PLL
    // (+STA_INS/STA_DEL, +STA_UNSYNC only when update.unsynchronised), then a
    // separate MOD_TAI write when update.tai_offset_s > 0, as classic ntpd does.
    // Writing the status without STA_UNSYNC clears it: from then on the kernel
    // treats the clock as synchronised and copies it to the RTC every 11 min.
    ClockResult kernel_pll_update(const KernelPllUpdate& update) override;
    // Sets or clears only STA_UNSYNC (other writable status bits are kept)
    // together with MOD_MAXERROR|MOD_ESTERROR.
    ClockResult set_sync_status(bool synchronised, double max_error_s, double est_error_s) override;
    // ntp_adjtime with modes = 0: reads, never changes anything.
    KernelState kernel_state() override;
    // Sets STA_INS or STA_DEL (clears both for none), keeping the other
    // writable status bits, then MOD_TAI when tai_offset_s > 0. The kernel
    // executes the leap at the next UTC midnight whether or not its PLL runs.
    ClockResult arm_leap(LeapDirection direction, int tai_offset_s) override;

  private:
    ClockResult write_rate(double total_ppm);

    std::optional<double> precision_s_;
    std::optional<double> freq_ppm_;  // last set_frequency(), clamped
    double fast_slew_ppm_ = 0;
};

// How KernelClock writes a total rate: the timex.tick (microseconds per
// clock interrupt) and the MOD_FREQUENCY part in ppm. Within +-500 ppm the
// tick is nominal; beyond, whole microseconds of tick carry the bulk.
struct TickAndFrequency {
    long tick_us;
    double freq_ppm;
};
TickAndFrequency split_rate(double total_ppm, long nominal_tick_us);

// Classic ntpd's log text for an ntp_adjtime() return state, e.g.
// "kernel reports TIME_ERROR: 0x2041: Clock Unsynchronized" or
// "kernel reports leap second insertion scheduled". nullopt for TIME_OK.
// ntpd logs it (LOG_INFO) when the state or status changes, not every call.
std::optional<std::string> kernel_report_text(int time_state, int status_bits);

}  // namespace ntp::clock
