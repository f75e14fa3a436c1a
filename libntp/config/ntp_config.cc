#include "libntp/config/ntp_config.hh"

#include <algorithm>
#include <string_view>

namespace ntp::config {

namespace {

constexpr int default_minpoll_log2 = 6;   // NTP_MINDPOLL
constexpr int default_maxpoll_log2 = 10;  // NTP_MAXDPOLL

constexpr std::string_view log_classes[] = {"sys", "peer", "clock", "sync"};
constexpr std::string_view log_types[] = {"info", "events", "statistics", "status"};

// Bits of one class (all types) or one type (all classes).
std::uint32_t class_bits(int c) { return 0xfu << (c * 4); }
std::uint32_t type_bits(int t) {
    std::uint32_t bits = 0;
    for (int c = 0; c < 4; ++c) bits |= 1u << (c * 4 + t);
    return bits;
}

}  // namespace

std::optional<RefclockId> Association::refclock() const {
    if (!address.numeric) return std::nullopt;
    return refclock_id(*address.numeric);
}

int Association::effective_minpoll() const {
    if (minpoll_log2) return *minpoll_log2;
    // An explicit maxpoll below the default minpoll pulls minpoll down.
    if (maxpoll_log2) return std::min(default_minpoll_log2, *maxpoll_log2);
    return default_minpoll_log2;
}

int Association::effective_maxpoll() const {
    if (maxpoll_log2) return *maxpoll_log2;
    // Reference clocks poll at a fixed rate: maxpoll defaults to minpoll.
    if (refclock()) return effective_minpoll();
    return std::max(default_maxpoll_log2, effective_minpoll());
}

const char* filegen_type_name(FilegenType t) {
    switch (t) {
        case FilegenType::none: return "none";
        case FilegenType::pid: return "pid";
        case FilegenType::day: return "day";
        case FilegenType::week: return "week";
        case FilegenType::month: return "month";
        case FilegenType::year: return "year";
        case FilegenType::age: return "age";
    }
    return "day";
}

std::uint32_t logconfig_bits(const std::string& item) {
    std::string_view s = item;
    if (s == "all" || s == "allall") return 0xffffu;
    if (s.substr(0, 3) == "all") {
        const auto rest = s.substr(3);
        for (int c = 0; c < 4; ++c) {
            if (rest == log_classes[c]) return class_bits(c);
        }
        for (int t = 0; t < 4; ++t) {
            if (rest == log_types[t]) return type_bits(t);
        }
        return 0;
    }
    for (int c = 0; c < 4; ++c) {
        if (s.substr(0, log_classes[c].size()) != log_classes[c]) continue;
        const auto rest = s.substr(log_classes[c].size());
        if (rest == "all") return class_bits(c);
        for (int t = 0; t < 4; ++t) {
            if (rest == log_types[t]) return 1u << (c * 4 + t);
        }
    }
    return 0;
}

std::uint32_t logconfig_default_mask() { return class_bits(3); }

std::uint32_t logconfig_mask(const std::vector<LogConfigItem>& items) {
    std::uint32_t mask = logconfig_default_mask();
    for (const auto& i : items) {
        const std::uint32_t bits = logconfig_bits(i.item);
        if (i.op == '=') mask = bits;
        else if (i.op == '+') mask |= bits;
        else if (i.op == '-') mask &= ~bits;
    }
    return mask;
}

}  // namespace ntp::config
