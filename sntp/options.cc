#include "sntp/options.hh"

#include <cerrno>
#include <cstdlib>

#include "config.h"

namespace sntp {

namespace {

struct Flag {
    char short_name;
    const char* long_name;
    bool takes_arg;
};

constexpr Flag flags[] = {
    {'4', "ipv4", false},      {'6', "ipv6", false},        {'a', "authentication", true},
    {'c', "concurrent", true}, {'d', "debug-level", false}, {'g', "gap", true},
    {'K', "kod", true},        {'k', "keyfile", true},      {'l', "logfile", true},
    {'M', "steplimit", true},  {'o', "ntpversion", true},   {'r', "usereservedport", false},
    {'S', "step", false},      {'s', "slew", false},        {'t', "timeout", true},
    {'W', "wait", false},      {'w', "no-wait", false},
};

const Flag* by_short(char c) {
    for (const Flag& f : flags) {
        if (f.short_name == c && c != 'W' && c != 'w') return &f;
    }
    return nullptr;
}

const Flag* by_long(const std::string& name) {
    for (const Flag& f : flags) {
        if (name == f.long_name) return &f;
    }
    return nullptr;
}

// AutoOpts' number check: the whole text is a (decimal, octal or hex) number.
std::optional<long> number(const std::string& text) {
    if (text.empty()) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    long v = std::strtol(text.c_str(), &end, 0);
    if (errno != 0 || *end != '\0') return std::nullopt;
    return v;
}

class Parser {
  public:
    explicit Parser(std::string progname) : progname_(std::move(progname)) {}

    ParsedOptions run(const std::vector<std::string>& args);

  private:
    bool apply(const Flag& f, const std::string& value);
    bool set_number(const std::string& value, const char* name, long low, long high, long& out);
    void usage_error(std::vector<std::string> lead);

    std::string progname_;
    Options o_;
    ParsedOptions result_;
};

// AutoOpts: the complaint, then the short usage, on stderr; exit 1.
void Parser::usage_error(std::vector<std::string> lead) {
    result_.errors = std::move(lead);
    result_.errors.push_back(
        "sntp - standard Simple Network Time Protocol client program - Ver. " PACKAGE_VERSION);
    result_.errors.push_back("Usage:  sntp [ -<flag> [<val>] | --<name>[{=| }<val>] ]... \\");
    result_.errors.push_back("\t\t[ hostname-or-IP ...]");
    result_.errors.push_back("Try 'sntp --help' for more information.");
    result_.exit_status = 1;
}

bool Parser::set_number(const std::string& value, const char* name, long low, long high,
                        long& out) {
    auto v = number(value);
    if (!v) {
        usage_error({"sntp error:  '" + value + "' is not a recognizable number."});
        return false;
    }
    if (*v < low || *v > high) {
        std::string range = high == 0x7fffffff
                                ? "greater than or equal to " + std::to_string(low)
                                : std::to_string(low) + " to " + std::to_string(high);
        usage_error(
            {"sntp error:  " + std::string(name) + " option value " + value + " is out of range.",
             "it must be in the range:", "\t" + range});
        return false;
    }
    out = *v;
    return true;
}

bool Parser::apply(const Flag& f, const std::string& v) {
    long n = 0;
    constexpr long any = 0x7fffffff;
    switch (f.short_name) {
        case '4':
            o_.family = ntp::oneshot::AddressFamily::v4;
            return true;
        case '6':
            o_.family = ntp::oneshot::AddressFamily::v6;
            return true;
        case 'a':
            if (!set_number(v, f.long_name, -any, any, n)) return false;
            o_.auth_key = n;
            return true;
        case 'c':
            o_.concurrent.push_back(v);
            return true;
        case 'd':
            ++o_.debug;
            return true;
        case 'g':
            if (!set_number(v, f.long_name, -any, any, n)) return false;
            o_.gap_ms = static_cast<int>(n);
            return true;
        case 'K':
            o_.kod_file = v;
            return true;
        case 'k':
            o_.key_file = v;
            return true;
        case 'l':
            o_.log_file = v;
            return true;
        case 'M':
            if (!set_number(v, f.long_name, 0, any, n)) return false;
            o_.steplimit_ms = static_cast<double>(n);
            return true;
        case 'o':
            if (!set_number(v, f.long_name, 0, 7, n)) return false;
            o_.version = static_cast<int>(n);
            return true;
        case 'r':
            o_.reserved_port = true;
            return true;
        case 'S':
            o_.step = true;
            return true;
        case 's':
            o_.slew = true;
            return true;
        case 't':
            if (!set_number(v, f.long_name, -any, any, n)) return false;
            o_.timeout_s = static_cast<int>(n);
            return true;
        case 'W':
            o_.wait = true;
            return true;
        case 'w':
            o_.wait = true;
            return true;  // classic's quirk, see options.hh
    }
    return false;
}

ParsedOptions Parser::run(const std::vector<std::string>& args) {
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (a.size() < 2 || a[0] != '-') break;
        if (a[1] == '-') {
            std::string name = a.substr(2), value;
            auto eq = name.find('=');
            if (eq != std::string::npos) {
                value = name.substr(eq + 1);
                name.resize(eq);
            }
            const Flag* f = by_long(name);
            if (f == nullptr) {
                usage_error({progname_ + ": illegal option -- " + name});
                return std::move(result_);
            }
            if (f->takes_arg && eq == std::string::npos) {
                if (i + 1 >= args.size()) {
                    usage_error({progname_ + ": option requires an argument -- " + name});
                    return std::move(result_);
                }
                value = args[++i];
            }
            if (!apply(*f, value)) return std::move(result_);
            continue;
        }
        for (std::size_t k = 1; k < a.size(); ++k) {
            const Flag* f = by_short(a[k]);
            if (f == nullptr) {
                usage_error({progname_ + ": illegal option -- " + a[k]});
                return std::move(result_);
            }
            std::string value;
            if (f->takes_arg) {
                if (k + 1 < a.size())
                    value = a.substr(k + 1);
                else if (i + 1 < args.size())
                    value = args[++i];
                else {
                    usage_error({progname_ + ": option requires an argument -- " + a[k]});
                    return std::move(result_);
                }
                if (!apply(*f, value)) return std::move(result_);
                break;
            }
            if (!apply(*f, value)) return std::move(result_);
        }
    }
    for (; i < args.size(); ++i) o_.servers.push_back(args[i]);
    result_.options = o_;
    return std::move(result_);
}

}  // namespace

ParsedOptions parse_options(const std::vector<std::string>& args, const std::string& progname) {
    return Parser(progname).run(args);
}

}  // namespace sntp
