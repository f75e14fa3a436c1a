#include "ntpd/core/core.hh"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/core_test_network.hh"

using namespace ntpd;
using ntpd::testing::SimWorld;

namespace {

std::string refid_text(std::uint32_t refid) {
    std::string s;
    for (int shift = 24; shift >= 0; shift -= 8) {
        const char c = static_cast<char>((refid >> shift) & 0xff);
        if (c) s += c;
    }
    return s;
}

ntp::io::Endpoint endpoint(const std::string& a) {
    ntp::io::Endpoint e;
    e.addr = *ntp::io::IpAddress::parse(a);
    e.port = 123;
    return e;
}

}  // namespace

TEST_CASE("core: iburst sends six packets two seconds apart and synchronises") {
    SimWorld w;
    w.add_server("192.0.2.1");
    w.start("server 192.0.2.1 iburst\n");
    REQUIRE(w.errors == 0);
    CHECK(w.saw_event("0.0.0.0 c016 06 restart"));
    CHECK(w.saw_event("192.0.2.1 8011 81 mobilize"));
    CHECK_FALSE(w.core->system_state().synchronised());
    CHECK(w.core->system_state().refid == refid_from_text("INIT"));

    w.run_until(20);
    const auto& times = w.servers[0].request_times;
    REQUIRE(times.size() == 6);
    CHECK(times[0] <= 2.1);
    for (std::size_t i = 1; i < times.size(); ++i) CHECK(times[i] - times[i - 1] == Approx(2).margin(0.01));
    const PeerEntry* p = w.peer_at("192.0.2.1");
    REQUIRE(p);
    CHECK(p->peer.reach() == 1);
    const SystemState& s = w.core->system_state();
    CHECK(s.synchronised());
    CHECK(s.stratum == 2);
    CHECK(s.refid == 0xc0000201u);  // 192.0.2.1
    CHECK(s.sys_peer_assoc == p->peer.assoc_id());
    CHECK(p->peer.select() == PeerSelect::sys_peer);
    CHECK(s.root_delay_s > 0);
    CHECK(s.root_dispersion_s >= 0.001);
    CHECK(s.reftime_ntp != 0);
    CHECK(w.saw_event("sys_peer"));

    // The next poll comes a minimum poll interval later (64 s + jitter).
    w.run_until(90);
    REQUIRE(times.size() == 7);
    CHECK(times[6] - times[5] >= 64);
    CHECK(times[6] - times[5] <= 64 * 1.07);
}

TEST_CASE("core: reach register fills one bit per poll and drains when the server stops") {
    SimWorld w;
    w.add_server("192.0.2.1");
    w.start("server 192.0.2.1 minpoll 4 maxpoll 4\n");
    w.run_until(16 * 8 + 5);  // eight polls answered, the ninth not yet sent
    const PeerEntry* p = w.peer_at("192.0.2.1");
    REQUIRE(p);
    CHECK(p->peer.reach() == 0377);
    CHECK(p->peer.status_word() >> 8 == 0x96);  // conf, reach, sys.peer

    w.servers[0].answers = false;
    w.run_until(16 * 8 + 10 + 16 * 9);
    CHECK(p->peer.reach() == 0);
    CHECK(w.saw_event("192.0.2.1") );
    CHECK(w.saw_event("unreachable"));
    // Without sources the system peer is lost but classic keeps leap/stratum.
    CHECK(w.saw_event("no_sys_peer"));
    CHECK(w.core->system_state().sys_peer_assoc == 0);
    CHECK(w.core->system_state().stratum == 2);
}

