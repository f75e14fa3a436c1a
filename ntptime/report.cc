#include "ntptime/report.hh"

#include <sys/timex.h>

#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace ntptime {

namespace {

constexpr std::uint32_t kUnixToNtp = 2208988800U;
constexpr double kFrequencyScale = 65536.0;

// Names of bits 1..16 (bit 1 = 0x1); empty: the bit has no name.
constexpr const char* kModeNames[16] = {"OFFSET", "FREQUENCY", "MAXERROR", "ESTERROR",
                                        "STATUS", "TIMECONST", "", "", "", "", "PLL",
                                        "FLL", "MICRO", "NANO", "CLKB", "CLKA"};
constexpr const char* kStatusNames[16] = {
    "PLL",       "PPSFREQ",   "PPSTIME",   "FLL",      "INS",      "DEL",
    "UNSYNC",    "FREQHOLD",  "PPSSIGNAL", "PPSJITTER", "PPSWANDER", "PPSERROR",
    "CLOCKERR",  "NANO",      "MODE",      "CLK"};

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

std::string bits(unsigned value, const char* const (&names)[16]) {
    std::string out = format("0x%x (", value);
    bool any = false;
    for (int i = 0; i < 16; ++i) {
        if ((value & (1U << i)) == 0) continue;
        if (any) out += ',';
        any = true;
        out += names[i];
    }
    return out + ")";
}

// Microseconds (or nanoseconds) to an NTP fraction, rounded, then masked to
// the resolution shown, exactly as classic: the rounding may wrap the
// fraction without carrying into the seconds.
std::uint32_t shown_fraction(long fraction, bool nano) {
    long us = nano ? fraction / 1000 : fraction;
    auto f = static_cast<std::uint32_t>(((static_cast<std::uint64_t>(us) << 32) + 500000) / 1000000);
    std::uint32_t round_bit = nano ? 0x2U : 0x800U;
    std::uint32_t mask = nano ? 0xfffffffcU : 0xfffff000U;
    return (f + round_bit) & mask;
}

// "eec13250.0a934000  Mon, Dec  7 2026 13:25:36.041" in local time.
std::string pretty_date(std::uint32_t ntp_seconds, std::uint32_t fraction, long unix_seconds) {
    static constexpr const char* days[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    unsigned msec = fraction / 4294967U;
    time_t when = unix_seconds;
    if (msec >= 1000U) {
        msec -= 1000U;
        ++when;
    }
    tm local{};
    if (::localtime_r(&when, &local) == nullptr) return format("%08x.%08x", ntp_seconds, fraction);
    return format("%08x.%08x  %s, %s %2d %4d %2d:%02d:%02d.%03u", ntp_seconds, fraction,
                  days[local.tm_wday], months[local.tm_mon], local.tm_mday, 1900 + local.tm_year,
                  local.tm_hour, local.tm_min, local.tm_sec, msec);
}

}  // namespace

std::string state_name(int state) {
    static constexpr const char* names[] = {"OK", "INS", "DEL", "OOP", "WAIT", "ERROR"};
    if (state >= 0 && state < 6) return names[state];
    return format("TIME-#%d", state);
}

std::string mode_bits(unsigned modes) { return bits(modes, kModeNames); }
std::string status_bits(unsigned status) { return bits(status, kStatusNames); }

std::string gettime_block(const ntp::clock::NtpGetTime& t, bool nano, bool raw) {
    int digits = nano ? 9 : 6;
    auto ntp_seconds = static_cast<std::uint32_t>(t.seconds) + kUnixToNtp;
    std::uint32_t fraction = shown_fraction(t.fraction, nano);
    std::string out = format("ntp_gettime() returns code %d (%s)\n", t.state, state_name(t.state).c_str());
    out += format("  time %s, (.%0*d),\n", pretty_date(ntp_seconds, fraction, t.seconds).c_str(), digits,
                  static_cast<int>(t.fraction));
    out += format("  maximum error %lu us, estimated error %lu us", static_cast<unsigned long>(t.maxerror),
                  static_cast<unsigned long>(t.esterror));
    if (raw) {
        time_t when = t.seconds;
        char date[64] = "";
        tm local{};
        if (::localtime_r(&when, &local) != nullptr) ::asctime_r(&local, date);
        out += format("  ntptime=%x.%x unixtime=%x.%0*d %s", ntp_seconds, fraction,
                      static_cast<unsigned>(t.seconds), digits, static_cast<int>(t.fraction), date);
    }
    out += format(", TAI offset %ld\n", t.tai);
    return out;
}

std::string adjtime_block(int state, const ntp::clock::KernelTimex& tx) {
    bool nano = (tx.status & STA_NANO) != 0;
    double unit = nano ? 1000.0 : 1.0;
    std::string out = format("ntp_adjtime() returns code %d (%s)\n", state, state_name(state).c_str());
    out += format("  modes %s,\n", mode_bits(tx.modes).c_str());
    out += format("  offset %.3f us, frequency %.3f ppm, interval %d s,\n",
                  static_cast<double>(tx.offset) / unit, static_cast<double>(tx.freq) / kFrequencyScale,
                  1 << tx.shift);
    out += format("  maximum error %lu us, estimated error %lu us,\n", static_cast<unsigned long>(tx.maxerror),
                  static_cast<unsigned long>(tx.esterror));
    out += format("  status %s,\n", status_bits(static_cast<unsigned>(tx.status)).c_str());
    out += format("  time constant %lu, precision %.3f us, tolerance %.0f ppm,\n",
                  static_cast<unsigned long>(tx.constant), static_cast<double>(tx.precision) / unit,
                  static_cast<double>(tx.tolerance) / kFrequencyScale);
    if (tx.shift == 0) return out;
    out += format("  pps frequency %.3f ppm, stability %.3f ppm, jitter %.3f us,\n",
                  static_cast<double>(tx.ppsfreq) / kFrequencyScale,
                  static_cast<double>(tx.stabil) / kFrequencyScale, static_cast<double>(tx.jitter) / unit);
    out += format("  intervals %lu, jitter exceeded %lu, stability exceeded %lu, errors %lu.\n",
                  static_cast<unsigned long>(tx.calcnt), static_cast<unsigned long>(tx.jitcnt),
                  static_cast<unsigned long>(tx.stbcnt), static_cast<unsigned long>(tx.errcnt));
    return out;
}

std::string cost_line(const std::vector<long>& fractions) {
    if (fractions.empty()) return "";
    std::string out = format("[ us %06d:", static_cast<int>(fractions[0]));
    for (size_t i = 1; i < fractions.size(); ++i) {
        out += format(" %d", static_cast<int>(fractions[i] - fractions[i - 1]));
    }
    return out + " ]\n";
}

std::string adjtime_failure(int error) {
    std::string prefix = error == EPERM ? "Must be root to set kernel values\nntp_adjtime() call fails"
                                        : "ntp_adjtime() call fails";
    return prefix + ": " + std::strerror(error) + "\n";
}

}  // namespace ntptime
