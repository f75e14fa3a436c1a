// Control server tests: golden variable text against the classic capture
// (classic ntpd 4.2.8 recordings), request validation, errors, authentication,
// ntpstat's 576-octet request, MRU list protocol, ifstats/reslist, and
// garbage input.

#include "ntpd/control/control_server.hh"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "libntp/client/var_parser.hh"
#include "libntp/config/ntp_config.hh"
#include "libntp/wire/mode6.hh"
#include "libntp/wire/varlist.hh"
#include "tests/support/control_capture_state.hh"

using namespace ntpd::control;
using namespace ntpd::control::testing;
namespace m6 = ntp::wire::mode6;
namespace rflag = ntp::config::restrict_flag;

TEST_CASE("control: default system variables in classic order and formats", "[control]") {
    Harness t;
    auto replies = t.ask({});
    REQUIRE(replies.size() == 1);
    const auto h = header_of(replies[0]);
    CHECK(h.status == 0xc616);  // leap_alarm, sync_ntp, 1 event, restart (classic capture)
    CHECK(h.leap == 3);
    CHECK(h.version == 2);
    CHECK(h.sequence == 7);
    CHECK(h.opcode == 2);
    // classic/ntpq-c-rv.txt, with the values as the server sends them (ntpq
    // cooks leap=3 into "11" and adds dates to the timestamps).
    const std::vector<std::string> want = {
        "version=\"ntpd 4.3.91-o Sat Nov 21 22:42:17 UTC 2026 (3)\"",
        "processor=\"x86_64\"",
        "system=\"Linux/6.18.44-fc-v595\"",
        "leap=3",
        "stratum=3",
        "precision=-24",
        "rootdelay=0.058",
        "rootdisp=1.045",
        "refid=10.200.0.1",
        "reftime=0xeeaca8ef.825536d9",
        "clock=0xeeaca8f3.606810e9",
        "peer=11100",
        "tc=6",
        "mintc=3",
        "offset=0.000000",
        "frequency=0.000",
        "sys_jitter=0.000000",
        "clk_jitter=0.000",
        "clk_wander=0.000"};
    const auto text = text_of(replies);
    CHECK(items_of(text) == want);
    // Byte layout: ", " between items, ",\r\n" before reaching 72 columns, CRLF at the end.
    CHECK(text.substr(0, 62) == "version=\"ntpd 4.3.91-o Sat Nov 21 22:42:17 UTC 2026 (3)\",\r\npro");
    CHECK(text.find("\r\nprecision=-24, rootdelay=0.058, rootdisp=1.045, refid=10.200.0.1,\r\n") !=
          std::string::npos);
    CHECK(text.substr(text.size() - 2) == "\r\n");
}

TEST_CASE("control: unsynchronised system and optional variables", "[control]") {
    Harness t;
    t.state.sys = ntpd::SystemState{};
    t.state.sys.precision_log2 = -24;
    t.state.sys.poll_log2 = 3;
    t.state.sys.sync_source = 0;
    t.state.sys.event_count = 1;
    t.state.sys.last_event = ntpd::SystemEvent::restart;
    t.state.extras.sys_peer_address.reset();
    auto items = items_of(text_of(t.ask({})));
    // classic/ntpq-c-rv-unsync.txt
    CHECK(items[3] == "leap=3");
    CHECK(items[4] == "stratum=16");
    CHECK(items[8] == "refid=INIT");
    CHECK(items[9] == "reftime=0x00000000.00000000");
    CHECK(items[11] == "peer=0");
    CHECK(items[12] == "tc=3");
    CHECK(header_of(t.ask({})[0]).status == 0xc016);

    t.state.extras.tai_offset_s = 37;
    t.state.extras.leap_table_unix_s = 1483228800;   // 2017-01-01 00:00 UTC
    t.state.extras.leap_expire_unix_s = 1814140800;  // 2027-06-28 00:00 UTC
    items = items_of(text_of(t.ask({})));
    REQUIRE(items.size() == 22);
    CHECK(items[19] == "tai=37");
    CHECK(items[20] == "leapsec=201701010000");
    CHECK(items[21] == "expire=202706280000");

    // Requested names come back in code order; peeradr prints 0.0.0.0:0 without a sys.peer.
    CHECK(text_of(t.ask({.text = "peeradr,offset,stratum"})) ==
          "stratum=16, offset=0.000000, peeradr=0.0.0.0:0\r\n");
}

