// Every directive, option and diagnostic of the ntp.conf language.
#include <catch2/catch.hpp>

#include "tests/support/config_files.hh"

using namespace ntp::config;
using ntp::config::test::messages;
using ntp::config::test::parse;

namespace {

using Msgs = std::vector<std::string>;

// Parses one line that must be rejected; returns its single message.
std::string rejected(const std::string& line) {
    auto r = parse(line + "\n");
    INFO(line);
    CHECK(r.errors == 1);
    CHECK(r.config == NtpConfig{});
    return r.diagnostics.empty() ? "" : format_diagnostic(r.diagnostics.front());
}

}  // namespace

// ------------------------------------------------------------ associations

TEST_CASE("server with every option") {
    auto r = parse(
        "server -4 192.0.2.1 iburst burst prefer noselect true preempt xleave minpoll 4 "
        "maxpoll 12 key 42 version 3 mode 5 ttl 2\n");
    CHECK(r.diagnostics.empty());
    REQUIRE(r.config.associations.size() == 1);
    const Association& a = r.config.associations[0];
    CHECK(a.kind == AssociationKind::server);
    CHECK(a.family == AddressFamily::ipv4);
    CHECK(a.address.text == "192.0.2.1");
    REQUIRE(a.address.numeric);
    CHECK(a.iburst);
    CHECK(a.burst);
    CHECK(a.prefer);
    CHECK(a.noselect);
    CHECK(a.true_chimer);
    CHECK(a.preempt);
    CHECK(a.xleave);
    CHECK(a.minpoll_log2 == 4);
    CHECK(a.maxpoll_log2 == 12);
    CHECK(a.key_id == 42);
    CHECK(a.version == 3);
    CHECK(a.mode == 5);
    CHECK(a.ttl == 2);
    CHECK(a.where.line == 1);
    CHECK(a.effective_minpoll() == 4);
    CHECK(a.effective_maxpoll() == 12);
}

TEST_CASE("pool, peer, -6, bracketed IPv6 and host names that look like keywords") {
    auto r = parse(
        "pool 0.debian.pool.ntp.org iburst\n"
        "peer -6 [2001:db8::1]\n"
        "server iburst\n"
        "server default prefer\n"
        "server ::1\n");
    CHECK(r.diagnostics.empty());
    REQUIRE(r.config.associations.size() == 5);
    CHECK(r.config.associations[0].kind == AssociationKind::pool);
    CHECK_FALSE(r.config.associations[0].address.numeric);
    CHECK(r.config.associations[1].kind == AssociationKind::peer);
    CHECK(r.config.associations[1].family == AddressFamily::ipv6);
    CHECK(r.config.associations[1].address.text == "2001:db8::1");
    CHECK(r.config.associations[2].address.text == "iburst");
    CHECK_FALSE(r.config.associations[2].iburst);
    CHECK(r.config.associations[3].address.text == "default");
    CHECK(r.config.associations[3].prefer);
    CHECK(r.config.associations[4].address.numeric->is_v6());
}

TEST_CASE("association address errors") {
    CHECK(rejected("server") == "t.conf:1:7: error: 'server' needs an address");
    CHECK(rejected("server -4") == "t.conf:1:10: error: 'server' needs an address");
    CHECK(rejected("server [::1") == "t.conf:1:8: error: missing ']' after IPv6 address '[::1'");
    CHECK(rejected("server [192.0.2.1]") ==
          "t.conf:1:8: error: '[192.0.2.1]' is not a valid IPv6 address");
    CHECK(rejected("server 192.0.2.256") ==
          "t.conf:1:8: error: '192.0.2.256' is not a valid IPv4 address");
    CHECK(rejected("server 1::2::3") == "t.conf:1:8: error: '1::2::3' is not a valid IPv6 address");
    CHECK(rejected("server -6 192.0.2.1") ==
          "t.conf:1:11: error: -6 given but '192.0.2.1' is an IPv4 address");
    CHECK(rejected("server -4 ::1") == "t.conf:1:11: error: -4 given but '::1' is an IPv6 address");
    CHECK(rejected("server 224.0.1.1") ==
          "t.conf:1:8: error: multicast address '224.0.1.1' cannot be a server");
    CHECK(rejected("manycastclient 192.0.2.1") ==
          "t.conf:1:16: error: manycastclient needs a multicast address, not '192.0.2.1'");
    CHECK(rejected("peer 127.127.1.0") ==
          "t.conf:1:6: error: a reference clock address can only be used with 'server'");
}

