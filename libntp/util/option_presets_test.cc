#include "libntp/util/option_presets.hh"

#include <catch2/catch.hpp>

#include <map>

using ntp::util::PresetOption;

namespace {

const std::vector<PresetOption> options = {
    {"numeric", false}, {"command", true}, {"set-debug-level", true}, {"wide", false}};

}  // namespace

TEST_CASE("environment variables are PROGRAM_LONG_NAME") {
    CHECK(ntp::util::preset_variable("ntpq", "set-debug-level") == "NTPQ_SET_DEBUG_LEVEL");
    std::map<std::string, std::string> env = {
        {"NTPQ_NUMERIC", "1"}, {"NTPQ_COMMAND", "rv 0 leap"}, {"NTPQ_WIDE", ""}, {"NTPD_NUMERIC", "1"}};
    auto get = [&](const std::string& n) -> std::optional<std::string> {
        auto it = env.find(n);
        if (it == env.end()) return std::nullopt;
        return it->second;
    };
    CHECK(ntp::util::presets_from_environment("ntpq", options, get) ==
          std::vector<std::string>{"--numeric", "--command=rv 0 leap"});
}

TEST_CASE("rc files: bare names, name value, name = value, sections, comments") {
    const char* text =
        "# comment\n"
        "numeric\n"
        "command =           rv\n"
        "set-debug-level 2\n"
        "bogus 1\n"
        "command\n"
        "[NTPDC]\n"
        "wide\n"
        "[ntpq]\n"
        "  wide  \n";
    CHECK(ntp::util::presets_from_rc("ntpq", text, options) ==
          std::vector<std::string>{"--numeric", "--command=rv", "--set-debug-level=2", "--wide"});
}

TEST_CASE("--save-opts writes classic's header and value column") {
    CHECK(ntp::util::rc_file_text("ntpq - standard NTP query program - Ver. 1", "Mon Dec  7 17:17:33 2026",
                                  {{"command", "rv"}, {"numeric", ""}, {"wide", ""}}) ==
          "#  ntpq - standard NTP query program - Ver. 1\n"
          "#  preset/initialization file\n"
          "#  Mon Dec  7 17:17:33 2026\n"
          "#\n"
          "command =           rv\n"
          "numeric\n"
          "wide\n");
}