TEST_CASE("control: named system variables", "[control]") {
    Harness t;
    // classic/ntpq-c-rv0-stratum-offset.txt
    CHECK(text_of(t.ask({.text = "stratum,offset"})) == "stratum=3, offset=0.000000\r\n");
    CHECK(text_of(t.ask({.text = "offset stratum, stratum=5"})) == "stratum=3, offset=0.000000\r\n");
    CHECK(text_of(t.ask({.text = "peeradr,peermode"})) == "peeradr=10.200.0.1:123, peermode=3\r\n");
    // An unknown name fails the whole request; a variable without a value is absent.
    CHECK(error_of(t.ask({.text = "stratum,nosuchvar"})) == 5);
    CHECK(text_of(t.ask({.text = "tai"})).empty());
    CHECK(error_of(t.ask({.text = std::string(200, 'x')})) == 2);

    const auto list = text_of(t.ask({.text = "sys_var_list"}));
    CHECK(list.rfind("sys_var_list=\"leap,stratum,precision,", 0) == 0);
    CHECK(list.size() <= 468);
}

TEST_CASE("control: statistics command variables", "[control]") {
    Harness t;
    t.state.sysstats = {469, 469, 106, 17, 0, 0, 0, 0, 0, 0, 0, 13};
    t.state.mrustats = {0x1, 2, 2, 600, 64, 11915, 0, 1024};
    t.state.iostats = {469, 10, 9, 0, 1, 0, 0, 108, 144, 0, 577, 108};
    t.state.timerstats = {470, 0, 0};
    t.state.authstats = {470, 0, 0, 0, 0, 0, 0, 0, 0};

    // classic/ntpq-c-sysstats.txt (ntpq's request list, answered in code order)
    CHECK(items_of(text_of(t.ask({.text = "ss_uptime,ss_reset,ss_received,ss_thisver,ss_oldver,"
                                          "ss_badformat,ss_badauth,ss_declined,ss_restricted,"
                                          "ss_limited,ss_kodsent,ss_processed"}))) ==
          std::vector<std::string>{"ss_uptime=469", "ss_reset=469", "ss_received=106",
                                   "ss_thisver=17", "ss_oldver=0", "ss_badformat=0",
                                   "ss_badauth=0", "ss_declined=0", "ss_restricted=0",
                                   "ss_limited=0", "ss_kodsent=0", "ss_processed=13"});
    // classic/ntpq-c-monstats.txt
    CHECK(items_of(text_of(t.ask({.text = "mru_enabled,mru_depth,mru_deepest,mru_maxdepth,"
                                          "mru_mindepth,mru_maxage,mru_mem,mru_maxmem"}))) ==
          std::vector<std::string>{"mru_enabled=0x1", "mru_depth=2", "mru_deepest=2",
                                   "mru_mindepth=600", "mru_maxage=64", "mru_maxdepth=11915",
                                   "mru_mem=0", "mru_maxmem=1024"});
    // classic/ntpq-c-iostats.txt
    CHECK(items_of(text_of(t.ask({.text = "iostats_reset,total_rbuf,free_rbuf,used_rbuf,"
                                          "rbuf_lowater,io_dropped,io_ignored,io_received,"
                                          "io_sent,io_sendfailed,io_wakeups,io_goodwakeups"}))) ==
          std::vector<std::string>{"iostats_reset=469", "total_rbuf=10", "free_rbuf=9",
                                   "used_rbuf=0", "rbuf_lowater=1", "io_dropped=0",
                                   "io_ignored=0", "io_received=108", "io_sent=144",
                                   "io_sendfailed=0", "io_wakeups=577", "io_goodwakeups=108"});
    // classic/ntpq-c-timerstats.txt, classic/ntpq-c-authinfo.txt
    CHECK(text_of(t.ask({.text = "timerstats_reset,timer_overruns,timer_xmts"})) ==
          "timerstats_reset=470, timer_overruns=0, timer_xmts=0\r\n");
    CHECK(items_of(text_of(t.ask({.text = "authreset,authkeys,authfreek,authklookups,"
                                          "authknotfound,authkuncached,authkexpired,"
                                          "authencrypts,authdecrypts"}))) ==
          std::vector<std::string>{"authkeys=0", "authfreek=0", "authklookups=0",
                                   "authknotfound=0", "authkuncached=0", "authkexpired=0",
                                   "authencrypts=0", "authdecrypts=0", "authreset=470"});
}

