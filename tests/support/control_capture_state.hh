#pragma once
// A ControlState with the values of the classic capture (a recording of
// classic ntpd 4.3.91 with `disable ntp`, association 11100 = chronyd at
// 10.200.0.1, 11101 = the LOCAL driver), a toy authenticator and a harness
// that sends requests to a ControlServer. Test-only.

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "libntp/wire/mode6.hh"
#include "libntp/wire/varlist.hh"
#include "ntpd/control/control_server.hh"
#include "ntpd/control/state.hh"
#include "tests/support/control_table_state.hh"

namespace ntpd::control::testing {

inline std::uint64_t ntp_ts(std::uint32_t s, std::uint32_t f) { return (std::uint64_t{s} << 32) | f; }

inline ntp::io::Endpoint ep(const char* addr, std::uint16_t port) {
    return ntp::io::Endpoint{*ntp::io::IpAddress::parse(addr), port, 0};
}

class FakeState : public TableState {
public:
    FakeState() {
        sys.leap = 3;
        sys.stratum = 3;
        sys.precision_log2 = -24;
        sys.root_delay_s = 0.058e-3;
        sys.root_dispersion_s = 1.045e-3;
        sys.refid = (10u << 24) | (200u << 16) | (0u << 8) | 1u;
        sys.reftime_ntp = ntp_ts(0xeeaca8ef, 0x825536d9);
        sys.sys_peer_assoc = 11100;
        sys.sys_peer_mode = 3;
        sys.poll_log2 = 6;
        sys.min_poll_log2 = 3;
        sys.sync_source = 6;
        sys.event_count = 1;
        sys.last_event = SystemEvent::restart;
        extras.sys_peer_address = ep("10.200.0.1", 123);

        PeerVariables up;
        up.assoc_id = 11100;
        up.status = 0x963a;
        up.source = ep("10.200.0.1", 123);
        up.local = ep("10.200.0.2", 123);
        up.leap = 0;
        up.stratum = 2;
        up.precision_log2 = -26;
        up.refid = (127u << 24) | (127u << 16) | (1u << 8) | 1u;
        up.reftime_ntp = ntp_ts(0xeeaca8ed, 0xca97d0db);
        up.rec_ntp = ntp_ts(0xeeaca8ef, 0x825536d9);
        up.reach = 0xff;
        up.hmode = 3;
        up.pmode = 4;
        up.hpoll_log2 = 6;
        up.ppoll_log2 = 6;
        up.headway = 338;
        up.offset_s = 15.2e-6;
        up.delay_s = 58.1e-6;
        up.dispersion_s = 964.2e-6;
        up.jitter_s = 1.1e-6;
        up.xleave_s = 71.3e-6;
        up.filter_delay_s = {60e-6, 61e-6, 50e-6, 52e-6, 49e-6, 51e-6, 50e-6, 41e-6};
        up.filter_offset_s = {20e-6, 18e-6, 11e-6, 9e-6, 21e-6, 12e-6, 13e-6, 10e-6};
        up.filter_dispersion_s = {0, 1.01e-3, 2.0e-3, 3.0e-3, 3.99e-3, 5.0e-3, 5.99e-3, 6.83e-3};
        up.timer_s = 12;
        up.received = 10;
        up.sent = 15;
        peers.push_back(up);

        PeerVariables local;
        local.assoc_id = 11101;
        local.status = 0x8011;
        local.source = ep("127.127.1.0", 123);
        local.local = ep("127.0.0.1", 123);
        local.refclock = true;
        local.leap = 3;
        local.stratum = 10;
        local.precision_log2 = -24;
        local.refid = ('L' << 24) | ('O' << 16) | ('C' << 8) | 'L';
        local.hmode = 3;
        local.pmode = 4;
        local.hpoll_log2 = 6;
        local.ppoll_log2 = 6;
        local.flash = 0x1200;
        local.ttl = 0;
        local.dispersion_s = 15.9375;
        local.filter_dispersion_s.fill(16.0);
        peers.push_back(local);

        ClockVariables clk;
        clk.assoc_id = 11101;
        clk.device = "Undisciplined local clock";
        clk.type = 1;
        clk.fudge_stratum = 10;
        clk.fudge_refid = local.refid;
        clocks.push_back(clk);
    }
};

namespace m6 = ntp::wire::mode6;

inline constexpr std::uint64_t now = (std::uint64_t{0xeeaca8f3} << 32) | 0x606810e9;

// A toy MAC for the tests: 16 octets derived from the data and the key id.
// Keys 1 and 2 are "trusted".
class FakeAuth : public Authenticator {
public:
    static std::vector<std::uint8_t> digest(std::uint32_t key, std::span<const std::uint8_t> data) {
        std::uint32_t sum = key * 2654435761u;
        for (auto b : data) sum = sum * 31 + b;
        std::vector<std::uint8_t> d(16);
        for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<std::uint8_t>((sum >> (i % 4 * 8)) + i);
        return d;
    }
    bool verify(std::uint32_t key, std::span<const std::uint8_t> data,
                std::span<const std::uint8_t> dig, const ntp::io::Endpoint&) override {
        if (key != 1 && key != 2) return false;
        const auto want = digest(key, data);
        return std::equal(want.begin(), want.end(), dig.begin(), dig.end());
    }
    std::size_t sign(std::uint32_t key, std::span<const std::uint8_t> data,
                     std::span<std::uint8_t> out) override {
        const auto d = digest(key, data);
        std::copy(d.begin(), d.end(), out.begin());
        return d.size();
    }
};

inline ServerConfig classic_config() {
    ServerConfig c;
    c.version = "ntpd 4.3.91-o Sat Nov 21 22:42:17 UTC 2026 (3)";
    c.processor = "x86_64";
    c.os = "Linux/6.18.44-fc-v595";
    c.control_key = 1;
    return c;
}

inline const std::vector<std::uint8_t> secret(16, 0x5a);

struct Ask {
    m6::Opcode op = m6::Opcode::read_var;
    std::uint16_t assoc = 0;
    std::string text = {};
    std::uint16_t seq = 7;
    std::uint8_t version = 2;
    std::optional<std::uint32_t> key = std::nullopt;  // sign the request with this key
    bool bad_digest = false;
    ntp::io::Endpoint source = ep("127.0.0.1", 40000);
    std::uint32_t flags = 0;
    std::uint64_t at = now;
};

struct Harness {
    FakeState state;
    FakeAuth auth;
    ControlServer server;

