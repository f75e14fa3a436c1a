// REQ_NONCE / READ_MRU tests: nonce binding, parameters, anchors (resuming
// a walk), filters, fragment and row limits, the end markers.

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "libntp/client/var_parser.hh"
#include "libntp/config/ntp_config.hh"
#include "tests/support/control_capture_state.hh"

using namespace ntpd::control;
using namespace ntpd::control::testing;
namespace rflag = ntp::config::restrict_flag;

namespace {

const auto client = ep("127.0.0.1", 40000);

MruRow row(const char* addr, std::uint16_t port, std::uint32_t last_s, std::uint64_t count,
           std::uint32_t flags = 0, const char* local = "127.0.0.1") {
    MruRow r;
    r.remote = ep(addr, port);
    r.local = *ntp::io::IpAddress::parse(local);
    r.first_ntp = ntp_ts(last_s - 100, 0);
    r.last_ntp = ntp_ts(last_s, 0x80000000);
    r.count = count;
    r.mode_version = (4 << 3) | 3;
    r.restrict_flags = flags;
    return r;
}

std::string nonce_of(Harness& t, const ntp::io::Endpoint& who = client, std::uint64_t at = now) {
    auto r = t.ask({.op = m6::Opcode::req_nonce, .source = who, .at = at});
    auto vars = ntp::client::parse_vars(text_of(r));
    REQUIRE(vars.size() == 1);
    REQUIRE(vars[0].name == "nonce");
    return vars[0].value;
}

struct MruReply {
    std::map<std::string, std::string> vars;
    std::vector<std::string> order;  // names in order
    std::vector<std::vector<std::uint8_t>> datagrams;
};

MruReply mru(Harness& t, const std::string& params, const ntp::io::Endpoint& who = client,
             std::uint64_t at = now, std::uint32_t flags = 0) {
    MruReply out;
    out.datagrams = t.ask({.op = m6::Opcode::read_mru, .text = params, .source = who,
                           .flags = flags, .at = at});
    if (out.datagrams.empty() || m6::decode_header(out.datagrams[0])->error) return out;
    for (const auto& v : ntp::client::parse_vars(text_of(out.datagrams))) {
        out.vars[v.name] = v.value;
        out.order.push_back(v.name);
    }
    return out;
}

std::size_t rows_in(const MruReply& r) {
    std::size_t n = 0;
    while (r.vars.count("addr." + std::to_string(n))) ++n;
    return n;
}

}  // namespace

TEST_CASE("mrulist: nonce is bound to address, port and a 16 s lifetime", "[control][mru]") {
    Harness t;
    const auto n = nonce_of(t);
    CHECK(n.size() == 24);
    CHECK(n.substr(0, 16) == "eeaca8f3606810e9");  // the receive time
    CHECK(t.server.nonce_valid(n, client, now));
    CHECK(t.server.nonce_valid(n, client, now + (std::uint64_t{15} << 32)));
    CHECK_FALSE(t.server.nonce_valid(n, client, now + (std::uint64_t{16} << 32)));
    CHECK_FALSE(t.server.nonce_valid(n, client, now - 1));  // from the future
    CHECK_FALSE(t.server.nonce_valid(n, ep("127.0.0.1", 40001), now));
    CHECK_FALSE(t.server.nonce_valid(n, ep("127.0.0.2", 40000), now));
    CHECK_FALSE(t.server.nonce_valid(n.substr(0, 23), client, now));
    std::string tampered = n;
    tampered[23] = tampered[23] == '0' ? '1' : '0';
    CHECK_FALSE(t.server.nonce_valid(tampered, client, now));

    // Another secret: old nonces stop working.
    t.server.set_nonce_secret(std::vector<std::uint8_t>(16, 1));
    CHECK_FALSE(t.server.nonce_valid(n, client, now));
}

TEST_CASE("mrulist: no reply without a valid nonce", "[control][mru]") {
    Harness t;
    t.state.mru = {row("192.0.2.1", 123, 0xeeaca8f0, 5)};
    CHECK(mru(t, "frags=32").datagrams.empty());
    CHECK(mru(t, "nonce=000000000000000000000000, frags=32").datagrams.empty());
    const auto n = nonce_of(t);
    CHECK(mru(t, "nonce=" + n + ", frags=32", ep("192.0.2.99", 40000)).datagrams.empty());
    CHECK(mru(t, "nonce=" + n + ", frags=32", client, now + (std::uint64_t{20} << 32))
              .datagrams.empty());
    CHECK(t.server.counters().bad_nonce == 4);
    CHECK_FALSE(mru(t, "nonce=" + n + ", frags=32").datagrams.empty());
}

