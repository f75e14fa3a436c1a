#include "ntpdate/format.hh"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace ntpdate {


namespace {

constexpr const char* day_names[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* month_names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// printf("%-8.8s", text): classic's filter columns cut longer values.
std::string column8(const std::string& text) {
    std::string s = text.substr(0, 8);
    s.resize(8, ' ');
    return " " + s;
}

// Stratum 1: the 4-character reference id up to the first NUL. Classic
// prints the raw octets; we show unprintable ones as '.' so a hostile server
// cannot put control sequences on the operator's terminal.
std::string refid_text(const ServerReport& s) {
    if (s.stratum != 1) return s.address;
    std::string out;
    for (std::uint8_t c : s.refid.bytes) {
        if (c == 0) break;
        out.push_back(std::isprint(c) ? static_cast<char>(c) : '.');
    }
    return out;
}

}  // namespace

std::string pretty_date(ntp::wire::NtpTimestamp ts, ntp::wire::NtpTime local_now) {
    ntp::wire::NtpTime t = ntp::wire::closest_era(ts, local_now);
    std::time_t unix_s =
        static_cast<std::time_t>(t.seconds_since_1900() - ntp::wire::unix_to_ntp_offset_s);
    std::tm tm{};
    localtime_r(&unix_s, &tm);
    unsigned msec = ts.fraction() / 4294967u;  // may reach 1000, as in classic
    char buf[96];
    std::snprintf(buf, sizeof buf, "%08x.%08x  %s, %s %2d %4d %2d:%02d:%02d.%03u", ts.seconds(),
                  ts.fraction(), day_names[(tm.tm_wday % 7 + 7) % 7],
                  month_names[(tm.tm_mon % 12 + 12) % 12], tm.tm_mday, tm.tm_year + 1900,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, msec);
    return buf;
}

std::string query_line(const ServerReport& s) {
    return "server " + s.address + ", stratum " + std::to_string(s.stratum) + ", offset " +
           format_lfp(s.filter.offset, 6) + ", delay " + format_sfp(s.filter.delay, 5) + "\n";
}

std::string debug_block(const ServerReport& s, ntp::wire::NtpTime local_now) {
    std::string out;
    char buf[128];
    out += "server " + s.address + ", port " + std::to_string(s.port) + "\n";
    std::snprintf(buf, sizeof buf, "stratum %d, precision %d, leap %c%c, trust %03o\n", s.stratum,
                  s.precision_log2, (s.leap & 2) ? '1' : '0', (s.leap & 1) ? '1' : '0',
                  static_cast<unsigned>(s.trust));
    out += buf;
    out += "refid [" + refid_text(s) + "], delay " + format_sfp(s.filter.delay, 5) +
           ", dispersion " + format_ufp(s.filter.dispersion, 5) + "\n";
    out += "transmitted " + std::to_string(s.transmitted) + ", in filter " +
           std::to_string(s.in_filter) + "\n";
    // The uneven spacing after "reference time:" is classic's.
    out += "reference time:    " + pretty_date(s.reference_ts, local_now) + "\n";
    out += "originate timestamp: " + pretty_date(s.originate_ts, local_now) + "\n";
    out += "transmit timestamp:  " + pretty_date(s.transmit_ts, local_now) + "\n";
    out += "filter delay: ";
    for (int i = 0; i < ntp::oneshot::max_samples; ++i) {
        out += column8(format_sfp(s.slots[static_cast<std::size_t>(i)].delay, 5));
        if (i == ntp::oneshot::max_samples / 2 - 1) out += "\n        ";
    }
    out += "\nfilter offset:";
    for (int i = 0; i < ntp::oneshot::max_samples; ++i) {
        out += column8(format_lfp(s.slots[static_cast<std::size_t>(i)].offset, 6));
        if (i == ntp::oneshot::max_samples / 2 - 1) out += "\n        ";
    }
    out += "\n";
    out += "delay " + format_sfp(s.filter.delay, 5) + ", dispersion " +
           format_ufp(s.filter.dispersion, 5) + "\n";
    out += "offset " + format_lfp(s.filter.offset, 6) + "\n\n";
    return out;
}

std::string adjust_message(ntp::oneshot::Adjustment kind, const std::string& address, Lfp offset) {
    return std::string(kind == ntp::oneshot::Adjustment::step ? "step" : "adjust") + " time server " +
           address + " offset " + format_lfp(offset, 6) + " sec";
}

}  // namespace ntpdate