TEST_CASE("association option value errors") {
    CHECK(rejected("server a minpoll") == "t.conf:1:17: error: missing value after 'minpoll'");
    CHECK(rejected("server a minpoll x") == "t.conf:1:18: error: 'minpoll' needs an integer, not 'x'");
    auto glued = parse("server a maxpoll4 iburst\n");
    CHECK(messages(glued) == Msgs{"t.conf:1:10: error: unknown option 'maxpoll4' for 'server'"});
    REQUIRE(glued.config.associations.size() == 1);  // kept without the unknown word
    CHECK(rejected("server a key 4294967295") ==
          "t.conf:1:14: error: 'key' value 4294967295 is out of range [0-4294967294]");
    CHECK(rejected("server a key -1") == "t.conf:1:14: error: 'key' value -1 is out of range [0-4294967294]");
    CHECK(rejected("server a version 255") ==
          "t.conf:1:18: error: 'version' value 255 is out of range [0-254]");
    CHECK(rejected("server a ttl 8") == "t.conf:1:14: error: 'ttl' value 8 is out of range [0-7]");
}

TEST_CASE("poll, version and key clamps are warnings") {
    auto r = parse(
        "server a minpoll 1 maxpoll 20\n"
        "server b minpoll 12 maxpoll 8\n"
        "server c version 7 key 70000\n"
        "server d version 0\n");
    CHECK(r.errors == 0);
    CHECK(messages(r) == Msgs{
                             "t.conf:1:10: warning: minpoll 1 is out of range [3-17], using 3",
                             "t.conf:1:20: warning: maxpoll 20 is out of range [3-17], using 17",
                             "t.conf:2:1: warning: minpoll 12 is above maxpoll 8, using 8 for both",
                             "t.conf:3:10: warning: version 7 is out of range [1-4], using 4",
                             "t.conf:3:20: warning: key 70000 is an Autokey key id; Autokey is not "
                             "supported",
                             "t.conf:4:10: warning: version 0 is out of range [1-4], using 1"});
    const auto& as = r.config.associations;
    REQUIRE(as.size() == 4);
    CHECK(as[0].minpoll_log2 == 3);
    CHECK(as[0].maxpoll_log2 == 17);
    CHECK(as[1].minpoll_log2 == 8);
    CHECK(as[1].maxpoll_log2 == 8);
    CHECK(as[2].version == 4);
    CHECK(as[2].key_id == 70000);
    CHECK(as[3].version == 1);
}

TEST_CASE("effective poll defaults") {
    auto r = parse("server a\nserver b minpoll 12\nserver c maxpoll 4\nserver 127.127.1.0 minpoll 4\n");
    const auto& as = r.config.associations;
    REQUIRE(as.size() == 4);
    CHECK(as[0].effective_minpoll() == 6);
    CHECK(as[0].effective_maxpoll() == 10);
    CHECK(as[1].effective_maxpoll() == 12);
    CHECK(as[2].effective_minpoll() == 4);
    CHECK(as[3].effective_maxpoll() == 4);  // refclocks: maxpoll = minpoll
}

TEST_CASE("unsupported association kinds and drivers parse with warnings") {
    auto r = parse(
        "broadcast 192.0.2.255 key 5 ttl 4\n"
        "broadcast ff02::101 autokey\n"
        "manycastclient 239.1.1.1 autokey maxpoll 12 ttl 7\n"
        "server 127.127.4.0 mode 1 prefer\n"
        "server 127.127.1.0\n"
        "server a ident group\n");
    CHECK(r.errors == 0);
    CHECK(r.config.associations.size() == 6);
    CHECK(messages(r) == Msgs{
        "t.conf:2:21: warning: autokey is not supported; the association runs without authentication",
        "t.conf:3:26: warning: autokey is not supported; the association runs without authentication",
        "t.conf:3:1: warning: 'manycastclient' (broadcast/manycast mode) is not supported",
        "t.conf:4:8: warning: reference clock driver 4 (spectracom) is not supported; the association "
        "will not run",
        "t.conf:6:10: warning: ident (Autokey group) is not supported"});
    CHECK(r.config.associations[3].refclock() == RefclockId{4, 0});
    CHECK(r.config.associations[3].mode == 1);
}

TEST_CASE("NTPsec refclock form becomes server 127.127.t.u plus a fudge") {
    auto r = parse(
        "refclock nmea unit 1 refid NMEA prefer minpoll 4 maxpoll 4 flag1 1 path /dev/gps0 "
        "baud 115200 ppspath /dev/pps0 time1 0.5 stratum 1 subtype 17\n"
        "refclock local\n"
        "refclock arbiter unit 0\n"
        "server 127.127.28.0\n");
    CHECK(r.errors == 0);
    REQUIRE(r.config.associations.size() == 4);
    const Association& a = r.config.associations[0];
    CHECK(a.address.text == "127.127.20.1");
    CHECK(a.refclock() == RefclockId{20, 1});
    CHECK(a.prefer);
    CHECK(a.minpoll_log2 == 4);
    CHECK(a.refclock_path == "/dev/gps0");
    CHECK(a.refclock_ppspath == "/dev/pps0");
    CHECK(a.refclock_baud == 115200);
    CHECK(a.mode == 17);
    REQUIRE(r.config.fudges.size() == 1);
    const Fudge& f = r.config.fudges[0];
    CHECK(f.clock == RefclockId{20, 1});
    CHECK(f.refid == "NMEA");
    CHECK(f.flags[0] == true);
    CHECK(f.time1_s == 0.5);
    CHECK(f.stratum == 1);
    CHECK(r.config.associations[1].address.text == "127.127.1.0");
    // NMEA, LOCAL and SHM run; Arbiter does not.
    CHECK(messages(r) == Msgs{"t.conf:3:10: warning: reference clock driver 11 (arbiter) is not "
                              "supported; the association will not run"});
    CHECK(rejected("refclock bogus unit 0") ==
          "t.conf:1:10: error: unknown reference clock driver 'bogus'");
    CHECK(rejected("refclock local unit 256") ==
          "t.conf:1:21: error: 'unit' value 256 is out of range [0-255]");
    CHECK(rejected("refclock") == "t.conf:1:9: error: 'refclock' needs a driver name");
    CHECK(rejected("refclock local holdover 5") ==
          "t.conf:1:16: error: unknown option 'holdover' for 'refclock'");
}

