#pragma once
// Frequency and phase estimate of the free-running clock by least squares
// over recent clock updates (our replacement for the classic PLL/FLL
// frequency arithmetic; the visible loop rules stay classic, see
// loop_filter.hh).
//
// The points are "raw" offsets: the measured offset plus every correction
// the discipline has applied up to the time of the measurement, i.e. the
// offset the clock would show had it never been touched. For a clock with a
// constant frequency error these lie on a line whose slope is the frequency
// correction needed (s/s) and whose value at `now` (minus the corrections
// applied so far) is the current phase error. Points are kept while their
// residuals look random; a runs test drops the oldest ones once they no
// longer fit a line (the frequency has wandered), so the window adapts
// between a few and `max_points` updates.

#include <cstddef>
#include <deque>
#include <optional>

namespace ntp::sync {

struct DriftFit {
    double raw_offset_s = 0;   // fitted raw offset at the time asked for
    double slope = 0;          // s/s (x 1e6 = ppm): frequency correction needed
    double slope_sigma = 0;    // standard error of the slope, s/s
    double residual_rms_s = 0; // RMS residual: the measurement noise seen
    std::size_t points = 0;
    double span_s = 0;
    double mean_time_s = 0;    // centre of the fit: the line passes through
    double mean_raw_s = 0;     // (mean_time_s, mean_raw_s) for any slope
};

class DriftRegression {
public:
    explicit DriftRegression(std::size_t max_points = 24);

    void add(double time_s, double raw_offset_s);
    void clear() { points_.clear(); }
    std::size_t size() const { return points_.size(); }

    // Fit at `at_time_s`; nullopt with fewer than 2 points or no time span.
    // May drop old points that fail the runs test (hence not const).
    std::optional<DriftFit> fit(double at_time_s);

private:
    struct Point {
        double time_s;
        double raw_s;
    };
    std::optional<DriftFit> fit_once(double at_time_s, std::size_t first) const;
    bool residuals_look_random(const DriftFit& f, std::size_t first) const;

    std::deque<Point> points_;
    std::size_t max_points_;
};

}  // namespace ntp::sync
