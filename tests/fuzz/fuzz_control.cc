// libFuzzer target: ntpd's mode 6 control server, the whole request -> reply
// path (ntpd/control/control_server.hh: header checks, MAC detection, every opcode's
// request parser, variable lists, MRU parameters, fragmentation), plus the
// mode 6 header codec on the same bytes (libntp/wire/mode6.hh).
//
// Input: one option octet, then the request datagram.
//   bits 0-1  source: 127.0.0.1, 192.0.2.10, ::1, 2001:db8::10
//   bit 2/3/4 restrict nomodify / notrap / nomrulist
//   bit 5     a reply budget of 1024 octets (the amplification limit), else none
//   bit 6     replace the 24 '@' of a "nonce=@@@..." with a valid nonce, so
//             READ_MRU gets past the nonce check
// A MAC with key 1 and a digest of sixteen 0xa5 octets "verifies" (a toy
// authenticator), so the authenticated opcodes are reachable too.
//
// Invariants: requests classic drops get no reply; every reply datagram is a
// well-formed response (multiple of 4, at most 504 octets, R set, same
// opcode, sequence, version) that a client reassembles completely; error
// replies are one datagram without data; unauthenticated replies to remote
// sources respect the amplification limit; nomodify never reaches configure.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libntp/config/ntp_config.hh"
#include "libntp/io/endpoint.hh"
#include "libntp/wire/mode6.hh"
#include "ntpd/control/control_server.hh"
#include "ntpd/control/state.hh"
#include "tests/support/control_table_state.hh"
#include "tests/fuzz/fuzz_support.hh"

namespace m6 = ntp::wire::mode6;
namespace rflag = ntp::config::restrict_flag;
using namespace ntpd::control;

