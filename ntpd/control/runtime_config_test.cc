#include "ntpd/control/runtime_config.hh"

#include <catch2/catch.hpp>

#include "libntp/config/parser.hh"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace {

using ntp::config::NtpConfig;

struct RecordingTarget final : ntpd::RuntimeTarget {
    std::vector<std::string> added;
    std::vector<std::string> unpeered;
    std::vector<std::uint32_t> restrict_flags;
    std::vector<std::string> known = {"192.0.2.7"};

    void add_association(const ntp::config::Association& a) override { added.push_back(a.address.text); }
    bool unpeer(std::string_view target) override {
        unpeered.emplace_back(target);
        return std::find(known.begin(), known.end(), target) != known.end();
    }
    void add_restriction(const ntp::config::RestrictEntry& e) override { restrict_flags.push_back(e.flags); }
};

std::tm some_local_time() {
    std::tm t{};
    t.tm_year = 126;  // 2026
    t.tm_mon = 10;
    t.tm_mday = 22;
    t.tm_hour = 3;
    return t;
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        char tmpl[] = "/tmp/runtime_config_test.XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("a server line mobilizes an association and joins the running configuration") {
    NtpConfig running;
    RecordingTarget target;
    ntpd::RuntimeConfig rc(running, target);
    const auto out = rc.configure("server 192.0.2.7 iburst");
    CHECK(out.reply == "Config Succeeded");
    CHECK(out.applied);
    REQUIRE(target.added == std::vector<std::string>{"192.0.2.7"});
    REQUIRE(running.associations.size() == 1);
    CHECK(running.associations[0].iburst);
}

TEST_CASE("a syntax error is answered with its column and changes nothing") {
    NtpConfig running;
    RecordingTarget target;
    ntpd::RuntimeConfig rc(running, target);
    const auto out = rc.configure("server 192.0.2.7 minpoll");
    CHECK_FALSE(out.applied);
    CHECK(out.reply.rfind("column ", 0) == 0);
    CHECK(target.added.empty());
    CHECK(running.associations.empty());
}

TEST_CASE("directives a running daemon cannot change are refused by name") {
    NtpConfig running;
    RecordingTarget target;
    ntpd::RuntimeConfig rc(running, target);
    const auto out = rc.configure("driftfile /etc/passwd");
    CHECK_FALSE(out.applied);
    CHECK(out.reply == "driftfile cannot be changed at runtime");
    CHECK(running == ntp::config::parse_config_text("", "x", {}).config);
    CHECK(rc.configure("includefile /etc/shadow").applied == false);
}

TEST_CASE("unpeer removes the association; an unknown one is reported") {
    NtpConfig running;
    RecordingTarget target;
    ntpd::RuntimeConfig rc(running, target);
    REQUIRE(rc.configure("server 192.0.2.7").applied);
    CHECK(rc.configure("unpeer 192.0.2.7").reply == "Config Succeeded");
    CHECK(running.associations.empty());
    CHECK(rc.configure("unpeer 192.0.2.99").reply == "unpeer: no association matches 192.0.2.99");
    CHECK(target.unpeered == std::vector<std::string>{"192.0.2.7", "192.0.2.99"});
}

TEST_CASE("restrict lines with an address are applied; host names are refused") {
    NtpConfig running;
    RecordingTarget target;
    ntpd::RuntimeConfig rc(running, target);
    CHECK(rc.configure("restrict 192.0.2.0 mask 255.255.255.0 noquery").applied);
    CHECK(target.restrict_flags.size() == 1);
    CHECK(running.restrictions.size() == 1);
    const auto out = rc.configure("restrict ntp.example.org noquery");
    CHECK_FALSE(out.applied);
    CHECK(target.restrict_flags.size() == 1);
}

TEST_CASE("setvar adds a variable; writevar changes only existing ones") {
    NtpConfig running;
    RecordingTarget target;
    ntpd::RuntimeConfig rc(running, target);
    REQUIRE(rc.configure("setvar site = \"rack 4\" default").applied);
    REQUIRE(rc.variables().size() == 1);
    CHECK(rc.variables()[0].name == "site");
    CHECK(rc.variables()[0].value == "rack 4");
    CHECK(rc.variables()[0].is_default);
    CHECK(rc.write_variable("site", "rack 5"));
    CHECK(rc.variables()[0].value == "rack 5");
    CHECK_FALSE(rc.write_variable("other", "x"));
    CHECK(rc.variables().size() == 1);
}

TEST_CASE("saveconfig needs saveconfigdir and writes the running configuration there") {
    NtpConfig running;
    RecordingTarget target;
    ntpd::RuntimeConfig rc(running, target);
    CHECK(rc.save_config("x.conf", some_local_time()).reply ==
          "saveconfig prohibited, no saveconfigdir configured");

    TempDir dir;
    running.saveconfigdir = dir.path.string();
    REQUIRE(rc.configure("server 192.0.2.7 iburst").applied);
    const auto out = rc.save_config("ntp-%Y%m%d.conf", some_local_time());
    CHECK(out.applied);
    CHECK(out.reply == "Configuration saved to 'ntp-20261122.conf'");
    const std::string text = read_file(dir.path / "ntp-20261122.conf");
    CHECK(text.find("server 192.0.2.7 iburst") != std::string::npos);
    // What was saved loads again to the same configuration.
    CHECK(ntp::config::parse_config_text(text, "saved", {}).config == running);
    CHECK_FALSE(std::filesystem::exists(dir.path / "ntp-20261122.conf.TEMP"));

    CHECK(rc.save_config("../escape", some_local_time()).applied == false);
    running.saveconfigdir = (dir.path / "missing").string();
    const auto failed = rc.save_config("x.conf", some_local_time());
    CHECK_FALSE(failed.applied);
    CHECK(failed.reply == "Unable to save configuration to file 'x.conf': No such file or directory");
}