TEST_CASE("mrulist: parameter errors", "[control][mru]") {
    Harness t;
    const auto n = nonce_of(t);
    auto err = [&](const std::string& params, std::uint32_t flags = 0) {
        auto r = t.ask({.op = m6::Opcode::read_mru, .text = params, .source = client,
                        .flags = flags});
        return error_of(r);
    };
    CHECK(err("nonce=" + n) == 6);                 // neither frags nor limit
    CHECK(err("nonce=" + n + ", frags=129") == 6);
    CHECK(err("nonce=" + n + ", limit=257") == 6);
    CHECK(err("nonce=" + n + ", limit=0") == 6);
    CHECK(err("nonce=" + n + ", frags=32", rflag::nomrulist) == 1);
    CHECK(t.server.counters().restricted == 1);
}

TEST_CASE("mrulist: whole list oldest first, with end markers", "[control][mru]") {
    Harness t;
    t.state.mru = {row("192.0.2.1", 123, 0xeeaca800, 13), row("127.0.0.1", 51033, 0xeeaca8f0, 4),
                   row("2001:db8::5", 123, 0xeeaca8f2, 1, 0xc0)};
    const auto n = nonce_of(t);
    auto r = mru(t, "nonce=" + n + ", frags=32");
    REQUIRE(rows_in(r) == 3);
    CHECK(r.order.front() == "nonce");
    CHECK(r.vars["nonce"].size() == 24);
    CHECK(r.vars["addr.0"] == "192.0.2.1:123");
    CHECK(r.vars["last.0"] == "0xeeaca800.80000000");
    CHECK(r.vars["first.0"] == "0xeeaca79c.00000000");
    CHECK(r.vars["ct.0"] == "13");
    CHECK(r.vars["mv.0"] == "35");
    CHECK(r.vars["rs.0"] == "0x0");
    CHECK(r.vars["addr.1"] == "127.0.0.1:51033");
    CHECK(r.vars["addr.2"] == "[2001:db8::5]:123");
    CHECK(r.vars["rs.2"] == "0xc0");
    CHECK(r.vars["now"] == "0xeeaca8f3.606810e9");
    CHECK(r.vars["last.newest"] == "0xeeaca8f2.80000000");
    CHECK(r.order.back() == "last.newest");
    // Decoys after the first and the last row: 3-letter tags with the row index.
    std::size_t decoys = 0;
    for (const auto& name : r.order)
        if (name.size() >= 5 && name[3] == '.' && name.substr(0, 3) != "ct." &&
            name.substr(0, 3) != "mv." && name.substr(0, 3) != "rs.")
            ++decoys;
    CHECK(decoys == 2);
    // Each row's six fields are together.
    for (std::size_t i = 0; i < 3; ++i) {
        const std::string idx = "." + std::to_string(i);
        for (const char* f : {"addr", "last", "first", "ct", "mv", "rs"})
            CHECK(r.vars.count(f + idx) == 1);
    }

    // An empty list: just the nonce and now.
    t.state.mru.clear();
    auto empty = mru(t, "nonce=" + n + ", frags=32");
    CHECK(empty.order == std::vector<std::string>{"nonce", "now"});
}

