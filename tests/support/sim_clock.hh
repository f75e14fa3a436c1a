#pragma once
// A simulated system clock for tests and tests/sim: time moves only when the
// test calls advance(). The clock has a frequency error (ppm, positive = it
// runs fast), an optional random-walk wander of that error (seeded, so runs
// are reproducible), and obeys adjustments like the Linux kernel does:
//   * step() moves it at once;
//   * slew() behaves like adjtime(): the amount is applied at 500 ppm and a
//     new slew replaces what is left of the previous one;
//   * set_frequency() changes its rate by the given ppm (clamped +/-500);
//   * set_fast_slew() adds to that rate (up to 90000 ppm, as KernelClock
//     does with the tick);
//   * kernel_pll_update(): without Options::kernel_pll it fails and
//     kernel_state().available is false, so the discipline runs its daemon
//     loop (as under --no-adjust); with it, a model of the Linux kernel PLL
//     (kernel/time/ntp.c with STA_NANO, as the clknetsim simulator models it
//     too): the offset handed over (clamped to +-0.5 s) replaces the one in
//     progress and is amortized at each second boundary by
//     offset / 2^(SHIFT_PLL + tc), SHIFT_PLL = 2, applied over the next
//     second; each update also nudges the frequency by
//     offset * seconds_since_last_update / 2^(2 * (4 + tc)) (clamped
//     +-500 ppm), unless the caller overwrites it;
//   * set_sync_status() is recorded;
//   * arm_leap() behaves like STA_INS / STA_DEL in the Linux kernel: at the
//     next UTC midnight the clock reading repeats a second (insert) or skips
//     23:59:59 (remove), once, until it is disarmed or armed the other way.
// jump() is someone else stepping the clock (date -s): not a Clock call, so
// it is not recorded among the steps.
// All steps are recorded; slews are counted and summed (one per second in a
// long run would be too many to keep).

#include <cstdint>
#include <random>
#include <vector>

#include "libntp/clock/clock.hh"
#include "libntp/clock/modelled_kernel.hh"

namespace ntp::clock {

class SimClock final : public Clock {
public:
    struct Options {
        timespec start{1'700'000'000, 0};  // true time at the start (realtime epoch)
        double initial_offset_s = 0;       // clock minus true time at the start
        double freq_error_ppm = 0;         // positive: the clock runs fast
        double wander_ppm_per_sqrt_s = 0;  // random walk of the frequency error
        std::uint64_t seed = 1;
        double precision_s = 5.96e-8;      // 2^-24, like a typical Linux box
        bool kernel_pll = false;           // model the Linux kernel PLL (above)
        bool fast_slew = true;             // false: set_fast_slew() fails (a clock without)
    };

    struct StepRecord {
        double true_time_s;  // seconds since the start
        double offset_s;
    };

    struct LeapRecord {
        double true_time_s;  // seconds since the start
        LeapDirection direction;
    };

    explicit SimClock(const Options& options);

    // Let `seconds` of true time pass.
    void advance(double seconds);

    // Seconds of true time since the start, and the clock's error now
    // (clock minus true time: positive = the clock is ahead).
    double true_elapsed_s() const { return elapsed_s_; }
    double error_s() const { return error_s_; }
    timespec true_now() const;
    double freq_error_ppm() const { return freq_error_ppm_; }  // current (wandering) error

    // Someone else steps the clock by offset_s (not recorded in steps()).
    void jump(double offset_s) { error_s_ += offset_s; }

    const std::vector<StepRecord>& steps() const { return steps_; }
    const std::vector<LeapRecord>& leaps() const { return leaps_; }
    LeapDirection leap_armed() const { return kernel_.leap_armed(); }
    int tai_offset_s() const { return kernel_.tai_offset_s(); }
    std::uint64_t slew_count() const { return slew_count_; }
    double slew_total_s() const { return slew_total_s_; }
    bool synchronised() const { return kernel_.synchronised(); }

    // Clock interface.
    timespec now() override;
    double precision_s() override { return precision_s_; }
    ClockResult step(double offset_s) override;
    ClockResult slew(double offset_s) override;
    ClockResult set_frequency(double freq_ppm) override;
    double frequency_ppm() override { return freq_ppm_; }
    double fast_slew_limit_ppm() override { return fast_slew_ ? 90000 : 0; }
    ClockResult set_fast_slew(double extra_ppm) override;
    ClockResult kernel_pll_update(const KernelPllUpdate& update) override;
    ClockResult set_sync_status(bool synchronised, double max_error_s, double est_error_s) override;
    KernelState kernel_state() override;
    ClockResult arm_leap(LeapDirection direction, int tai_offset_s) override;

private:
    void execute_leap(const timespec& before);
    void run_for(double seconds);       // constant rates over `seconds`
    void kernel_second();               // the PLL's once-a-second work

    // The kernel PLL model (Options::kernel_pll).
    struct Pll {
        bool enabled = false;        // Options::kernel_pll
        bool on = false;             // STA_PLL set by an update
        double offset_s = 0;         // phase still to amortize
        double rate = 0;             // s/s applied during the current second
        int time_constant = 0;
        double seconds_since_update = 0;
        bool updated_before = false;
    };

    timespec start_;
    double elapsed_s_ = 0;
    double error_s_;
    double freq_error_ppm_;
    double wander_;
    double precision_s_;
    double freq_ppm_ = 0;
    double fast_slew_ppm_ = 0;
    bool fast_slew_;
    double slew_left_s_ = 0;
    std::mt19937_64 rng_;
    std::normal_distribution<double> normal_{0.0, 1.0};

    std::vector<StepRecord> steps_;
    std::uint64_t slew_count_ = 0;
    double slew_total_s_ = 0;
    ModelledKernel kernel_;  // sync status, error estimates, the armed leap
    std::vector<LeapRecord> leaps_;
    Pll pll_;
    double next_second_s_ = 1;  // true elapsed time of the next second boundary
};

}  // namespace ntp::clock
