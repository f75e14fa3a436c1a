// Tests for the mode 6 codec: header round trips, MAC detection, classic
// fragmentation (checked against a real NTPsec capture whose server-side
// formatting is the classic ctl_putdata algorithm), reassembly and status words.

#include "libntp/wire/mode6.hh"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace ntp::wire::mode6;

namespace {

std::vector<std::uint8_t> from_hex(std::string_view hex) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string text_of(std::span<const std::uint8_t> b) { return {b.begin(), b.end()}; }

// Datagrams of `ntpq -p` against NTPsec 1.2.2 (samples/ntpq-p-mode6-exchange.hex).
constexpr std::string_view readstat =
    "d6810001c01600000000000c4569b61a4568901445678011"
    ;
constexpr std::string_view p17767_0 =
    "d6a2000280114567000001d47372636164723d31302e3230302e302e332c20737263706f72743d3132332c20"
    "6473746164723d302e302e302e302c20647374706f72743d302c206c6561703d332c0d0a686d6f64653d332c"
    "207374726174756d3d31362c2070706f6c6c3d39392c2068706f6c6c3d342c20707265636973696f6e3d2d32"
    "342c20726f6f7464656c61793d302e3030302c0d0a726f6f74646973703d302e3030302c2072656669643d49"
    "4e49542c2072656674696d653d307830303030303030302e30303030303030302c0d0a7265633d3078303030"
    "30303030302e30303030303030302c20786d743d307830303030303030302e30303030303030302c20726561"
    "63683d3078302c20756e72656163683d31352c0d0a64656c61793d302e3030303030302c206f66667365743d"
    "302e3030303030302c206a69747465723d302e3030303036302c0d0a64697370657273696f6e3d3135393337"
    "2e3530303030302c206b657969643d302c0d0a66696c7464656c61793de0102134fd7f20302e303020302e30"
    "3020302e303020302e303020302e303020302e303020302e303020302e30302c0d0a66696c746f6666736574"
    "3de0102134fd7f20302e303020302e303020302e303020302e303020302e303020302e303020302e"
    ;
constexpr std::string_view p17767_1 =
    "d68200028011456701d400d0303020302e303020302e303020302e303020302e303020302e303020302e3030"
    "20302e303020302e303020302e30302c0d0a706d6f64653d302c0d0a66696c74646973703de0102134fd7f20"
    "302e303020302e303020302e303020302e2031363030302e30302031363030302e30302031363030302e3030"
    "2031363030302e30302031363030302e30302031363030302e30302031363030302e30302031363030302e30"
    "302c0d0a666c6173683d3078313630302c20686561647761793d302c206e7473636f6f6b6965733d2d310d0a"
    ;
constexpr std::string_view p17768_0 =
    "d6a2000390144568000001d47372636164723d3132372e3132372e312e302c20737263706f72743d3132332c"
    "206473746164723d3132372e302e302e312c20647374706f72743d3132332c206c6561703d302c0d0a686d6f"
    "64653d332c207374726174756d3d31302c2070706f6c6c3d362c2068706f6c6c3d362c20707265636973696f"
    "6e3d2d32342c20726f6f7464656c61793d302e3030302c0d0a726f6f74646973703d31302e3030302c207265"
    "6669643d4c4f434c2c2072656674696d653d307830303030303030302e30303030303030302c0d0a7265633d"
    "307865656163393965612e39663065623033652c20786d743d307865656163396132612e3966316461633339"
    "2c2072656163683d3078652c20756e72656163683d302c0d0a64656c61793d302e3030303030302c206f6666"
    "7365743d302e3030303030302c206a69747465723d302e3030303030302c0d0a64697370657273696f6e3d31"
    "3933372e3938303030302c206b657969643d302c0d0a66696c7464656c61793de0102134fd7f20302a9aacee"
    "20302e303020302e303020302e303020302e303020302e303020302e303020302e303020302e30302c0d0a66"
    "696c746f66667365743de0102134fd7f20302a9aacee20302e303020302e303020302e303020302e"
    ;
constexpr std::string_view p17768_1 =
    "d68200039014456801d400ed303020302e303020302e303020302e303020302e303020302e303020302e3030"
    "20302e303020302e303020302e303020302e303020302e303020302e30302c0d0a706d6f64653d342c0d0a66"
    "696c74646973703de0102134fd7f20302a9aacee20302e303020302e303020300420302e303020302e393620"
    "312e39322031363030302e30302031363030302e30302031363030302e30302031363030302e303020313630"
    "30302e30302c0d0a666c6173683d3078302c206d6f64653d302c20686561647761793d302c20737263686f73"
    "743d224c4f43414c283029222c206e7473636f6f6b6965733d2d310d0a616339"
    ;
constexpr std::string_view p17769_0 =
    "d6a20004b61a4569000001d47372636164723d31302e3230302e302e312c20737263706f72743d3132332c20"
    "6473746164723d31302e3230302e302e322c20647374706f72743d3132332c206c6561703d302c0d0a686d6f"
    "64653d332c207374726174756d3d332c2070706f6c6c3d39392c2068706f6c6c3d342c20707265636973696f"
    "6e3d2d32362c20726f6f7464656c61793d302e3030302c0d0a726f6f74646973703d302e3030302c20726566"
    "69643d3132372e3132372e312e312c2072656674696d653d307865656163396133612e31633738313664362c"
    "0d0a7265633d307865656163396134622e39663136633731342c20786d743d307865656163396134622e3966"
    "3136326434322c2072656163683d307866662c20756e72656163683d302c0d0a64656c61793d302e30333332"
    "35302c206f66667365743d302e3030373435372c206a69747465723d302e3030343036352c20646973706572"
    "73696f6e3d302e3233313633372c0d0a6b657969643d302c2066696c7464656c61793de0102134fd7f20304b"
    "9aacee20302e303320302e303320302e303520302e303220302e303420302e303320302e303320302e30382c"
    "0d0a66696c746f66667365743de0102134fd7f20304b9aacee20302e303320302e303320302e3035"
    ;
constexpr std::string_view p17769_1 =
    "d6820004b61a456901d400c020302e303220302e303420302e303320302e303320302e303820302e30312030"
    "2e303020302e303220302e303020302e303120302e303120302e303120302e30312c0d0a706d6f64653d342c"
    "0d0a66696c74646973703de0102134fd7f20304b9aacee20302e303320302e303320300420302e303020302e"
    "323420302e343820302e373220302e393620312e323020312e343420312e36382c0d0a666c6173683d307830"
    "2c20686561647761793d362c206e7473636f6f6b6965733d2d310d0a"
    ;

// Splits a captured text response back into the items the server emitted.
std::vector<std::string> split_items(std::string text) {
    if (text.size() >= 2 && text.compare(text.size() - 2, 2, "\r\n") == 0) text.resize(text.size() - 2);
    std::vector<std::string> items;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != ',') continue;
        std::size_t next = 0;
        if (text.compare(i, 2, ", ") == 0) next = i + 2;
        else if (text.compare(i, 3, ",\r\n") == 0) next = i + 3;
        else continue;
        items.push_back(text.substr(start, i - start));
        start = next;
        i = next - 1;
    }
    items.push_back(text.substr(start));
    return items;
}

}  // namespace