    explicit Harness(ServerConfig cfg = classic_config())
        : server(std::move(cfg), state, &auth, secret, 42) {}

    static std::vector<std::uint8_t> request(const Ask& a) {
        m6::Header h;
        h.version = a.version;
        h.opcode = static_cast<std::uint8_t>(a.op);
        h.sequence = a.seq;
        h.assoc_id = a.assoc;
        auto d = m6::encode_message(h, std::string_view(a.text));
        if (a.key) {
            m6::pad_for_mac(d);
            auto dig = FakeAuth::digest(*a.key, d);
            if (a.bad_digest) dig[0] ^= 1;
            m6::append_mac(d, *a.key, dig);
        }
        return d;
    }

    std::vector<std::vector<std::uint8_t>> send(const std::vector<std::uint8_t>& d, const Ask& a) {
        return server.handle(Request{d, a.source, a.flags, a.at});
    }
    std::vector<std::vector<std::uint8_t>> ask(const Ask& a) { return send(request(a), a); }
};

// Reassembled text of a reply; checks the framing of every datagram on the way.
inline std::string text_of(const std::vector<std::vector<std::uint8_t>>& replies) {
    m6::Reassembler r(256, 256 * m6::max_data_len);
    for (const auto& d : replies) {
        REQUIRE(d.size() % 4 == 0);
        REQUIRE(d.size() <= m6::max_datagram_len);
        auto m = m6::decode_message(d);
        REQUIRE(m);
        REQUIRE(m->header.response);
        r.add(*m);
    }
    REQUIRE(r.complete());
    auto data = r.data();
    return {data.begin(), data.end()};
}

inline m6::Header header_of(const std::vector<std::uint8_t>& d) { return *m6::decode_header(d); }

// The items of a reply text exactly as the server put them ("name=value"),
// split at the ", " and ",\r\n" separators outside quotes.
inline std::vector<std::string> items_of(std::string text) {
    if (text.size() >= 2 && text.compare(text.size() - 2, 2, "\r\n") == 0) text.resize(text.size() - 2);
    std::vector<std::string> out;
    if (text.empty()) return out;
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        if (ch == '"') quoted = !quoted;
        if (!quoted && ch == ',' && (text.compare(i, 2, ", ") == 0 || text.compare(i, 3, ",\r\n") == 0)) {
            out.push_back(cur);
            cur.clear();
            i += text[i + 1] == ' ' ? 1 : 2;
            continue;
        }
        cur.push_back(ch);
    }
    out.push_back(cur);
    return out;
}

inline std::uint8_t error_of(const std::vector<std::vector<std::uint8_t>>& replies) {
    REQUIRE(replies.size() == 1);
    auto h = header_of(replies[0]);
    REQUIRE(h.error);
    CHECK(h.count == 0);
    return static_cast<std::uint8_t>(h.status >> 8);
}

}  // namespace ntpd::control::testing
