// libFuzzer target: ntpq's side of mode 6 (ntpq/transport.hh, session.hh):
// reply validation, fragment reassembly, retries, and every parser and
// printer the replies feed (variable lists, association lists, the peer
// billboard, mrulist with its nonce exchange, ifstats/reslist, summaries).
//
// Input: one selector octet, then the server's datagrams, each as a 2-octet
// big-endian length and that many octets. The fake server hands them out in
// order, one per receive, whatever was asked; then it times out (instantly).
//   selector bit 7 clear: run ntpq command number (bits 0-4) of a fixed list
//                         in a Session; bit 5: `raw` first; bit 6: the
//                         datagrams keep their own sequence numbers (else
//                         each is stamped with the request's, so replies are
//                         not all discarded as stale)
//   selector bit 7 set:   one Mode6Client::query with opcode bits 0-4 of
//                         the selector and association ID 0; its result
//                         must be a server (0..255) or ntpq code and, when
//                         ok, at most 32 fragments' worth of data.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "libntp/wire/mode6.hh"
#include "libntp/wire/ntp_time.hh"
#include "ntpq/namer.hh"
#include "ntpq/session.hh"
#include "ntpq/client.hh"
#include "tests/fuzz/fuzz_support.hh"

namespace m6 = ntp::wire::mode6;

namespace {

class FuzzServer final : public ntpq::Channel {
public:
    FuzzServer(std::deque<std::vector<std::uint8_t>> replies, bool stamp_sequence)
        : replies_(std::move(replies)), stamp_sequence_(stamp_sequence) {}

    int send(std::span<const std::uint8_t> d) override {
        FUZZ_CHECK(d.size() >= m6::header_len && d.size() <= m6::max_datagram_len);
        FUZZ_CHECK(d.size() % 4 == 0);
        const auto m = m6::decode_message(d);
        FUZZ_CHECK(m.has_value());
        FUZZ_CHECK(!m->header.response && m->header.mode == m6::mode_control);
        sequence_ = m->header.sequence;
        ++sent;
        return 0;
    }
    Received receive(std::chrono::milliseconds) override {
        Received r;
        if (replies_.empty()) return r;  // timeout
        r.what = Wait::datagram;
        r.bytes = std::move(replies_.front());
        replies_.pop_front();
        if (stamp_sequence_ && r.bytes.size() >= 4) {
            r.bytes[2] = static_cast<std::uint8_t>(sequence_ >> 8);
            r.bytes[3] = static_cast<std::uint8_t>(sequence_);
        }
        return r;
    }

    int sent = 0;

private:
    std::deque<std::vector<std::uint8_t>> replies_;
    bool stamp_sequence_;
    std::uint16_t sequence_ = 0;
};

// Commands that only talk to the server (no files, no other hosts).
constexpr const char* commands[32] = {
    "rv 0", "rv", "rv 11100", "readvar 0 leap,stratum,offset", "cv", "cv 11102", "peers",
    "apeers", "lpeers", "opeers", "associations", "lassociations", "pstats 11100", "mrulist",
    "mrulist limit=5 sort=-lstint mincount=2", "ifstats", "reslist", "sysinfo", "kerninfo",
    "sysstats", "monstats", "authinfo", "iostats", "timerstats", "mrv 11100 11102",
    "writevar 0 leap=0", ":config server 192.0.2.1", "saveconfig fuzz.conf", "peers -4",
    "as", "clocklist", "rl 11101"};

void run_session(std::uint8_t selector, std::deque<std::vector<std::uint8_t>> replies) {
    std::ostringstream out, err;
    auto opener = [&](const ntpq::HostSpec& spec, std::string&) -> std::optional<ntpq::OpenedHost> {
        ntpq::OpenedHost o;
        o.channel = std::make_unique<FuzzServer>(std::move(replies), (selector & 0x40) == 0);
        o.display_name = spec.name;
        o.numeric = true;
        o.address = ntp::io::IpAddress::parse(spec.name);
        return o;
    };
    // Authenticated commands ask for a key: key 1, MD5, "fuzz".
    ntpq::SessionIo io{out, err,
                       [](const std::string&) -> std::optional<std::string> { return "1"; },
                       [](const std::string&) -> std::optional<std::string> { return "fuzz"; }};
    ntpq::Namer namer([](const ntp::io::IpAddress&) -> std::optional<std::string> {
        return std::nullopt;
    });
    ntpq::SessionSettings settings;
    settings.local_time = false;
    const ntp::wire::NtpTime now(0xeeaca8f3LL, 0x60681000);
    ntpq::Session session(io, namer, opener, [now] { return now; }, settings);
    const std::vector<ntpq::HostSpec> hosts{{"127.0.0.1", 0}};
    session.set_host_list(hosts);
    FUZZ_CHECK(session.open_host(hosts.front()));
    if (selector & 0x20) session.run("raw");
    session.run(commands[selector & 0x1f]);
}

void run_query(std::uint8_t selector, std::deque<std::vector<std::uint8_t>> replies) {
    FuzzServer server(std::move(replies), true);
    ntpq::Mode6Client client(server, "127.0.0.1", [](const std::string&) {});
    const auto r = client.query(selector & 0x1f, 0, {}, nullptr);
    FUZZ_CHECK(server.sent >= 1 && server.sent <= 2);  // one retry at most
    // Server error codes pass through as they come (0..255, classic prints
    // "unknown error code N" for those past 7), then ntpq's own codes.
    FUZZ_CHECK((r.code >= 0 && r.code <= 255) ||
               (r.code >= ntpq::query_code::unspecified && r.code <= ntpq::query_code::too_much) ||
               r.code == ntpq::query_code::local_failure);
    if (r.code == ntpq::query_code::ok) FUZZ_CHECK(r.data.size() <= m6::max_frags * m6::max_data_len);
    else FUZZ_CHECK(!ntpq::query_error_text(r.code, 0).empty() || r.code < 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ntp::fuzz::InputReader in({data, size});
    const std::uint8_t selector = in.byte();
    std::deque<std::vector<std::uint8_t>> replies;
    while (!in.empty() && replies.size() < 256) {
        const auto d = in.chunk();
        replies.emplace_back(d.begin(), d.end());
    }
    if (selector & 0x80) run_query(selector, std::move(replies));
    else run_session(selector, std::move(replies));
    return 0;
}
