#pragma once
// The association list: decoding the READSTAT reply and printing it the way
// classic ntpq's `associations` does (printassoc in ntpq-subs.c).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ntpq {

struct Association {
    std::uint16_t assoc_id = 0;
    std::uint16_t status = 0;
    bool operator==(const Association&) const = default;
};

// (assoc ID, status) pairs in network order, sorted by ID like classic.
// nullopt when the length is not a multiple of 4.
std::optional<std::vector<Association>> decode_associations(std::span<const std::uint8_t> data);

// Header plus one row per association ("ind assid status  conf reach auth
// condition  last_event cnt"); `show_all` false hides associations with
// neither the conf nor the reach bit (as `associations` does), true shows all
// (`lassociations`). Classic prints "No association ID's in list" for none.
std::string format_associations(const std::vector<Association>& list, bool show_all,
                                int packet_version);

}  // namespace ntpq
