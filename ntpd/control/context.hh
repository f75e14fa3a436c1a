#pragma once
// Internal to the control server (control_server.cc, mru_list.cc): the
// state of one request being answered.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "libntp/wire/mode6.hh"
#include "ntpd/control/control_server.hh"

namespace ntpd::control {

struct ControlServer::Context {
    const Request& req;
    ntp::wire::mode6::Header request;
    std::span<const std::uint8_t> data;
    bool authenticated = false;
    std::uint32_t key_id = 0;
    ntp::wire::mode6::Header reply;
    std::optional<ntp::wire::mode6::ResponseBuilder> builder;
    std::vector<std::vector<std::uint8_t>> out;
    bool is_error = false;
    bool source_proven = false;

    Context(const Request& r, const ntp::wire::mode6::Header& h) : req(r), request(h) {}

    std::string_view text() const {
        return {reinterpret_cast<const char*>(data.data()), data.size()};
    }

    // The builder starts with reply.status as it is now: set it first.
    ntp::wire::mode6::ResponseBuilder& b() {
        if (!builder) builder.emplace(reply);
        return *builder;
    }
    void item(const std::string& s) { b().add_item(s); }
    void finish() { out = b().finish(); }
    void error(ntp::wire::mode6::ErrorCode code) {
        ntp::wire::mode6::Header h = reply;
        h.response = true;
        h.error = true;
        h.more = false;
        h.offset = 0;
        h.status = static_cast<std::uint16_t>(static_cast<unsigned>(code) << 8);
        out.clear();
        out.push_back(ntp::wire::mode6::encode_message(h, std::span<const std::uint8_t>{}));
        builder.reset();
        is_error = true;
    }
};

}  // namespace ntpd::control
