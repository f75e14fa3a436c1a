#include "libntp/sync/huff_puff.hh"

#include <algorithm>
#include <cmath>
#include <limits>

#include "libntp/sync/constants.hh"

namespace ntp::sync {

namespace {
constexpr double no_delay = std::numeric_limits<double>::infinity();
}  // namespace

HuffPuff::HuffPuff(double window_s) {
    const double stages = std::isfinite(window_s) ? std::floor(window_s / constants::huffpuff_stage_s) : 1;
    // The bound keeps a hostile or mistyped window from allocating gigabytes.
    constexpr double max_stages = 96 * 7;  // a week
    stages_.assign(static_cast<std::size_t>(std::clamp(stages, 1.0, max_stages)), no_delay);
}

void HuffPuff::advance(double now_s) {
    if (!started_) {
        started_ = true;
        stage_start_s_ = now_s;
        return;
    }
    // A step backwards of the timescale only delays the next stage.
    std::size_t opened = 0;
    while (now_s - stage_start_s_ >= constants::huffpuff_stage_s && opened <= stages_.size()) {
        current_ = (current_ + 1) % stages_.size();
        stages_[current_] = no_delay;
        stage_start_s_ += constants::huffpuff_stage_s;
        ++opened;
    }
    if (now_s - stage_start_s_ >= constants::huffpuff_stage_s) stage_start_s_ = now_s;  // long silence
}

double HuffPuff::correct(double offset_s, double delay_s, double now_s) {
    if (!std::isfinite(now_s)) return offset_s;
    advance(now_s);
    if (!std::isfinite(delay_s) || delay_s < 0) return offset_s;
    stages_[current_] = std::min(stages_[current_], delay_s);
    const double excess_s = delay_s - min_delay_s();
    return offset_s > 0 ? offset_s - excess_s / 2 : offset_s + excess_s / 2;
}

double HuffPuff::min_delay_s() const { return *std::min_element(stages_.begin(), stages_.end()); }

}  // namespace ntp::sync
