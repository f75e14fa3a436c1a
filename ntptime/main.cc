// ntptime: show the kernel's NTP state (ntp_gettime, ntp_adjtime) as classic
// ntptime does, and set single fields of it on request (-f -o -s -t -e -m
// -T -M -N). Without CAP_SYS_TIME the kernel refuses any setting and ntptime
// says so in classic's words; reading needs no privilege.

#include <sys/timex.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "libntp/clock/kernel_timex.hh"
#include "ntptime/options.hh"
#include "ntptime/report.hh"

namespace {

constexpr int kCostSamples = 20;

void print(const std::string& text, FILE* to) { std::fputs(text.c_str(), to); }

void print_cost() {
    std::vector<long> fractions;
    for (int i = 0; i < kCostSamples; ++i) fractions.push_back(ntp::clock::read_ntp_gettime().fraction);
    print(ntptime::cost_line(fractions), stdout);
}

void print_gettime(bool nano, bool raw) {
    ntp::clock::NtpGetTime t = ntp::clock::read_ntp_gettime();
    if (t.state < 0) {
        std::fprintf(stderr, "ntp_gettime() call fails: %s\n", std::strerror(t.error));
        return;
    }
    print(ntptime::gettime_block(t, nano, raw), stdout);
}

void print_adjtime(const ntp::clock::KernelTimex& request) {
    ntp::clock::TimexAnswer answer = request.modes == 0 ? ntp::clock::query_kernel_timex()
                                                        : ntp::clock::write_kernel_timex(request);
    if (answer.state < 0) {
        std::fflush(stdout);
        print(ntptime::adjtime_failure(answer.error), stderr);
        return;
    }
    print(ntptime::adjtime_block(answer.state, answer.timex), stdout);
}

}  // namespace

int main(int argc, char** argv) {
    std::string progname = argc > 0 && argv[0] != nullptr ? argv[0] : "ntptime";
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    ntptime::Parsed parsed = ntptime::parse_options(args, progname);
    if (!parsed.ok) {
        print(parsed.errors, stderr);
        return 2;
    }
    const ntptime::Options& options = parsed.options;

    if (options.cost) print_cost();
    ntp::clock::TimexAnswer state = ntp::clock::query_kernel_timex();
    if (state.state < 0 && state.error == ENOSYS) {
        print("NTP user interface routines are not configured in this kernel.\n", stdout);
        return 0;
    }
    print_gettime((state.timex.status & STA_NANO) != 0, options.raw);
    print_adjtime(options.request);
    return 0;
}
