#include "libntp/client/mode6_client.hh"

#include <catch2/catch.hpp>

#include <deque>
#include <functional>

#include "libntp/client/queries.hh"
#include "libntp/wire/mode6.hh"

using namespace ntp::client;
namespace m6 = ntp::wire::mode6;

namespace {

// Answers each request with the datagrams a script makes from it.
class ScriptedChannel final : public Channel {
public:
    using Script = std::function<std::vector<std::vector<std::uint8_t>>(const m6::Header&)>;
    explicit ScriptedChannel(Script s) : script_(std::move(s)) {}
    int send(std::span<const std::uint8_t> d) override {
        ++requests;
        auto h = m6::decode_header(d);
        if (h)
            for (auto& dg : script_(*h)) pending_.push_back(std::move(dg));
        return 0;
    }
    Received receive(std::chrono::milliseconds) override {
        Received r;
        if (pending_.empty()) return r;
        r.what = Wait::datagram;
        r.bytes = std::move(pending_.front());
        pending_.pop_front();
        return r;
    }
    int requests = 0;

private:
    Script script_;
    std::deque<std::vector<std::uint8_t>> pending_;
};

std::vector<std::uint8_t> fragment(m6::Header h, std::uint16_t offset, std::string_view text, bool more,
                                   std::uint16_t status = 0x0615) {
    h.response = true;
    h.offset = offset;
    h.more = more;
    h.status = status;
    return m6::encode_message(h, text);
}

struct Fixture {
    explicit Fixture(ScriptedChannel::Script s) : channel(std::move(s)), client(channel, "127.0.0.1", diag()) {}
    std::function<void(const std::string&)> diag() {
        return [this](const std::string& s) { err += s; };
    }
    std::string err;
    ScriptedChannel channel;
    Mode6Client client;
};

}  // namespace

TEST_CASE("fragments in any order are reassembled into variables") {
    Fixture f([](const m6::Header& h) {
        return std::vector<std::vector<std::uint8_t>>{fragment(h, 10, "refid=1.2.3.4", false), fragment(h, 0, "stratum=2,", true)};
    });
    auto r = read_vars(f.client, 0, "stratum,refid");
    REQUIRE(r.ok());
    CHECK(r->status == 0x0615);
    CHECK(r->text == "stratum=2,refid=1.2.3.4");
    REQUIRE(r->vars.size() == 2);
    CHECK(*find_var(r->vars, "refid") == "1.2.3.4");
    CHECK(f.channel.requests == 1);
}

TEST_CASE("stray replies are ignored; a server error is a Status with classic text") {
    Fixture f([](const m6::Header& h) {
        auto wrong_seq = h;
        wrong_seq.sequence = static_cast<std::uint16_t>(h.sequence + 7);
        auto err = h;
        err.response = true;
        err.error = true;
        err.status = 4 << 8;
        return std::vector<std::vector<std::uint8_t>>{fragment(wrong_seq, 0, "x=1", false), m6::encode_message(err, std::string_view{})};
    });
    auto r = read_vars(f.client, 9999);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == 4);
    CHECK(r.status().message() == "***Association ID 9999 unknown to server");
}

TEST_CASE("silence: the configured number of tries, then a timeout Status") {
    Fixture f([](const m6::Header&) { return std::vector<std::vector<std::uint8_t>>{}; });
    f.client.settings().retries = 3;
    auto r = read_vars(f.client, 0);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == query_code::timeout);
    CHECK(r.status().message() == "***Request timed out");
    CHECK(f.channel.requests == 4);
    CHECK(f.err == "127.0.0.1: timed out, nothing received\n");  // only the last try reports

    Fixture once([](const m6::Header&) { return std::vector<std::vector<std::uint8_t>>{}; });
    once.client.settings().retries = 0;
    CHECK_FALSE(read_vars(once.client, 0).ok());
    CHECK(once.channel.requests == 1);
}

TEST_CASE("READSTAT gives the sorted association list") {
    Fixture f([](const m6::Header& h) {
        const std::uint8_t data[] = {0xa4, 0x2e, 0x96, 0x14, 0x01, 0x02, 0x90, 0x11};
        auto rh = h;
        rh.response = true;
        return std::vector<std::vector<std::uint8_t>>{m6::encode_message(rh, std::span<const std::uint8_t>(data))};
    });
    auto r = read_associations(f.client);
    REQUIRE(r.ok());
    REQUIRE(r->size() == 2);
    CHECK((*r)[0] == Association{0x0102, 0x9011});
    CHECK((*r)[1] == Association{0xa42e, 0x9614});
    CHECK_FALSE(decode_associations(std::vector<std::uint8_t>{1, 2, 3}).has_value());
}
