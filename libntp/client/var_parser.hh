#pragma once
// Client-side parsing of mode 6 text replies with the exact rules of classic
// ntpq's nextvar(), so odd or hostile replies print the way they always did:
//
//   * items are separated by ',' and any control/space characters;
//   * a name runs to '=' or ','; CR and LF end an item;
//   * a value may mix unquoted and quoted parts (quotes are kept in the
//     value); a quoted part ends at '"', and a CR, LF or the end of the data
//     inside a quote ends parsing altogether ("no closing quote");
//   * names and values are stripped of surrounding white space;
//   * a name of 256 octets or more, or a value of 2048 or more, skips that
//     item (classic "runaway" rule) and parsing continues;
//   * a NUL octet ends the data.
//
// Pure function, bounds checked, never throws on network input.

#include <string>
#include <string_view>
#include <vector>

namespace ntp::client {

struct Var {
    std::string name;
    std::string value;  // empty when the item had no '='
};

inline constexpr std::size_t max_var_name_len = 256;   // classic MAXVARLEN
inline constexpr std::size_t max_var_value_len = 2048; // classic MAXVALLEN

// `problems`, when given, receives classic diagnostics such as
// "nextvar: no closing quote, stop: 'x...'" (at most 50 octets of context).
std::vector<Var> parse_vars(std::string_view data, std::vector<std::string>* problems = nullptr);

// The value of the first variable called `name`, or nullptr.
const std::string* find_var(const std::vector<Var>& vars, std::string_view name);

// `"text"` -> `text`; a value without surrounding quotes is returned as is.
std::string_view unquoted(std::string_view value);

}  // namespace ntp::client