TEST_CASE("mode6 header round trip keeps every field", "[mode6]") {
    Header h;
    h.leap = 3;
    h.version = 2;
    h.response = true;
    h.error = false;
    h.more = true;
    h.opcode = 2;
    h.sequence = 0xbeef;
    h.status = 0x961a;
    h.assoc_id = 11100;
    h.offset = 468;
    h.count = 208;
    std::array<std::uint8_t, header_len> raw{};
    encode_header(h, raw);
    CHECK(raw[0] == 0xd6);
    CHECK(raw[1] == 0xa2);
    auto back = decode_header(raw);
    REQUIRE(back);
    CHECK(*back == h);

    for (int op = 0; op < 32; ++op) {
        Header o;
        o.opcode = static_cast<std::uint8_t>(op);
        o.error = op % 2;
        encode_header(o, raw);
        auto d = decode_header(raw);
        REQUIRE(d);
        CHECK(d->opcode == op);
        CHECK(d->error == (op % 2 == 1));
    }
}

TEST_CASE("mode6 header decodes the captured READSTAT reply", "[mode6]") {
    const auto d = from_hex(readstat);
    auto m = decode_message(d);
    REQUIRE(m);
    CHECK(m->header.leap == 3);
    CHECK(m->header.version == 2);
    CHECK(m->header.mode == 6);
    CHECK(m->header.response);
    CHECK_FALSE(m->header.more);
    CHECK_FALSE(m->header.error);
    CHECK(m->header.opcode == 1);
    CHECK(m->header.sequence == 1);
    CHECK(m->header.status == 0xc016);
    CHECK(m->header.count == 12);
    CHECK(m->data.size() == 12);
    CHECK_FALSE(m->mac);
}

