#include "libntp/client/queries.hh"

#include <algorithm>

#include "libntp/wire/mode6.hh"

namespace ntp::client {

namespace m6 = ntp::wire::mode6;

std::optional<std::vector<Association>> decode_associations(std::span<const std::uint8_t> data) {
    if (data.size() % 4 != 0) return std::nullopt;
    std::vector<Association> out;
    out.reserve(data.size() / 4);
    for (std::size_t i = 0; i + 4 <= data.size(); i += 4) {
        out.push_back({static_cast<std::uint16_t>((data[i] << 8) | data[i + 1]),
                       static_cast<std::uint16_t>((data[i + 2] << 8) | data[i + 3])});
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Association& a, const Association& b) { return a.assoc_id < b.assoc_id; });
    return out;
}

Status query_status(const QueryResult& r, std::uint16_t assoc_id) {
    return Status(r.code, query_error_text(r.code, assoc_id));
}

Result<VarReply> read_vars(Mode6Client& client, std::uint16_t assoc_id, std::string_view names) {
    auto r = client.query(static_cast<std::uint8_t>(m6::Opcode::read_var), assoc_id, names, nullptr);
    if (r.code != query_code::ok) return query_status(r, assoc_id);
    VarReply out;
    out.status = r.status;
    out.text = std::string(r.text());
    out.vars = parse_vars(out.text);
    return out;
}

Result<std::vector<Association>> read_associations(Mode6Client& client) {
    auto r = client.query(static_cast<std::uint8_t>(m6::Opcode::read_status), 0, {}, nullptr);
    if (r.code != query_code::ok) return query_status(r, 0);
    auto list = decode_associations(r.data);
    if (!list) return Status(query_code::incomplete, "***Server sent a malformed association list");
    return *list;
}

}  // namespace ntp::client