TEST_CASE("control: kernel variables", "[control]") {
    Harness t;
    const std::string kerninfo =
        "koffset,kfreq,kmaxerr,kesterr,kstflags,ktimeconst,kprecis,kfreqtol,kppsfreq,kppsstab,"
        "kppsjitter,kppscalibdur,kppscalibs,kppsjitexc,kppsstbexc,kppscaliberrs";
    // classic/ntpq-c-kerninfo.txt: unsynchronised kernel, no PPS.
    t.state.kernel.available = true;
    t.state.kernel.max_error_ms = 16;
    t.state.kernel.est_error_ms = 16;
    t.state.kernel.status = 0x40;  // STA_UNSYNC
    t.state.kernel.time_constant = 2;
    t.state.kernel.precision_ms = 1e-6;
    t.state.kernel.tolerance_ppm = 500;
    CHECK(items_of(text_of(t.ask({.text = kerninfo}))) ==
          std::vector<std::string>{"koffset=0", "kfreq=0", "kmaxerr=16", "kesterr=16",
                                   "kstflags=\"unsync\"", "ktimeconst=2", "kprecis=1e-06",
                                   "kfreqtol=500", "kppsfreq=0", "kppsstab=0", "kppsjitter=0",
                                   "kppscalibdur=0", "kppscalibs=0", "kppscaliberrs=0",
                                   "kppsjitexc=0", "kppsstbexc=0"});
    CHECK(t.state.kernel_calls == 1);  // fetched once per request

    t.state.kernel.offset_ms = 0.004523;
    t.state.kernel.frequency_ppm = -12.345;
    t.state.kernel.status = 0x2001;  // pll nano
    t.state.kernel.pps_active = true;
    t.state.kernel.pps_jitter_ms = 0.0021;
    t.state.kernel.pps_calibration_interval_s = 4;
    CHECK(text_of(t.ask({.text = "koffset,kfreq,kstflags,kppsjitter,kppscalibdur"})) ==
          "koffset=0.004523, kfreq=-12.345, kstflags=\"pll nano\", kppsjitter=0.002,\r\n"
          "kppscalibdur=4\r\n");

    t.state.kernel.available = false;
    CHECK(text_of(t.ask({.text = "koffset,kstflags"})) == "koffset=0, kstflags\r\n");
}

TEST_CASE("control: READSTAT association list", "[control]") {
    Harness t;
    auto replies = t.ask({.op = m6::Opcode::read_status});
    REQUIRE(replies.size() == 1);
    auto m = m6::decode_message(replies[0]);
    REQUIRE(m);
    CHECK(m->header.status == 0xc616);
    const std::vector<std::uint8_t> want = {0x2b, 0x5c, 0x96, 0x3a, 0x2b, 0x5d, 0x80, 0x11};
    CHECK(std::vector<std::uint8_t>(m->data.begin(), m->data.end()) == want);
    CHECK(replies[0].size() == 20);  // binary: no CRLF

    t.state.peers.clear();
    replies = t.ask({.op = m6::Opcode::read_status});
    REQUIRE(replies.size() == 1);
    CHECK(header_of(replies[0]).count == 0);

    // Many associations: 117 pairs per fragment, all reassembled.
    for (std::uint16_t id = 1; id <= 300; ++id) {
        ntpd::control::PeerVariables p;
        p.assoc_id = id;
        p.status = 0x9014;
        t.state.peers.push_back(p);
    }
    replies = t.ask({.op = m6::Opcode::read_status});
    CHECK(replies.size() == 3);
    CHECK(text_of(replies).size() == 1200);
}

TEST_CASE("control: peer variables match the classic capture", "[control]") {
    Harness t;
    // classic/ntpq-c-rv-11100.txt with the server's raw values.
    auto replies = t.ask({.assoc = 11100});
    CHECK(replies.size() == 2);
    CHECK(header_of(replies[0]).status == 0x963a);
    CHECK(header_of(replies[0]).assoc_id == 11100);
    CHECK(header_of(replies[0]).more);
    CHECK(items_of(text_of(replies)) ==
          std::vector<std::string>{
              "srcadr=10.200.0.1", "srcport=123", "dstadr=10.200.0.2", "dstport=123", "leap=0",
              "stratum=2", "precision=-26", "rootdelay=0.000", "rootdisp=0.000",
              "refid=127.127.1.1", "reftime=0xeeaca8ed.ca97d0db", "rec=0xeeaca8ef.825536d9",
              "reach=0xff", "unreach=0", "hmode=3", "pmode=4", "hpoll=6", "ppoll=6",
              "headway=338", "flash=0x0", "keyid=0", "offset=0.015", "delay=0.058",
              "dispersion=0.964", "jitter=0.001", "xleave=0.071",
              "filtdelay= 0.06 0.06 0.05 0.05 0.05 0.05 0.05 0.04",
              "filtoffset= 0.02 0.02 0.01 0.01 0.02 0.01 0.01 0.01",
              "filtdisp= 0.00 1.01 2.00 3.00 3.99 5.00 5.99 6.83"});

    // classic/ntpq-c-rv-11101.txt: the LOCAL driver (refid text, ttl, no xleave).
    CHECK(items_of(text_of(t.ask({.assoc = 11101}))) ==
          std::vector<std::string>{
              "srcadr=127.127.1.0", "srcport=123", "dstadr=127.0.0.1", "dstport=123", "leap=3",
              "stratum=10", "precision=-24", "rootdelay=0.000", "rootdisp=0.000", "refid=LOCL",
              "reftime=0x00000000.00000000", "rec=0x00000000.00000000", "reach=0x0",
              "unreach=0", "hmode=3", "pmode=4", "hpoll=6", "ppoll=6", "headway=0",
              "flash=0x1200", "keyid=0", "ttl=0", "offset=0.000", "delay=0.000",
              "dispersion=15937.500", "jitter=0.000",
              "filtdelay= 0.00 0.00 0.00 0.00 0.00 0.00 0.00 0.00",
              "filtoffset= 0.00 0.00 0.00 0.00 0.00 0.00 0.00 0.00",
              "filtdisp= 16000.00 16000.00 16000.00 16000.00 16000.00 16000.00 16000.00 "
              "16000.00"});

    // READSTAT with an association ID gives the same default list.
    CHECK(text_of(t.ask({.op = m6::Opcode::read_status, .assoc = 11101})) ==
          text_of(t.ask({.assoc = 11101})));
}