TEST_CASE("mode6 short and inconsistent datagrams are rejected", "[mode6]") {
    std::vector<std::uint8_t> d(12, 0);
    for (std::size_t n = 0; n < 12; ++n) {
        CHECK_FALSE(decode_header(std::span(d).first(n)));
        CHECK_FALSE(decode_message(std::span(d).first(n)));
    }
    d[11] = 1;  // count 1 but no data
    CHECK(decode_header(d));
    CHECK_FALSE(decode_message(d));
    d.push_back('x');
    auto m = decode_message(d);
    REQUIRE(m);
    CHECK(text_of(m->data) == "x");
    // count 0xffff with a short buffer
    d[10] = 0xff;
    d[11] = 0xff;
    CHECK_FALSE(decode_message(d));
}

TEST_CASE("mode6 garbage never crashes the decoders", "[mode6]") {
    const unsigned seed = 20261121;
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    for (int i = 0; i < 20000; ++i) {
        std::vector<std::uint8_t> d(rng() % 700);
        for (auto& b : d) b = static_cast<std::uint8_t>(rng());
        if (d.size() >= 12 && rng() % 2) {  // plausible counts more often
            const auto count = static_cast<std::uint16_t>(rng() % (d.size() - 11));
            d[10] = static_cast<std::uint8_t>(count >> 8);
            d[11] = static_cast<std::uint8_t>(count);
        }
        auto m = decode_message(d);
        if (m) {
            CHECK(m->data.size() == m->header.count);
            CHECK(12 + m->data.size() <= d.size());
            if (m->mac) {
                CHECK(m->mac->signed_bytes.size() % 8 == 0);
                CHECK(m->mac->signed_bytes.size() + 4 + m->mac->digest.size() == d.size());
                CHECK(m->mac->digest.size() <= 20);
            }
        }
        auto mac = find_mac(d, static_cast<std::uint16_t>(rng()));
        if (mac) CHECK(mac->signed_bytes.size() <= d.size());
    }
}

TEST_CASE("mode6 encode_message pads to 4 and counts only the data", "[mode6]") {
    Header h;
    h.opcode = 2;
    for (std::size_t n = 0; n < 9; ++n) {
        std::string data(n, 'a');
        auto d = encode_message(h, data);
        CHECK(d.size() % 4 == 0);
        CHECK(d.size() == (12 + n + 3) / 4 * 4);
        auto m = decode_message(d);
        REQUIRE(m);
        CHECK(m->header.count == n);
        CHECK(text_of(m->data) == data);
        CHECK(reply_length_ok(d.size(), m->header.count));
    }
    CHECK_FALSE(reply_length_ok(14, 1));
    CHECK_FALSE(reply_length_ok(12, 1));
    CHECK(reply_length_ok(16, 1));
    CHECK(reply_length_ok(40, 1));  // MAC behind the data is fine
}

TEST_CASE("mode6 MAC trailer is found by the classic length rule", "[mode6]") {
    Header h;
    h.opcode = 8;
    std::vector<std::uint8_t> digest(16, 0xab);

    SECTION("MD5 after an empty request") {
        auto d = encode_message(h, std::string_view{});
        pad_for_mac(d);
        CHECK(d.size() == 16);
        append_mac(d, 0x01020304, digest);
        CHECK(d.size() == 36);
        auto m = decode_message(d);
        REQUIRE(m);
        REQUIRE(m->mac);
        CHECK(m->mac->key_id == 0x01020304);
        CHECK(m->mac->digest.size() == 16);
        CHECK(m->mac->digest[0] == 0xab);
        CHECK(m->mac->signed_bytes.size() == 16);
    }
    SECTION("SHA-1 after text that needs padding") {
        auto d = encode_message(h, std::string_view("keyid 5"));
        pad_for_mac(d);
        CHECK(d.size() == 24);
        std::vector<std::uint8_t> sha1(20, 1);
        append_mac(d, 7, sha1);
        auto mac = find_mac(d, 7);
        REQUIRE(mac);
        CHECK(mac->key_id == 7);
        CHECK(mac->digest.size() == 20);
        CHECK(mac->signed_bytes.size() == 24);
    }
    SECTION("ntpstat's 576-octet request has no MAC") {
        std::vector<std::uint8_t> d(576, 0);
        d[0] = 0x16;
        d[1] = 0x02;
        auto m = decode_message(d);
        REQUIRE(m);
        CHECK(m->header.count == 0);
        CHECK_FALSE(m->mac);
    }
    SECTION("odd trailers are not MACs") {
        auto d = encode_message(h, std::string_view{});  // 12 octets
        d.resize(16 + 28, 0);                            // trailer 28 > 24
        CHECK_FALSE(find_mac(d, 0));
        d.resize(16 + 22, 0);  // not a multiple of 4
        CHECK_FALSE(find_mac(d, 0));
        d.resize(16, 0);  // nothing behind
        CHECK_FALSE(find_mac(d, 0));
        d.resize(20, 0);  // 4 octets: key ID only (crypto-NAK shape)
        auto nak = find_mac(d, 0);
        REQUIRE(nak);
        CHECK(nak->digest.empty());
    }
}