namespace {

constexpr std::uint64_t now_ntp = (std::uint64_t{0xeeaca8f3} << 32) | 0x606810e9;
constexpr std::uint32_t control_key = 1;
constexpr std::uint8_t toy_digest_octet = 0xa5;
constexpr std::size_t budget_bytes = 1024;

ntp::io::Endpoint ep(const char* addr, std::uint16_t port) {
    return ntp::io::Endpoint{*ntp::io::IpAddress::parse(addr), port, 0};
}

// A daemon with two servers, a LOCAL clock, a short MRU list, interfaces and
// restrictions: enough for every opcode to produce multi-fragment replies.
class FuzzState final : public ntpd::control::testing::TableState {
public:
    FuzzState() {
        sys.leap = 0;
        sys.stratum = 3;
        sys.precision_log2 = -24;
        sys.root_delay_s = 0.058e-3;
        sys.root_dispersion_s = 1.045e-3;
        sys.refid = (10u << 24) | (200u << 16) | 1u;
        sys.reftime_ntp = now_ntp - (std::uint64_t{20} << 32);
        sys.sys_peer_assoc = 11100;
        sys.sys_peer_mode = 3;
        sys.sync_source = 6;
        extras.sys_peer_address = ep("10.200.0.1", 123);
        extras.tai_offset_s = 37;

        for (std::uint16_t i = 0; i < 3; ++i) {
            PeerVariables p;
            p.assoc_id = static_cast<std::uint16_t>(11100 + i);
            p.status = i == 0 ? 0x963a : 0x9014;
            p.source = i == 2 ? ep("127.127.1.0", 123) : ep(i == 0 ? "10.200.0.1" : "2001:db8::7", 123);
            p.local = ep("10.200.0.2", 123);
            p.hostname = i == 1 ? "time.example" : "";
            p.refclock = i == 2;
            p.leap = 0;
            p.stratum = 2;
            p.refid = ntpd::refid_from_text("GPS");
            p.reach = 0xff;
            p.hmode = 3;
            p.pmode = 4;
            p.offset_s = 15.2e-6 * (i + 1);
            p.filter_delay_s.fill(50e-6);
            p.flash = 0x1200;
            p.ttl = i == 2 ? std::optional<int>(0) : std::nullopt;
            p.xleave_s = 71.3e-6;
            peers.push_back(p);
        }
        ClockVariables clk;
        clk.assoc_id = 11102;
        clk.device = "Undisciplined local clock";
        clk.type = 1;
        clk.timecode = "fuzz \"quoted\" timecode";
        clk.fudge_stratum = 10;
        clk.fudge_time1_s = 0.5;
        clocks.push_back(clk);

        for (unsigned i = 0; i < 40; ++i) {
            MruRow r;
            r.remote = ep(i % 2 ? "198.51.100.7" : "2001:db8::99", static_cast<std::uint16_t>(1000 + i));
            r.local = *ntp::io::IpAddress::parse("10.200.0.2");
            r.first_ntp = now_ntp - (std::uint64_t{400 - i} << 32);
            r.last_ntp = now_ntp - (std::uint64_t{40 - i} << 32);
            r.count = i + 1;
            r.mode_version = static_cast<std::uint8_t>((4 << 3) | 3);
            r.restrict_flags = i % 3 ? 0 : rflag::kod | rflag::limited;
            mru.push_back(r);
        }
        InterfaceStats lo;
        lo.name = "lo";
        lo.address = ep("127.0.0.1", 123);
        ifs.push_back(lo);
        InterfaceStats eth = lo;
        eth.name = "eth0";
        eth.address = ep("10.200.0.2", 123);
        eth.broadcast = ep("10.200.0.255", 123);
        ifs.push_back(eth);
        RestrictionRow any;
        any.address = ntp::io::IpAddress::any(ntp::io::Family::v4);
        any.mask = ntp::io::IpAddress::any(ntp::io::Family::v4);
        any.flags = "kod limited nomodify notrap nopeer noquery";
        res.push_back(any);
        kernel.available = true;
        kernel.pps_active = true;
        user_vars = {{"site", "\"fuzz lab\"", true}, {"rack", "7", false}};
    }
};

class ToyAuth final : public Authenticator {
public:
    bool verify(std::uint32_t key_id, std::span<const std::uint8_t>,
                std::span<const std::uint8_t> digest, const ntp::io::Endpoint&) override {
        return key_id == control_key && digest.size() == 16 &&
               std::all_of(digest.begin(), digest.end(),
                           [](std::uint8_t b) { return b == toy_digest_octet; });
    }
    std::size_t sign(std::uint32_t, std::span<const std::uint8_t>,
                     std::span<std::uint8_t> out) override {
        if (out.size() < 16) return 0;
        std::fill_n(out.begin(), 16, std::uint8_t{0x5a});
        return 16;
    }
};

// The mode 6 codec on the raw request: decoding never reads past the input
// and a header re-encodes to the same 12 octets.
void check_codec(std::span<const std::uint8_t> d) {
    const auto h = m6::decode_header(d);
    FUZZ_CHECK(h.has_value() == (d.size() >= m6::header_len));
    if (!h) return;
    std::array<std::uint8_t, m6::header_len> out{};
    m6::encode_header(*h, out);
    FUZZ_CHECK(std::equal(out.begin(), out.end(), d.begin()));
    const auto m = m6::decode_message(d);
    if (!m) return;
    FUZZ_CHECK(m->data.size() == h->count);
    FUZZ_CHECK(m6::header_len + m->data.size() <= d.size());
    if (m->mac) {
        FUZZ_CHECK(m->mac->digest.size() <= m6::max_mac_len - 4);
        FUZZ_CHECK(m->mac->signed_bytes.data() == d.data());
        FUZZ_CHECK(m->mac->signed_bytes.size() + 4 + m->mac->digest.size() == d.size());
    }
}

void check_replies(const std::vector<std::vector<std::uint8_t>>& replies, const m6::Header& req,
                   std::size_t request_size, bool authenticated_maybe, std::uint8_t options) {
    if (replies.empty()) return;
    // Requests classic never answers.
    FUZZ_CHECK(!req.response && !req.more && !req.error && req.offset == 0);
    FUZZ_CHECK(req.version >= 1 && req.version <= 4);

    m6::Reassembler whole(1024, 1024 * m6::max_data_len);
    std::size_t total = 0;
    bool is_error = false;
    for (std::size_t i = 0; i < replies.size(); ++i) {
        const auto& d = replies[i];
        total += d.size();
        FUZZ_CHECK(d.size() % 4 == 0);
        FUZZ_CHECK(d.size() <= m6::max_datagram_len);
        const auto m = m6::decode_message(d);
        FUZZ_CHECK(m.has_value());
        FUZZ_CHECK(m->header.response);
        FUZZ_CHECK(m->header.mode == m6::mode_control);
        FUZZ_CHECK(m->header.opcode == req.opcode);
        FUZZ_CHECK(m->header.sequence == req.sequence);
        FUZZ_CHECK(m->header.version == req.version);
        FUZZ_CHECK(m->header.count <= m6::max_data_len);
        FUZZ_CHECK(m->header.more == (i + 1 < replies.size()));
        if (m->header.error) {
            is_error = true;
            FUZZ_CHECK(replies.size() == 1);
            FUZZ_CHECK(m->header.count == 0);
        }
        const auto r = whole.add(*m);
        FUZZ_CHECK(r == m6::Reassembler::Result::accepted || r == m6::Reassembler::Result::complete ||
                   r == m6::Reassembler::Result::empty_more);
    }
    FUZZ_CHECK(whole.complete());
    const bool remote = (options & 1) != 0;
    const bool budget = (options & 0x20) != 0;
    if (budget && remote && !authenticated_maybe && !is_error &&
        req.opcode != static_cast<std::uint8_t>(m6::Opcode::read_mru))
        FUZZ_CHECK(total <= std::max(budget_bytes, request_size));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ntp::fuzz::InputReader in({data, size});
    const std::uint8_t options = in.byte();
    std::vector<std::uint8_t> datagram(in.rest().begin(), in.rest().end());
    check_codec(datagram);

    static const char* const sources[] = {"127.0.0.1", "192.0.2.10", "::1", "2001:db8::10"};
    Request request;
    request.source = ep(sources[options & 3], 40000);
    request.restrict_flags = ((options & 0x04) ? rflag::nomodify : 0) |
                             ((options & 0x08) ? rflag::notrap : 0) |
                             ((options & 0x10) ? rflag::nomrulist : 0);
    request.now_ntp = now_ntp;

    ServerConfig config;
    config.version = "ntpd 4.2.8p15 (fuzz)";
    config.processor = "x86_64";
    config.os = "Linux/6.1";
    config.control_key = control_key;
    config.reply_budget = (options & 0x20) != 0;
    config.reply_limits.burst_bytes = budget_bytes;
    FuzzState state;
    ToyAuth auth;
    static constexpr std::array<std::uint8_t, 16> secret{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    ControlServer server(config, state, &auth, secret, 42);

    if (options & 0x40) {
        static constexpr std::string_view placeholder = "nonce=@@@@@@@@@@@@@@@@@@@@@@@@";
        const std::string nonce = server.make_nonce(request.source, now_ntp);
        const auto at = std::search(datagram.begin(), datagram.end(), placeholder.begin(), placeholder.end());
        if (at != datagram.end() && nonce.size() == placeholder.size() - 6)
            std::copy(nonce.begin(), nonce.end(), at + 6);
    }
    request.datagram = datagram;
    const auto replies = server.handle(request);
    FUZZ_CHECK(server.counters().requests == 1);

    const auto req = m6::decode_header(datagram);
    if (!req) {
        FUZZ_CHECK(replies.empty());
        return 0;
    }
    // A MAC that the toy authenticator accepts may be present; the limit
    // does not apply to authenticated requests.
    const auto mac = m6::find_mac(datagram, req->count);
    const bool authenticated_maybe = mac && mac->key_id == control_key && mac->digest.size() == 16;
    check_replies(replies, *req, datagram.size(), authenticated_maybe, options);
    if (request.restrict_flags & rflag::nomodify) FUZZ_CHECK(!state.modified());
    return 0;
}