// ------------------------------------------------------------ fudge

TEST_CASE("fudge with every option") {
    auto r = parse(
        "fudge 127.127.1.0 stratum 10 refid LOCL time1 -.000097 time2 0.115 flag1 1 flag2 0 "
        "flag3 true flag4 false abbrev x\n");
    CHECK(r.diagnostics.empty());
    REQUIRE(r.config.fudges.size() == 1);
    const Fudge& f = r.config.fudges[0];
    CHECK(f.clock == RefclockId{1, 0});
    CHECK(f.stratum == 10);
    CHECK(f.refid == "LOCL");
    CHECK(f.time1_s == Approx(-0.000097));
    CHECK(f.time2_s == 0.115);
    CHECK(f.flags[0] == true);
    CHECK(f.flags[1] == false);
    CHECK(f.flags[2] == true);
    CHECK(f.flags[3] == false);
    CHECK(f.abbrev == "x");
}

TEST_CASE("fudge diagnostics") {
    CHECK(rejected("fudge 192.0.2.1 stratum 1") ==
          "t.conf:1:7: error: '192.0.2.1' is not a reference clock address (127.127.t.u) for fudge");
    CHECK(rejected("fudge") == "t.conf:1:6: error: 'fudge' needs a reference clock address");
    CHECK(rejected("fudge 127.127.1.0 stratum") == "t.conf:1:26: error: missing value after 'stratum'");
    CHECK(rejected("fudge 127.127.1.0 flag1 yes") == "t.conf:1:25: error: 'flag1' needs 0 or 1, not 'yes'");
    CHECK(rejected("fudge 127.127.1.0 flag5 1") ==
          "t.conf:1:19: error: unknown option 'flag5' for 'fudge'");
    CHECK(rejected("fudge 127.127.1.0 time1 abc") ==
          "t.conf:1:25: error: 'time1' needs a number, not 'abc'");
    auto r = parse("fudge 127.127.1.0 stratum 17 refid TOOLONG flag2 7\nfudge 127.127.22.1\n");
    CHECK(r.errors == 0);
    CHECK(messages(r) == Msgs{
        "t.conf:1:19: warning: stratum 17 is not in [0..16], ignored",
        "t.conf:1:36: warning: refid 'TOOLONG' is longer than 4 characters, using 'TOOL'",
        "t.conf:1:50: warning: integer value is not boolean (0 or 1), assuming 1",
        "t.conf:2:7: warning: fudge without options has no effect"});
    REQUIRE(r.config.fudges.size() == 1);
    CHECK_FALSE(r.config.fudges[0].stratum);
    CHECK(r.config.fudges[0].refid == "TOOL");
    CHECK(r.config.fudges[0].flags[1] == true);
}

// ------------------------------------------------------------ restrict

TEST_CASE("restrict default sets both families; -4/-6 one") {
    auto r = parse(
        "restrict default kod limited nomodify notrap nopeer noquery\n"
        "restrict -6 default ignore\n");
    CHECK(r.diagnostics.empty());
    REQUIRE(r.config.restrictions.size() == 2);
    const auto& v4 = r.config.restrictions[0];
    const auto& v6 = r.config.restrictions[1];
    CHECK(v4.target == RestrictTarget::default_entry);
    CHECK(v4.family == AddressFamily::ipv4);
    CHECK(v6.family == AddressFamily::ipv6);
    using namespace restrict_flag;
    const std::uint32_t common = kod | limited | nomodify | notrap | nopeer | noquery;
    CHECK(v4.flags == common);
    CHECK(v6.flags == (common | ignore));  // merged
    CHECK(v4.effective_mask().to_string() == "0.0.0.0");
    CHECK(v6.effective_mask().to_string() == "::");
}