TEST_CASE("mode6 ResponseBuilder reproduces the captured fragmentation byte for byte", "[mode6]") {
    const std::vector<std::pair<std::string_view, std::string_view>> peers = {
        {p17767_0, p17767_1}, {p17768_0, p17768_1}, {p17769_0, p17769_1}};
    for (const auto& [first_hex, second_hex] : peers) {
        const auto first = from_hex(first_hex);
        const auto second = from_hex(second_hex);
        auto m0 = decode_message(first);
        auto m1 = decode_message(second);
        REQUIRE(m0);
        REQUIRE(m1);
        std::string text = text_of(m0->data) + text_of(m1->data);

        Header reply = m0->header;
        reply.more = false;
        reply.offset = 0;
        reply.count = 0;
        ResponseBuilder b(reply);
        for (const auto& item : split_items(text)) b.add_item(item);
        CHECK(b.fragments() == 2);
        auto out = b.finish();
        REQUIRE(out.size() == 2);
        // Compare header and counted data; NTPsec's pad octets are not zeroed.
        const std::size_t n0 = 12 + m0->header.count;
        const std::size_t n1 = 12 + m1->header.count;
        CHECK(std::vector(out[0].begin(), out[0].begin() + n0) ==
              std::vector(first.begin(), first.begin() + n0));
        CHECK(std::vector(out[1].begin(), out[1].begin() + n1) ==
              std::vector(second.begin(), second.begin() + n1));
        CHECK(out[0].size() == first.size());
        CHECK(out[1].size() == second.size());
    }
}

TEST_CASE("mode6 ResponseBuilder binary READSTAT matches the capture", "[mode6]") {
    const auto want = from_hex(readstat);
    Header reply;
    reply.leap = 3;
    reply.version = 2;
    reply.opcode = 1;
    reply.sequence = 1;
    reply.status = 0xc016;
    ResponseBuilder b(reply);
    const std::uint8_t pairs[] = {0x45, 0x69, 0xb6, 0x1a, 0x45, 0x68, 0x90, 0x14, 0x45, 0x67, 0x80, 0x11};
    for (std::size_t i = 0; i < sizeof pairs; i += 4) b.add_binary(std::span(pairs + i, 4));
    auto out = b.finish();
    REQUIRE(out.size() == 1);
    CHECK(out[0] == want);
}

