#pragma once
// ntptime's command line, read as classic ntptime reads it: single-letter
// options (-MNT:cde:f:hm:o:rs:t:), numbers taken with atoi/atof (a bad number
// is 0), every error answered with the usage text and exit status 2.

#include <string>
#include <vector>

#include "libntp/clock/kernel_timex.hh"

namespace ntptime {

struct Options {
    ntp::clock::KernelTimex request;  // modes == 0: only show the state
    bool cost = false;                // -c: time 20 ntp_gettime() calls
    bool raw = false;                 // -r: also print the raw times
};

struct Parsed {
    bool ok = false;
    Options options;
    std::string errors;  // what goes to stderr when !ok (ends in the usage text)
};

Parsed parse_options(const std::vector<std::string>& args, const std::string& progname);

// The usage text classic prints (to stderr) before exiting with status 2.
std::string usage_text(const std::string& progname);

}  // namespace ntptime