TEST_CASE("core: spoofed or replayed replies change nothing") {
    SimWorld w;
    w.add_server("192.0.2.1");
    w.servers[0].answers = false;
    w.start("server 192.0.2.1 iburst\n");
    w.run_until(3);
    REQUIRE(w.servers[0].requests == 1);
    const PeerEntry* p = w.peer_at("192.0.2.1");
    REQUIRE(p);
    const double next_poll = p->peer.next_poll_s();

    // A reply whose origin is not our transmit timestamp (blind spoofer).
    ntp::wire::NtpHeader h;
    h.mode = ntp::wire::Mode::server;
    h.stratum = 1;
    h.refid = ntp::wire::RefId::from_ascii("GPS");
    h.origin_ts = ntp::wire::NtpTimestamp(12345, 678);
    h.receive_ts = h.transmit_ts = ntp::wire::NtpTime::from_timespec(w.clock.now()).timestamp();
    std::vector<std::uint8_t> bytes(48);
    ntp::wire::encode_header(h, bytes);
    CHECK(w.inject(endpoint("192.0.2.1"), bytes) == PacketResult::dropped);
    h.origin_ts = {};
    ntp::wire::encode_header(h, bytes);
    CHECK(w.inject(endpoint("192.0.2.1"), bytes) == PacketResult::dropped);
    // A KoD DENY with a wrong origin is not obeyed.
    h.leap = ntp::wire::LeapIndicator::unsynchronised;
    h.stratum = 0;
    h.refid = ntp::wire::RefId::from_ascii("DENY");
    ntp::wire::encode_header(h, bytes);
    CHECK(w.inject(endpoint("192.0.2.1"), bytes) == PacketResult::dropped);
    CHECK_FALSE(p->peer.stopped());
    // Packets from addresses we have no association with are not ours.
    CHECK(w.inject(endpoint("192.0.2.99"), bytes) == PacketResult::not_ours);

    CHECK(p->peer.reach() == 0);
    CHECK(p->peer.next_poll_s() == next_poll);
    CHECK(p->peer.counters().bogus_origin == 3);
    CHECK_FALSE(w.core->system_state().synchronised());
    CHECK(w.core->peers().entries().size() == 1);

    // The genuine reply still works afterwards.
    w.servers[0].answers = true;
    w.run_until(80);
    CHECK(p->peer.reach() != 0);
}

TEST_CASE("core: request transmit timestamps carry random low-order bits") {
    SimWorld w;
    w.add_server("192.0.2.1");
    w.start("server 192.0.2.1 iburst\n");
    w.run_until(14);
    // Every request got a distinct transmit time; the bits below 2^-24 s
    // (our precision) are not all zero across six requests.
    const auto req = ntp::wire::decode_header(w.last_request_to("192.0.2.1"));
    REQUIRE(req);
    CHECK(req->mode == ntp::wire::Mode::client);
    CHECK(req->origin_ts.is_zero());   // data minimisation
    CHECK(req->receive_ts.is_zero());
    CHECK(req->reference_ts.is_zero());
    CHECK((req->transmit_ts.fraction() & 0xff) != 0);
}

TEST_CASE("core: KoD RATE raises the poll interval, DENY stops the association") {
    SimWorld w;
    w.add_server("192.0.2.1");
    w.add_server("192.0.2.2");
    w.servers[0].kiss = "RATE";
    w.servers[1].kiss = "DENY";
    w.start("server 192.0.2.1 iburst\nserver 192.0.2.2 iburst\n");
    w.run_until(200);
    CHECK(w.saw_event("rate_exceeded"));
    CHECK(w.saw_event("access_denied"));
    const PeerEntry* rate = w.peer_at("192.0.2.1");
    const PeerEntry* deny = w.peer_at("192.0.2.2");
    REQUIRE(rate);
    REQUIRE(deny);
    CHECK(rate->peer.reach() == 0);        // a KoD is not time
    CHECK(w.servers[0].requests <= 3);     // backed off, no burst
    CHECK(rate->peer.counters().selbroken >= 1);
    CHECK(deny->peer.stopped());
    CHECK(w.servers[1].requests == 1);
    CHECK_FALSE(w.core->system_state().synchronised());
}

TEST_CASE("core: selection rejects a falseticker and picks a good system peer") {
    SimWorld w;
    w.add_server("192.0.2.1", 0.0);
    w.add_server("192.0.2.2", 0.0001);
    w.add_server("192.0.2.3", -0.0001);
    w.add_server("192.0.2.4", 0.3);  // falseticker
    w.start("server 192.0.2.1 iburst\nserver 192.0.2.2 iburst\n"
            "server 192.0.2.3 iburst\nserver 192.0.2.4 iburst\n");
    w.run_until(200);
    const SystemState& s = w.core->system_state();
    REQUIRE(s.synchronised());
    const PeerEntry* bad = w.peer_at("192.0.2.4");
    REQUIRE(bad);
    CHECK(bad->peer.select() == PeerSelect::falsetick);
    CHECK(s.sys_peer_assoc != bad->peer.assoc_id());
    CHECK(std::fabs(w.clock.error_s()) < 0.01);
    int survivors = 0;
    for (const auto& e : w.core->peers().entries())
        if (e->peer.select() == PeerSelect::candidate || e->peer.select() == PeerSelect::sys_peer) ++survivors;
    CHECK(survivors == 3);
}