TEST_CASE("mrulist: resuming from anchors", "[control][mru]") {
    Harness t;
    for (std::uint32_t i = 0; i < 6; ++i)
        t.state.mru.push_back(row(("192.0.2." + std::to_string(i + 1)).c_str(), 123,
                                  0xeeaca800 + i, i + 1));
    const auto n = nonce_of(t);
    // The client holds rows up to 192.0.2.3 (index 2): it gets 3, 4, 5.
    auto r = mru(t, "nonce=" + n + ", frags=32, addr.0=192.0.2.3:123, last.0=0xeeaca802.80000000");
    REQUIRE(rows_in(r) == 3);
    CHECK(r.order[0] == "last.older");
    CHECK(r.vars["last.older"] == "0xeeaca802.80000000");
    CHECK(r.vars["addr.older"] == "192.0.2.3:123");
    CHECK(r.vars["addr.0"] == "192.0.2.4:123");
    CHECK(r.vars["addr.2"] == "192.0.2.6:123");

    // The newest anchor changed (its last time moved): fall back to the next one.
    r = mru(t, "nonce=" + n + ", frags=32, addr.0=192.0.2.5:123, last.0=0xeeaca8ff.00000000, "
               "addr.1=192.0.2.2:123, last.1=0xeeaca801.80000000");
    REQUIRE(rows_in(r) == 4);
    CHECK(r.vars["addr.older"] == "192.0.2.2:123");
    CHECK(r.vars["addr.0"] == "192.0.2.3:123");

    // No anchor still valid (or the port differs): UNKNOWNVAR, the client backs off.
    CHECK(error_of(t.ask({.op = m6::Opcode::read_mru,
                          .text = "nonce=" + n + ", frags=32, addr.0=192.0.2.3:124, "
                                  "last.0=0xeeaca802.80000000",
                          .source = client})) == 5);

    // limit=1 returns the anchor itself (lookup by address).
    r = mru(t, "nonce=" + n + ", limit=1, addr.0=192.0.2.3:123, last.0=0xeeaca802.80000000");
    REQUIRE(rows_in(r) == 1);
    CHECK(r.vars["addr.0"] == "192.0.2.3:123");
    CHECK(r.vars.count("now") == 0);  // more rows follow: no end markers

    // limit=2 from the start: two rows, no end markers.
    r = mru(t, "nonce=" + n + ", limit=2");
    CHECK(rows_in(r) == 2);
    CHECK(r.vars.count("now") == 0);
    CHECK(r.vars.count("last.newest") == 0);
}

TEST_CASE("mrulist: filters", "[control][mru]") {
    Harness t;
    t.state.mru = {row("192.0.2.1", 123, 0xeeaca000, 1, 0x0040),
                   row("192.0.2.2", 123, 0xeeaca8e0, 50, 0x0060, "10.0.0.1"),
                   row("192.0.2.3", 123, 0xeeaca8f0, 7, 0x0020)};
    const auto n = nonce_of(t);
    auto addrs = [&](const std::string& extra) {
        auto r = mru(t, "nonce=" + n + ", frags=32, " + extra);
        std::vector<std::string> out;
        for (std::size_t i = 0; i < rows_in(r); ++i) out.push_back(r.vars["addr." + std::to_string(i)]);
        return out;
    };
    using V = std::vector<std::string>;
    CHECK(addrs("mincount=7") == V{"192.0.2.2:123", "192.0.2.3:123"});
    CHECK(addrs("mincount=-3") == V{"192.0.2.1:123", "192.0.2.2:123", "192.0.2.3:123"});
    CHECK(addrs("resall=0x60") == V{"192.0.2.2:123"});
    CHECK(addrs("resany=0x40") == V{"192.0.2.1:123", "192.0.2.2:123"});
    CHECK(addrs("maxlstint=60") == V{"192.0.2.2:123", "192.0.2.3:123"});
    CHECK(addrs("laddr=10.0.0.1") == V{"192.0.2.2:123"});
    // An unknown parameter ends the list (classic); what follows is ignored.
    CHECK(addrs("bogus=1, mincount=7") == V{"192.0.2.1:123", "192.0.2.2:123", "192.0.2.3:123"});
}

TEST_CASE("mrulist: the frags limit bounds the reply", "[control][mru]") {
    Harness t;
    for (std::uint32_t i = 0; i < 200; ++i)
        t.state.mru.push_back(row("198.51.100.7", static_cast<std::uint16_t>(1000 + i),
                                  0xeeaca000 + i, i));
    const auto n = nonce_of(t);
    // Classic counts the datagram being filled: frags=1 leaves no room for rows.
    auto none = mru(t, "nonce=" + n + ", frags=1");
    CHECK(none.datagrams.size() == 1);
    CHECK(rows_in(none) == 0);
    CHECK(none.vars.count("now") == 0);
    for (unsigned frags : {2u, 4u, 10u}) {
        auto r = mru(t, "nonce=" + n + ", frags=" + std::to_string(frags));
        CHECK(r.datagrams.size() <= frags);
        CHECK(rows_in(r) > 0);
        CHECK(rows_in(r) < 200);
        CHECK(r.vars.count("now") == 0);
    }
    auto all = mru(t, "nonce=" + n + ", frags=128");
    CHECK(rows_in(all) == 200);
    CHECK(all.vars.count("now") == 1);
}
