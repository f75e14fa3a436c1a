#include "ntpd/server/restrict_list.hh"

#include <catch2/catch.hpp>

#include <random>
#include <string>

using ntp::io::Endpoint;
using ntp::io::Family;
using ntp::io::IpAddress;
using ntpd::RestrictList;
namespace rflag = ntpd::rflag;
namespace rmatch = ntpd::rmatch;

namespace {
IpAddress ip(const char* text) { return *IpAddress::parse(text); }
Endpoint from(const char* text, std::uint16_t port = 40000) { return Endpoint{ip(text), port}; }
IpAddress mask(Family f, unsigned len) { return IpAddress::mask_of(f, len); }

ntp::config::IpAddress cfg_ip(const char* text) {
    auto a = ip(text);
    ntp::config::IpAddress c;
    c.family = a.is_v6() ? ntp::config::AddressFamily::ipv6 : ntp::config::AddressFamily::ipv4;
    c.bytes = a.bytes;
    return c;
}
}  // namespace

TEST_CASE("an empty table allows everything", "[restrict]") {
    RestrictList list;
    CHECK(list.lookup(from("192.0.2.1")) == 0);
    CHECK(list.lookup(from("2001:db8::1")) == 0);
    REQUIRE(list.rules(Family::v4).size() == 1);
    CHECK(list.rules(Family::v4)[0].is_default());
    CHECK(list.rules(Family::v4)[0].hits == 1);
}

TEST_CASE("default entries are per family", "[restrict]") {
    RestrictList list;
    list.add_default(Family::v4, rflag::noquery);
    list.add_default(Family::v6, rflag::nopeer);
    CHECK(list.lookup(from("192.0.2.1")) == rflag::noquery);
    CHECK(list.lookup(from("2001:db8::1")) == rflag::nopeer);
}

TEST_CASE("equal entries OR their flags, never replace", "[restrict]") {
    RestrictList list;
    list.add_default(Family::v4, rflag::kod | rflag::nomodify);
    list.add_default(Family::v4, rflag::noquery);
    CHECK(list.rules(Family::v4).size() == 1);
    CHECK(list.lookup(from("10.1.1.1")) == (rflag::kod | rflag::nomodify | rflag::noquery));
    list.add(ip("10.0.0.0"), mask(Family::v4, 8), rflag::notrap);
    list.add(ip("10.9.9.9"), mask(Family::v4, 8), rflag::nopeer);  // same net once masked
    CHECK(list.rules(Family::v4).size() == 2);
    CHECK(list.lookup(from("10.1.1.1")) == (rflag::notrap | rflag::nopeer));
}

TEST_CASE("the most specific matching entry wins, whatever the file order", "[restrict]") {
    RestrictList list;
    list.add(ip("192.168.0.0"), mask(Family::v4, 16), rflag::noquery);
    list.add(ip("192.168.1.7"), mask(Family::v4, 32), 0);
    list.add(ip("192.168.1.0"), mask(Family::v4, 24), rflag::noserve);
    list.add_default(Family::v4, rflag::ignore);
    CHECK(list.lookup(from("192.168.1.7")) == 0);
    CHECK(list.lookup(from("192.168.1.8")) == rflag::noserve);
    CHECK(list.lookup(from("192.168.2.8")) == rflag::noquery);
    CHECK(list.lookup(from("192.169.0.1")) == rflag::ignore);
    // Flags are not combined across entries.
    CHECK((list.lookup(from("192.168.1.8")) & rflag::noquery) == 0);
    // The list is kept in match order with the default last.
    auto rules = list.rules(Family::v4);
    REQUIRE(rules.size() == 4);
    CHECK(rules[0].address.to_string() == "192.168.1.7");
    CHECK(rules[3].is_default());
}

TEST_CASE("IPv6 masks work the same way", "[restrict]") {
    RestrictList list;
    list.add(ip("2001:db8::"), mask(Family::v6, 32), rflag::noquery);
    list.add(ip("::1"), mask(Family::v6, 128), 0);
    list.add_default(Family::v6, rflag::ignore);
    CHECK(list.lookup(from("2001:db8:1::5")) == rflag::noquery);
    CHECK(list.lookup(from("::1")) == 0);
    CHECK(list.lookup(from("2001:db9::1")) == rflag::ignore);
    // The IPv4 list is untouched.
    CHECK(list.lookup(from("127.0.0.1")) == 0);
}