TEST_CASE("core: a LOCAL-only server is synchronised within 10 s at fudge stratum + 1") {
    SimWorld w;
    w.start("server 127.127.1.0\nfudge 127.127.1.0 stratum 10\n");
    REQUIRE(w.errors == 0);
    w.run_until(10);
    const SystemState& s = w.core->system_state();
    CHECK(s.synchronised());
    CHECK(s.leap == leap::none);
    CHECK(s.stratum == 11);
    // Classic: a non-stratum-0 system peer is named by its address, so
    // clients see 127.127.1.0 (ntpq: LOCAL(0)), not LOCL.
    CHECK(s.refid == 0x7f7f0100u);
    CHECK(s.sync_source == sync_source::local);
    CHECK(w.saw_event("127.127.1.0"));
    CHECK(w.core->refclock_names() == std::vector<std::string>{"LOCAL(0)"});
}

TEST_CASE("core: a LOCAL-only server's root distance is small within 10 s and stays small") {
    SimWorld w;
    w.start("server 127.127.1.0\nfudge 127.127.1.0 stratum 10\n");
    REQUIRE(w.errors == 0);
    // Clients reject a server whose root distance exceeds their maxdist
    // (chronyd 3 s, ntpd 1.5 s): the system variables must follow each new
    // LOCAL sample as its filter fills, not stay at the first one's ~8 s.
    w.run_until(10);
    const SystemState& s = w.core->system_state();
    CHECK(s.root_delay_s / 2 + s.root_dispersion_s < 1.0);
    w.run_until(30);
    CHECK(s.root_dispersion_s < 0.05);
    const std::uint64_t reftime_30 = s.reftime_ntp;
    // Later LOCAL polls keep updating the system variables.
    w.run_until(600);
    CHECK(s.synchronised());
    CHECK(s.stratum == 11);
    CHECK(s.reftime_ntp > reftime_30);
    CHECK(s.root_dispersion_s < 0.05);
    const PeerEntry* local = w.peer_at("127.127.1.0");
    REQUIRE(local);
    CHECK(local->peer.select() == PeerSelect::sys_peer);
    CHECK(local->peer.flash() == 0);
}

TEST_CASE("core: a stratum 0 refclock passes its own refid on") {
    SimWorld w;
    w.start("server 127.127.1.0\nfudge 127.127.1.0 stratum 0 refid GPS\n");
    REQUIRE(w.errors == 0);
    w.run_until(30);
    const SystemState& s = w.core->system_state();
    CHECK(s.synchronised());
    CHECK(s.stratum == 1);
    CHECK(refid_text(s.refid) == "GPS");
    CHECK(s.root_dispersion_s < 0.05);
}

TEST_CASE("core: LOCAL waits for orphanwait while real servers are configured") {
    SimWorld w;
    w.add_server("192.0.2.1");
    w.servers[0].answers = false;
    w.start("server 192.0.2.1 iburst\nserver 127.127.1.0\nfudge 127.127.1.0 stratum 10\n");
    w.run_until(200);
    CHECK_FALSE(w.core->system_state().synchronised());
    w.run_until(420);  // orphanwait (300 s) plus a LOCAL poll (64 s)
    const SystemState& s = w.core->system_state();
    CHECK(s.synchronised());
    CHECK(s.stratum == 11);
    CHECK(s.refid == 0x7f7f0100u);
}

TEST_CASE("core: a reachable server wins over LOCAL") {
    SimWorld w;
    w.add_server("192.0.2.1");
    w.start("server 192.0.2.1 iburst\nserver 127.127.1.0\nfudge 127.127.1.0 stratum 10\n");
    w.run_until(600);
    const SystemState& s = w.core->system_state();
    CHECK(s.synchronised());
    CHECK(s.stratum == 2);
    const PeerEntry* local = w.peer_at("127.127.1.0");
    REQUIRE(local);
    CHECK(local->peer.select() != PeerSelect::sys_peer);
}

