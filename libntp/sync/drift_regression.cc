#include "libntp/sync/drift_regression.hh"

#include <cmath>

namespace ntp::sync {

namespace {
// Below this many points the runs test has no power; keep them all.
constexpr std::size_t min_points_for_runs_test = 8;
}  // namespace

DriftRegression::DriftRegression(std::size_t max_points) : max_points_(max_points < 2 ? 2 : max_points) {}

void DriftRegression::add(double time_s, double raw_offset_s) {
    if (!std::isfinite(time_s) || !std::isfinite(raw_offset_s)) return;
    points_.push_back({time_s, raw_offset_s});
    while (points_.size() > max_points_) points_.pop_front();
}

std::optional<DriftFit> DriftRegression::fit_once(double at_time_s, std::size_t first) const {
    const std::size_t n = points_.size() - first;
    if (n < 2) return std::nullopt;
    // Times relative to the newest point keep the sums well conditioned.
    const double t0 = points_.back().time_s;
    double st = 0, sx = 0;
    for (std::size_t i = first; i < points_.size(); ++i) {
        st += points_[i].time_s - t0;
        sx += points_[i].raw_s;
    }
    const double mean_t = st / static_cast<double>(n), mean_x = sx / static_cast<double>(n);
    double stt = 0, stx = 0;
    for (std::size_t i = first; i < points_.size(); ++i) {
        const double dt = points_[i].time_s - t0 - mean_t;
        stt += dt * dt;
        stx += dt * (points_[i].raw_s - mean_x);
    }
    if (stt <= 0) return std::nullopt;
    DriftFit f;
    f.slope = stx / stt;
    f.raw_offset_s = mean_x + f.slope * (at_time_s - t0 - mean_t);
    double ss = 0;
    for (std::size_t i = first; i < points_.size(); ++i) {
        const double r = points_[i].raw_s - (mean_x + f.slope * (points_[i].time_s - t0 - mean_t));
        ss += r * r;
    }
    f.residual_rms_s = std::sqrt(ss / static_cast<double>(n));
    f.slope_sigma = n > 2 ? std::sqrt(ss / static_cast<double>(n - 2) / stt) : 0.0;
    f.points = n;
    f.span_s = points_.back().time_s - points_[first].time_s;
    f.mean_time_s = t0 + mean_t;
    f.mean_raw_s = mean_x;
    return f;
}

bool DriftRegression::residuals_look_random(const DriftFit& f, std::size_t first) const {
    const std::size_t n = points_.size() - first;
    if (n < min_points_for_runs_test) return true;
    const double t_last = points_.back().time_s;
    int positive = 0, negative = 0, runs = 0, last_sign = 0;
    for (std::size_t i = first; i < points_.size(); ++i) {
        const double model = f.raw_offset_s + f.slope * (points_[i].time_s - t_last);
        const int sign = points_[i].raw_s - model >= 0 ? 1 : -1;
        (sign > 0 ? positive : negative)++;
        if (sign != last_sign) ++runs;
        last_sign = sign;
    }
    if (positive == 0 || negative == 0) return false;
    // Wald-Wolfowitz: too few runs means the residuals have structure (the
    // frequency changed inside the window).
    const double np = positive, nn = negative, nt = static_cast<double>(n);
    const double mean = 2 * np * nn / nt + 1;
    const double var = (mean - 1) * (mean - 2) / (nt - 1);
    return runs >= mean - 2.0 * std::sqrt(std::max(var, 0.0));
}

std::optional<DriftFit> DriftRegression::fit(double at_time_s) {
    while (true) {
        // The runs test needs the model evaluated at the newest point.
        auto at_last = fit_once(points_.empty() ? 0 : points_.back().time_s, 0);
        if (!at_last) return std::nullopt;
        if (residuals_look_random(*at_last, 0)) break;
        // Drop the oldest quarter and try again.
        std::size_t drop = points_.size() / 4;
        if (drop == 0) drop = 1;
        for (std::size_t i = 0; i < drop; ++i) points_.pop_front();
        if (points_.size() < min_points_for_runs_test) break;
    }
    return fit_once(at_time_s, 0);
}

}  // namespace ntp::sync
