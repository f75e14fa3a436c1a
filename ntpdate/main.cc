// ntpdate: set the date and time by polling NTP servers (classic ntpdate
// compatible). main() only parses the options, builds the clock and the
// message sink and hands them to run().

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "libntp/clock/kernel_clock.hh"
#include "libntp/clock/null_clock.hh"
#include "ntpdate/messages.hh"
#include "ntpdate/options.hh"
#include "ntpdate/rtc.hh"
#include "ntpdate/run.hh"

int main(int argc, char** argv) {
    std::string progname = "ntpdate";
    if (argc > 0 && argv[0] != nullptr) {
        std::string a0 = argv[0];
        auto slash = a0.rfind('/');
        progname = slash == std::string::npos ? a0 : a0.substr(slash + 1);
    }
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    ntpdate::ParsedOptions parsed = ntpdate::parse_options(args, progname);
    if (!parsed.options) {
        for (const std::string& line : parsed.errors) std::fprintf(stderr, "%s\n", line.c_str());
        return 2;
    }
    const ntpdate::Options& options = *parsed.options;

    // Line-buffered stdout so -q/-d lines and log lines keep their order
    // when both streams go to one file.
    std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);

    std::unique_ptr<ntp::clock::Clock> clock;
    if (options.clock == ntpdate::ClockBackend::null) {
        clock = std::make_unique<ntp::clock::NullClock>();
    } else {
        clock = std::make_unique<ntp::clock::KernelClock>();
    }
    ntp::clock::Clock& c = *clock;
    auto now = [&c] { return c.now(); };

    ntpdate::Messages messages("ntpdate", static_cast<long>(getpid()), now, stdout, stderr);
    ntpdate::RunContext context{c, messages,
                                [&options, &now] { return ntpdate::write_rtc(options.clock, now); }};
    int status = ntpdate::run(options, context);

    if (options.clock == ntpdate::ClockBackend::null) {
        // The test backend reports what a real run would have done to the
        // clock, so tests can check the step and slew paths.
        auto& null_clock = static_cast<ntp::clock::NullClock&>(c);
        std::fprintf(stderr, "ntpdate: null clock: correction %.6f s, slew pending %.6f s\n",
                     null_clock.correction_s(), null_clock.pending_slew_s());
    }
    return status;
}