TEST_CASE("ntpport entries match only source port 123", "[restrict]") {
    RestrictList list;
    list.add(ip("192.0.2.5"), mask(Family::v4, 32), rflag::ignore, rmatch::ntpport);
    CHECK(list.lookup(from("192.0.2.5", 123)) == rflag::ignore);
    CHECK(list.lookup(from("192.0.2.5", 50000)) == 0);
}

TEST_CASE("own addresses with source port 123 are ignored", "[restrict]") {
    RestrictList list;
    list.add(ip("127.0.0.1"), mask(Family::v4, 32), rflag::nomodify);
    list.add_local_address(ip("127.0.0.1"));
    CHECK(list.lookup(from("127.0.0.1", 123)) == rflag::ignore);
    CHECK(list.lookup(from("127.0.0.1", 5555)) == rflag::nomodify);
    list.add_local_address(ip("127.0.0.1"));  // a second interface with the same address
    list.remove_local_address(ip("127.0.0.1"));
    CHECK(list.lookup(from("127.0.0.1", 123)) == rflag::ignore);
    list.remove_local_address(ip("127.0.0.1"));
    CHECK(list.lookup(from("127.0.0.1", 123)) == rflag::nomodify);
}

TEST_CASE("source template entries follow associations", "[restrict]") {
    RestrictList list;
    list.add_default(Family::v4, rflag::nopeer | rflag::noquery);
    list.add_source(ip("192.0.2.9"));  // no template yet: nothing happens
    CHECK(list.rules(Family::v4).size() == 1);

    list.set_source_template(rflag::notrap | rflag::nomodify);
    list.add_source(ip("192.0.2.9"));
    list.add_source(ip("192.0.2.9"));  // a second association to the same address
    CHECK(list.lookup(from("192.0.2.9")) == (rflag::notrap | rflag::nomodify));
    list.remove_source(ip("192.0.2.9"));
    CHECK(list.lookup(from("192.0.2.9")) == (rflag::notrap | rflag::nomodify));
    list.remove_source(ip("192.0.2.9"));
    CHECK(list.lookup(from("192.0.2.9")) == (rflag::nopeer | rflag::noquery));
    CHECK(list.rules(Family::v4).size() == 1);
}

TEST_CASE("a configured host entry beats the source template", "[restrict]") {
    RestrictList list;
    list.set_source_template(rflag::noquery);
    list.add(ip("192.0.2.9"), mask(Family::v4, 32), rflag::nomodify);
    list.add_source(ip("192.0.2.9"));
    CHECK(list.lookup(from("192.0.2.9")) == rflag::nomodify);
}

TEST_CASE("multicast sources are always ignored", "[restrict]") {
    RestrictList list;
    CHECK(list.lookup(from("224.0.1.1")) == rflag::ignore);
    CHECK(list.lookup(from("ff02::101")) == rflag::ignore);
}

TEST_CASE("flag names for reslist", "[restrict]") {
    CHECK(ntpd::restrict_flags_text(0).empty());
    CHECK(ntpd::restrict_flags_text(rflag::kod | rflag::nomodify | rflag::notrap | rflag::nopeer |
                                    rflag::noquery | rflag::limited) ==
          "nopeer limited noquery nomodify notrap kod");
    CHECK(ntpd::restrict_flags_text(rflag::noepeer | rflag::ignore) == "ignore noepeer");
}