TEST_CASE("control: peer variables by name, hostnames, keys, errors", "[control]") {
    Harness t;
    // ntpq pstats list, answered in code order.
    t.state.peers[0].since_received_s = 15;
    t.state.peers[0].since_reach_change_s = 159;
    CHECK(items_of(text_of(t.ask({.assoc = 11100,
                                  .text = "srcadr,srcport,dstadr,dstport,timerec,timer,"
                                          "timereach,sent,received,badauth,bogusorg,oldpkt,"
                                          "seldisp,selbroken,candidate"}))) ==
          std::vector<std::string>{"srcadr=10.200.0.1", "srcport=123", "dstadr=10.200.0.2",
                                   "dstport=123", "timer=12", "received=10", "sent=15",
                                   "timerec=15", "timereach=159", "badauth=0", "bogusorg=0",
                                   "oldpkt=0", "seldisp=0", "selbroken=0", "candidate=6"});
    CHECK(text_of(t.ask({.assoc = 11100, .text = "config,authenable,authentic"})) ==
          "config=1, authenable=0, authentic=0\r\n");

    t.state.peers[0].hostname = "ntp1.example.org";
    t.state.peers[0].key_id = 70000;
    t.state.peers[0].local.reset();
    auto items = items_of(text_of(t.ask({.assoc = 11100})));
    CHECK(items[2] == "srchost=\"ntp1.example.org\"");
    CHECK(items[3] == "dstadr=0.0.0.0");
    CHECK(items[4] == "dstport=0");
    CHECK(std::find(items.begin(), items.end(), "keyid=0x11170") != items.end());

    // IPv6 source and an IPv6-hash refid at stratum 3 (dotted quad).
    t.state.peers[0].source = ep("2001:db8::1", 123);
    t.state.peers[0].stratum = 3;
    t.state.peers[0].refid = 0xc0000201;
    CHECK(text_of(t.ask({.assoc = 11100, .text = "srcadr,refid"})) ==
          "srcadr=2001:db8::1, refid=192.0.2.1\r\n");
    // Stratum 16: refid as text, e.g. a kiss code.
    t.state.peers[0].stratum = 16;
    t.state.peers[0].refid = ('I' << 24) | ('N' << 16) | ('I' << 8) | 'T';
    CHECK(text_of(t.ask({.assoc = 11100, .text = "refid"})) == "refid=INIT\r\n");
    t.state.peers[0].refid = 0x41000000;  // "A" then NULs
    CHECK(text_of(t.ask({.assoc = 11100, .text = "refid"})) == "refid=A\r\n");
    t.state.peers[0].refid = 0x41014243;  // non-printable in the middle
    CHECK(text_of(t.ask({.assoc = 11100, .text = "refid"})) == "refid=A.BC\r\n");

    CHECK(error_of(t.ask({.assoc = 9999})) == 4);  // classic/ntpq-c-rv-badassoc.txt
    CHECK(error_of(t.ask({.assoc = 11100, .text = "xmt"})) == 5);  // NTPsec-only name
    CHECK(error_of(t.ask({.op = m6::Opcode::read_status, .assoc = 9999})) == 4);
    CHECK(error_of(t.ask({.op = m6::Opcode::unspec, .assoc = 9999})) == 4);
    auto unspec = t.ask({.op = m6::Opcode::unspec, .assoc = 11100});
    REQUIRE(unspec.size() == 1);
    CHECK(header_of(unspec[0]).status == 0x963a);
    CHECK(header_of(unspec[0]).count == 0);
}