TEST_CASE("core: LOCAL with prefer is used at once even beside servers") {
    SimWorld w;
    w.add_server("192.0.2.1");
    w.servers[0].answers = false;
    w.start("server 192.0.2.1 iburst\nserver 127.127.1.0 prefer\nfudge 127.127.1.0 stratum 10\n");
    w.run_until(10);
    CHECK(w.core->system_state().synchronised());
    CHECK(w.core->system_state().stratum == 11);
}

TEST_CASE("core: orphan mode claims the orphan stratum after orphanwait") {
    SimWorld w;
    w.add_server("192.0.2.1");
    w.servers[0].answers = false;
    w.start("server 192.0.2.1\ntos orphan 7 orphanwait 100\n");
    w.run_until(50);
    CHECK_FALSE(w.core->system_state().synchronised());
    w.run_until(110);
    const SystemState& s = w.core->system_state();
    CHECK(s.synchronised());
    CHECK(s.stratum == 7);
    CHECK(s.refid == 0x7f000001u);
}

TEST_CASE("core: a large offset is stepped and the associations restart") {
    SimWorld w;
    w.add_server("192.0.2.1", 0.5);
    w.start("server 192.0.2.1 iburst\n");
    w.run_until(20);
    CHECK((w.saw_event("clock_step +0.5") || w.saw_event("clock_step +0.49")));
    CHECK(w.clock.steps().size() == 1);
    CHECK(std::fabs(w.clock.error_s() - 0.5) < 0.01);
    w.run_until(120);
    CHECK(w.core->system_state().synchronised());
    CHECK(std::fabs(w.clock.error_s() - 0.5) < 0.01);
}

TEST_CASE("core: -q sets the clock once and asks to exit") {
    SimWorld w;
    w.add_server("192.0.2.1", 0.3);
    CoreOptions o;
    o.quit_mode = true;
    w.start("server 192.0.2.1\n", o);
    w.run_until(60);
    REQUIRE(w.core->exit_request());
    CHECK(w.core->exit_request()->status == 0);
    const std::string text = w.core->exit_request()->stdout_text;
    REQUIRE(text.rfind("ntpd: time set +", 0) == 0);
    CHECK(text.back() == 's');
    CHECK(std::stod(text.substr(15)) == Approx(0.3).margin(0.001));
    CHECK(w.clock.steps().size() == 1);
}

TEST_CASE("core: -q with no answering server ends with 'no servers found'") {
    SimWorld w;
    w.add_server("192.0.2.1");
    w.servers[0].answers = false;
    CoreOptions o;
    o.quit_mode = true;
    w.start("server 192.0.2.1\n", o);
    // Classic: the iburst volley (6 packets, 2 s apart) completes without a
    // usable update, then a few seconds' grace for the last reply.
    w.run_until(12);
    CHECK_FALSE(w.core->exit_request());
    w.run_until(30);
    REQUIRE(w.core->exit_request());
    CHECK(w.core->exit_request()->stdout_text == "ntpd: no servers found");
    CHECK(w.servers[0].requests == 6);
}

TEST_CASE("core: -q waits for every server's volley; one answering server sets the clock") {
    SimWorld w;
    w.add_server("192.0.2.1");
    w.add_server("192.0.2.2", 0.2);
    w.servers[0].answers = false;
    CoreOptions o;
    o.quit_mode = true;
    w.start("server 192.0.2.1\nserver 192.0.2.2\n", o);
    w.run_until(60);
    REQUIRE(w.core->exit_request());
    CHECK(w.core->exit_request()->stdout_text.rfind("ntpd: time set +0.2", 0) == 0);
    CHECK(w.servers[1].requests <= 6);  // one volley was enough
}

TEST_CASE("core: panic beyond 1000 s asks to exit with 255 unless -g") {
    SimWorld w;
    w.add_server("192.0.2.1", 5000);
    w.start("server 192.0.2.1 iburst\n");
    w.run_until(30);
    REQUIRE(w.core->exit_request());
    CHECK(w.core->exit_request()->status == 255);
    CHECK(w.saw_event("panic_stop"));

    SimWorld g;
    g.add_server("192.0.2.1", 5000);
    CoreOptions o;
    o.panic_gate = true;
    g.start("server 192.0.2.1 iburst\n", o);
    g.run_until(30);
    CHECK_FALSE(g.core->exit_request());
    CHECK(g.clock.steps().size() == 1);
}

