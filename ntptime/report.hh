#pragma once
// ntptime's output, line for line as classic ntptime prints it: the
// ntp_gettime() block, the ntp_adjtime() block with its mode and status bits
// decoded by name ("status 0x2001 (PLL,NANO)"), and the -c timing line.
// Pure functions of the kernel's answers, so the layout can be tested with
// any values.

#include <ctime>
#include <string>
#include <vector>

#include "libntp/clock/kernel_timex.hh"

namespace ntptime {

// "OK", "INS", "DEL", "OOP", "WAIT", "ERROR", else "TIME-#n".
std::string state_name(int state);

// The kernel printf's %b: "0x2041 (PLL,UNSYNC,NANO)", "0x0 ()".
std::string mode_bits(unsigned modes);
std::string status_bits(unsigned status);

// The ntp_gettime() block. `nano`: the kernel's STA_NANO (the fraction is in
// nanoseconds). `raw` adds classic's -r fields (its odd placement included).
// Dates are in local time, as classic prints them.
std::string gettime_block(const ntp::clock::NtpGetTime& t, bool nano, bool raw);

// The ntp_adjtime() block (the PPS lines only when the kernel has a PPS
// interval, shift != 0).
std::string adjtime_block(int state, const ntp::clock::KernelTimex& tx);

// -c: "[ us 123456: 2 1 1 ... ]" from 20 successive fractions.
std::string cost_line(const std::vector<long>& fractions);

// What perror() prints when ntp_adjtime() fails (errno `error`); EPERM
// gets classic's "Must be root to set kernel values" first.
std::string adjtime_failure(int error);

}  // namespace ntptime