TEST_CASE("control: READCLOCK for the LOCAL driver", "[control]") {
    Harness t;
    // classic/ntpq-c-cv-11101.txt: timecode is empty, so its name goes bare.
    for (std::uint16_t assoc : {std::uint16_t{11101}, std::uint16_t{0}}) {
        auto replies = t.ask({.op = m6::Opcode::read_clock, .assoc = assoc});
        REQUIRE(replies.size() == 1);
        CHECK(header_of(replies[0]).status == 0x0000);
        CHECK(items_of(text_of(replies)) ==
              std::vector<std::string>{"device=\"Undisciplined local clock\"", "timecode",
                                       "poll=0", "noreply=0", "badformat=0", "baddata=0",
                                       "stratum=10", "refid=76.79.67.76", "flags=0"});
    }
    // Named: in code order, and "type"/fudge values are sent even when unset.
    CHECK(text_of(t.ask({.op = m6::Opcode::read_clock, .assoc = 11101,
                         .text = "device,fudgetime1,type"})) ==
          "type=1, fudgetime1=0.000, device=\"Undisciplined local clock\"\r\n");
    t.state.clocks[0].status = 3;
    t.state.clocks[0].last_event = 1;
    CHECK(header_of(t.ask({.op = m6::Opcode::read_clock, .assoc = 11101})[0]).status == 0x0013);

    CHECK(error_of(t.ask({.op = m6::Opcode::read_clock, .assoc = 11100})) == 4);  // not a clock
    CHECK(error_of(t.ask({.op = m6::Opcode::read_clock, .assoc = 11101, .text = "bogus"})) == 5);
    t.state.clocks.clear();
    CHECK(error_of(t.ask({.op = m6::Opcode::read_clock})) == 4);
}

TEST_CASE("control: ntpstat's 576-octet READVAR gets its fields in the first datagram", "[control]") {
    Harness t;
    std::vector<std::uint8_t> d(576, 0);
    d[0] = 0x16;  // VN 2, mode 6
    d[1] = 0x02;  // READVAR
    d[3] = 1;     // sequence 1
    auto replies = t.send(d, {});
    REQUIRE(!replies.empty());
    const auto& first = replies[0];
    CHECK((first[0] & 0x3f) == 0x16);
    CHECK((first[1] & ~0x20) == 0x82);
    auto m = m6::decode_message(first);
    REQUIRE(m);
    const std::string text(m->data.begin(), m->data.end());
    for (const char* name : {"refid=", "stratum=", "rootdelay=", "rootdisp=", "tc="})
        CHECK(text.find(name) != std::string::npos);
}

TEST_CASE("control: request validation drops or rejects like classic", "[control]") {
    Harness t;
    auto good = Harness::request({});
    for (std::size_t n = 0; n < 12; ++n) CHECK(t.send({good.begin(), good.begin() + n}, {}).empty());
    CHECK(t.server.counters().too_short == 12);

    auto with = [&](auto mutate) {
        auto d = good;
        mutate(d);
        return t.send(d, {});
    };
    CHECK(with([](auto& d) { d[1] |= 0x80; }).empty());  // response bit
    CHECK(with([](auto& d) { d[1] |= 0x40; }).empty());  // error bit
    CHECK(with([](auto& d) { d[1] |= 0x20; }).empty());  // more bit
    CHECK(with([](auto& d) { d[9] = 4; }).empty());      // offset
    CHECK(with([](auto& d) { d[0] = 0x06; }).empty());   // VN 0
    CHECK(with([](auto& d) { d[0] = 0x2e; }).empty());   // VN 5
    CHECK(with([](auto& d) { d[0] = 0x3e; }).empty());   // VN 7
    // Count beyond the data, or a length that is not a multiple of 4: BADFMT.
    CHECK(error_of(with([](auto& d) { d[11] = 4; })) == 2);
    CHECK(error_of(with([](auto& d) { d.push_back(0); })) == 2);
    // Unknown opcodes and ASYNCMSG as a request.
    for (std::uint8_t op : {7, 13, 20, 30}) CHECK(error_of(with([op](auto& d) { d[1] = op; })) == 3);
    CHECK(t.server.counters().bad_op == 4);

    // The reply echoes VN 1..4 and carries the system leap.
    for (std::uint8_t vn = 1; vn <= 4; ++vn) {
        auto r = t.ask({.version = vn});
        REQUIRE(!r.empty());
        CHECK(header_of(r[0]).version == vn);
        CHECK(header_of(r[0]).leap == 3);
    }
    // NTPsec ntpq sends LI=3: accepted.
    auto li3 = with([](auto& d) { d[0] = 0xd6; });
    CHECK(!li3.empty());
}