TEST_CASE("mode6 ResponseBuilder edge cases", "[mode6]") {
    Header reply;
    reply.opcode = 2;
    reply.sequence = 9;

    SECTION("empty response is one datagram with count 0") {
        ResponseBuilder b(reply);
        CHECK(b.fragments() == 0);
        auto out = b.finish();
        REQUIRE(out.size() == 1);
        auto m = decode_message(out[0]);
        REQUIRE(m);
        CHECK(m->header.count == 0);
        CHECK(m->header.response);
        CHECK_FALSE(m->header.more);
        CHECK(m->header.sequence == 9);
    }
    SECTION("a line that would reach 72 columns is broken with CRLF") {
        ResponseBuilder b(reply);
        b.add_item(std::string(40, 'a'));
        b.add_item(std::string(28, 'b'));  // 41 + 28 + 1 = 70 < 72: same line
        b.add_item("c=1");                 // 41 + 30 + 3 + 1 >= 72: new line
        auto out = b.finish();
        REQUIRE(out.size() == 1);
        auto m = decode_message(out[0]);
        CHECK(text_of(m->data) == std::string(40, 'a') + ", " + std::string(28, 'b') + ",\r\nc=1\r\n");
    }
    SECTION("long responses are cut into <= 468-octet fragments that reassemble") {
        ResponseBuilder b(reply);
        std::string expected;
        for (int i = 0; i < 300; ++i) {
            const std::string item = "name" + std::to_string(i) + "=" + std::string(i % 50, 'v');
            b.add_item(item);
        }
        auto out = b.finish();
        CHECK(out.size() > 10);
        Reassembler r;
        std::size_t next_offset = 0;
        for (std::size_t i = 0; i < out.size(); ++i) {
            CHECK(out[i].size() <= 480);
            CHECK(out[i].size() % 4 == 0);
            auto m = decode_message(out[i]);
            REQUIRE(m);
            CHECK(m->header.more == (i + 1 < out.size()));
            CHECK(m->header.offset == next_offset);
            CHECK(m->header.count <= max_data_len);
            next_offset += m->header.count;
            r.add(*m);
        }
        REQUIRE(r.complete());
        const auto all = text_of(r.data());
        CHECK(all.substr(0, 8) == "name0=, ");
        CHECK(all.substr(all.size() - 2) == "\r\n");
        CHECK(all.find("name299=" + std::string(49, 'v')) != std::string::npos);
    }
    SECTION("no CRLF trailer when the last fragment is full") {
        ResponseBuilder b(reply, 16);
        b.add_item("abcdefghijklmnop");  // 16 octets: 16 + 3 > 16, fills fragment 1
        auto out = b.finish();
        REQUIRE(out.size() == 2);
        auto m0 = decode_message(out[0]);
        auto m1 = decode_message(out[1]);
        CHECK(text_of(m0->data) == "abcdefghijklmnop");
        CHECK(m0->header.more);
        CHECK(text_of(m1->data) == "\r\n");  // classic sends the CRLF alone
        CHECK(m1->header.offset == 16);
    }
    SECTION("fragments() counts the fragment being filled") {
        ResponseBuilder b(reply);
        b.add_item("x=1");
        CHECK(b.fragments() == 1);
        CHECK(b.data_size() == 3);
    }
}

TEST_CASE("mode6 Reassembler handles order, duplicates, overlaps and limits", "[mode6]") {
    using R = Reassembler::Result;
    const std::string a(468, 'a'), b(468, 'b'), c(10, 'c');

    SECTION("in order") {
        Reassembler r;
        CHECK(r.add(0, bytes(a), true) == R::accepted);
        CHECK(r.add(468, bytes(b), true) == R::accepted);
        CHECK_FALSE(r.complete());
        CHECK(r.add(936, bytes(c), false) == R::complete);
        CHECK(text_of(r.data()) == a + b + c);
    }
    SECTION("reverse order with duplicates") {
        Reassembler r;
        CHECK(r.add(936, bytes(c), false) == R::accepted);
        CHECK(r.add(936, bytes(c), false) == R::duplicate);
        CHECK(r.add(468, bytes(b), true) == R::accepted);
        CHECK(r.add(468, bytes(b), true) == R::duplicate);
        CHECK(r.add(0, bytes(a), true) == R::complete);
        CHECK(r.fragment_count() == 3);
        CHECK(text_of(r.data()) == a + b + c);
    }
    SECTION("overlaps are ignored") {
        Reassembler r;
        CHECK(r.add(0, bytes(a), true) == R::accepted);
        CHECK(r.add(400, bytes(b), true) == R::overlap);
        CHECK(r.add(468, bytes(c), true) == R::accepted);
        CHECK(r.add(470, bytes(c), true) == R::overlap);
    }
    SECTION("empty fragment with M set is ignored; empty last completes an empty reply") {
        Reassembler r;
        CHECK(r.add(0, {}, true) == R::empty_more);
        CHECK(r.add(0, {}, false) == R::complete);
        CHECK(r.data().empty());
    }
    SECTION("data beyond the announced end is ignored") {
        Reassembler r;
        CHECK(r.add(468, bytes(c), false) == R::accepted);
        CHECK(r.add(478, bytes(c), true) == R::after_last);
        Reassembler r2;
        CHECK(r2.add(468, bytes(b), true) == R::accepted);
        CHECK(r2.add(0, bytes(c), false) == R::after_last);
    }
    SECTION("bounds and fragment limits") {
        Reassembler r;
        CHECK(r.add(65535, bytes(c), false) == R::out_of_bounds);
        for (std::size_t i = 0; i < max_frags; ++i)
            CHECK(r.add(static_cast<std::uint16_t>(i * 10), bytes(c), true) == R::accepted);
        CHECK(r.add(static_cast<std::uint16_t>(max_frags * 10), bytes(c), false) == R::too_many);
        r.reset();
        CHECK(r.empty());
        CHECK(r.add(0, bytes(c), false) == R::complete);
    }
    SECTION("a gap keeps it incomplete") {
        Reassembler r;
        CHECK(r.add(0, bytes(a), true) == R::accepted);
        CHECK(r.add(936, bytes(c), false) == R::accepted);
        CHECK_FALSE(r.complete());
    }
}