TEST_CASE("restrict every flag, mask, source, host names, ntpport and later keywords") {
    auto r = parse(
        "restrict 192.168.1.0 mask 255.255.255.0 ignore noserve notrust version nopeer limited "
        "noquery nomodify notrap lowpriotrap kod flake nomrulist noepeer ntpport ippeerlimit 3 "
        "serverresponse fuzz\n"
        "restrict source notrap nomodify noquery\n"
        "restrict time.example.com mask 255.255.255.255 nomodify\n"
        "restrict -6 ::1\n"
        "restrict [::1]\n"
        "restrict 10.0.0.0/8 noquery\n"
        "restrict 2001:db8:: mask ffff:ffff:ffff:ffff:: notrap\n");
    CHECK(r.diagnostics.empty());
    const auto& rs = r.config.restrictions;
    REQUIRE(rs.size() == 6);
    CHECK(rs[0].flags == 0x7fff - restrict_flag::mssntp);
    CHECK(rs[0].ntpport);
    CHECK(rs[0].ippeerlimit == 3);
    CHECK(rs[0].serverresponse_fuzz);
    CHECK(rs[0].mask->to_string() == "255.255.255.0");
    CHECK(rs[1].target == RestrictTarget::source);
    CHECK(rs[2].target == RestrictTarget::hostname);
    CHECK(rs[2].host == "time.example.com");
    CHECK(rs[3].address->to_string() == "::1");
    CHECK(rs[3].effective_mask().to_string() == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    CHECK(rs[3].flags == 0);  // "[::1]" merged into "-6 ::1"
    CHECK(rs[4].mask->to_string() == "255.0.0.0");
    CHECK(rs[5].family == AddressFamily::ipv6);
}

TEST_CASE("restrict lines with equal address and mask OR their flags") {
    auto r = parse(
        "restrict 192.0.2.1 nomodify\n"
        "restrict 192.0.2.1 mask 255.255.255.255 notrap\n"
        "restrict 192.0.2.1 ntpport ignore\n"
        "restrict 192.0.2.0 mask 255.255.255.0 noquery\n"
        "restrict source notrap\n"
        "restrict source noquery\n");
    const auto& rs = r.config.restrictions;
    REQUIRE(rs.size() == 4);
    CHECK(rs[0].flags == (restrict_flag::nomodify | restrict_flag::notrap));
    CHECK(rs[1].ntpport);
    CHECK(rs[1].flags == restrict_flag::ignore);
    CHECK(rs[2].flags == restrict_flag::noquery);
    CHECK(rs[3].flags == (restrict_flag::notrap | restrict_flag::noquery));
}

TEST_CASE("restrict diagnostics") {
    CHECK(rejected("restrict") == "t.conf:1:9: error: 'restrict' needs an address, 'default' or 'source'");
    CHECK(rejected("restrict default bogus") ==
          "t.conf:1:18: error: unknown option 'bogus' for 'restrict'");
    CHECK(rejected("restrict 192.168.1.0 mask 255.255.255.999") ==
          "t.conf:1:27: error: mask '255.255.255.999' is not a valid address mask");
    CHECK(rejected("restrict 192.168.1.0 mask") == "t.conf:1:26: error: missing value after 'mask'");
    CHECK(rejected("restrict 192.168.1.0 mask ffff::") ==
          "t.conf:1:27: error: mask 'ffff::' does not match the address family");
    CHECK(rejected("restrict default mask 0.0.0.0") ==
          "t.conf:1:18: error: 'mask' needs an address before it");
    CHECK(rejected("restrict [::1") == "t.conf:1:10: error: missing ']' after IPv6 address '[::1'");
    CHECK(rejected("restrict 10.0.0.0/33") == "t.conf:1:10: error: prefix length 33 is too long for '10.0.0.0'");
    CHECK(rejected("restrict 999.1.1.1") == "t.conf:1:10: error: '999.1.1.1' is not a valid IPv4 address");
    CHECK(rejected("restrict x serverresponse slow") ==
          "t.conf:1:27: error: 'serverresponse' takes 'fuzz', not 'slow'");
    auto r = parse(
        "restrict default kod nomodify\n"
        "restrict 127.0.0.1 mask 255.255.255.0\n"
        "restrict 10.0.0.0 mask 255.0.255.0\n"
        "restrict 192.0.2.1 mssntp\n");
    CHECK(r.errors == 0);
    CHECK(messages(r) == Msgs{
        "t.conf:1:1: warning: kod does nothing without limited",
        "t.conf:2:10: warning: address 127.0.0.1 has bits outside mask 255.255.255.0",
        "t.conf:3:24: warning: mask '255.0.255.0' is not contiguous",
        "t.conf:4:20: warning: mssntp (MS-SNTP signing) is not supported, flag ignored by ntpd"});
}

// ------------------------------------------------------------ files and keys

TEST_CASE("driftfile, leapfile, logfile, pidfile, keys, statsdir, saveconfigdir, keysdir") {
    auto r = parse(
        "driftfile /var/lib/ntp/ntp.drift 1e-6\n"
        "leapfile \"/usr/share/zoneinfo/leap-seconds.list\"\n"
        "logfile /var/log/ntp.log\n"
        "pidfile /run/ntpd.pid\n"
        "keys /etc/ntp/keys\n"
        "keysdir /etc/ntp\n"
        "statsdir /var/log/ntpstats\n"
        "saveconfigdir /var/lib/ntp\n");
    CHECK(r.diagnostics.empty());
    const auto& c = r.config;
    CHECK(c.driftfile == "/var/lib/ntp/ntp.drift");
    CHECK(c.drift_wander_threshold == 1e-6);
    CHECK(c.leapfile == "/usr/share/zoneinfo/leap-seconds.list");
    CHECK(c.logfile == "/var/log/ntp.log");
    CHECK(c.pidfile == "/run/ntpd.pid");
    CHECK(c.keys_file == "/etc/ntp/keys");
    CHECK(c.keysdir == "/etc/ntp");
    CHECK(c.statsdir == "/var/log/ntpstats/");
    CHECK(c.saveconfigdir == "/var/lib/ntp");
    auto disabled = parse("driftfile /a\ndriftfile\n");
    CHECK(disabled.config.driftfile == "");
    CHECK(rejected("driftfile /a x") ==
          "t.conf:1:14: error: wander threshold must be a positive number, not 'x'");
    CHECK(rejected("keys") == "t.conf:1:5: error: 'keys' needs a file name");
    CHECK(rejected("logfile a b") == "t.conf:1:11: error: unexpected 'b' at the end of 'logfile' line");
}

TEST_CASE("trustedkey lists and ( a ... b ) ranges; only the last line counts") {
    auto r = parse("trustedkey 1 2 (10 ... 12) ( 20 ... 21 ) 42 70000\n");
    CHECK(r.config.trusted_keys == std::vector<std::uint32_t>{1, 2, 10, 11, 12, 20, 21, 42});
    CHECK(messages(r) == Msgs{"t.conf:1:45: warning: ignoring invalid trustedkey 70000, min 1 max 65535"});
    auto two = parse("trustedkey 1\ntrustedkey 2 3\n");
    CHECK(two.config.trusted_keys == std::vector<std::uint32_t>{2, 3});
    CHECK(messages(two) == Msgs{"t.conf:2:1: warning: this trustedkey line replaces the one at "
                                "t.conf:1 (only the last trustedkey line counts)"});
    CHECK(rejected("trustedkey") == "t.conf:1:11: error: 'trustedkey' needs at least one key id");
    CHECK(rejected("trustedkey (1 ... 5") ==
          "t.conf:1:12: error: incomplete key range, expected '( first ... last )'");
    CHECK(rejected("trustedkey (5 .. 1)") ==
          "t.conf:1:12: error: bad key range, expected '( first ... last )'");
    CHECK(rejected("trustedkey (5 ... 1)") == "t.conf:1:13: error: key range is empty (first > last)");
    CHECK(rejected("trustedkey one") == "t.conf:1:12: error: 'one' is not a key id");
}

TEST_CASE("requestkey and controlkey") {
    auto r = parse("requestkey 8\ncontrolkey 65535\n");
    CHECK(r.config.request_key == 8u);
    CHECK(r.config.control_key == 65535u);
    CHECK(rejected("controlkey 0") == "t.conf:1:12: error: 'controlkey' value 0 is out of range [1-65535]");
    CHECK(rejected("requestkey") == "t.conf:1:11: error: missing value after 'requestkey'");
}

// ------------------------------------------------------------ monitoring

TEST_CASE("statistics and filegen") {
    auto r = parse(
        "statistics loopstats peerstats clockstats rawstats sysstats protostats cryptostats "
        "timingstats loopstats\n"
        "filegen loopstats file loops type week nolink enable\n"
        "filegen loopstats type month\n"
        "filegen peerstats link disable\n");
    CHECK(r.diagnostics.empty());
    CHECK(r.config.statistics.size() == 8);
    REQUIRE(r.config.filegens.size() == 2);
    const Filegen& g = r.config.filegens[0];
    CHECK(g.name == "loopstats");
    CHECK(g.file == "loops");
    CHECK(g.type == FilegenType::month);  // later line updates
    CHECK(g.link == false);
    CHECK(g.enabled == true);
    CHECK(r.config.filegens[1].link == true);
    CHECK(r.config.filegens[1].enabled == false);
    CHECK(rejected("statistics bogusstats") == "t.conf:1:12: error: unknown statistics name 'bogusstats'");
    CHECK(rejected("filegen loopstats type hourly") == "t.conf:1:24: error: unknown filegen type 'hourly'");
    CHECK(rejected("filegen loopstats append") ==
          "t.conf:1:19: error: unknown option 'append' for 'filegen'");
}

TEST_CASE("logconfig items and the resulting mask") {
    auto r = parse("logconfig =syncall +clockall -clockinfo\nlogconfig + sysevents\n");
    CHECK(r.diagnostics.empty());
    REQUIRE(r.config.logconfig.size() == 4);
    CHECK(r.config.logconfig[0] == LogConfigItem{'=', "syncall"});
    CHECK(r.config.logconfig[3] == LogConfigItem{'+', "sysevents"});
    const std::uint32_t mask = logconfig_mask(r.config.logconfig);
    CHECK(mask == (logconfig_bits("syncall") | logconfig_bits("clockevents") |
                   logconfig_bits("clockstatistics") | logconfig_bits("clockstatus") |
                   logconfig_bits("sysevents")));
    CHECK(logconfig_default_mask() == logconfig_bits("allsync"));
    CHECK(logconfig_bits("all") == 0xffff);
    CHECK(logconfig_bits("allinfo") == 0x1111);
    CHECK(logconfig_bits("bogus") == 0);
    CHECK(rejected("logconfig =bogus") == "t.conf:1:11: error: unknown logconfig item 'bogus'");
}

// ------------------------------------------------------------ tuning

TEST_CASE("tinker, tick, tos") {
    auto r = parse(
        "tinker panic 0 step 0.5 stepback 0.2 stepfwd 0.3 stepout 900 dispersion 10 freq -12.5 "
        "huffpuff 7200 allan 12 tick 0.01\n"
        "tos minclock 4 minsane 3 maxclock 11 mindist 0.002 maxdist 2 floor 1 ceiling 14 "
        "cohort 1 orphan 10 orphanwait 60 beacon 3600\n");
    CHECK(r.diagnostics.empty());
    const Tinker& t = r.config.tinker;
    CHECK(t.panic_s == 0.0);
    CHECK(t.step_s == 0.5);
    CHECK(t.stepback_s == 0.2);
    CHECK(t.stepfwd_s == 0.3);
    CHECK(t.stepout_s == 900.0);
    CHECK(t.dispersion_ppm == 10.0);
    CHECK(t.freq_ppm == -12.5);
    CHECK(t.huffpuff_s == 7200.0);
    CHECK(t.allan_log2 == 12);
    CHECK(t.tick_s == 0.01);
    const Tos& o = r.config.tos;
    CHECK(o.minclock == 4);
    CHECK(o.minsane == 3);
    CHECK(o.maxclock == 11);
    CHECK(o.mindist_s == 0.002);
    CHECK(o.maxdist_s == 2.0);
    CHECK(o.floor == 1);
    CHECK(o.ceiling == 14);
    CHECK(o.cohort == true);
    CHECK(o.orphan == 10);
    CHECK(o.orphanwait_s == 60);
    CHECK(o.beacon_s == 3600);
}

TEST_CASE("tinker and tos clamps and errors") {
    auto r = parse("tinker stepout 100 huffpuff 60 allan 1500\ntos ceiling 20\ntick 0.001\n");
    CHECK(r.errors == 0);
    CHECK(messages(r) == Msgs{
        "t.conf:1:8: warning: stepout below the minimum 300 s, using 300",
        "t.conf:1:20: warning: huffpuff below the minimum 900 s, using 900",
        "t.conf:1:32: warning: allan 1500 taken as seconds, using 2^11",
        "t.conf:2:5: warning: using maximum tos ceiling 15, 20 requested"});
    CHECK(r.config.tinker.stepout_s == 300.0);
    CHECK(r.config.tinker.allan_log2 == 11);
    CHECK(r.config.tos.ceiling == 15);
    CHECK(r.config.tinker.tick_s == 0.001);
    CHECK(rejected("tinker panic -1") == "t.conf:1:14: error: 'panic' cannot be negative");
    CHECK(rejected("tinker wobble 1") == "t.conf:1:8: error: unknown option 'wobble' for 'tinker'");
    CHECK(rejected("tinker") == "t.conf:1:7: error: 'tinker' needs at least one option");
    CHECK(rejected("tos orphan 17") == "t.conf:1:12: error: 'orphan' value 17 is out of range [1-16]");
    CHECK(rejected("tos maxclock 0") == "t.conf:1:14: error: 'maxclock' value 0 is out of range [1-2147483647]");
}

TEST_CASE("enable and disable") {
    auto r = parse(
        "disable monitor ntp kernel stats auth unpeer_crypto_early unpeer_crypto_nak_early "
        "unpeer_digest_early calibrate\nenable ntp\n");
    CHECK(r.diagnostics.empty());
    const SystemFlags& f = r.config.flags;
    CHECK(f.monitor == false);
    CHECK(f.ntp == false);  // every enable first, then every disable (classic)
    CHECK(f.kernel == false);
    CHECK(f.stats == false);
    CHECK(f.auth == false);
    CHECK(f.calibrate == false);
    CHECK(f.unpeer_digest_early == false);
    CHECK_FALSE(f.mode7);
    auto order = parse("enable stats\ndisable monitor\nenable monitor calibrate\n");
    CHECK(order.config.flags.monitor == false);
    CHECK(order.config.flags.calibrate == true);
    CHECK(order.config.flags.stats == true);
    auto m7 = parse("enable mode7 bclient\n");
    CHECK(m7.warnings == 2);
    CHECK(rejected("disable foo") == "t.conf:1:9: error: unknown flag 'foo' for 'disable'");
    CHECK(rejected("enable") == "t.conf:1:7: error: 'enable' needs at least one flag");
}

TEST_CASE("discard, mru, rlimit") {
    auto r = parse(
        "discard average 6 minimum 5 monitor 3000\n"
        "mru maxdepth 1024 maxmem 256 mindepth 512 maxage 86400 initalloc 10 initmem 4 "
        "incalloc 10 incmem 4\n"
        "rlimit memlock 32 stacksize 100 filenum 1024\n");
    CHECK(r.diagnostics.empty());
    CHECK(r.config.discard.average_log2 == 6);
    CHECK(r.config.discard.minimum_s == 5);
    CHECK(r.config.discard.monitor == 3000);
    CHECK(r.config.mru.maxdepth == 1024);
    CHECK(r.config.mru.maxmem_kb == 256);
    CHECK(r.config.mru.mindepth == 512);
    CHECK(r.config.mru.maxage_s == 86400);
    CHECK(r.config.mru.incmem_kb == 4);
    CHECK(r.config.rlimit.memlock_mb == 32);
    CHECK(r.config.rlimit.stacksize_pages == 100);
    CHECK(r.config.rlimit.filenum == 1024);
    CHECK(rejected("mru mincount 5") == "t.conf:1:5: error: unknown option 'mincount' for 'mru'");
    CHECK(rejected("discard average 18") == "t.conf:1:17: error: 'average' value 18 is out of range [0-17]");
    CHECK(rejected("rlimit memlock") == "t.conf:1:15: error: missing value after 'memlock'");
}

// ------------------------------------------------------------ interfaces

TEST_CASE("interface and nic rules") {
    auto r = parse(
        "interface ignore wildcard\n"
        "interface listen 127.0.0.1\n"
        "interface listen ::1\n"
        "nic drop ipv6\n"
        "interface listen 192.168.0.0/16\n"
        "interface listen eth0\n"
        "interface ignore all\n"
        "interface listen ipv4\n");
    CHECK(r.diagnostics.empty());
    const auto& rules = r.config.interface_rules;
    REQUIRE(rules.size() == 8);
    CHECK(rules[0].action == InterfaceAction::ignore);
    CHECK(rules[0].match == InterfaceMatch::wildcard);
    CHECK(rules[1].match == InterfaceMatch::address);
    CHECK(rules[1].prefix_len == -1);
    CHECK(rules[2].address->is_v6());
    CHECK(rules[3].action == InterfaceAction::drop);
    CHECK(rules[3].match == InterfaceMatch::ipv6);
    CHECK(rules[4].prefix_len == 16);
    CHECK(rules[5].match == InterfaceMatch::name);
    CHECK(rules[5].name == "eth0");
    CHECK(rules[6].match == InterfaceMatch::all);
    CHECK(rules[7].match == InterfaceMatch::ipv4);
    CHECK(rejected("interface listen") ==
          "t.conf:1:17: error: 'interface listen' needs all, ipv4, ipv6, wildcard, an interface name or an address");
    CHECK(rejected("interface open eth0") == "t.conf:1:11: error: expected listen, ignore or drop, not 'open'");
    CHECK(rejected("interface listen 10.0.0.0/40") ==
          "t.conf:1:18: error: prefix length out of range in '10.0.0.0/40'");
    CHECK(rejected("interface listen 10.0.0.300") == "t.conf:1:18: error: '10.0.0.300' is not a valid address");
    CHECK(rejected("interface listen eth0 eth1") ==
          "t.conf:1:23: error: unexpected 'eth1' at the end of 'interface' line");
}

// ------------------------------------------------------------ the rest

TEST_CASE("setvar forms") {
    auto r = parse(
        "setvar location = \"Server room 2\" default\n"
        "setvar a=b\n"
        "setvar c= d e\n"
        "setvar f =g\n");
    CHECK(r.diagnostics.empty());
    REQUIRE(r.config.setvars.size() == 4);
    CHECK(r.config.setvars[0] == SetVar{"location", "Server room 2", true});
    CHECK(r.config.setvars[1] == SetVar{"a", "b", false});
    CHECK(r.config.setvars[2] == SetVar{"c", "d e", false});
    CHECK(r.config.setvars[3] == SetVar{"f", "g", false});
    CHECK(rejected("setvar name value") == "t.conf:1:13: error: setvar: expected '=' after the name");
    CHECK(rejected("setvar name =") == "t.conf:1:14: error: setvar: missing value after '='");
    CHECK(rejected("setvar") == "t.conf:1:1: error: setvar needs 'name = value'");
}

TEST_CASE("trap, ttl, dscp, broadcastdelay, mdnstries, nonvolatile, leapsmearinterval") {
    auto r = parse(
        "trap 192.0.2.9 port 1234 interface 192.0.2.1\n"
        "ttl 1 32 64 96 128 160 192 224\n"
        "dscp 46\n"
        "broadcastdelay 0.008\n"
        "mdnstries 3\n"
        "nonvolatile 1e-6\n");
    CHECK(r.diagnostics.empty());
    REQUIRE(r.config.traps.size() == 1);
    CHECK(r.config.traps[0].port == 1234);
    CHECK(r.config.traps[0].interface->text == "192.0.2.1");
    CHECK(r.config.ttl.size() == 8);
    CHECK(r.config.dscp == 46);
    CHECK(r.config.broadcastdelay_s == 0.008);
    CHECK(r.config.mdnstries == 3);
    CHECK(r.config.drift_wander_threshold == 1e-6);
    CHECK(rejected("ttl 1 2 3 4 5 6 7 8 9") == "t.conf:1:21: error: at most 8 ttl values");
    CHECK(rejected("dscp 64") == "t.conf:1:6: error: 'dscp' value 64 is out of range [0-63]");
    CHECK(rejected("trap 192.0.2.9 port 0") == "t.conf:1:21: error: 'port' value 0 is out of range [1-65535]");
    auto smear = parse("leapsmearinterval 86400\n");
    CHECK(smear.warnings == 1);
    CHECK(smear.config.leapsmearinterval_s == 86400);
}

TEST_CASE("broadcastclient and multicastclient parse without a warning, novolley remembered") {
    auto r = parse("broadcastclient\n");
    CHECK(r.errors == 0);
    CHECK(r.warnings == 0);
    CHECK(r.config.broadcastclient);
    CHECK(!r.config.broadcastclient_novolley);
    auto n = parse("broadcastclient novolley\n");
    CHECK(n.warnings == 0);
    CHECK(n.config.broadcastclient_novolley);
    CHECK(rejected("broadcastclient sometimes") != "");
    auto m = parse("multicastclient\nmulticastclient 224.0.1.1 ff05::101\n");
    CHECK(m.warnings == 0);
    CHECK(m.config.multicastclient_given);
    CHECK(m.config.multicastclient.size() == 2);
}

TEST_CASE("P2 directives parse with a 'not supported' warning") {
    auto r = parse(
        "manycastserver 239.1.1.1\n"
        "crypto randfile /.rnd\n"
        "crypto\n"
        "revoke 17\n"
        "automax 12\n"
        "ident group\n"
        "phone atdt913034944774 atdt913034944785\n"
        "ntpsigndsocket /var/lib/samba/ntp_signd\n"
        "unpeer 192.0.2.1\n"
        "reset sys io\n");
    CHECK(r.errors == 0);
    CHECK(r.warnings == 10);
    for (const auto& m : messages(r)) {
        INFO(m);
        CHECK((m.find("not supported") != std::string::npos || m.find("nothing to reset") != std::string::npos));
    }
    CHECK(r.config.manycastserver.size() == 1);
    CHECK(r.config.unpeer == std::vector<std::string>{"192.0.2.1"});
    CHECK(rejected("reset everything") == "t.conf:1:7: error: unknown counter group 'everything' for 'reset'");
    CHECK(rejected("manycastserver") == "t.conf:1:15: error: 'manycastserver' needs an address");
}

TEST_CASE("hwclock directive (our extension)") {
    auto plain = parse("hwclock\n");
    REQUIRE(plain.config.hwclock);
    CHECK(*plain.config.hwclock == HwclockConfig{});
    auto full = parse("hwclock sync interval 3600 device /dev/rtc1 local\n");
    CHECK(full.diagnostics.empty());
    REQUIRE(full.config.hwclock);
    CHECK(full.config.hwclock->enabled);
    CHECK(full.config.hwclock->interval_s == 3600);
    CHECK(full.config.hwclock->device == "/dev/rtc1");
    CHECK(full.config.hwclock->timescale == RtcTimescale::local);
    auto off = parse("hwclock nosync utc\n");
    CHECK_FALSE(off.config.hwclock->enabled);
    CHECK(off.config.hwclock->timescale == RtcTimescale::utc);
    CHECK(rejected("hwclock interval 10") == "t.conf:1:18: error: 'interval' value 10 is out of range [60-86400]");
    CHECK(rejected("hwclock device rtc0") ==
          "t.conf:1:16: error: hwclock device must be an absolute path, not 'rtc0'");
    CHECK(rejected("hwclock often") == "t.conf:1:9: error: unknown option 'often' for 'hwclock'");
}

TEST_CASE("numbers: hex, signs, doubles in classic shapes") {
    auto r = parse("requestkey 0x10\ntinker step .5 stepout 3e2\nfudge 127.127.1.0 time1 5.\n");
    CHECK(r.diagnostics.empty());
    CHECK(r.config.request_key == 16u);
    CHECK(r.config.tinker.step_s == 0.5);
    CHECK(r.config.tinker.stepout_s == 300.0);
    CHECK(r.config.fudges[0].time1_s == 5.0);
    CHECK(rejected("tinker step inf") == "t.conf:1:13: error: 'step' needs a number, not 'inf'");
    CHECK(rejected("tinker step 1e999") == "t.conf:1:13: error: 'step' needs a number, not '1e999'");
    CHECK(rejected("server a minpoll 99999999999999999999") ==
          "t.conf:1:18: error: 'minpoll' needs an integer, not '99999999999999999999'");
}