TEST_CASE("core: host names resolve off the loop and are retried until they do") {
    SimWorld w;
    w.add_server("192.0.2.7");
    w.start("server ntp.example iburst\n");
    w.run_until(20);
    CHECK(w.core->peers().entries().empty());
    CHECK(w.saw_event("unable to resolve host ntp.example"));
    const int lookups = w.resolver.lookups;
    CHECK(lookups >= 3);     // 2 s, 4 s, 8 s ... back-off
    CHECK(lookups <= 6);
    w.resolver.answers["ntp.example"] = {*ntp::io::IpAddress::parse("192.0.2.7")};
    w.run_until(80);
    CHECK(w.saw_event("DNS ntp.example -> 192.0.2.7"));
    const PeerEntry* p = w.peer_at("192.0.2.7");
    REQUIRE(p);
    CHECK(p->peer.config().hostname == "ntp.example");
    CHECK(w.core->system_state().synchronised());
}

TEST_CASE("core: a pool mobilizes several servers and replaces dead ones") {
    SimWorld w;
    for (const char* a : {"192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.14", "192.0.2.15"})
        w.add_server(a);
    w.servers[1].answers = false;  // .12 never answers
    w.resolver.answers["pool.example"] = {
        *ntp::io::IpAddress::parse("192.0.2.11"), *ntp::io::IpAddress::parse("192.0.2.12"),
        *ntp::io::IpAddress::parse("192.0.2.13"), *ntp::io::IpAddress::parse("192.0.2.14")};
    w.start("pool pool.example iburst\ntos maxclock 5\n");
    w.run_until(30);
    CHECK(w.saw_event("Soliciting pool server 192.0.2.11"));
    CHECK(w.core->peers().entries().size() == 5);  // prototype + 4
    CHECK(w.core->system_state().synchronised());
    // The dead one goes after ten unanswered polls; a fresh address replaces it.
    w.resolver.answers["pool.example"].push_back(*ntp::io::IpAddress::parse("192.0.2.15"));
    w.run_until(64 * 14);
    CHECK(w.peer_at("192.0.2.12") == nullptr);
    CHECK(w.peer_at("192.0.2.15") != nullptr);
    CHECK(w.saw_event("demobilize"));
    CHECK_FALSE(w.released.empty());
}

TEST_CASE("core: mode 1 dispatch knows the configured symmetric peers") {
    SimWorld w;
    w.add_server("192.0.2.1");
    w.start("peer 192.0.2.1\nserver 192.0.2.2\n");
    CHECK(w.core->is_configured_peer(endpoint("192.0.2.1")));
    CHECK_FALSE(w.core->is_configured_peer(endpoint("192.0.2.2")));
    CHECK_FALSE(w.core->is_configured_peer(endpoint("192.0.2.3")));
    w.run_until(30);
    const PeerEntry* p = w.peer_at("192.0.2.1");
    REQUIRE(p);
    CHECK(p->peer.hmode() == host_mode::sym_active);
    CHECK(p->peer.reach() != 0);
    CHECK(p->peer.header().pmode == 2);
}

TEST_CASE("core: loopstats and peerstats lines are written") {
    namespace fs = std::filesystem;
    std::string tmpl = (fs::temp_directory_path() / "core-stats.XXXXXX").string();
    const fs::path dir = ::mkdtemp(tmpl.data());
    SimWorld w;
    w.add_server("192.0.2.1");
    w.start("server 192.0.2.1 iburst\nstatsdir " + dir.string() +
            "\nstatistics loopstats peerstats\nfilegen loopstats type none\nfilegen peerstats type none\n");
    w.run_until(20);
    std::ifstream loop(dir / "loopstats"), peer(dir / "peerstats");
    std::string line;
    REQUIRE(std::getline(loop, line));
    std::istringstream ls(line);
    long mjd = 0;
    std::string sec, offset, freq, jitter, wander, poll;
    ls >> mjd >> sec >> offset >> freq >> jitter >> wander >> poll;
    CHECK(mjd > 60000);
    CHECK(poll == "6");
    REQUIRE(std::getline(peer, line));
    CHECK(line.find(" 192.0.2.1 ") != std::string::npos);
    fs::remove_all(dir);
}


