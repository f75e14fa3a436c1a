#include "ntpd/options.hh"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "libntp/config/parser.hh"
#include "ntpd/configtest.hh"

using ntpd::Options;
using ntpd::parse_options;

namespace {

ntpd::OptionsResult run(std::vector<std::string> args) {
    args.insert(args.begin(), "ntpd");
    return parse_options(args);
}

Options ok(std::vector<std::string> args) {
    auto r = run(std::move(args));
    INFO(r.error);
    REQUIRE(r.ok);
    return r.options;
}

std::string error_of(std::vector<std::string> args) {
    auto r = run(std::move(args));
    CHECK_FALSE(r.ok);
    return r.error;
}

ntp::config::FileReader memory(std::map<std::string, std::string> files) {
    return [files](const std::string& path) {
        ntp::config::FileContent c;
        auto it = files.find(path);
        if (it == files.end()) {
            c.error = "No such file or directory";
        } else {
            c.ok = true;
            c.text = it->second;
        }
        return c;
    };
}

}  // namespace

TEST_CASE("defaults") {
    Options o = ok({});
    CHECK(o.config_file == "/etc/ntp.conf");
    CHECK(o.debug_level == 0);
    CHECK_FALSE(o.configtest);
    CHECK(o.servers.empty());
    CHECK_FALSE(o.stays_in_foreground());
}

TEST_CASE("every classic flag, short form") {
    Options o = ok({"-4", "-a", "-b", "-g", "-G", "-L", "-m", "-M", "-n", "-N", "-q", "-x"});
    CHECK(o.ipv4_only);
    CHECK(o.authreq == true);
    CHECK(o.bcastsync);
    CHECK(o.panicgate);
    CHECK(o.force_step_once);
    CHECK(o.novirtualips);
    CHECK(o.mdns);
    CHECK(o.modifymmtimer);
    CHECK(o.nofork);
    CHECK(o.nice);
    CHECK(o.quit);
    CHECK(o.slew);
    CHECK(ok({"-6"}).ipv6_only);
    CHECK(ok({"-A"}).authreq == false);
}

TEST_CASE("every classic option with a value, short form, separate and attached") {
    Options o = ok({"-c", "/tmp/x.conf", "-D3", "-f", "/d", "-i", "/jail", "-I", "eth0", "-Ilo",
                    "-k", "/k", "-l", "/l", "-p", "/p", "-P", "10", "-r", "0.004", "-s", "/s",
                    "-t", "5", "-t7", "-u", "ntp:ntp", "-U", "60", "-w", "30"});
    CHECK(o.config_file == "/tmp/x.conf");
    CHECK(o.debug_level == 3);
    CHECK(o.driftfile == "/d");
    CHECK(o.jaildir == "/jail");
    CHECK(o.interfaces == std::vector<std::string>{"eth0", "lo"});
    CHECK(o.keyfile == "/k");
    CHECK(o.logfile == "/l");
    CHECK(o.pidfile == "/p");
    CHECK(o.priority == 10);
    CHECK(o.propagation_delay_s == 0.004);
    CHECK(o.statsdir == "/s");
    CHECK(o.trusted_keys == std::vector<std::uint32_t>{5, 7});
    CHECK(o.user == "ntp:ntp");
    CHECK(o.update_interval_s == 60);
    CHECK(o.wait_sync_s == 30);
}

TEST_CASE("long forms with = and with a separate value") {
    Options o = ok({"--configfile=/a.conf", "--driftfile", "/d", "--panicgate", "--user=105:108",
                    "--pidfile", "/var/run/ntpd.pid", "--set-debug-level=2", "--debug-level",
                    "--var", "a=b", "--dvar=c=d", "--saveconfigquit", "/out", "--trustedkey=9",
                    "--ipv4", "--jaildir=/j", "--interface=lo", "--keyfile=/k", "--logfile=/l",
                    "--novirtualips", "--nice", "--priority=1", "--quit",
                    "--propagationdelay=0.1", "--statsdir=/s", "--updateinterval=0",
                    "--wait-sync=5", "--slew", "--authnoreq", "--bcastsync", "--mdns",
                    "--modifymmtimer", "--force-step-once"});
    CHECK(o.config_file == "/a.conf");
    CHECK(o.driftfile == "/d");
    CHECK(o.panicgate);
    CHECK(o.user == "105:108");
    CHECK(o.pidfile == "/var/run/ntpd.pid");
    CHECK(o.debug_level == 3);
    CHECK(o.vars == std::vector<std::string>{"a=b"});
    CHECK(o.dvars == std::vector<std::string>{"c=d"});
    CHECK(o.saveconfigquit == "/out");
    CHECK(o.trusted_keys == std::vector<std::uint32_t>{9});
    CHECK(o.update_interval_s == 0);
    CHECK(o.wait_sync_s == 5);
    CHECK(o.slew);
    CHECK(o.authreq == false);
    CHECK(o.force_step_once);
    CHECK(o.stays_in_foreground());
}

