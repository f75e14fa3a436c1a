#pragma once
// The text payload of mode 6 messages: comma separated `name=value` items.
//
//   Responses (server -> client): "srcadr=10.0.0.1, srcport=123,\r\nversion=\"x, y\""
//     items are separated by commas; whitespace (incl. CR/LF) around names and
//     values is not part of them; a quoted value may contain commas.
//   Requests (client -> server): "stratum,offset" or "nonce=..., frags=32,
//     addr.0=1.2.3.4:123"; separators are commas and/or whitespace.
//
// Pure text handling, bounds checked, never throws on network input.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ntp::wire::mode6 {

struct Variable {
    std::string name;
    std::string value;   // as sent, quotes kept: version="ntpd 4.2.8" -> "\"ntpd 4.2.8\""
    bool has_value = false;  // "name=" or "name=x" (false for a bare "name")
    bool operator==(const Variable&) const = default;
};

// Parses a response payload (ntpq's nextvar rules). Tolerant: empty items are
// skipped, NUL octets end the text, an unterminated quote runs to the end.
std::vector<Variable> parse_variables(std::string_view text);

// `"text"` -> `text`; a value without surrounding quotes is returned as is.
std::string_view unquote(std::string_view value);

// One item of a request list; views point into the request text.
struct RequestItem {
    std::string_view name;
    std::optional<std::string_view> value;  // set when the name is followed by '='
};

// Parses a request payload (classic ctl_getitem rules): names separated by
// commas and/or whitespace, each optionally followed by "=value" (a value runs
// to the next comma, surrounding whitespace trimmed). std::nullopt (the caller
// answers BADFMT) when a name or value exceeds `max_len` octets or the text
// holds control characters other than CR/LF/TAB.
std::optional<std::vector<RequestItem>> parse_request_items(std::string_view text,
                                                            std::size_t max_len = 128);

// Joins items for a request: "a,b=1,c" (no spaces, like classic ntpq).
std::string join_request_items(const std::vector<Variable>& items);

}  // namespace ntp::wire::mode6
