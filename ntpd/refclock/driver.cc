#include "ntpd/refclock/driver.hh"

#include <algorithm>
#include <cmath>

namespace ntpd::refclock {
namespace {

double diff_s(const timespec& a, const timespec& b) {
    return static_cast<double>(a.tv_sec - b.tv_sec) + static_cast<double>(a.tv_nsec - b.tv_nsec) * 1e-9;
}

}  // namespace

const char* clock_event_name(ClockEvent e) {
    switch (e) {
    case ClockEvent::nominal: return "clk_unspec";
    case ClockEvent::timeout: return "clk_no_reply";
    case ClockEvent::bad_reply: return "clk_bad_format";
    case ClockEvent::fault: return "clk_fault";
    case ClockEvent::propagation: return "clk_bad_signal";
    case ClockEvent::bad_date: return "clk_bad_date";
    case ClockEvent::bad_time: return "clk_bad_time";
    }
    return "clk_unspec";
}

std::uint32_t refid_word(const char* text) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        v = (v << 8) | c;
        if (c == 0) {
            v <<= 8 * (3 - i);
            break;
        }
    }
    return v;
}

std::optional<FilterResult> median_filter(std::vector<double> off, int precision_log2) {
    if (off.empty()) return std::nullopt;
    std::sort(off.begin(), off.end());
    const std::size_t n = off.size();
    std::size_t i = 0, j = n;
    const std::size_t m = n - (n * 4) / 10;
    while (j - i > m) {
        const double mid = off[(j + i) / 2];
        if (off[j - 1] - mid < mid - off[i]) ++i;
        else --j;
    }
    FilterResult r;
    double sq = 0;
    for (std::size_t k = i; k < j; ++k) {
        r.offset_s += off[k];
        if (k > i) sq += (off[k] - off[k - 1]) * (off[k] - off[k - 1]);
    }
    r.offset_s /= static_cast<double>(m);
    r.jitter_s = std::max(std::sqrt(sq / static_cast<double>(m)), std::ldexp(1.0, precision_log2));
    return r;
}

void Driver::add_timecode(const timespec& reference, const timespec& received, int leap,
                          std::optional<double> fudge_s) {
    if (stages_.size() >= max_stages) stages_.erase(stages_.begin());
    stages_.push_back({diff_s(reference, received) + fudge_s.value_or(config_.time1_s), reference, received});
    leap_ = leap & 3;
    report(ClockEvent::nominal);
}

void Driver::report(ClockEvent e) {
    switch (e) {
    case ClockEvent::timeout: ++counters_.no_reply; break;
    case ClockEvent::bad_reply: ++counters_.bad_format; break;
    case ClockEvent::bad_date:
    case ClockEvent::bad_time: ++counters_.bad_data; break;
    default: break;
    }
    if (e != ClockEvent::nominal) last_event_ = e;
    if (status_ != e) {
        status_ = e;
        pending_event_ = e;
    }
}

std::optional<ClockEvent> Driver::take_event() {
    auto e = pending_event_;
    pending_event_.reset();
    return e;
}

std::optional<PollSample> Driver::take(const timespec& now, double max_age_s) {
    ++counters_.polls;
    std::vector<double> offsets;
    const Stage* last = nullptr;
    for (const auto& s : stages_) {
        const double age = diff_s(now, s.received);
        if (age > max_age_s) continue;  // older than the poll interval
        offsets.push_back(s.offset_s);
        last = &s;
    }
    const auto r = median_filter(offsets, config_.sys_precision_log2);
    if (!r || !last) {
        stages_.clear();
        report(silence_event());
        return std::nullopt;
    }
    PollSample out;
    out.offset_s = r->offset_s;
    out.dispersion_s = r->jitter_s;
    out.leap = leap_;
    out.reference = last->reference;
    out.received = last->received;
    out.precision_log2 = precision_set_ ? precision_log2_ : default_precision_log2();
    out.count = static_cast<int>(offsets.size());
    stages_.clear();
    return out;
}

std::vector<std::string> Driver::take_clockstats() {
    std::vector<std::string> out;
    out.swap(clockstats_);
    return out;
}

std::vector<std::string> Driver::take_messages() {
    std::vector<std::string> out;
    out.swap(messages_);
    return out;
}

}  // namespace ntpd::refclock