TEST_CASE("grouped short flags, repeatable -d, extra arguments are servers") {
    Options o = ok({"-gnx", "-dd", "-d", "0.pool.ntp.org", "-c/etc/x.conf", "192.0.2.1"});
    CHECK(o.panicgate);
    CHECK(o.nofork);
    CHECK(o.slew);
    CHECK(o.debug_level == 3);
    CHECK(o.config_file == "/etc/x.conf");
    CHECK(o.servers == std::vector<std::string>{"0.pool.ntp.org", "192.0.2.1"});
    Options dash = ok({"--", "-weird-server"});
    CHECK(dash.servers == std::vector<std::string>{"-weird-server"});
}

TEST_CASE("extensions: --configtest, --no-adjust, --hwclock[=SECONDS]") {
    Options o = ok({"--configtest", "--no-adjust", "--hwclock"});
    CHECK(o.configtest);
    CHECK(o.no_adjust);
    CHECK(o.hwclock_interval_s == 660);
    CHECK(ok({"--hwclock=3600"}).hwclock_interval_s == 3600);
    CHECK(error_of({"--hwclock=5"}) == "ntpd: value 5 for --hwclock is out of range [60-86400]");
    // An optional argument never takes the next word.
    Options next = ok({"--hwclock", "3600"});
    CHECK(next.hwclock_interval_s == 660);
    CHECK(next.servers == std::vector<std::string>{"3600"});
}

TEST_CASE("extensions: --source-port=123|random, --seccomp") {
    CHECK_FALSE(ok({}).source_port_123);
    CHECK(ok({"--source-port=123"}).source_port_123);
    CHECK(ok({"--source-port", "123"}).source_port_123);
    CHECK_FALSE(ok({"--source-port=123", "--source-port=random"}).source_port_123);
    CHECK(error_of({"--source-port=124"}) == "ntpd: --source-port takes 123 or random, not '124'");
    CHECK(error_of({"--source-port"}) == "ntpd: The 'source-port' option requires an argument.");
    CHECK_FALSE(ok({}).seccomp);
    CHECK(ok({"--seccomp"}).seccomp);
    // Prefixes shared with classic options keep meaning the classic ones.
    CHECK(ok({"--se", "2"}).debug_level == 2);
    CHECK(error_of({"--s"}) == "ntpd: option '--s' is ambiguous");
    const std::string usage = ntpd::usage_text();
    CHECK(usage.find("--source-port=123|random") != std::string::npos);
    CHECK(usage.find("--seccomp") != std::string::npos);
}

TEST_CASE("help and version") {
    CHECK(ok({"--help"}).help);
    CHECK(ok({"-?"}).help);
    CHECK(ok({"-!"}).more_help);
    CHECK(ok({"--version"}).version);
    CHECK(ok({"--version=c"}).version);  // classic's v|c|n argument
    const std::string usage = ntpd::usage_text();
    for (const char* word : {"--configfile", "--panicgate", "--saveconfigquit", "--configtest",
                             "--no-adjust", "--hwclock[=SECONDS]", "-u, --user=USER[:GROUP]"}) {
        INFO(word);
        CHECK(usage.find(word) != std::string::npos);
    }
    CHECK(ntpd::version_text().rfind("ntpd ", 0) == 0);
}