TEST_CASE("configuration entries load with classic semantics", "[restrict]") {
    using ntp::config::AddressFamily;
    using ntp::config::RestrictEntry;
    using ntp::config::RestrictTarget;
    ntp::config::NtpConfig cfg;
    RestrictEntry d;  // restrict default kod limited nopeer (both families)
    d.target = RestrictTarget::default_entry;
    d.flags = rflag::kod | rflag::limited | rflag::nopeer;
    cfg.restrictions.push_back(d);
    RestrictEntry d6;  // restrict -6 default noquery
    d6.target = RestrictTarget::default_entry;
    d6.family = AddressFamily::ipv6;
    d6.flags = rflag::noquery;
    cfg.restrictions.push_back(d6);
    RestrictEntry lo;  // restrict 127.0.0.1
    lo.address = cfg_ip("127.0.0.1");
    cfg.restrictions.push_back(lo);
    RestrictEntry lan;  // restrict 192.168.1.0 mask 255.255.255.0 nomodify
    lan.address = cfg_ip("192.168.1.0");
    lan.mask = cfg_ip("255.255.255.0");
    lan.flags = rflag::nomodify;
    cfg.restrictions.push_back(lan);
    RestrictEntry host;  // restrict ntp.example notrap
    host.target = RestrictTarget::hostname;
    host.host = "ntp.example";
    host.flags = rflag::notrap;
    host.where.line = 9;
    cfg.restrictions.push_back(host);
    RestrictEntry bad = host;
    bad.host = "nowhere.invalid";
    bad.where.line = 10;
    cfg.restrictions.push_back(bad);
    RestrictEntry src;  // restrict source nomodify
    src.target = RestrictTarget::source;
    src.flags = rflag::nomodify;
    cfg.restrictions.push_back(src);

    RestrictList list;
    std::vector<std::string> problems;
    ntpd::load_restrictions(cfg, list, problems, [](const std::string& name, AddressFamily) {
        std::vector<IpAddress> out;
        if (name == "ntp.example") out = {ip("198.51.100.4"), ip("2001:db8::4")};
        return out;
    });
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] == "restrict: ignoring line 10, address/host 'nowhere.invalid' unusable.");
    CHECK(list.lookup(from("203.0.113.1")) == (rflag::kod | rflag::limited | rflag::nopeer));
    CHECK(list.lookup(from("2001:db8:ffff::1")) ==
          (rflag::kod | rflag::limited | rflag::nopeer | rflag::noquery));
    CHECK(list.lookup(from("127.0.0.1")) == 0);
    CHECK(list.lookup(from("192.168.1.77")) == rflag::nomodify);
    CHECK(list.lookup(from("198.51.100.4")) == rflag::notrap);
    CHECK(list.lookup(from("2001:db8::4")) == rflag::notrap);
    CHECK(list.has_source_template());
    list.add_source(ip("203.0.113.1"));
    CHECK(list.lookup(from("203.0.113.1")) == rflag::nomodify);
}

TEST_CASE("bulk loading gives the same table as adding one by one", "[restrict]") {
    const unsigned seed = 11;
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    RestrictList one_by_one;
    RestrictList bulk;
    bulk.begin_bulk();
    for (int i = 0; i < 3000; ++i) {
        // Few distinct addresses and masks, so many lines merge.
        const std::string a = "10." + std::to_string(rng() % 4) + "." + std::to_string(rng() % 8) + ".1";
        const IpAddress m = mask(Family::v4, 8 + 8 * (rng() % 4));
        const std::uint32_t flags = 1u << (rng() % 8);
        const std::uint32_t match = rng() % 3 == 0 ? rmatch::ntpport : 0;
        const int limit = rng() % 5 == 0 ? static_cast<int>(rng() % 4) : -1;
        one_by_one.add(ip(a.c_str()), m, flags, match, limit);
        bulk.add(ip(a.c_str()), m, flags, match, limit);
        if (i % 500 == 0) {
            one_by_one.add_default(Family::v4, rflag::kod);
            bulk.add_default(Family::v4, rflag::kod);
        }
    }
    bulk.end_bulk();
    const auto x = one_by_one.rules(Family::v4);
    const auto y = bulk.rules(Family::v4);
    REQUIRE(x.size() == y.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        INFO(i);
        CHECK(x[i].address == y[i].address);
        CHECK(x[i].mask == y[i].mask);
        CHECK(x[i].match == y[i].match);
        CHECK(x[i].flags == y[i].flags);
        CHECK(x[i].ippeerlimit == y[i].ippeerlimit);
    }
    CHECK(one_by_one.lookup(from("10.1.2.1", 123)) == bulk.lookup(from("10.1.2.1", 123)));
}