TEST_CASE("mode6 status words encode, decode and read like classic ntpq", "[mode6]") {
    CHECK(describe_system_status(0xc016) == "leap_alarm, sync_unspec, 1 event, restart");
    CHECK(describe_system_status(0x0615) == "leap_none, sync_ntp, 1 event, clock_sync");
    CHECK(describe_system_status(0xc616) == "leap_alarm, sync_ntp, 1 event, restart");
    CHECK(describe_system_status(0x0c00) == "leap_none, sync_12, no events, unspecified");
    CHECK(describe_system_status(0x44f4) == "leap_add_sec, sync_uhf_radio, 15 events, freq_mode");

    CHECK(describe_peer_status(0x8011) == "conf, sel_reject, 1 event, mobilize");
    CHECK(describe_peer_status(0x9014) == "conf, reach, sel_reject, 1 event, reachable");
    CHECK(describe_peer_status(0x961a) == "conf, reach, sel_sys.peer, 1 event, sys_peer");
    CHECK(describe_peer_status(0x963a) == "conf, reach, sel_sys.peer, 3 events, sys_peer");
    CHECK(describe_peer_status(0xb61a) == "conf, auth, reach, sel_sys.peer, 1 event, sys_peer");
    CHECK(describe_peer_status(0xf800) == "conf, authenb, auth, reach, bcast, sel_reject, no events");
    CHECK(describe_peer_status(0x1400) == "reach, sel_candidate, no events");
    CHECK(describe_peer_status(0x0300) == ", sel_outlier, no events");

    CHECK(describe_clock_status(0x0000) == "no events, clk_unspec");
    CHECK(describe_clock_status(0x0012) == "1 event, clk_bad_format");
    CHECK(clock_status_name(9) == "clk_9");
    CHECK(encode(ClockStatus{3, 1}) == 0x0013);
    CHECK(decode_clock_status(0x0013) == ClockStatus{3, 1});

    SystemStatus s{3, 6, 1, 6};
    CHECK(encode(s) == 0xc616);
    CHECK(decode_system_status(0xc616) == s);

    PeerStatus p;
    p.configured = true;
    p.reachable = true;
    p.select = select::sys_peer;
    p.event_count = 3;
    p.last_event = peer_event::sys_peer;
    CHECK(encode(p) == 0x963a);
    CHECK(decode_peer_status(0x963a) == p);
    for (unsigned w = 0; w < 0x10000; w += 37) {
        const auto word = static_cast<std::uint16_t>(w);
        CHECK(encode(decode_peer_status(word)) == word);
        CHECK(encode(decode_system_status(word)) == word);
        CHECK(encode(decode_clock_status(word)) == (word & 0xff));
    }

    CHECK(event_count_text(0) == "no events");
    CHECK(event_count_text(2) == "2 events");
    CHECK(leap_name(2) == "leap_del_sec");
    CHECK(select_name(7) == "sel_pps.peer");
    CHECK(peer_event_name(15) == "interleave_error");
    CHECK(system_event_name(15) == "stale_leapsecond_values");
}

TEST_CASE("mode6 flash bits and error texts", "[mode6]") {
    CHECK(flash_names(0).empty());
    CHECK(flash_names(0x1600) == std::vector<std::string_view>{"peer_stratum", "peer_dist", "peer_unreach"});
    CHECK(flash_names(0x1200) == std::vector<std::string_view>{"peer_stratum", "peer_unreach"});
    CHECK(flash_names(0x0001) == std::vector<std::string_view>{"pkt_dup"});
    CHECK(flash_names(0xffffe000).empty());

    CHECK(error_text(1, 0) == "Server disallowed request (authentication?)");
    CHECK(error_text(4, 9999) == "Association ID 9999 unknown to server");
    CHECK(error_text(5, 0) == "A request variable unknown to the server");
    CHECK(error_text(0, 0) == "Server returned an unspecified error");
    CHECK(error_text(77, 0) == "Server returned an unspecified error");
}
