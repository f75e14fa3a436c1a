#include <catch2/catch.hpp>

#include "ntpq/mrulist.hh"
#include "ntpq/ordlist.hh"
#include "ntpq/summary.hh"
#include "tests/support/fake_mode6_server.hh"

using namespace ntpq;

namespace {
const ntp::wire::NtpTime capture_now(0xeeaca8f3LL, 0);
Namer numeric() { return Namer([](const ntp::io::IpAddress&) { return std::optional<std::string>(); }); }
}  // namespace

TEST_CASE("sysinfo requests its variables and prints the classic layout") {
    const auto* cmd = find_summary_command("sysinfo");
    REQUIRE(cmd);
    CHECK(summary_request(*cmd) ==
          "peeradr,peermode,leap,stratum,precision,rootdelay,rootdisp,refid,reftime,sys_jitter,"
          "clk_jitter,clk_wander,bcastdelay,authdelay");
    const char* data =
        "peeradr=10.200.0.1:123, peermode=3, leap=3, stratum=3, precision=-24,\r\n"
        "rootdelay=0.058, rootdisp=1.045, refid=10.200.0.1,\r\n"
        "reftime=0xeeaca8ef.825536d9, sys_jitter=0.000000, clk_jitter=0.000,\r\n"
        "clk_wander=0.000, bcastdelay=0.000, authdelay=0.000\r\n";
    const std::string expected =
        "system peer:        10.200.0.1:123\n"
        "system peer mode:   client\n"
        "leap indicator:     11\n"
        "stratum:            3\n"
        "log2 precision:     -24\n"
        "root delay:         0.058\n"
        "root dispersion:    1.045\n"
        "reference ID:       10.200.0.1\n"
        "reference time:     eeaca8ef.825536d9  Sat, Nov 21 2026 23:34:07.509\n"
        "system jitter:      0.000000\n"
        "clock jitter:       0.000\n"
        "clock wander:       0.000\n"
        "broadcast delay:    0.000\n"
        "symm. auth. delay:  0.000\n";
    CHECK(format_summary(*cmd, data, numeric(), capture_now, false) == expected);
    auto s = test::sample("classic/ntpq-c-sysinfo.txt");
    if (!s.empty())
        CHECK(s == "associd=0 status=c616 leap_alarm, sync_ntp, 1 event, restart,\n" + expected);

    // Before the first reply: no system peer, zero reference time.
    const char* unsync =
        "peeradr=0.0.0.0:0, peermode=0, leap=3, stratum=16, refid=INIT, reftime=0x00000000.00000000";
    const auto text = format_summary(*cmd, unsync, numeric(), capture_now, false);
    CHECK(text.rfind("system peer:        0.0.0.0:0\nsystem peer mode:   unspec\n", 0) == 0);
    CHECK(text.find("reference time:     00000000.00000000  Thu, Feb  7 2036  6:28:16.000\n") !=
          std::string::npos);
    CHECK(text.find("root delay") == std::string::npos);  // absent text rows are omitted
}

TEST_CASE("other summary tables") {
    const auto* ks = find_summary_command("kerninfo");
    REQUIRE(ks);
    const std::string k = format_summary(
        *ks, "koffset=0, kfreq=0, kmaxerr=16, kesterr=16, kstflags=\"unsync\", ktimeconst=2,"
             " kprecis=1e-06, kfreqtol=500, kppsfreq=0, kppsstab=0, kppsjitter=0, kppscalibdur=0,"
             " kppscalibs=0, kppsjitexc=0, kppsstbexc=0, kppscaliberrs=0",
        numeric(), capture_now, false);
    CHECK(k.find("kernel status:         unsync\n") != std::string::npos);
    CHECK(k.find("calibration interval   0\n") != std::string::npos);
    auto s = test::sample("classic/ntpq-c-kerninfo.txt");
    if (!s.empty()) CHECK(s == "associd=0 status=c616 leap_alarm, sync_ntp, 1 event, restart,\n" + k);

    const auto* ps = find_summary_command("pstats");
    REQUIRE(ps);
    CHECK(summary_request(*ps).rfind("srcadr,srcport,dstadr,dstport,timerec,timer,", 0) == 0);
    const std::string p = format_summary(
        *ps, "srcadr=10.200.0.3, srcport=123, dstadr=0.0.0.0, dstport=0, timerec=241, timer=16",
        numeric(), capture_now, false);
    CHECK(p ==
          "remote host:           10.200.0.3:123\n"
          "local address:         0.0.0.0:0\n"
          "time last received:    241\n"
          "time until next send:  16\n");
    const auto* ts = find_summary_command("timerstats");
    REQUIRE(ts);
    CHECK(format_summary(*ts, "timerstats_reset=470, timer_overruns=0, timer_xmts=0", numeric(),
                         capture_now, false) ==
          "time since reset:    470\ntimer overruns:      0\ncalls to transmit:   0\n");
    CHECK_FALSE(find_summary_command("nosuch"));
}

