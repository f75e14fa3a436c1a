#pragma once
// What sntp prints about a reply, byte for byte as classic sntp 4.2.8 does
// (its offset_calculation() and handle_pkt()), and its clock decision.
// Pure functions: the caller passes the reply's fields, our receive time and
// the time zone is the process's (localtime), as classic's.
//
//   2026-12-07 17:17:33.123456 (+0000) +0.000123 +/- 0.000456 127.0.0.1 s2 no-leap

#include <cstdint>
#include <ctime>
#include <string>

namespace sntp {

struct OffsetResult {
    double offset_s = 0;          // ((t2 - t1) + (t3 - t4)) / 2
    double precision_s = 0;       // 2^precision
    double synch_distance_s = 0;  // classic's: (|t21 + t34| + root delay) / 3 + root disp + 15e-6
};

// From the shared one-shot sample's offset (32.32 seconds, the same
// ((t2 - t1) + (t3 - t4)) / 2 classic computes) and the reply's header.
OffsetResult offset_calculation(std::int64_t offset_lfp, int precision_log2, double root_delay_s,
                                double root_dispersion_s);

// Decimals of the offset: one per factor 10 until the server's precision
// reaches 1, at most 6 (classic's loop on precision *= 10).
int offset_digits(double precision_s);

// classic tv_to_str(): "2026-12-07 17:17:33.123456 (+0100)" in local time.
std::string time_text(std::time_t unix_s, long usec);

// "name addr", or just "addr" when the name is the numeric address.
std::string host_text(const std::string& name, const std::string& address);

// The leap indicator's word: no-leap, add-leap, del-leap, unsync.
const char* leap_text(int leap);

struct ResultLine {
    std::string time;  // time_text() of the arrival
    double offset_s = 0;
    int digits = 6;
    double synch_distance_s = 0;
    std::string host;  // host_text()
    int stratum = 0;   // 0 prints as 16
    int leap = 0;
    bool excess = false;  // a reply after the clock was already set
};

// "TIME OFFSET +/- DIST HOST sN LEAP[ [excess]]" (no newline).
std::string result_line(const ResultLine& line);

// "HOST no UCST response after N seconds".
std::string no_response_line(const std::string& host, int timeout_s);

enum class ClockAction { none, step, slew };

// -S and/or -s: step when only -S, or with both when |offset| > steplimit;
// slew when -s otherwise; none without either.
ClockAction choose_action(bool step, bool slew, double steplimit_s, double offset_s);

}  // namespace sntp
