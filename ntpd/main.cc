// ntpd: parse the command line, then hand over. Kept thin on purpose: the
// work lives in ntpd/options, ntpd/configtest and libntp.
#include "config.h"

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "libntp/config/file_reader.hh"
#include "ntpd/configtest.hh"
#include "ntpd/daemon.hh"
#include "ntpd/options.hh"

int main(int argc, char** argv) {
    auto getenv = [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (v == nullptr) return std::nullopt;
        return std::string(v);
    };
    const ntpd::OptionsResult parsed = ntpd::parse_options(
        ntpd::with_environment_presets(std::vector<std::string>(argv, argv + argc), getenv));
    if (!parsed.ok) {
        // Classic's usage block, with the program name as it was called.
        std::string text = parsed.error;
        if (text.rfind("ntpd: ", 0) == 0) text = argv[0] + text.substr(4);
        std::cerr << text << "\nntpd - NTP daemon program - Ver. " PACKAGE_VERSION "\n"
                  << "Usage:  ntpd [ -<flag> [<val>] | --<name>[{=| }<val>] ]... \\\n"
                  << "\t\t[ <server1> ... <serverN> ]\n"
                  << "Try 'ntpd --help' for more information.\n";
        return 1;  // classic's usage status
    }
    const ntpd::Options& options = parsed.options;
    if (options.help || options.more_help) {
        std::cout << ntpd::usage_text();
        return 0;
    }
    if (options.version) {
        std::cout << ntpd::version_text();
        return 0;
    }
    const ntp::config::FileReader reader = ntp::config::disk_file_reader();
    if (options.configtest) return ntpd::run_configtest(options, reader, std::cout, std::cerr);
    if (options.saveconfigquit) return ntpd::run_saveconfigquit(options, reader, std::cerr);

    return ntpd::run_daemon(options, std::vector<std::string>(argv, argv + argc));
}
