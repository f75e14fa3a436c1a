#include "ntpd/control/provider.hh"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "tests/support/core_test_network.hh"

using namespace ntpd;

namespace {

// The server side as an empty stand-in: everything default.
class NoServer final : public control::ControlState {
public:
    SystemState sys;
    const SystemState& system() const override { return sys; }
    control::SystemExtras system_extras() const override {
        control::SystemExtras x;
        x.fuzz_s = 1e-7;
        return x;
    }
    std::vector<std::pair<std::uint16_t, std::uint16_t>> associations() const override { return {}; }
    std::optional<control::PeerVariables> peer(std::uint16_t) const override { return std::nullopt; }
    std::optional<control::ClockVariables> clock(std::uint16_t) const override { return std::nullopt; }
    control::SysStats sys_stats() const override { return {}; }
    control::MruStats mru_stats() const override { return {}; }
    control::AuthStats auth_stats() const override { return {}; }
    control::KernelInfo kernel_info() const override { return {}; }
    control::IoStats io_stats() const override { return {}; }
    control::TimerStats timer_stats() const override { return {}; }
    void visit_mru(const std::function<bool(const control::MruRow&)>&) const override {}
    std::vector<control::InterfaceStats> interfaces() const override { return {}; }
    std::vector<control::RestrictionRow> restrictions() const override { return {}; }
    void clear_event_count(std::uint16_t) override {}
    std::string configure(std::string_view, const ntp::io::Endpoint&) override { return "no"; }
    std::string save_config(std::string_view, const ntp::io::Endpoint&) override { return "no"; }
    std::vector<control::UserVariable> user_variables() const override { return {}; }
    bool write_user_variable(std::string_view, std::string_view) override { return false; }
};

}  // namespace

TEST_CASE("control provider: associations, peer and clock variables from the core") {
    ntpd::testing::SimWorld w;
    w.add_server("192.0.2.1");
    w.start("server 192.0.2.1 iburst\nserver 127.127.1.0\nfudge 127.127.1.0 stratum 10 refid XYZ\n");
    w.run_until(30);
    NoServer server;
    ControlProvider cp(*w.core, server, [&] { return w.clock.now(); });

    const auto list = cp.associations();
    REQUIRE(list.size() == 2);
    const PeerEntry* net = w.peer_at("192.0.2.1");
    const PeerEntry* local = w.peer_at("127.127.1.0");
    REQUIRE(net);
    REQUIRE(local);
    CHECK(list[0] == std::make_pair(net->peer.assoc_id(), net->peer.status_word()));

    const auto v = cp.peer(net->peer.assoc_id());
    REQUIRE(v);
    CHECK(v->source.to_string() == "192.0.2.1:123");
    CHECK(v->stratum == 1);
    CHECK(v->reach == 1);
    CHECK(v->hmode == 3);
    CHECK(v->pmode == 4);
    CHECK(v->sent == 6);
    CHECK(v->received == 6);
    CHECK(v->timer_s > 0);
    CHECK(v->timer_s <= 70);
    CHECK(v->delay_s > 0.0009);
    CHECK(v->filter_delay_s[0] > 0.0009);
    CHECK((v->status >> 8) == 0x96);  // conf, reach, sys.peer

    const auto lv = cp.peer(local->peer.assoc_id());
    REQUIRE(lv);
    CHECK(lv->refclock);
    CHECK(lv->stratum == 10);
    CHECK(lv->hostname.empty());  // no srchost for a reference clock
    CHECK(lv->refid == refid_from_text("XYZ"));
    const auto clk = cp.clock(local->peer.assoc_id());
    REQUIRE(clk);
    CHECK(clk->type == 1);
    CHECK(clk->fudge_stratum == 10);
    CHECK_FALSE(cp.clock(net->peer.assoc_id()));
    CHECK_FALSE(cp.peer(0));

    const auto x = cp.system_extras();
    REQUIRE(x.sys_peer_address);
    CHECK(x.sys_peer_address->to_string() == "192.0.2.1:123");
    CHECK(x.fuzz_s == 1e-7);  // the rest comes from the server side
    CHECK(cp.system().stratum == 2);
    CHECK(cp.timer_stats().xmts == 6);

    CHECK(cp.system().event_count > 0);
    cp.clear_event_count(0);
    CHECK(cp.system().event_count == 0);
    cp.clear_event_count(net->peer.assoc_id());
    CHECK((net->peer.status_word() & 0xf0) == 0);
}

TEST_CASE("control provider: leap file variables and the announced leap") {
    // 2016-12-31 12:00 UTC: the 2017 leap second is announced (last day).
    char dir_template[] = "/tmp/leap-provider-XXXXXX";
    REQUIRE(::mkdtemp(dir_template));
    const std::string path = std::string(dir_template) + "/leap-seconds.list";
    {
        std::ofstream out(path);
        out << "#$\t3676924800\n#@\t3707596800\n3644697600\t36\n3692217600\t37\n"
               "#h\t69819b11 4add8248 4c1f2799 a5994f71 2bcf979c\n";
    }
    ntp::clock::SimClock::Options o;
    o.start = {1'483'228'800 - 12 * 3600, 0};
    ntpd::testing::SimWorld w(o);
    w.add_server("192.0.2.1");
    w.start("server 192.0.2.1 iburst\nleapfile " + path + "\n");
    w.run_until(30);
    NoServer server;
    ControlProvider cp(*w.core, server, [&] { return w.clock.now(); });
    const auto x = cp.system_extras();
    CHECK(x.tai_offset_s == 36);
    CHECK(x.leap_table_unix_s == 1'483'228'800);
    CHECK(x.leap_expire_unix_s == 3707596800LL - 2208988800LL);
    CHECK(cp.system().synchronised());
    CHECK(cp.system().leap == leap::add_second);  // LI 01 in replies and mode 6
    CHECK(w.clock.leap_armed() == ntp::clock::LeapDirection::insert);
    CHECK(w.saw_event("TAI 37 leap 201701010000 expires 201706280000"));
    std::filesystem::remove_all(dir_template);
}