namespace {
// Synchronised over a symmetric 0.5 ms path, then the replies alone are
// delayed by 20 ms (a saturated uplink): the offset measurements are biased
// by -10 ms from then on. Returns the clock error an hour later.
double error_after_uplink_saturates(const std::string& extra_conf) {
    SimWorld w;
    w.add_server("192.0.2.1");
    w.start("server 192.0.2.1 iburst\n" + extra_conf);
    w.run_until(1800);
    w.servers[0].return_extra_delay_s = 0.020;
    w.run_until(1800 + 3600);
    return w.clock.error_s();
}
}  // namespace

TEST_CASE("core: tinker huffpuff takes the asymmetric extra delay off the offset") {
    const double plain = error_after_uplink_saturates("");
    const double huffpuff = error_after_uplink_saturates("tinker huffpuff 7200\n");
    // Without it the clock follows the biased offsets by about 10 ms; with
    // it the minimum delay (1 ms, an hour ago) shows the excess.
    CHECK(std::fabs(plain) > 0.005);
    CHECK(std::fabs(huffpuff) < 0.001);
}

namespace {

// A broadcast from `w`'s first server as if sent `age_s` ago by its clock.
std::vector<std::uint8_t> broadcast_from(const SimWorld& w, double age_s, int poll = 4) {
    ntp::wire::NtpHeader h;
    h.mode = ntp::wire::Mode::broadcast;
    h.stratum = 1;
    h.poll_log2 = static_cast<std::int8_t>(poll);
    h.precision_log2 = -20;
    h.refid = ntp::wire::RefId::from_ascii("GPS");
    h.root_delay = ntp::wire::NtpShort::from_seconds(0.0001);
    h.root_dispersion = ntp::wire::NtpShort::from_seconds(0.0002);
    const auto t = ntp::wire::NtpTime::from_timespec(w.clock.true_now()).add_seconds(w.servers[0].offset_s - age_s);
    h.reference_ts = t.add_seconds(-10).timestamp();
    h.transmit_ts = t.timestamp();
    std::vector<std::uint8_t> bytes(48);
    ntp::wire::encode_header(h, bytes);
    return bytes;
}

// One server polled every 16 s, synchronised; returns its entry.
const PeerEntry& synchronised_to_one(SimWorld& w) {
    w.add_server("192.0.2.1");
    w.start("server 192.0.2.1 iburst minpoll 4 maxpoll 4\n");
    w.run_until(40);
    const PeerEntry* p = w.peer_at("192.0.2.1");
    REQUIRE(p);
    REQUIRE(w.core->system_state().sys_peer_assoc == p->peer.assoc_id());
    return *p;
}

}  // namespace

TEST_CASE("core: broadcasts mobilize nothing without broadcastclient, nor unsigned ones with auth on") {
    for (const char* conf : {"", "broadcastclient\n"}) {
        SimWorld w;
        w.add_server("192.0.2.1", 0.05);
        w.start(conf);
        w.run_until(2);
        CHECK(w.inject(endpoint("192.0.2.1"), broadcast_from(w, 0.003)) == PacketResult::dropped);
        CHECK(w.core->peers().entries().empty());
        const auto& c = w.core->broadcast_counters();
        CHECK(c.not_enabled + c.bad_auth == 1);
        CHECK((std::string(conf).empty() ? c.not_enabled : c.bad_auth) == 1);
    }
}

