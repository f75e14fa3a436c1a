#pragma once
// The frequency ("drift") file: one number, the clock frequency correction
// in PPM, e.g. "-12.345\n" (ntp.conf.md 6.1).
//
// Reading and writing return values with the message to log (classic texts
// where classic ntpd has one); nothing here logs or throws. The cadence of
// writes is a separate pure policy, DriftWritePolicy, driven with `now`.

#include <string>

#include "libntp/util/log.hh"

namespace ntp::clock {

// Frequencies beyond this are not believable (classic NTP_MAXFREQ).
constexpr double kMaxDrift_ppm = 500.0;

struct DriftReadResult {
    enum class Status {
        ok,            // freq_ppm holds the value: the loop starts in FSET
        missing,       // no such file: silent, start in NSET
        unreadable,    // exists but cannot be read (permissions...): warning
        format_error,  // no number at the start: classic error text
        out_of_range,  // |value| > 500 PPM: rejected with a warning
    };
    Status status = Status::missing;
    double freq_ppm = 0;  // valid only when status == ok
    // Empty for ok and missing. Otherwise the line to log at `severity`, e.g.
    // "format error frequency file /var/lib/ntp/drift".
    std::string message;
    util::Severity severity = util::Severity::info;

    bool ok() const { return status == Status::ok; }
};

// Reads the first number of the file like fscanf("%lf"): leading white space
// and a sign are allowed, anything after the number is ignored. Infinity, NaN
// and values beyond +-500 PPM are not accepted; in every non-ok case the
// caller starts as if there were no drift file.
DriftReadResult read_drift_file(const std::string& path);

struct DriftWriteResult {
    bool ok = true;  // the file now holds the new value
    // Empty on full success; otherwise one line to log at `severity`:
    //   "frequency file <path>.TEMP: No space left on device"          (error)
    //   "Unable to rename temp drift file <tmp> to <path>, <strerror>" (warning)
    // A failed directory fsync after a good rename is ok == true with a
    // warning. Whenever ok == false the previous file is untouched.
    std::string message;
    util::Severity severity = util::Severity::info;
};

// Writes format_drift(freq_ppm) through "<path>.TEMP": create, write, fsync,
// close, rename, fsync the directory.
DriftWriteResult write_drift_file(const std::string& path, double freq_ppm);

// "%.3f\n" in the C locale whatever the process locale is: "-12.345\n".
std::string format_drift(double freq_ppm);

// Classic ntpd's write cadence (ntp_util.c write_stats): a check every hour,
// the first an hour after start. A check writes when the frequency moved by
// at least the current wander residual since the last write; otherwise it
// halves the residual and skips, so a steady clock is written rarely and a
// wandering one at most hourly. After a write the residual goes back to the
// threshold. The residual starts at 0, so the first check always writes,
// even before the clock was ever synchronised (classic does the same).
class DriftWritePolicy {
  public:
    static constexpr double kCheckInterval_s = 3600;
    // `driftfile path 1e-7`: the threshold is in s/s there; 1e-7 = 0.1 PPM.
    static constexpr double kDefaultWanderThreshold_ppm = 0.1;

    // `start_s` and later `now_s` come from one steady time line (e.g.
    // seconds since the daemon started); a clock step must not move it.
    explicit DriftWritePolicy(double start_s,
                              double wander_threshold_ppm = kDefaultWanderThreshold_ppm);

    // Called from the daemon's timer with the current frequency. Returns true
    // when the file should be written now. Checks that were missed (a
    // suspended machine, a stalled loop) collapse into one.
    bool should_write(double now_s, double freq_ppm);

    double next_check_s() const { return next_check_s_; }
    double wander_residual_ppm() const { return residual_ppm_; }

  private:
    double threshold_ppm_;
    double next_check_s_;
    double last_written_ppm_ = 0;
    double residual_ppm_ = 0;
};

}  // namespace ntp::clock
