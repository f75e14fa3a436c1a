#include "sntp/report.hh"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sntp {

OffsetResult offset_calculation(std::int64_t offset_lfp, int precision_log2, double root_delay_s,
                                double root_dispersion_s) {
    OffsetResult out;
    out.precision_s = std::ldexp(1.0, precision_log2);
    out.offset_s = static_cast<double>(offset_lfp) / 4294967296.0;
    // Classic's formula as it stands: |t21 + t34| is twice the offset (it
    // has no history for the peer delay and dispersion terms).
    out.synch_distance_s =
        (std::fabs(2 * out.offset_s) + root_delay_s) / 3. + root_dispersion_s + 15e-6;
    return out;
}

int offset_digits(double precision_s) {
    int digits = 0;
    // Classic loops while precision * 10 < 1; a zero or tiny precision
    // would loop far, and the result is capped at 6 anyway.
    while (digits < 6 && (precision_s *= 10.) < 1.) ++digits;
    return digits;
}

std::string time_text(std::time_t unix_s, long usec) {
    // Classic feeds the UTC broken-down time to mktime() (which takes local
    // time) to find the zone offset.
    std::tm utc{};
    gmtime_r(&unix_s, &utc);
    std::time_t as_local = std::mktime(&utc);
    std::tm local{};
    localtime_r(&unix_s, &local);
    int minutes = static_cast<int>(std::difftime(as_local, unix_s)) / 60;
    int hh = minutes / 60;
    int mm = std::abs(minutes % 60);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%d-%.2d-%.2d %.2d:%.2d:%.2d.%.6d (%+03d%02d)",
                  local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_hour,
                  local.tm_min, local.tm_sec, static_cast<int>(usec), hh, mm);
    return buf;
}

std::string host_text(const std::string& name, const std::string& address) {
    return name == address ? address : name + " " + address;
}

const char* leap_text(int leap) {
    switch (leap) {
        case 0:
            return "no-leap";
        case 1:
            return "add-leap";
        case 2:
            return "del-leap";
        case 3:
            return "unsync";
    }
    return "LEAP-ERROR";
}

std::string result_line(const ResultLine& l) {
    char dist[40] = "";
    if (l.synch_distance_s > 0.) std::snprintf(dist, sizeof dist, " +/- %f", l.synch_distance_s);
    char offset[64];
    std::snprintf(offset, sizeof offset, "%+.*f", l.digits, l.offset_s);
    return l.time + " " + offset + dist + " " + l.host + " s" +
           std::to_string(l.stratum == 0 ? 16 : l.stratum) + " " + leap_text(l.leap) +
           (l.excess ? " [excess]" : "");
}

std::string no_response_line(const std::string& host, int timeout_s) {
    return host + " no UCST response after " + std::to_string(timeout_s) + " seconds";
}

ClockAction choose_action(bool step, bool slew, double steplimit_s, double offset_s) {
    if (step && (!slew || std::fabs(offset_s) > steplimit_s)) return ClockAction::step;
    if (slew) return ClockAction::slew;
    return ClockAction::none;
}

}  // namespace sntp
