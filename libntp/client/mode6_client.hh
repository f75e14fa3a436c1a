#pragma once
// Talking mode 6 to one server over a Channel: the request/response logic of classic
// ntpq (sendrequest/getresponse/doqueryex): sequence numbers, fragment
// collection with a 5 s first / 3 s later timeout, one automatic retry,
// classic error codes. Every reply is bounds checked: short, unpadded,
// mismatched or overlapping datagrams are ignored, never trusted.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libntp/client/channel.hh"

namespace ntp::client {

// Result codes beyond the server's error codes (classic ERR_*).
namespace query_code {
inline constexpr int ok = 0;
inline constexpr int local_failure = -1;  // message already printed (send/read error, no key)
inline constexpr int interrupted = -2;    // SIGINT while waiting
inline constexpr int unspecified = 256;
inline constexpr int incomplete = 257;
inline constexpr int timeout = 258;
inline constexpr int too_much = 259;
}  // namespace query_code

struct QueryResult {
    int code = query_code::ok;  // 0, 1..7 (server error code), or query_code::*
    std::uint16_t status = 0;
    std::vector<std::uint8_t> data;
    std::string_view text() const {
        return {reinterpret_cast<const char*>(data.data()), data.size()};
    }
};

// Signs an authenticated request: receives the request padded to a multiple
// of 8 octets and returns key ID + digest, or nullopt after printing why
// (classic "Invalid key identifier", "Invalid password", ...).
using RequestSigner =
    std::function<std::optional<std::vector<std::uint8_t>>(std::span<const std::uint8_t>)>;

// Classic ntpq's message for a code, e.g. "***Request timed out".
std::string query_error_text(int code, std::uint16_t assoc_id);

class Mode6Client {
public:
    struct Settings {
        std::chrono::milliseconds primary_timeout{5000};
        std::chrono::milliseconds secondary_timeout{3000};
        int version = 2;  // VN in requests (classic NTP_OLDVERSION + 1)
        int retries = 1;  // further tries after a timeout or an incomplete answer
        int debug = 0;
    };

    // `diag` receives stderr text (timeouts, read errors, debug lines).
    Mode6Client(Channel& channel, std::string host_label, std::function<void(const std::string&)> diag,
                std::string program_name = "ntpq");

    Settings& settings() { return settings_; }

    // One query with classic retry behaviour. `signer` non-null makes the
    // request authenticated. Does not print the final error message: callers
    // use query_error_text() unless they want to stay quiet.
    QueryResult query(std::uint8_t opcode, std::uint16_t assoc_id, std::string_view data,
                      const RequestSigner* signer);

    std::uint16_t sequence() const { return sequence_; }

private:
    int send_request(std::uint8_t opcode, std::uint16_t assoc_id, std::string_view data,
                     const RequestSigner* signer);
    QueryResult collect(std::uint8_t opcode, bool report_timeouts);

    Channel& channel_;
    std::string host_;
    std::function<void(const std::string&)> diag_;
    std::string program_;
    Settings settings_;
    std::uint16_t sequence_ = 0;
};

}  // namespace ntp::client
