#include "libntp/clock/clock.hh"

#include <cmath>

namespace ntp::clock {

namespace {
constexpr long kNanosPerSecond = 1'000'000'000L;

timespec normalise(long long sec, long long nsec) {
    sec += nsec / kNanosPerSecond;
    nsec %= kNanosPerSecond;
    if (nsec < 0) {
        nsec += kNanosPerSecond;
        sec -= 1;
    }
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(sec);
    ts.tv_nsec = static_cast<long>(nsec);
    return ts;
}
}  // namespace

double to_seconds(const timespec& ts) {
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

timespec from_seconds(double seconds) {
    double whole = std::floor(seconds);
    auto nsec = static_cast<long long>(std::llround((seconds - whole) * 1e9));
    return normalise(static_cast<long long>(whole), nsec);
}

timespec add_seconds(const timespec& ts, double seconds) {
    double whole = std::floor(seconds);
    auto nsec = static_cast<long long>(std::llround((seconds - whole) * 1e9));
    return normalise(static_cast<long long>(ts.tv_sec) + static_cast<long long>(whole),
                     static_cast<long long>(ts.tv_nsec) + nsec);
}

double diff_seconds(const timespec& a, const timespec& b) {
    return static_cast<double>(a.tv_sec - b.tv_sec) +
           static_cast<double>(a.tv_nsec - b.tv_nsec) * 1e-9;
}

}  // namespace ntp::clock
