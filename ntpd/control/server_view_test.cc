#include "ntpd/control/server_view.hh"

#include <catch2/catch.hpp>

#include "libntp/wire/ntp_time.hh"

using ntp::io::Endpoint;
using ntp::io::Family;
using ntp::io::IpAddress;

TEST_CASE("MRU entries become mrulist rows, oldest first", "[view]") {
    ntpd::MruList mru({}, 5, 6);
    auto a = mru.record(Endpoint{*IpAddress::parse("192.0.2.1"), 123}, *IpAddress::parse("10.0.0.1"),
                        1700000000.0);
    a.entry->mode = 3;
    a.entry->version = 4;
    a.entry->restrict_flags = ntpd::rflag::nomodify;
    mru.record(Endpoint{*IpAddress::parse("::1"), 999}, *IpAddress::parse("::1"), 1700000001.5);
    mru.record(Endpoint{*IpAddress::parse("192.0.2.1"), 124}, *IpAddress::parse("10.0.0.1"),
               1700000002.0);
    std::vector<ntpd::control::MruRow> rows;
    ntpd::visit_mru_rows(mru, [&](const ntpd::control::MruRow& r) {
        rows.push_back(r);
        return true;
    });
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].remote.to_string() == "[::1]:999");
    CHECK(rows[1].remote.to_string() == "192.0.2.1:124");
    CHECK(rows[1].count == 2);
    CHECK(rows[1].mode_version == 0x23);
    CHECK(rows[1].restrict_flags == ntpd::rflag::nomodify);
    CHECK(rows[1].first_ntp ==
          ntp::wire::NtpTime::from_unix_seconds(1700000000.0).timestamp().raw());
    CHECK(rows[1].last_ntp >> 32 == (rows[1].first_ntp >> 32) + 2);

    int seen = 0;
    ntpd::visit_mru_rows(mru, [&](const ntpd::control::MruRow&) { return ++seen < 1; });
    CHECK(seen == 1);

    auto s = ntpd::mru_stats(mru, 1);
    CHECK(s.depth == 2);
    CHECK(s.enabled == 1);
    CHECK(s.max_age_s == 64);
    CHECK(s.min_depth == 600);
}

TEST_CASE("restrict entries become reslist rows", "[view]") {
    ntpd::RestrictList list;
    list.add_default(Family::v4, ntpd::rflag::nomodify | ntpd::rflag::noquery);
    list.add_local_address(*IpAddress::parse("127.0.0.1"));
    auto rows = ntpd::restriction_rows(list);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].address.to_string() == "127.0.0.1");
    CHECK(rows[0].flags == "ntpport interface ignore");
    CHECK(rows[1].flags == "noquery nomodify");
    CHECK(rows[1].mask.to_string() == "0.0.0.0");
    CHECK(rows[2].address.to_string() == "::");
    CHECK(rows[2].flags.empty());
}
