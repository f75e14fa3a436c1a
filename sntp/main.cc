// sntp: query NTP servers once and print the offsets (classic sntp
// compatible); with -S/-s set the clock from the first answer. main() only
// parses the options, builds the clock and hands them to run().

#include <cstdio>
#include <string>
#include <vector>

#include "libntp/clock/kernel_clock.hh"
#include "sntp/options.hh"
#include "sntp/run.hh"

int main(int argc, char** argv) {
    std::string progname = argc > 0 && argv[0] != nullptr ? argv[0] : "sntp";
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    sntp::ParsedOptions parsed = sntp::parse_options(args, progname);
    if (!parsed.options) {
        for (const std::string& line : parsed.errors) std::fprintf(stderr, "%s\n", line.c_str());
        return parsed.exit_status;
    }
    std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
    ntp::clock::KernelClock clock;
    sntp::RunContext context{clock, stdout, stderr};
    return sntp::run(*parsed.options, context);
}
