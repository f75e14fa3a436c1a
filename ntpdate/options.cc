#include "ntpdate/options.hh"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace ntpdate {


namespace {

// Classic takes -a, -o and -p through atoi(): leading digits, garbage is 0.
long classic_atoi(const std::string& text) { return std::atol(text.c_str()); }

// -t: ticks = round(T * 5) computed in 16.16 like classic, at least 5 (1 s).
int timeout_ticks_for(ntp::oneshot::Lfp value) {
    std::int64_t fp = ntp::oneshot::lfp_to_sfp(value);
    std::int64_t ticks = (fp * 5 + 0x8000) >> 16;
    return static_cast<int>(std::clamp<std::int64_t>(ticks, 5, 5 * 3600));
}

class Parser {
  public:
    Parser(std::span<const std::string> args, std::string_view progname)
        : args_(args), progname_(progname) {}

    ParsedOptions run() {
        std::vector<std::string> rest = take_long_options();
        std::size_t i = 0;
        for (; i < rest.size(); ++i) {
            const std::string& a = rest[i];
            if (a == "--") {
                ++i;
                break;
            }
            if (a.size() < 2 || a[0] != '-') break;
            for (std::size_t k = 1; k < a.size(); ++k) {
                char letter = a[k];
                if (takes_argument(letter)) {
                    std::string value;
                    if (k + 1 < a.size()) {
                        value = a.substr(k + 1);
                    } else if (i + 1 < rest.size()) {
                        value = rest[++i];
                    } else {
                        error(std::string(progname_) + ": option requires an argument -- " +
                              letter);
                        break;
                    }
                    with_argument(letter, value);
                    break;
                }
                flag(letter);
            }
        }
        for (; i < rest.size(); ++i) o_.servers.push_back(rest[i]);

        ParsedOptions out;
        if (failed_) {
            errors_.push_back(usage_line(progname_));
            out.errors = std::move(errors_);
        } else {
            out.options = std::move(o_);
        }
        return out;
    }

  private:
    // Long options are ours, so they may appear anywhere (a cron line like
    // `ntpdate -s server --hwclock` works); a server name never starts with "--".
    std::vector<std::string> take_long_options() {
        std::vector<std::string> rest;
        bool ended = false;
        for (const std::string& a : args_) {
            if (ended || a == "--" || a.rfind("--", 0) != 0) {
                if (a == "--") ended = true;
                rest.push_back(a);
                continue;
            }
            if (a == "--hwclock") {
                o_.hwclock = true;
            } else if (a == "--clock=null") {
                o_.clock = ClockBackend::null;
            } else if (a == "--clock=kernel") {
                o_.clock = ClockBackend::kernel;
            } else {
                error(std::string(progname_) + ": illegal option -- " + a.substr(2));
            }
        }
        return rest;
    }

    static bool takes_argument(char c) {
        return c == 'a' || c == 'e' || c == 'k' || c == 'o' || c == 'p' || c == 't' || c == 'U';
    }

    void flag(char c) {
        switch (c) {
            case '4': o_.family = AddressFamily::v4; break;
            case '6': o_.family = AddressFamily::v6; break;
            case 'b': o_.always_step = true; o_.never_step = false; break;
            case 'B': o_.never_step = true; o_.always_step = false; break;
            case 'd': ++o_.debug; break;
            case 'q': o_.query_only = true; break;
            case 's': o_.use_syslog = true; break;
            case 'u': o_.unprivileged_port = true; break;
            case 'v': o_.verbose = true; break;
            default: error(std::string(progname_) + ": illegal option -- " + c); break;
        }
    }

    void with_argument(char c, const std::string& value) {
        switch (c) {
            case 'a':
                o_.auth_key = static_cast<std::uint32_t>(classic_atoi(value));
                break;
            case 'e': {
                auto v = parse_decimal_lfp(value);
                if (!v || *v < 0 || (*v >> 32) != 0) {
                    error(std::string(progname_) + ": encryption delay " + value + " is unlikely");
                } else {
                    o_.auth_delay = *v;
                }
                break;
            }
            case 'k': o_.key_file = value; break;
            case 'U': o_.run_as = value; break;
            case 'o': o_.version = static_cast<int>(classic_atoi(value)); break;
            case 'p': {
                long n = classic_atoi(value);
                if (n <= 0 || n > ntp::oneshot::max_samples) {
                    error(std::string(progname_) + ": number of samples (" + std::to_string(n) +
                          ") is invalid");
                } else {
                    o_.samples = static_cast<int>(n);
                }
                break;
            }
            case 't': {
                auto v = parse_decimal_lfp(value);
                if (!v) {
                    error(std::string(progname_) + ": timeout " + value + " is undecodeable");
                } else {
                    o_.timeout_ticks = timeout_ticks_for(*v);
                }
                break;
            }
            default: break;
        }
    }

    void error(std::string line) {
        errors_.push_back(std::move(line));
        failed_ = true;
    }

    std::span<const std::string> args_;
    std::string_view progname_;
    Options o_;
    std::vector<std::string> errors_;
    bool failed_ = false;
};

}  // namespace

ParsedOptions parse_options(std::span<const std::string> args, std::string_view progname) {
    return Parser(args, progname).run();
}

std::string usage_line(std::string_view progname) {
    return "usage: " + std::string(progname) +
           " [-46bBdqsuv] [-a key#] [-e delay] [-k file] [-p samples] [-o version#] [-t timeo]"
           " server ...";
}

std::optional<ntp::oneshot::Lfp> parse_decimal_lfp(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
    std::uint64_t whole = 0;
    bool digits = false;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
        whole = whole * 10 + static_cast<unsigned>(text[i] - '0');
        if (whole > 0x7fffffff) return std::nullopt;
        digits = true;
    }
    // Fraction as an exact decimal, at most 18 digits, then scaled to 2^-32.
    std::uint64_t frac_num = 0, frac_den = 1;
    if (i < text.size() && text[i] == '.') {
        for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
            digits = true;
            if (frac_den < 1000000000000000000ull) {
                frac_num = frac_num * 10 + static_cast<unsigned>(text[i] - '0');
                frac_den *= 10;
            }
        }
    }
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (!digits || i != text.size()) return std::nullopt;
    auto frac = static_cast<std::uint64_t>(
        ((static_cast<unsigned __int128>(frac_num) << 32) + frac_den / 2) / frac_den);
    ntp::oneshot::Lfp v = static_cast<ntp::oneshot::Lfp>((whole << 32) + frac);
    return negative ? -v : v;
}

}  // namespace ntpdate
