#pragma once
// The association list: decoding the READSTAT reply and printing it the way
// classic ntpq's `associations` does (printassoc in ntpq-subs.c).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "libntp/client/queries.hh"

namespace ntpq {

using ntp::client::Association;
using ntp::client::decode_associations;

// Header plus one row per association ("ind assid status  conf reach auth
// condition  last_event cnt"); `show_all` false hides associations with
// neither the conf nor the reach bit (as `associations` does), true shows all
// (`lassociations`). Classic prints "No association ID's in list" for none.
std::string format_associations(const std::vector<Association>& list, bool show_all,
                                int packet_version);

}  // namespace ntpq
