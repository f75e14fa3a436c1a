#include "libntp/sync/poll_policy.hh"

#include <algorithm>
#include <cmath>

namespace ntp::sync {

namespace c = constants;

PollPolicy::PollPolicy(int min_poll_log2, int max_poll_log2)
    : min_(c::min_poll_log2), max_(c::max_poll_log2), poll_(min_poll_log2) {
    set_limits(min_poll_log2, max_poll_log2);
    poll_ = min_;
}

void PollPolicy::set_limits(int min_poll_log2, int max_poll_log2) {
    min_ = std::clamp(min_poll_log2, c::min_poll_log2, c::max_poll_log2);
    max_ = std::clamp(max_poll_log2, min_, c::max_poll_log2);
    poll_ = std::clamp(poll_, min_, max_);
}

int PollPolicy::update(double offset_s, double jitter_s) {
    if (std::fabs(offset_s) < c::poll_gate * jitter_s) {
        counter_ += poll_;
        if (counter_ > c::poll_limit) {
            counter_ = c::poll_limit;
            if (poll_ < max_) {
                counter_ = 0;
                ++poll_;
            }
        }
    } else {
        counter_ -= 2 * poll_;
        if (counter_ < -c::poll_limit) {
            counter_ = -c::poll_limit;
            if (poll_ > min_) {
                counter_ = 0;
                --poll_;
            }
        }
    }
    return poll_;
}

void PollPolicy::reset() {
    poll_ = min_;
    counter_ = 0;
}

double poll_interval_s(int poll_log2, unsigned random_byte) {
    return std::ldexp(1.0, poll_log2) * (1.0 + static_cast<double>(random_byte & 0xffu) / 4096.0);
}

}  // namespace ntp::sync
