#pragma once
// The text payload of mode 6 requests (client -> server): "stratum,offset"
// or "nonce=..., frags=32, addr.0=1.2.3.4:123"; separators are commas and/or
// whitespace. Responses are read by libntp/client/var_parser.
//
// Pure text handling, bounds checked, never throws on network input.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ntp::wire::mode6 {

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

}  // namespace ntp::wire::mode6
