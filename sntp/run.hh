#pragma once
// One sntp run from parsed options to exit status: resolve the names, send
// one request to each address (libntp/oneshot), print a line per answer
// (report.hh) or "no UCST response", and with -S/-s set the clock through
// the Clock layer once, from the first answer.
//
// Exit status as classic: 0, or 1 when -S/-s was asked and the clock was not
// set (no answer, or the step/slew was refused), 64 without a server.

#include <cstdio>

#include "libntp/clock/clock.hh"
#include "sntp/options.hh"

namespace sntp {

struct RunContext {
    ntp::clock::Clock& clock;
    std::FILE* out;  // classic's msyslog below LOG_ERR, and printf
    std::FILE* err;  // LOG_ERR and worse, resolver errors
};

int run(const Options& options, RunContext& context);

}  // namespace sntp