TEST_CASE("-w makes the daemon fork even with -d, as classic's") {
    CHECK_FALSE(ok({"-d", "--wait-sync=1"}).stays_in_foreground());
    CHECK_FALSE(ok({"-q", "-w", "30"}).stays_in_foreground());
    CHECK(ok({"-d", "-w", "0"}).stays_in_foreground());
    CHECK(ok({"--configtest", "-w", "30"}).stays_in_foreground());
}

TEST_CASE("NTPD_* environment presets come before the command line") {
    auto env = [](const std::string& n) -> std::optional<std::string> {
        if (n == "NTPD_DRIFTFILE") return std::string("/env.drift");
        if (n == "NTPD_NOFORK") return std::string("1");
        if (n == "NTPD_CONFIGTEST") return std::string("1");  // an extension: no preset
        return std::nullopt;
    };
    auto args = ntpd::with_environment_presets({"ntpd", "--driftfile=/cli.drift"}, env);
    CHECK(args == std::vector<std::string>{"ntpd", "--driftfile=/env.drift", "--nofork",
                                           "--driftfile=/cli.drift"});
    Options o = ok(args);
    CHECK(o.driftfile == "/cli.drift");
    CHECK(o.nofork);
    CHECK_FALSE(o.configtest);
}

TEST_CASE("unique prefixes of long options are accepted, ambiguous ones are not") {
    CHECK(ok({"--config=/x"}).config_file == "/x");
    CHECK(ok({"--panic"}).panicgate);
    CHECK(ok({"--confi", "/y"}).config_file == "/y");
    CHECK(ok({"--configt"}).configtest);
    CHECK(error_of({"--no"}) == "ntpd: option '--no' is ambiguous");
}

TEST_CASE("usage errors") {
    CHECK(error_of({"-z"}) == "ntpd: illegal option -- z");
    CHECK(error_of({"--bogus"}) == "ntpd: illegal option -- bogus");
    CHECK(error_of({"-c"}) == "ntpd: The 'configfile' option requires an argument.");
    CHECK(error_of({"--configfile"}) == "ntpd: The 'configfile' option requires an argument.");
    CHECK(error_of({"--nofork=1"}) == "ntpd: option '--nofork' takes no argument");
    CHECK(error_of({"-4", "-6"}) == "ntpd error:  the 'ipv4' and 'ipv6' options conflict");
    CHECK(error_of({"-n", "-w", "0"}) == "ntpd error:  the 'nofork' and 'wait-sync' options conflict");
    CHECK(error_of({"-P", "x"}) == "ntpd: invalid number 'x' for -P");
    CHECK(error_of({"-t", "0"}) == "ntpd: value 0 for -t is out of range [1-65535]");
    CHECK(error_of({"-r", "-1"}) == "ntpd: invalid delay '-1' for -r");
    CHECK(error_of({"--var=novalue"}) == "ntpd: --var needs NAME=VALUE, not 'novalue'");
    CHECK(error_of({"--configtest", "--saveconfigquit=/x"}) ==
          "ntpd: --configtest and --saveconfigquit cannot be used together");
    CHECK(error_of({""}) == "ntpd: empty server name");
}

TEST_CASE("apply_to_config: command-line servers, keys, vars and file paths") {
    ntp::config::NtpConfig c;
    c.driftfile = "/from/file";
    c.trusted_keys = {3};
    Options o = ok({"-4", "-f", "/from/cmdline", "-k", "/k", "-t", "1", "-t", "3", "--var", "a=b",
                    "--dvar", "c=d", "-x", "-A", "-s", "/stats", "--hwclock=600", "192.0.2.1",
                    "ntp.example"});
    ntpd::apply_to_config(o, c);
    REQUIRE(c.associations.size() == 2);
    CHECK(c.associations[0].iburst);
    CHECK(c.associations[0].family == ntp::config::AddressFamily::ipv4);
    CHECK(c.associations[0].address.numeric);
    CHECK_FALSE(c.associations[1].address.numeric);
    CHECK(c.driftfile == "/from/file");  // the file wins
    CHECK(c.keys_file == "/k");
    CHECK(c.trusted_keys == std::vector<std::uint32_t>{1, 3});
    REQUIRE(c.setvars.size() == 2);
    CHECK(c.setvars[1].is_default);
    CHECK(c.tinker.step_s == 600.0);
    CHECK(c.flags.auth == false);
    CHECK(c.statsdir == "/stats/");
    REQUIRE(c.hwclock);
    CHECK(c.hwclock->interval_s == 600);

    ntp::config::NtpConfig with_step;
    with_step.tinker.step_s = 0.2;
    ntpd::apply_to_config(ok({"-x"}), with_step);
    CHECK(with_step.tinker.step_s == 0.2);
}

