#include "libntp/config/line_parser.hh"

#include <charconv>
#include <cmath>

namespace ntp::config::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string quoted(std::string_view s) {
    // Keep diagnostics one line and readable even for junk tokens.
    std::string out = "'";
    for (char c : s.substr(0, 64)) out += c;
    if (s.size() > 64) out += "...";
    return out + "'";
}

bool host_name_chars_ok(std::string_view s) {
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
                        c == '.' || c == '-' || c == '_';
        if (!ok) return false;
    }
    return !s.empty();
}

}  // namespace

std::optional<long long> parse_integer(std::string_view text) {
    if (text.empty()) return std::nullopt;
    long long value = 0;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        const auto body = text.substr(2);
        auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value, 16);
        if (ec != std::errc() || ptr != body.data() + body.size()) return std::nullopt;
        return value;
    }
    std::string_view body = text;
    if (body[0] == '+') body.remove_prefix(1);
    if (body.empty() || (body[0] == '-' && body.size() == 1)) return std::nullopt;
    auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value, 10);
    if (ec != std::errc() || ptr != body.data() + body.size()) return std::nullopt;
    return value;
}

std::optional<double> parse_double(std::string_view text) {
    // Validate the classic shape first: from_chars alone would accept "inf",
    // "nan" and hex floats, which ntp.conf never meant.
    std::size_t i = 0;
    const std::size_t n = text.size();
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    std::size_t digits = 0;
    while (i < n && is_digit(text[i])) ++i, ++digits;
    if (i < n && text[i] == '.') {
        ++i;
        while (i < n && is_digit(text[i])) ++i, ++digits;
    }
    if (digits == 0) return std::nullopt;
    if (i < n && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
        std::size_t exp_digits = 0;
        while (i < n && is_digit(text[i])) ++i, ++exp_digits;
        if (exp_digits == 0) return std::nullopt;
    }
    if (i != n) return std::nullopt;
    std::string_view body = text[0] == '+' ? text.substr(1) : text;
    double value = 0;
    auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
    if (ec != std::errc() || ptr != body.data() + body.size() || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

const Token* LineParser::take_value(const Token& option) {
    if (at_end()) {
        fail_at_end("missing value after " + quoted(option.text));
        return nullptr;
    }
    return &take();
}

std::optional<long long> LineParser::take_integer(const Token& option) {
    const Token* v = take_value(option);
    if (!v) return std::nullopt;
    auto value = parse_integer(v->text);
    if (!value) {
        fail(*v, quoted(option.text) + " needs an integer, not " + quoted(v->text));
        return std::nullopt;
    }
    return value;
}

std::optional<long long> LineParser::take_integer_in(const Token& option, long long min,
                                                     long long max) {
    const Token* v = take_value(option);
    if (!v) return std::nullopt;
    auto value = parse_integer(v->text);
    if (!value) {
        fail(*v, quoted(option.text) + " needs an integer, not " + quoted(v->text));
        return std::nullopt;
    }
    if (*value < min || *value > max) {
        fail(*v, quoted(option.text) + " value " + v->text + " is out of range [" +
                     std::to_string(min) + "-" + std::to_string(max) + "]");
        return std::nullopt;
    }
    return value;
}

std::optional<double> LineParser::take_double(const Token& option) {
    const Token* v = take_value(option);
    if (!v) return std::nullopt;
    auto value = parse_double(v->text);
    if (!value) {
        fail(*v, quoted(option.text) + " needs a number, not " + quoted(v->text));
        return std::nullopt;
    }
    return value;
}

std::optional<double> LineParser::take_nonnegative(const Token& option) {
    auto value = take_double(option);
    if (value && *value < 0) {
        untake();
        fail(take(), quoted(option.text) + " cannot be negative");
        return std::nullopt;
    }
    return value;
}

bool LineParser::unknown_option(const Token& t) {
    return fail(t, "unknown option " + quoted(t.text) + " for " + quoted(directive().text));
}

bool LineParser::expect_end() {
    if (at_end()) return true;
    const Token& t = take();
    return fail(t, "unexpected " + quoted(t.text) + " at the end of " +
                       quoted(directive().text) + " line");
}

bool read_host(LineParser& p, const Token& t, AddressFamily family, HostAddress& out) {
    std::string_view text = t.text;
    const bool bracketed = !t.quoted && !text.empty() && text.front() == '[';
    if (bracketed) {
        if (text.back() != ']' || text.size() < 2) {
            return p.fail(t, "missing ']' after IPv6 address " + quoted(text));
        }
        text = text.substr(1, text.size() - 2);
        auto ip = parse_ip(text);
        if (!ip || !ip->is_v6()) {
            return p.fail(t, quoted(t.text) + " is not a valid IPv6 address");
        }
        out.text = std::string(text);
        out.numeric = ip;
    } else {
        if (text.empty()) return p.fail(t, "empty address");
        out.text = std::string(text);
        out.numeric = parse_ip(text);
        if (!out.numeric) {
            if (looks_like_ipv4(text)) {
                return p.fail(t, quoted(text) + " is not a valid IPv4 address");
            }
            if (text.find(':') != std::string_view::npos) {
                return p.fail(t, quoted(text) + " is not a valid IPv6 address");
            }
            if (text.find(']') != std::string_view::npos) {
                return p.fail(t, "unbalanced ']' in address " + quoted(text));
            }
            if (!host_name_chars_ok(text)) {
                p.warn(t, quoted(text) + " does not look like a host name; it will not resolve");
            }
        }
    }
    if (out.numeric && family == AddressFamily::ipv4 && out.numeric->is_v6()) {
        return p.fail(t, "-4 given but " + quoted(out.text) + " is an IPv6 address");
    }
    if (out.numeric && family == AddressFamily::ipv6 && out.numeric->is_v4()) {
        return p.fail(t, "-6 given but " + quoted(out.text) + " is an IPv4 address");
    }
    return true;
}

}  // namespace ntp::config::detail
