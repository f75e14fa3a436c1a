#include "libntp/oneshot/fixed_text.hh"

#include <cstdio>

namespace ntp::oneshot {

namespace {

// |value| in 32.32 as an unsigned number, rounded to `digits` decimals.
std::string format_magnitude(bool negative, std::uint64_t magnitude, int digits) {
    if (digits < 0) digits = 0;
    if (digits > 9) digits = 9;
    std::uint64_t scale = 1;
    for (int i = 0; i < digits; ++i) scale *= 10;
    // Exact: (magnitude * 10^digits + 2^31) / 2^32, round half up on the
    // magnitude, which is half away from zero on the signed value.
    unsigned __int128 scaled = static_cast<unsigned __int128>(magnitude) * scale;
    scaled += static_cast<unsigned __int128>(1) << 31;
    auto rounded = static_cast<std::uint64_t>(scaled >> 32);
    char buf[48];
    if (digits == 0) {
        std::snprintf(buf, sizeof buf, "%s%llu", negative ? "-" : "",
                      static_cast<unsigned long long>(rounded));
    } else {
        std::snprintf(buf, sizeof buf, "%s%llu.%0*llu", negative ? "-" : "",
                      static_cast<unsigned long long>(rounded / scale), digits,
                      static_cast<unsigned long long>(rounded % scale));
    }
    return buf;
}

}  // namespace

std::string format_lfp(Lfp value, int digits) {
    bool negative = value < 0;
    std::uint64_t magnitude =
        negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    return format_magnitude(negative, magnitude, digits);
}

std::string format_sfp(Sfp value, int digits) {
    return format_lfp(static_cast<Lfp>(value) * 65536, digits);
}

std::string format_ufp(Ufp value, int digits) {
    return format_magnitude(false, static_cast<std::uint64_t>(value) << 16, digits);
}

}  // namespace ntp::oneshot