TEST_CASE("ifstats and reslist rows") {
    const std::string ifs = format_ifstats(
        "addr.0=127.0.0.1:123, bcast.0=, en.0=1, flags.0=0x5, tl.0=0, mc.0=0, name.0=\"lo\","
        " rx.0=10, tx.0=12, txerr.0=0, pc.0=1, up.0=470");
    CHECK(ifs == ifstats_header() +
                     "  0 lo                       .    5   0  0     10     12      0     1      470\n"
                     "    127.0.0.1:123\n");
    CHECK(format_ifstats("addr.0=127.0.0.1").find("Warning: incomplete row with 1 (of 12) fields\n") !=
          std::string::npos);
    std::string problems;
    format_ifstats("addr.1=127.0.0.1, addr.0=127.0.0.1", &problems);
    CHECK(problems.find("aborting") != std::string::npos);

    const std::string res = format_reslist(
        "addr.0=192.0.2.0, mask.0=255.255.255.0, hits.0=5, flags.0=nomodify notrap,"
        " addr.1=10.0.0.0, mask.1=255.0.255.0, hits.1=0, flags.1=");
    CHECK(res == reslist_header() +
                     "         5 192.0.2.0/24\n           nomodify notrap\n"
                     "         0 10.0.0.0 255.0.255.0\n           \n");
}

TEST_CASE("mrulist collection and layout") {
    int reads = 0;
    auto query = [&](std::uint8_t op, std::string_view data) {
        QueryResult r;
        if (op == 12) {
            r.data.assign({'n', 'o', 'n', 'c', 'e', '=', 'a', 'b', '\r', '\n'});
            return r;
        }
        ++reads;
        std::string text;
        if (reads == 1) {
            CHECK(data == "nonce=ab, frags=32, mincount=2");
            text = "nonce=cd, addr.0=10.200.0.1:123, last.0=0xeeaca8ef.00000000,"
                   " first.0=0xeeaca6dd.00000000, ct.0=13, mv.0=36, rs.0=0x0, xyz.0=7";
        } else {
            CHECK(data.rfind("nonce=cd, frags=32, mincount=2, addr.0=10.200.0.1:123, last.0=0xeeaca8ef.00000000", 0) == 0);
            text = "nonce=ef, last.older=0xeeaca8ef.00000000, addr.older=10.200.0.1:123,"
                   " addr.0=127.0.0.1:51033, last.0=0xeeaca717.00000000,"
                   " first.0=0xeeaca717.00000000, ct.0=4, mv.0=35, rs.0=0x20,"
                   " now=0xeeaca8f3.00000000, last.newest=0xeeaca717.00000000";
        }
        r.data.assign(text.begin(), text.end());
        return r;
    };
    std::string diag;
    auto args = parse_mru_arguments({"mincount=2", "sort=-count", "bogus"});
    CHECK(args.ignored == std::vector<std::string>{"bogus"});
    auto result = collect_mru(query, args, [&](const std::string& s) { diag += s; });
    REQUIRE(result.ok);
    CHECK(diag == "\rRetrieved 2 unique MRU entries and 0 updates.\n");
    REQUIRE(result.entries.size() == 2);
    Namer namer([](const ntp::io::IpAddress& a) -> std::optional<std::string> {
        if (a.is_loopback()) return std::string("localhost");
        return std::nullopt;
    });
    // Classic default order is newest first.
    const std::string table = format_mru(result, MruSort::lstint, namer);
    CHECK(table == "lstint avgint rstr r m v  count rport remote address\n" + std::string(78, '=') +
                       "\n"
                       "   476      0   20 L 3 4      4 51033 localhost\n"
                       "     4     41    0 . 4 4     13   123 10.200.0.1\n");
    CHECK(format_mru(result, MruSort::r_count, namer).find("13   123 10.200.0.1\n   476") !=
          std::string::npos);
}
