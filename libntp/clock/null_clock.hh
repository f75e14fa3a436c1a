#pragma once
// A clock that never touches the host: `ntpd --no-adjust`, ntpdate tests.
//
// Design choice: NullClock is a *virtual* clock laid over the host clock.
//   now() = host realtime + correction(t)
// where the correction integrates everything the discipline asked for: steps
// add to it at once, slews are amortized at 500 ppm like adjtime() (a new
// slew replaces what is left of the previous one), and set_frequency() plus
// set_fast_slew() make the correction grow at their sum, as KernelClock's
// tick and frequency would. The host clock itself is never changed.
//
// Why a model rather than "read the host, ignore the commands": the daemon
// disciplines the clock it reads and serves. With a model, every correction
// it makes is visible in its next measurement, so the loop converges and the
// time it then serves really is the upstream's time, even when the host
// clock is off (against an upstream on the same host the correction simply
// stays ~0). Ignoring the commands would leave a constant offset that the
// discipline keeps chasing, stepping again after every stepout.
//
// arm_leap() is modelled like the kernel's STA_INS / STA_DEL: when a reading
// crosses the next UTC midnight (insert) or 23:59:59 (remove) the correction
// moves by -1 s / +1 s, once, so the time served follows UTC through the
// leap even though the host clock does not leap.
//
// There is no kernel PLL here: kernel_pll_update() fails and kernel_state()
// says unavailable, so the discipline runs its own (daemon) loop, as with
// `disable kernel`. set_sync_status() is recorded and reported back.

#include <functional>
#include <optional>

#include "libntp/clock/clock.hh"
#include "libntp/clock/modelled_kernel.hh"

namespace ntp::clock {

class NullClock final : public Clock {
  public:
    // `host_now` reads the underlying clock; tests pass a fake one.
    explicit NullClock(std::function<timespec()> host_now = nullptr);

    timespec now() override;
    double precision_s() override;
    ClockResult step(double offset_s) override;
    ClockResult slew(double offset_s) override;
    ClockResult set_frequency(double freq_ppm) override;
    double frequency_ppm() override { return freq_ppm_; }
    double fast_slew_limit_ppm() override { return 90000; }  // as KernelClock
    ClockResult set_fast_slew(double extra_ppm) override;
    ClockResult kernel_pll_update(const KernelPllUpdate& update) override;
    ClockResult set_sync_status(bool synchronised, double max_error_s, double est_error_s) override;
    KernelState kernel_state() override;
    ClockResult arm_leap(LeapDirection direction, int tai_offset_s) override;

    // The total correction now() adds to the host clock at this moment, and
    // what is left of the current slew (for logs and tests).
    double correction_s();
    double pending_slew_s();

  private:
    // Folds the correction accumulated since anchor_ into base_correction_s_
    // and moves the anchor to `host`, so a new command starts from there.
    void advance_to(const timespec& host);
    double correction_at(const timespec& host) const;
    double slew_done_at(const timespec& host) const;

    std::function<timespec()> host_now_;
    timespec anchor_{};             // host time the model was last folded at
    double base_correction_s_ = 0;  // correction at anchor_
    double slew_left_s_ = 0;        // slew still to amortize from anchor_
    double freq_ppm_ = 0;
    double fast_slew_ppm_ = 0;
    std::optional<double> precision_s_;
    ModelledKernel kernel_;                 // sync status, error estimates, the armed leap
    std::optional<timespec> last_reading_;  // to notice the leap's boundary
};

}  // namespace ntp::clock
