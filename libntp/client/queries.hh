#pragma once
// The common mode 6 reads of the tools, on top of Mode6Client: the
// association list (READSTAT), the variables of the system or of one
// association (READVAR), and the READSTAT list decoder ntpq prints from.
// Failures come back as a Status whose code is the query code and whose
// message is classic ntpq's text ("***Request timed out").

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libntp/client/mode6_client.hh"
#include "libntp/client/status.hh"
#include "libntp/client/var_parser.hh"

namespace ntp::client {

struct Association {
    std::uint16_t assoc_id = 0;
    std::uint16_t status = 0;
    bool operator==(const Association&) const = default;
};

// (assoc ID, status) pairs in network order, sorted by ID like classic.
// nullopt when the length is not a multiple of 4.
std::optional<std::vector<Association>> decode_associations(std::span<const std::uint8_t> data);

struct VarReply {
    std::uint16_t status = 0;  // the status word of the reply
    std::vector<Var> vars;
    std::string text;          // the reply as sent
};

// READVAR of `names` ("" = the server's default list) for `assoc_id`
// (0 = the system).
Result<VarReply> read_vars(Mode6Client& client, std::uint16_t assoc_id, std::string_view names = {});

// READSTAT: every association with its status word.
Result<std::vector<Association>> read_associations(Mode6Client& client);

// The Status for a failed QueryResult.
Status query_status(const QueryResult& r, std::uint16_t assoc_id);

}  // namespace ntp::client
