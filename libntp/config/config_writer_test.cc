// --saveconfigquit output: normalized and re-loadable to an equal NtpConfig.
#include "libntp/config/config_writer.hh"

#include <dirent.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>

#include "tests/support/config_files.hh"

using namespace ntp::config;
using ntp::config::test::messages;
using ntp::config::test::parse;

namespace {

// Every directive and option the writer has to carry.
const char* const everything = R"(server -4 192.0.2.1 iburst burst prefer noselect true preempt xleave minpoll 4 maxpoll 12 key 42 version 3 mode 5 ttl 2
pool 0.debian.pool.ntp.org iburst
peer -6 [2001:db8::1] autokey ident grp
broadcast ff02::101 ttl 3
manycastclient 239.1.1.1 maxpoll 12
server "-4"
server 127.127.1.0
fudge 127.127.1.0 stratum 10 refid LOCL time1 -0.000097 time2 0.115 flag1 1 flag2 0 abbrev x
refclock shm unit 2 path /dev/x ppspath "/dev/p p" baud 9600 refid GPS prefer subtype 3
refclock pps unit 0 flag3 1
restrict default kod limited nomodify notrap nopeer noquery
restrict -6 default ignore
restrict 192.168.1.0 mask 255.255.255.0 ignore noserve notrust version nopeer limited noquery nomodify notrap lowpriotrap kod flake nomrulist noepeer ntpport ippeerlimit 3 serverresponse fuzz
restrict source notrap nomodify noquery
restrict -4 time.example.com mask 255.255.255.255 nomodify
restrict "default"
restrict 10.0.0.0/8 mssntp
restrict fe80::1%eth0
discard average 6 minimum 5 monitor 3000
mru maxdepth 1024 maxmem 256 mindepth 512 maxage 86400 initalloc 1 initmem 2 incalloc 3 incmem 4
driftfile "/var/lib/ntp dir/ntp.drift" 1e-07
leapfile /usr/share/zoneinfo/leap-seconds.list
logfile /var/log/ntp.log
pidfile /run/ntpd.pid
saveconfigdir /var/lib/ntp
keys /etc/ntp/keys
keysdir /etc/ntp/
trustedkey 1 2 (10 ... 15) 42
requestkey 8
controlkey 9
statsdir /var/log/ntpstats/
statistics loopstats peerstats clockstats
filegen loopstats file loops type week nolink enable
filegen peerstats type none link disable
logconfig =syncall +clockall -clockinfo
tinker panic 0 step 0.5 stepback 0.25 stepfwd 0.125 stepout 900 dispersion 10 freq -12.5 huffpuff 7200 allan 12 tick 0.01
tos minclock 4 minsane 3 maxclock 11 mindist 0.002 maxdist 2 floor 1 ceiling 14 cohort 1 orphan 10 orphanwait 60 beacon 3600
enable ntp monitor
disable kernel stats auth unpeer_crypto_early
rlimit memlock -1 stacksize 100 filenum 1024
interface ignore wildcard
interface listen 127.0.0.1
nic drop 192.168.0.0/16
interface listen "eth 0"
setvar location = "Server room 2" default
setvar quoted = "default"
trap 192.0.2.9 port 1234 interface 192.0.2.1
ttl 1 32 64
dscp 46
broadcastdelay 0.008
mdnstries 3
leapsmearinterval 86400
broadcastclient
multicastclient
manycastserver 239.1.1.1
unpeer 192.0.2.77
hwclock nosync interval 3600 device /dev/rtc1 local
)";

void check_round_trip(const NtpConfig& original, const std::string& what) {
    const std::string text = format_config(original);
    auto again = parse_config_text(text, "saved.conf", FileReader{});
    INFO(what << "\n--- written:\n" << text);
    CHECK(again.errors == 0);
    CHECK(again.config == original);
    // Writing is stable: the second output equals the first.
    CHECK(format_config(again.config) == text);
}

}  // namespace

TEST_CASE("the writer round-trips every directive and option") {
    auto r = parse(everything);
    INFO(Catch::Detail::stringify(messages(r)));
    REQUIRE(r.errors == 0);
    CHECK(r.config.associations.size() == 9);
    check_round_trip(r.config, "everything");
}

TEST_CASE("the writer's output is plain and normalized") {
    auto r = parse(
        "server  192.0.2.1   iburst # comment\n"
        "restrict default nomodify\n"
        "driftfile\n"
        "tinker panic 0\n");
    const std::string text = format_config(r.config);
    CHECK(text.find("server 192.0.2.1 iburst\n") != std::string::npos);
    CHECK(text.find("restrict -4 default nomodify\nrestrict -6 default nomodify\n") != std::string::npos);
    CHECK(text.find("\ndriftfile\n") != std::string::npos);
    CHECK(text.find("tinker panic 0\n") != std::string::npos);
    CHECK(text.find("comment") == std::string::npos);
    check_round_trip(r.config, "plain");
}

TEST_CASE("setvar values holding a double quote round-trip (found by fuzz_config)") {
    // The lexer has no escape for '"': such values are written token by token.
    auto r = parse("setvar e=\"\nsetvar f =\"x  y\tz\" default\nsetvar g = a\"b \"c d\" default\n"
                   "setvar h = x\"y \"default\"\n");
    INFO(Catch::Detail::stringify(messages(r)));
    REQUIRE(r.config.setvars.size() == 4);
    CHECK(r.config.setvars[0].value == "\"");
    CHECK(r.config.setvars[2].value == "a\"b c d");
    check_round_trip(r.config, "setvar quotes");
}

TEST_CASE("an empty configuration writes only comments and reloads empty") {
    check_round_trip(NtpConfig{}, "empty");
}

TEST_CASE("round trip of the whole corpus (shared/conf-corpus)") {
    const char* shared = std::getenv("shared_dir");
    if (!shared) {
        WARN("shared_dir is not set: corpus round trip not run (make check sets it)");
        return;
    }
    const std::string dir = std::string(shared) + "/conf-corpus";
    std::vector<std::string> files;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (const dirent* e = ::readdir(d)) {
            const std::string name = e->d_name;
            if (name.size() > 5 && name.substr(name.size() - 5) == ".conf") files.push_back(name);
        }
        ::closedir(d);
    }
    if (files.empty()) {
        WARN("no corpus files under " << dir << ": corpus round trip not run");
        return;
    }
    std::sort(files.begin(), files.end());
    const FileReader reader = disk_file_reader();
    int loaded = 0;
    for (const auto& f : files) {
        auto r = load_config(dir + "/" + f, reader);
        REQUIRE(r.main_file_opened);
        check_round_trip(r.config, f);
        ++loaded;
    }
    CHECK(loaded >= 60);
}