TEST_CASE("core: a broadcast client calibrates with a volley, then runs on the broadcasts alone") {
    SimWorld w;
    w.add_server("192.0.2.1", 0.05).one_way_delay_s = 0.003;
    w.start("disable ntp\ndisable auth\nbroadcastclient\n");
    w.run_until(2);
    REQUIRE(w.inject(endpoint("192.0.2.1"), broadcast_from(w, 0.003)) == PacketResult::accepted);
    const PeerEntry* p = w.peer_at("192.0.2.1");
    REQUIRE(p);
    CHECK(p->peer.config().kind == PeerKind::broadcast_client);
    CHECK(p->peer.config().ephemeral());
    CHECK(p->peer.hmode() == host_mode::client);  // the volley
    CHECK(p->peer.minpoll_log2() == 4);
    CHECK(p->peer.maxpoll_log2() == 4);
    CHECK(w.saw_event("192.0.2.1 0011 81 mobilize"));

    w.run_until(18);  // the volley: a first request, then the rest of the burst
    CHECK(w.servers[0].requests >= 6);
    REQUIRE(p->filter.has_sample());
    CHECK(p->filter.offset_s() == Approx(0.05).margin(0.0005));

    // Replays and floods change nothing.
    auto b = broadcast_from(w, 0.003);
    REQUIRE(w.inject(endpoint("192.0.2.1"), b) == PacketResult::accepted);
    CHECK(p->peer.hmode() == host_mode::bclient);
    CHECK(w.saw_event("calibrated delay 0.006"));
    CHECK(p->filter.offset_s() == Approx(0.05).margin(0.0005));
    const int requests = w.servers[0].requests;
    CHECK(w.inject(endpoint("192.0.2.1"), b) == PacketResult::dropped);  // the same packet
    CHECK(p->peer.counters().old_packet == 1);
    w.run_until(20);
    CHECK(w.inject(endpoint("192.0.2.1"), broadcast_from(w, 5)) == PacketResult::dropped);   // earlier
    CHECK(w.inject(endpoint("192.0.2.1"), broadcast_from(w, 0.003)) == PacketResult::dropped);  // too soon
    CHECK(w.core->broadcast_counters().declined == 3);

    // Broadcasts every 17 s keep it reachable and selected; no more requests.
    for (double t = 35; t < 35 + 17 * 8; t += 17) {
        w.run_until(t);
        CHECK(w.inject(endpoint("192.0.2.1"), broadcast_from(w, 0.003)) == PacketResult::accepted);
    }
    CHECK(w.servers[0].requests == requests);
    CHECK(p->peer.reach() != 0);
    CHECK(p->peer.select() == PeerSelect::sys_peer);
    CHECK(p->filter.offset_s() == Approx(0.05).margin(0.0005));
    CHECK(p->filter.delay_s() == Approx(0.006).margin(0.0005));

    // Silence: the ephemeral association goes away.
    w.run_until(35 + 17 * 8 + 16 * 30);
    CHECK_FALSE(w.peer_at("192.0.2.1"));
    CHECK(w.saw_event("demobilize"));
}

TEST_CASE("core: novolley takes broadcastdelay's round trip and sends nothing") {
    SimWorld w;
    w.add_server("192.0.2.1", 0.05);
    w.start("disable ntp\ndisable auth\nbroadcastclient novolley\nbroadcastdelay 0.010\n");
    w.run_until(2);
    REQUIRE(w.inject(endpoint("192.0.2.1"), broadcast_from(w, 0.003)) == PacketResult::accepted);
    const PeerEntry* p = w.peer_at("192.0.2.1");
    REQUIRE(p);
    CHECK(p->peer.hmode() == host_mode::bclient);
    w.run_until(40);
    CHECK(w.servers[0].requests == 0);
    REQUIRE(p->filter.has_sample());
    // T3 - T4 = 0.047, plus half the configured 10 ms.
    CHECK(p->filter.offset_s() == Approx(0.052).margin(0.0002));
    CHECK(p->filter.delay_s() == Approx(0.010).margin(0.0002));
}

TEST_CASE("core: a broadcast association sends mode 5 with the system variables once synchronised") {
    struct Recorder final : PacketSender {
        std::vector<std::pair<ntp::io::Endpoint, std::vector<std::uint8_t>>> sent;
        std::vector<int> ttls;
        void send(std::uint16_t, const ntp::io::Endpoint&, std::span<const std::uint8_t>) override {}
        void release(std::uint16_t) override {}
        void send_broadcast(std::uint16_t, const ntp::io::Endpoint& to, int ttl,
                            std::span<const std::uint8_t> p) override {
            sent.emplace_back(to, std::vector<std::uint8_t>(p.begin(), p.end()));
            ttls.push_back(ttl);
        }
    };
    SimWorld w;
    Recorder rec;
    auto loaded = ntp::config::parse_config_text(
        "server 127.127.1.0\nfudge 127.127.1.0 stratum 10\nttl 1 2 3\nbroadcast 192.0.2.255 minpoll 4 ttl 2\n",
        "t.conf", {});
    REQUIRE(loaded.errors == 0);
    CoreOptions options;
    options.precision_log2 = -24;
    Core core(loaded.config, options, CoreDeps{w.clock, rec, w.resolver, w.random});
    core.start(w.clock.now());
    for (int s = 1; s <= 80; ++s) {
        w.clock.advance(1);
        core.tick(w.clock.now(), w.clock.true_elapsed_s());
    }
    REQUIRE(core.system_state().synchronised());
    REQUIRE(rec.sent.size() >= 3);
    for (std::size_t i = 1; i < rec.sent.size(); ++i) {
        const auto h = ntp::wire::decode_header(rec.sent[i].second);
        REQUIRE(h);
        CHECK(h->mode == ntp::wire::Mode::broadcast);
        CHECK(h->stratum == 11);
        CHECK(h->poll_log2 == 4);
        CHECK(h->origin_ts.is_zero());
        CHECK(!h->transmit_ts.is_zero());
        CHECK(rec.sent[i].first.addr.to_string() == "192.0.2.255");
        CHECK(rec.ttls[i] == 3);
        // 16 s apart plus the second of headway, never sooner.
        const auto prev = ntp::wire::decode_header(rec.sent[i - 1].second);
        CHECK(ntp::wire::diff_s(h->transmit_ts, prev->transmit_ts) == Approx(17).margin(0.01));
    }
    const PeerEntry* b = nullptr;
    for (const auto& e : core.peers().entries())
        if (e->peer.config().kind == PeerKind::broadcast) b = e.get();
    REQUIRE(b);
    CHECK(b->peer.hmode() == host_mode::broadcast);
    CHECK(b->peer.header().refid.ascii() == std::optional<std::string>("BCST"));
}

