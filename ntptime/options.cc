#include "ntptime/options.hh"

#include <sys/timex.h>

#include <cstdlib>

namespace ntptime {

namespace {

constexpr const char* kOptionLetters = "MNT:cde:f:hm:o:rs:t:";
constexpr double kFrequencyScale = 65536.0;
constexpr int kMaxTimeConstant = 6;

bool takes_argument(char c) {
    for (const char* p = kOptionLetters; *p != '\0'; ++p) {
        if (*p == c && c != ':') return p[1] == ':';
    }
    return false;
}

bool known(char c) {
    if (c == ':') return false;
    for (const char* p = kOptionLetters; *p != '\0'; ++p) {
        if (*p == c) return true;
    }
    return false;
}

// Applies one option; false when it makes the command line wrong (-h too).
bool apply(char c, const std::string& arg, Options& o) {
    ntp::clock::KernelTimex& r = o.request;
    const char* a = arg.c_str();
    switch (c) {
    case 'M': r.modes |= MOD_MICRO; return true;
    case 'N': r.modes |= MOD_NANO; return true;
    case 'T': r.modes = MOD_TAI; r.constant = std::atoi(a); return true;
    case 'c': o.cost = true; return true;
    case 'e': r.modes |= MOD_ESTERROR; r.esterror = std::atoi(a); return true;
    case 'f':
        r.modes |= MOD_FREQUENCY;
        r.freq = static_cast<long>(std::atof(a) * kFrequencyScale);
        return true;
    case 'm': r.modes |= MOD_MAXERROR; r.maxerror = std::atoi(a); return true;
    case 'o': r.modes |= MOD_OFFSET; r.offset = std::atoi(a); return true;
    case 'r': o.raw = true; return true;
    case 's':
        r.modes |= MOD_STATUS;
        r.status = std::atoi(a);
        return r.status >= 0 && r.status < 0x100;
    case 't': r.modes |= MOD_TIMECONST; r.constant = std::atoi(a); return true;
    default: return false;
    }
}

}  // namespace

std::string usage_text(const std::string& progname) {
    return "usage: " + progname + " [-" + kOptionLetters + "]\n\n" +
           "-M\t\tswitch to microsecond mode\n"
           "-N\t\tswitch to nanosecond mode\n"
           "-T tai_offset\tset TAI offset\n"
           "-c\t\tdisplay the time taken to call ntp_gettime (us)\n"
           "-e esterror\testimate of the error (us)\n"
           "-f frequency\tFrequency error (-500 .. 500) (ppm)\n"
           "-h\t\tdisplay this help info\n"
           "-m maxerror\tmax possible error (us)\n"
           "-o offset\tcurrent offset (ms)\n"
           "-r\t\tprint the unix and NTP time raw\n"
           "-s status\tSet the status bits\n"
           "-t timeconstant\tlog2 of PLL time constant (0 .. " +
           std::to_string(kMaxTimeConstant) + ")\n";
}

// Classic's own getopt: options end at the first word not starting with '-'
// (or a lone '-'), or after "--"; letters may be bundled, an argument may be
// attached. Every problem is counted and parsing goes on, as classic does.
Parsed parse_options(const std::vector<std::string>& args, const std::string& progname) {
    Parsed parsed;
    int errors = 0;
    size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (word.size() < 2 || word[0] != '-') break;
        if (word == "--") {
            ++i;
            break;
        }
        for (size_t k = 1; k < word.size(); ++k) {
            char c = word[k];
            if (!known(c)) {
                parsed.errors += progname + ": unknown option -" + c + "\n";
                ++errors;
                continue;
            }
            std::string arg;
            if (takes_argument(c)) {
                if (k + 1 < word.size()) {
                    arg = word.substr(k + 1);
                } else if (i + 1 < args.size()) {
                    arg = args[++i];
                } else {
                    parsed.errors += progname + ": option requires argument -" + c + "\n";
                    ++errors;
                    break;
                }
                k = word.size();
            }
            if (!apply(c, arg, parsed.options)) ++errors;
        }
    }
    if (errors > 0 || i != args.size()) {
        parsed.errors += usage_text(progname);
        return parsed;
    }
    parsed.ok = true;
    return parsed;
}

}  // namespace ntptime