TEST_CASE("control: refused opcodes and the authentication requirement", "[control]") {
    Harness t;
    CHECK(error_of(t.ask({.op = m6::Opcode::write_clock})) == 1);
    CHECK(error_of(t.ask({.op = m6::Opcode::set_trap})) == 1);
    CHECK(error_of(t.ask({.op = m6::Opcode::unset_trap})) == 4);
    for (auto op : {m6::Opcode::write_var, m6::Opcode::configure, m6::Opcode::save_config,
                    m6::Opcode::read_ordlist_a}) {
        CHECK(error_of(t.ask({.op = op, .text = "x"})) == 1);                      // no MAC
        CHECK(error_of(t.ask({.op = op, .text = "x", .key = 2})) == 1);            // not controlkey
        CHECK(error_of(t.ask({.op = op, .text = "x", .key = 1, .bad_digest = true})) == 1);
        CHECK(error_of(t.ask({.op = op, .text = "x", .key = 9})) == 1);            // unknown key
    }
    CHECK(t.state.config_lines.empty());

    // Without an authenticator, nothing is authenticated.
    FakeState state;
    ControlServer bare(classic_config(), state, nullptr, secret, 1);
    auto d = Harness::request({.op = m6::Opcode::configure, .text = "x", .key = 1});
    auto r = bare.handle(Request{d, ep("127.0.0.1", 1), 0, now});
    REQUIRE(r.size() == 1);
    CHECK(header_of(r[0]).status >> 8 == 1);
}

TEST_CASE("control: authenticated CONFIGURE, SAVECONFIG, WRITEVAR", "[control]") {
    Harness t;
    auto r = t.ask({.op = m6::Opcode::configure, .text = "server 192.0.2.1 iburst", .key = 1});
    REQUIRE(r.size() == 1);
    REQUIRE(t.state.config_lines == std::vector<std::string>{"server 192.0.2.1 iburst"});
    // The reply is signed with the request's key.
    auto m = m6::decode_message(r[0]);
    REQUIRE(m);
    CHECK(std::string(m->data.begin(), m->data.end()) == "Config Succeeded\r\n");
    REQUIRE(m->mac);
    CHECK(m->mac->key_id == 1);
    CHECK(t.auth.verify(1, m->mac->signed_bytes, m->mac->digest, {}));

    // An authenticated error reply is signed too.
    auto e = t.ask({.op = m6::Opcode::configure, .assoc = 5, .text = "x", .key = 1});
    REQUIRE(e.size() == 1);
    auto em = m6::decode_message(e[0]);
    REQUIRE(em);
    CHECK(em->header.error);
    CHECK(em->header.status == 0x0600);
    REQUIRE(em->mac);
    CHECK(e[0].size() == 16 + 4 + 16);

    CHECK(text_of(t.ask({.op = m6::Opcode::configure, .text = "server x", .key = 1,
                         .flags = rflag::nomodify})) ==
          "runtime configuration prohibited by restrict ... nomodify\r\n");
    CHECK(t.server.counters().restricted == 1);
    CHECK(text_of(t.ask({.op = m6::Opcode::configure, .text = "server \x01x", .key = 1})) ==
          "runtime configuration failed: request contains an unprintable character\r\n");
    CHECK(t.state.config_lines.size() == 1);
    t.ask({.op = m6::Opcode::configure, .text = std::string("peer 1.2.3.4\n\0", 14), .key = 1});
    CHECK(t.state.config_lines.back() == "peer 1.2.3.4");

    CHECK(text_of(t.ask({.op = m6::Opcode::save_config, .text = "ntp.conf.saved", .key = 1})) ==
          "Configuration saved to ntp.conf.saved\r\n");
    CHECK(text_of(t.ask({.op = m6::Opcode::save_config, .text = "../etc/passwd", .key = 1})) ==
          "saveconfig does not allow directory in filename\r\n");
    CHECK(text_of(t.ask({.op = m6::Opcode::save_config, .text = "x", .key = 1,
                         .flags = rflag::nomodify})) ==
          "saveconfig prohibited by restrict ... nomodify\r\n");

    CHECK(error_of(t.ask({.op = m6::Opcode::write_var, .text = "leap=1", .key = 1})) == 0);
    CHECK(error_of(t.ask({.op = m6::Opcode::write_var, .text = "leap=5", .key = 1})) == 6);
    CHECK(error_of(t.ask({.op = m6::Opcode::write_var, .text = "leap=x", .key = 1})) == 2);
    CHECK(error_of(t.ask({.op = m6::Opcode::write_var, .text = "stratum=1", .key = 1})) == 1);
    CHECK(error_of(t.ask({.op = m6::Opcode::write_var, .text = "bogus=1", .key = 1})) == 5);
    CHECK(error_of(t.ask({.op = m6::Opcode::write_var, .assoc = 11100, .text = "leap=1",
                          .key = 1})) == 1);
}

