#include "libntp/util/script_options.hh"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <optional>

namespace ntp::util {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

const ScriptOption* find(std::span<const ScriptOption> options, std::string_view typed) {
    const std::string name = lower(typed);
    for (const auto& o : options) {
        if (name == o.long_name) return &o;
        if (name.size() == 1 && o.short_name != 0 && name[0] == o.short_name) return &o;
    }
    return nullptr;
}

// Getopt::Long PAT_INT: [-+]?_*[0-9][0-9_]*, underscores dropped, then 0+$arg.
std::optional<std::string> integer_text(std::string_view arg) {
    std::size_t i = 0;
    std::string digits;
    if (i < arg.size() && (arg[i] == '-' || arg[i] == '+')) {
        if (arg[i] == '-') digits += '-';
        ++i;
    }
    while (i < arg.size() && arg[i] == '_') ++i;
    if (i >= arg.size() || !std::isdigit(static_cast<unsigned char>(arg[i]))) return std::nullopt;
    for (; i < arg.size(); ++i) {
        if (arg[i] == '_') continue;
        if (!std::isdigit(static_cast<unsigned char>(arg[i]))) return std::nullopt;
        digits += arg[i];
    }
    errno = 0;
    const long long v = std::strtoll(digits.c_str(), nullptr, 10);
    return std::to_string(v);
}

struct Cursor {
    std::span<const std::string> args;
    std::size_t next = 0;
};

// One option argument (without its leading dashes); may take the next argument.
void take_option(std::span<const ScriptOption> options, std::string_view starter, std::string_view body,
                 Cursor& cur, ScriptArgs& out) {
    const auto eq = body.find('=');
    const std::string_view typed = body.substr(0, eq);
    std::optional<std::string_view> optarg;
    if (eq != std::string_view::npos) optarg = body.substr(eq + 1);
    if (typed.empty()) {
        out.warnings.push_back("Missing option after " + std::string(starter));
        return;
    }
    const ScriptOption* o = find(options, typed);
    if (o == nullptr) {
        out.warnings.push_back("Unknown option: " + std::string(typed));
        return;
    }
    const std::string name = lower(typed);  // Getopt::Long names the option in lower case
    if (o->kind == ScriptOption::Kind::flag) {
        if (optarg)
            out.warnings.push_back("Option " + name + " does not take an argument");
        else
            out.values[std::string(o->long_name)] = "1";
        return;
    }
    if (optarg ? optarg->empty() : cur.next >= cur.args.size()) {
        out.warnings.push_back("Option " + name + " requires an argument");
        return;
    }
    const std::string value = optarg ? std::string(*optarg) : cur.args[cur.next++];
    if (o->kind == ScriptOption::Kind::string) {
        out.values[std::string(o->long_name)] = value;
        return;
    }
    if (auto n = integer_text(value))
        out.values[std::string(o->long_name)] = *n;
    else
        out.warnings.push_back("Value \"" + value + "\" invalid for option " + name + " (number expected)");
}

}  // namespace

long long ScriptArgs::integer(std::string_view name, long long fallback) const {
    auto it = values.find(name);
    return it == values.end() ? fallback : std::strtoll(it->second.c_str(), nullptr, 10);
}

std::string ScriptArgs::string(std::string_view name, std::string fallback) const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
}

ScriptArgs parse_script_options(std::span<const ScriptOption> options, std::span<const std::string> args) {
    ScriptArgs out;
    Cursor cur{args, 0};
    while (cur.next < args.size()) {
        const std::string& arg = args[cur.next++];
        if (arg == "--") {
            out.operands.insert(out.operands.end(), args.begin() + static_cast<std::ptrdiff_t>(cur.next),
                                args.end());
            break;
        }
        if (arg.size() < 2 || arg[0] != '-') {
            out.operands.push_back(arg);
            continue;
        }
        const std::size_t dashes = arg.starts_with("--") ? 2 : 1;
        take_option(options, std::string_view(arg).substr(0, dashes), std::string_view(arg).substr(dashes),
                    cur, out);
    }
    return out;
}

}  // namespace ntp::util
