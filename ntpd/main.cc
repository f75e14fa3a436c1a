// ntpd: parse the command line, then hand over. Kept thin on purpose: the
// work lives in ntpd/options, ntpd/configtest and libntp.
#include <iostream>
#include <string>
#include <vector>

#include "libntp/config/file_reader.hh"
#include "ntpd/configtest.hh"
#include "ntpd/daemon.hh"
#include "ntpd/options.hh"

int main(int argc, char** argv) {
    const ntpd::OptionsResult parsed = ntpd::parse_options(argc, argv);
    if (!parsed.ok) {
        std::cerr << parsed.error << "\nTry 'ntpd --help' for more information.\n";
        return 2;
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
