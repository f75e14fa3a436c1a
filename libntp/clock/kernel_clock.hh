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
    // MOD_FREQUENCY, clamped to +-500 ppm as the kernel would.
    ClockResult set_frequency(double freq_ppm) override;
    // The kernel's current frequency (0 when ntp_adjtime is unavailable).
    double frequency_ppm() override;
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
    std::optional<double> precision_s_;
};

// Classic ntpd's log text for an ntp_adjtime() return state, e.g.
// "kernel reports TIME_ERROR: 0x2041: Clock Unsynchronized" or
// "kernel reports leap second insertion scheduled". nullopt for TIME_OK.
// ntpd logs it (LOG_INFO) when the state or status changes, not every call.
std::optional<std::string> kernel_report_text(int time_state, int status_bits);

}  // namespace ntp::clock