TEST_CASE("control: setvar variables are read and written like classic ext_sys_var", "[control]") {
    Harness t;
    t.state.user_vars = {{"site", "rack 4", true}, {"owner", "noc", false}};
    // Default list: built-ins first, then the `default` setvar variables as raw text.
    const auto all = text_of(t.ask({}));
    CHECK(all.find("site=rack 4") != std::string::npos);
    CHECK(all.find("owner=") == std::string::npos);
    CHECK(text_of(t.ask({.text = "owner,stratum"})) == "stratum=3, owner=noc\r\n");

    // WRITEVAR needs the controlkey, changes existing variables only.
    CHECK(error_of(t.ask({.op = m6::Opcode::write_var, .text = "owner=ops"})) == 1);
    CHECK(t.state.user_vars[1].value == "noc");
    const auto ok = t.ask({.op = m6::Opcode::write_var, .text = "owner=ops", .key = 1});
    REQUIRE(ok.size() == 1);
    CHECK_FALSE(m6::decode_message(ok[0])->header.error);
    CHECK(text_of(ok).empty());
    CHECK(t.state.user_vars[1].value == "ops");
    // nomodify forbids writes even with the key (found by fuzz_control).
    CHECK(error_of(t.ask({.op = m6::Opcode::write_var, .text = "owner=x", .key = 1,
                          .flags = rflag::nomodify})) == 1);
    CHECK(t.state.user_vars[1].value == "ops");
    CHECK(error_of(t.ask({.op = m6::Opcode::write_var, .text = "newvar=1", .key = 1})) == 5);
    CHECK(error_of(t.ask({.op = m6::Opcode::write_var, .text = "owner", .key = 1})) == 2);
    CHECK(t.state.user_vars.size() == 2);
}

TEST_CASE("control: authenticated reads reset event counters", "[control]") {
    Harness t;
    t.ask({});
    t.ask({.assoc = 11100});
    CHECK(t.state.cleared.empty());
    t.ask({.key = 2});  // any trusted key, not only the controlkey
    t.ask({.assoc = 11100, .key = 2});
    t.ask({.op = m6::Opcode::read_status, .assoc = 11101, .key = 2});
    CHECK(t.state.cleared == std::vector<std::uint16_t>{0, 11100, 11101});
}

TEST_CASE("control: ifstats and reslist need the controlkey and list every row", "[control]") {
    Harness t;
    ntpd::control::InterfaceStats lo;
    lo.name = "lo";
    lo.address = ep("127.0.0.1", 123);
    lo.received = 47;
    lo.sent = 74;
    lo.uptime_s = 240;
    ntpd::control::InterfaceStats any6;
    any6.name = "";
    any6.address = ep("::1", 123);
    any6.enabled = false;
    t.state.ifs = {lo, any6};
    for (std::string req : {"", "ifstats"}) {
        auto vars = ntp::client::parse_vars(text_of(t.ask({.op = m6::Opcode::read_ordlist_a,
                                                        .text = req, .key = 1})));
        std::map<std::string, std::string> got;
        std::size_t decoys = 0;
        for (const auto& v : vars) {
            got[v.name] = v.value;
            const auto dot = v.name.find('.');
            if (dot == 3 && std::string("addr bcast en name flags tl mc rx tx txerr pc up")
                                    .find(v.name.substr(0, 3)) == std::string::npos)
                ++decoys;
        }
        CHECK(vars.size() == 2 * 13);
        CHECK(decoys == 2);
        CHECK(got["addr.0"] == "127.0.0.1:123");
        CHECK(got["name.0"] == "\"lo\"");
        CHECK(got["rx.0"] == "47");
        CHECK(got["tx.0"] == "74");
        CHECK(got["up.0"] == "240");
        CHECK(got["en.0"] == "1");
        CHECK(got["addr.1"] == "[::1]:123");
        CHECK(got["en.1"] == "0");
        CHECK(got.count("bcast.0") == 1);
        CHECK(got.count("name.1") == 1);
    }

    ntpd::control::RestrictionRow def;
    def.address = *ntp::io::IpAddress::parse("0.0.0.0");
    def.mask = *ntp::io::IpAddress::parse("0.0.0.0");
    def.hits = 12;
    def.flags = "kod limited nomodify notrap nopeer noquery";
    ntpd::control::RestrictionRow local6;
    local6.address = *ntp::io::IpAddress::parse("::1");
    local6.mask = *ntp::io::IpAddress::parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    t.state.res = {def, local6};
    const std::string text = text_of(t.ask({.op = m6::Opcode::read_ordlist_a,
                                            .text = "addr_restrictions", .key = 1}));
    auto vars = ntp::client::parse_vars(text);
    std::map<std::string, ntp::client::Var> got;
    for (const auto& v : vars) got[v.name] = v;
    CHECK(vars.size() == 2 * 5);
    CHECK(got["addr.0"].value == "0.0.0.0");
    CHECK(got["mask.0"].value == "0.0.0.0");
    CHECK(got["hits.0"].value == "12");
    CHECK(got["flags.0"].value == "kod limited nomodify notrap nopeer noquery");
    CHECK(got["addr.1"].value == "::1");
    CHECK(got["flags.1"].value.empty());
    CHECK(text.find("flags.1=") == std::string::npos);  // empty flags: bare name

    CHECK(error_of(t.ask({.op = m6::Opcode::read_ordlist_a, .text = "other", .key = 1})) == 5);
}