TEST_CASE("core: a system peer whose replies turn leap 3 is dropped at its next reply") {
    SimWorld w;
    const PeerEntry& p = synchronised_to_one(w);
    w.servers[0].unsynchronised = true;
    w.run_until(60);  // one poll answered with leap 3
    CHECK(p.peer.header().leap == 3);
    CHECK((p.peer.flash() & flash::pkt_unsync) != 0);
    CHECK(p.peer.counters().seldisp >= 1);
    CHECK((p.peer.reach() & 1) == 0);  // not counted as reached (classic)
    CHECK(p.peer.select() == PeerSelect::reject);
    CHECK(w.core->system_state().sys_peer_assoc == 0);
    CHECK(w.saw_event("no_sys_peer"));

    // Back in sync: selected again.
    w.servers[0].unsynchronised = false;
    w.run_until(100);
    CHECK((p.peer.flash() & flash::pkt_unsync) == 0);
    CHECK(w.core->system_state().sys_peer_assoc == p.peer.assoc_id());
}

TEST_CASE("core: replies at stratum 16 or with a reference time ahead of transmit make the peer unfit") {
    SECTION("stratum 16, leap 0") {
        SimWorld w;
        const PeerEntry& p = synchronised_to_one(w);
        w.servers[0].stratum = 16;
        w.run_until(60);
        CHECK((p.peer.flash() & flash::pkt_unsync) != 0);
        CHECK(w.core->system_state().sys_peer_assoc == 0);
    }
    SECTION("reference time later than transmit time (TEST7)") {
        SimWorld w;
        const PeerEntry& p = synchronised_to_one(w);
        w.servers[0].reference_ahead_s = 100;
        w.run_until(60);
        CHECK(p.peer.header().leap == 0);
        CHECK((p.peer.flash() & flash::pkt_header) != 0);
        CHECK(p.peer.select() == PeerSelect::reject);
        CHECK(w.core->system_state().sys_peer_assoc == 0);
    }
}

TEST_CASE("core: when the system peer loses sync another server takes over") {
    SimWorld w;
    w.add_server("192.0.2.1");
    w.add_server("192.0.2.2", 0.0001);
    w.add_server("192.0.2.3", -0.0001);
    w.start("server 192.0.2.1 iburst minpoll 4 maxpoll 4\nserver 192.0.2.2 iburst minpoll 4 maxpoll 4\n"
            "server 192.0.2.3 iburst minpoll 4 maxpoll 4\n");
    w.run_until(60);
    const std::uint16_t first = w.core->system_state().sys_peer_assoc;
    REQUIRE(first != 0);
    const PeerEntry* sp = w.core->peers().find(first);
    REQUIRE(sp);
    for (auto& s : w.servers)
        if (s.address == sp->peer.config().address.addr) s.unsynchronised = true;
    w.run_until(80);
    const std::uint16_t now_peer = w.core->system_state().sys_peer_assoc;
    CHECK(now_peer != 0);
    CHECK(now_peer != first);
    CHECK(sp->peer.select() == PeerSelect::reject);
    CHECK(w.core->system_state().synchronised());
}
