#pragma once
// Internal to libntp/config: a cursor over the tokens of one line with the
// value readers and error helpers every directive uses. A directive handler
// returns false after reporting an error; the caller then drops the line.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "libntp/config/diagnostic.hh"
#include "libntp/config/lexer.hh"
#include "libntp/config/ntp_config.hh"

namespace ntp::config::detail {

// Decimal with optional sign, or 0x hex; nullopt if not exactly that or out of
// the range of long long.
std::optional<long long> parse_integer(std::string_view text);
// [sign]digits[.digits][e[sign]digits], also ".5" and "5."; finite only.
std::optional<double> parse_double(std::string_view text);

class LineParser {
public:
    LineParser(const LexedLine& line, const std::string& file, Diagnostics& diags)
        : line_(line), file_(file), diags_(diags) {}

    const std::string& file() const { return file_; }
    int line_number() const { return line_.line; }
    const Token& directive() const { return line_.tokens.front(); }

    bool at_end() const { return pos_ >= line_.tokens.size(); }
    const Token* peek() const { return at_end() ? nullptr : &line_.tokens[pos_]; }
    const Token& take() { return line_.tokens[pos_++]; }
    // Puts the last taken token back.
    void untake() { --pos_; }

    SourceLocation where(const Token& t) const { return {file_, line_.line, t.column}; }
    SourceLocation end_where() const { return {file_, line_.line, line_.end_column}; }
    Origin origin() const { return {file_, line_.line}; }

    bool fail(const Token& t, std::string message) {
        diags_.error(where(t), std::move(message));
        return false;
    }
    bool fail_at_end(std::string message) {
        diags_.error(end_where(), std::move(message));
        return false;
    }
    void warn(const Token& t, std::string message) { diags_.warning(where(t), std::move(message)); }

    // The value after option `option` (a token already taken): reports
    // "missing value after 'minpoll'" when the line ends.
    const Token* take_value(const Token& option);
    // Integer value after `option`; errors for a missing or non-integer value.
    std::optional<long long> take_integer(const Token& option);
    // Integer in [min, max]; errors otherwise.
    std::optional<long long> take_integer_in(const Token& option, long long min, long long max);
    std::optional<double> take_double(const Token& option);
    // Non-negative number (seconds, ppm ...).
    std::optional<double> take_nonnegative(const Token& option);

    // "unknown option 'x' for 'server'"
    bool unknown_option(const Token& t);
    // Requires that the line ends here: "unexpected 'x' after ..."
    bool expect_end();

private:
    const LexedLine& line_;
    const std::string& file_;
    Diagnostics& diags_;
    std::size_t pos_ = 1;  // token 0 is the directive
};

// Reads an address or host name token: strips [brackets] around IPv6 (a
// missing ']' is an error), rejects malformed numeric addresses such as
// "255.255.255.999" or "1::2::3" instead of taking them for host names.
// With `family` ipv4/ipv6, a numeric address of the other family is an error.
bool read_host(LineParser& p, const Token& t, AddressFamily family, HostAddress& out);

// Mutable state shared by the handlers of one load.
struct ParseState {
    NtpConfig& config;
    Origin trustedkey_origin;  // line of the trustedkey currently in force
    bool have_trustedkey = false;
    // restrict lines for the same address and mask merge into one entry:
    // where each slot is in config.restrictions, so a file of 100 000 lines
    // is not read in quadratic time. Covers the first `restrict_indexed`
    // entries; the rest (added by someone else) are indexed on next use.
    std::unordered_map<std::string, std::size_t> restrict_slots = {};
    std::size_t restrict_indexed = 0;
};

using DirectiveHandler = bool (*)(LineParser&, ParseState&);

// Returns the handler for `name`, or nullptr for an unknown directive.
// includefile, end and simulate are handled by the parser itself.
DirectiveHandler find_directive(std::string_view name);

// Handlers grouped by file.
bool parse_association(LineParser& p, ParseState& s);   // server pool peer broadcast manycastclient
bool parse_refclock(LineParser& p, ParseState& s);      // NTPsec refclock NAME ...
bool parse_fudge(LineParser& p, ParseState& s);
bool parse_restrict(LineParser& p, ParseState& s);

}  // namespace ntp::config::detail