TEST_CASE("control: replies larger than the request draw on the source's byte budget", "[control]") {
    ServerConfig cfg = classic_config();
    cfg.reply_limits = {.burst_bytes = 2000, .rate_bytes_s = 500, .slots = 64};
    Harness t(cfg);
    const auto victim = ep("192.0.2.7", 40000);
    // A forged flood of 12-octet READVARs: the burst, then nothing more.
    std::size_t sent = 0;
    int answered = 0;
    for (int i = 0; i < 50; ++i) {
        const auto r = t.ask({.source = victim});
        for (const auto& d : r) sent += d.size();
        answered += r.empty() ? 0 : 1;
    }
    CHECK(answered >= 1);
    CHECK(sent <= 2000);
    CHECK(t.server.counters().amplification_dropped == 50u - static_cast<unsigned>(answered));
    // The budget refills with time.
    CHECK(!t.ask({.source = victim, .at = now + (std::uint64_t{4} << 32)}).empty());

    // Not charged: loopback, authenticated requests, replies no larger than
    // the request (errors; a request padded like ntpstat's), other sources.
    for (int i = 0; i < 20; ++i) CHECK(!t.ask({}).empty());
    CHECK(!t.ask({.key = 2, .source = victim}).empty());
    CHECK(error_of(t.ask({.assoc = 9999, .source = victim})) == 4);
    std::vector<std::uint8_t> padded(576, 0);
    padded[0] = 0x16;
    padded[1] = 0x02;
    CHECK(!t.send(padded, {.source = victim}).empty());
    CHECK(!t.ask({.source = ep("198.51.100.9", 123)}).empty());

    // Switched off: classic, no limit.
    ServerConfig open = classic_config();
    open.reply_budget = false;
    open.reply_limits.burst_bytes = 1;
    Harness o(open);
    for (int i = 0; i < 50; ++i) CHECK(!o.ask({.source = victim}).empty());
}

TEST_CASE("control: garbage requests never crash and replies stay well formed", "[control]") {
    Harness t;
    t.state.mru.push_back({ep("192.0.2.1", 123), *ntp::io::IpAddress::parse("127.0.0.1"), 1, 2, 3,
                           0x23, 0});
    const unsigned seed = 1121;
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    const char* words[] = {"nonce=", "frags=", "limit=", "last.0=", "addr.0=", "leap", ",",
                           "=", " ", "ifstats", "0x", "[", "]", ":", "stratum", "\"", "\r\n"};
    for (int i = 0; i < 20000; ++i) {
        std::vector<std::uint8_t> d;
        if (rng() % 2) {
            d.resize(rng() % 600);
            for (auto& b : d) b = static_cast<std::uint8_t>(rng());
        } else {
            std::string text;
            for (int w = rng() % 8; w > 0; --w) text += words[rng() % std::size(words)];
            m6::Header h;
            h.version = static_cast<std::uint8_t>(rng() % 6);
            h.opcode = static_cast<std::uint8_t>(rng() % 32);
            h.assoc_id = static_cast<std::uint16_t>(rng() % 3 == 0 ? 11100 : rng() % 4);
            d = m6::encode_message(h, std::string_view(text));
            if (rng() % 3 == 0) d.resize(d.size() + rng() % 30);
        }
        if (d.size() >= 2 && rng() % 2) d[1] &= 0x1f;  // request bits more often
        for (const auto& reply : t.send(d, {.flags = rng() % 4 == 0 ? rflag::nomrulist : 0u})) {
            CHECK(reply.size() % 4 == 0);
            CHECK(reply.size() <= m6::max_datagram_len);
            auto m = m6::decode_message(reply);
            REQUIRE(m);
            CHECK(m->header.response);
        }
    }
}