TEST_CASE("run_configtest: exit status, diagnostics on err, one summary line on out") {
    auto reader = memory({{"good.conf", "server 192.0.2.1\nrestrict default kod nomodify\n"},
                          {"bad.conf", "server 192.0.2.1 fast\nserver 192.0.2.2\n"}});
    {
        Options o = ok({"--configtest", "-c", "good.conf"});
        std::ostringstream out, err;
        CHECK(ntpd::run_configtest(o, reader, out, err) == 0);
        CHECK(err.str() == "good.conf:2:1: warning: kod does nothing without limited\n");
        CHECK(out.str() ==
              "ntpd: configuration file good.conf: 2 lines in 1 file, 1 association, 2 restrict "
              "entries; 0 errors, 1 warning: test is successful\n");
    }
    {
        Options o = ok({"--configtest", "-c", "bad.conf"});
        std::ostringstream out, err;
        CHECK(ntpd::run_configtest(o, reader, out, err) == 1);
        CHECK(err.str() == "bad.conf:1:18: error: unknown option 'fast' for 'server'\n");
        CHECK(out.str().find("1 error, 0 warnings: test failed") != std::string::npos);
    }
    {
        Options o = ok({"--configtest", "-c", "missing.conf"});
        std::ostringstream out, err;
        CHECK(ntpd::run_configtest(o, reader, out, err) == 1);
        CHECK(err.str() ==
              "missing.conf: error: cannot open configuration file: No such file or directory\n");
        CHECK(out.str() == "ntpd: configuration file missing.conf could not be read\n");
    }
}

TEST_CASE("interface rules with -I or -L are a start-up error") {
    auto reader = memory({{"if.conf", "interface listen lo\n"}});
    Options o = ok({"--configtest", "-c", "if.conf", "-I", "eth0"});
    std::ostringstream out, err;
    CHECK(ntpd::run_configtest(o, reader, out, err) == 1);
    CHECK(err.str() == "ntpd: error: interface/nic rules are not allowed with --interface (-I) or "
                       "--novirtualips (-L)\n");
    Options no_rules = ok({"-L"});
    CHECK(ntpd::startup_conflicts(no_rules, ntp::config::NtpConfig{}).empty());
}

TEST_CASE("run_saveconfigquit writes a re-loadable normalized file") {
    char dir_template[] = "/tmp/ntpd-options-test.XXXXXX";
    REQUIRE(::mkdtemp(dir_template) != nullptr);
    const std::string out_path = std::string(dir_template) + "/saved.conf";
    auto reader = memory({{"in.conf", "server   192.0.2.1 iburst  # c\nrestrict default nopeer\n"}});
    Options o = ok({"-c", "in.conf", "--saveconfigquit", out_path});
    std::ostringstream err;
    CHECK(ntpd::run_saveconfigquit(o, reader, err) == 0);
    CHECK(err.str().empty());
    std::ifstream in(out_path);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str().find("server 192.0.2.1 iburst\n") != std::string::npos);
    auto again = ntp::config::parse_config_text(text.str(), out_path, {});
    auto first = ntp::config::parse_config_text(
        "server   192.0.2.1 iburst  # c\nrestrict default nopeer\n", "in.conf", {});
    CHECK(again.errors == 0);
    CHECK(again.config == first.config);

    Options unwritable = ok({"-c", "in.conf", "--saveconfigquit", std::string(dir_template) + "/no/such/dir"});
    std::ostringstream err2;
    CHECK(ntpd::run_saveconfigquit(unwritable, reader, err2) == 1);
    CHECK(err2.str().find("cannot write configuration to") != std::string::npos);
    std::remove(out_path.c_str());
    ::rmdir(dir_template);
}
