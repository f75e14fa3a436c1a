#include "ntpd/server/mru.hh"

#include <catch2/catch.hpp>

#include <set>
#include <vector>

using ntp::io::Endpoint;
using ntp::io::IpAddress;
using ntpd::MruList;
using ntpd::MruSettings;

namespace {
Endpoint v4(std::uint32_t n, std::uint16_t port = 40000) { return Endpoint{IpAddress::v4(n), port}; }
const IpAddress local = *IpAddress::parse("127.0.0.1");

std::vector<std::uint32_t> order(const MruList& list) {
    std::vector<std::uint32_t> out;
    list.for_each_newest_first([&](const ntpd::MruEntry& e) {
        out.push_back(e.source.addr.v4_host_order());
        return true;
    });
    return out;
}
}  // namespace

TEST_CASE("entries are kept newest first with counts and times", "[mru]") {
    MruList list({}, 1, 1);
    auto t1 = list.record(v4(1), local, 100.0);
    CHECK(t1.is_new);
    CHECK(t1.entry->count == 1);
    list.record(v4(2), local, 101.0);
    auto again = list.record(v4(1, 40001), local, 105.5);
    CHECK_FALSE(again.is_new);
    CHECK(again.interval_s == Approx(5.5));
    CHECK(again.entry->count == 2);
    CHECK(again.entry->first_s == 100.0);
    CHECK(again.entry->last_s == 105.5);
    CHECK(again.entry->source.port == 40001);
    CHECK(order(list) == std::vector<std::uint32_t>{1, 2});
    std::vector<std::uint32_t> oldest;
    list.for_each_oldest_first([&](const ntpd::MruEntry& e) {
        oldest.push_back(e.source.addr.v4_host_order());
        return true;
    });
    CHECK(oldest == std::vector<std::uint32_t>{2, 1});
    CHECK(list.depth() == 2);
    REQUIRE(list.find(IpAddress::v4(2)));
    CHECK(list.find(IpAddress::v4(3)) == nullptr);
}

TEST_CASE("IPv4 and IPv6 entries are distinct keys", "[mru]") {
    MruList list({}, 7, 7);
    list.record(Endpoint{*IpAddress::parse("::1"), 5}, local, 1.0);
    list.record(Endpoint{*IpAddress::parse("0.0.0.0"), 5}, local, 1.0);
    CHECK(list.depth() == 2);
    CHECK(list.find(*IpAddress::parse("::1")) != nullptr);
}

TEST_CASE("old entries are recycled once min depth is reached", "[mru]") {
    MruSettings s;
    s.min_depth = 4;
    s.max_depth = 100;
    s.max_age_s = 64;
    MruList list(s, 3, 3);
    for (std::uint32_t i = 1; i <= 4; ++i) list.record(v4(i), local, 0.0);
    // Oldest is 10 s old: younger than max_age, so the list grows.
    list.record(v4(5), local, 10.0);
    CHECK(list.depth() == 5);
    // Now the oldest (1) is older than 64 s: it is reused.
    list.record(v4(6), local, 100.0);
    CHECK(list.depth() == 5);
    CHECK(list.find(IpAddress::v4(1)) == nullptr);
    CHECK(list.find(IpAddress::v4(6)) != nullptr);
    CHECK(list.deepest() == 5);
}

TEST_CASE("a flood from thousands of addresses stays within max depth", "[mru]") {
    MruSettings s;
    s.min_depth = 10;
    s.max_depth = 500;
    s.monitor_s = 3000;
    MruList list(s, 0x1234, 0x5678);
    // One real abuser, then 100000 spoofed one-shot sources within 100 s.
    list.record(v4(0xc0000201), local, 0.0);
    for (std::uint32_t i = 0; i < 100000; ++i) {
        double now = i * 0.001;
        list.record(v4(0x0a000000 + i), local, now);
        if (i % 1000 == 0) list.record(v4(0xc0000201), local, now);
    }
    CHECK(list.depth() == 500);
    CHECK(list.deepest() == 500);
    CHECK(list.mem_kb() <= (500 * MruList::entry_bytes() + 1023) / 1024);
    // Most newcomers were turned away while the list was full of young
    // entries, and the repeatedly seen abuser was never flushed.
    CHECK(list.not_recorded() > 90000);
    CHECK(list.find(IpAddress::v4(0xc0000201)) != nullptr);
    // Every listed entry is findable through the hash table.
    std::size_t n = 0;
    list.for_each_newest_first([&](const ntpd::MruEntry& e) {
        CHECK(list.find(e.source.addr) == &e);
        ++n;
        return true;
    });
    CHECK(n == 500);
}

TEST_CASE("churn through a small table keeps the hash consistent", "[mru]") {
    MruSettings s;
    s.min_depth = 1;
    s.max_depth = 16;
    s.max_age_s = 0.5;
    MruList list(s, 99, 99);
    std::set<std::uint32_t> expected;
    for (std::uint32_t i = 0; i < 5000; ++i) {
        list.record(v4(i % 37), local, i * 1.0);  // every oldest is > max_age old
    }
    std::size_t n = 0;
    list.for_each_newest_first([&](const ntpd::MruEntry& e) {
        CHECK(list.find(e.source.addr) == &e);
        ++n;
        return true;
    });
    CHECK(n == list.depth());
    CHECK(list.depth() <= 16);
}

TEST_CASE("max depth derives from max memory", "[mru]") {
    MruSettings s;
    s.min_depth = 1;
    s.max_mem_kb = 64;
    MruList list(s, 1, 1);
    CHECK(list.max_depth() == 64 * 1024 / MruList::entry_bytes());
    list.clear();
    CHECK(list.depth() == 0);
}
