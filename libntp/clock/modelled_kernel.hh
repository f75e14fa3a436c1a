#pragma once
// The kernel-side state a clock without a kernel models: what NullClock
// (`--no-adjust`) and SimClock report back through kernel_state(), and the
// armed leap second they execute like Linux's STA_INS / STA_DEL do: once,
// when a reading crosses the next UTC midnight (insert, the second repeats)
// or the start of 23:59:59 (remove, the second is skipped), then TIME_WAIT
// until disarmed. There is no PLL here: `available` stays false.

#include <ctime>
#include <optional>

#include "libntp/clock/clock.hh"

namespace ntp::clock {

class ModelledKernel {
public:
    void set_sync_status(bool synchronised, double max_error_s, double est_error_s);
    bool synchronised() const { return synchronised_; }

    // Arms (or with `none` disarms) the leap; a TAI offset > 0 is recorded.
    void arm_leap(LeapDirection direction, int tai_offset_s);
    LeapDirection leap_armed() const { return leap_; }
    int tai_offset_s() const { return tai_offset_s_; }

    // The correction the armed leap makes when the clock reads `after` having
    // read `before` (-1 s insert, +1 s remove), once; nullopt otherwise.
    std::optional<double> take_leap(const timespec& before, const timespec& after);

    // kernel_state() of such a clock running at `freq_ppm` with `offset_s`
    // of slew still to do.
    KernelState state(double freq_ppm, double offset_s) const;

private:
    bool synchronised_ = false;
    double max_error_s_ = 16;
    double est_error_s_ = 16;
    LeapDirection leap_ = LeapDirection::none;
    bool leap_done_ = false;  // executed; stays so until disarmed (TIME_WAIT)
    int tai_offset_s_ = 0;
};

}  // namespace ntp::clock
