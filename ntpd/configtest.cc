#include "ntpd/configtest.hh"

#include <fstream>
#include <ostream>

#include "libntp/config/config_writer.hh"
#include "ntpd/core/peer_manager.hh"

namespace ntpd {

namespace {

std::string plural(int n, const std::string& one, const std::string& many = "") {
    return std::to_string(n) + " " + (n == 1 ? one : many.empty() ? one + "s" : many);
}

// Loads and prints diagnostics; returns the number of errors (including
// start-up conflicts).
int load_and_report(const Options& options, const ntp::config::FileReader& reader,
                    ntp::config::LoadResult& result, std::ostream& err) {
    result = ntp::config::load_config(options.config_file, reader);
    for (const auto& d : result.diagnostics) err << ntp::config::format_diagnostic(d) << '\n';
    int errors = result.errors;
    const auto& assocs = result.config.associations;
    if (assocs.size() > PeerManager::max_associations) {
        // What ntpd would refuse at start-up, from the first one past the limit.
        const auto& first = assocs[PeerManager::max_associations];
        const std::size_t more = assocs.size() - PeerManager::max_associations - 1;
        err << first.where.file << ':' << first.where.line << ":1: error: " << too_many_message(first.address.text);
        if (more > 0) err << " (nor " << more << " more)";
        err << '\n';
        ++errors;
    }
    for (const auto& conflict : startup_conflicts(options, result.config)) {
        err << "ntpd: error: " << conflict << '\n';
        ++errors;
    }
    return errors;
}

}  // namespace

std::vector<std::string> startup_conflicts(const Options& options,
                                           const ntp::config::NtpConfig& config) {
    std::vector<std::string> out;
    if (!config.interface_rules.empty() && (!options.interfaces.empty() || options.novirtualips)) {
        // Classic text (fatal at start-up).
        out.push_back(
            "interface/nic rules are not allowed with --interface (-I) or --novirtualips (-L)");
    }
    return out;
}

int run_configtest(const Options& options, const ntp::config::FileReader& reader,
                   std::ostream& out, std::ostream& err) {
    ntp::config::LoadResult result;
    const int errors = load_and_report(options, reader, result, err);
    out << "ntpd: configuration file " << options.config_file;
    if (!result.main_file_opened) {
        out << " could not be read\n";
        return 1;
    }
    out << ": " << plural(result.lines_read, "line") << " in " << plural(result.files_read, "file")
        << ", " << plural(static_cast<int>(result.config.associations.size()), "association")
        << ", " << plural(static_cast<int>(result.config.restrictions.size()), "restrict entry", "restrict entries")
        << "; " << plural(errors, "error") << ", " << plural(result.warnings, "warning") << ": "
        << (errors == 0 ? "test is successful" : "test failed") << '\n';
    return errors == 0 ? 0 : 1;
}

int run_saveconfigquit(const Options& options, const ntp::config::FileReader& reader,
                       std::ostream& err) {
    ntp::config::LoadResult result;
    const int errors = load_and_report(options, reader, result, err);
    if (!result.main_file_opened) return 1;
    const std::string& path = *options.saveconfigquit;
    std::ofstream file(path, std::ios::out | std::ios::trunc);
    if (file) file << ntp::config::format_config(result.config);
    file.close();
    if (!file) {
        err << "ntpd: cannot write configuration to " << path << '\n';
        return 1;
    }
    return errors == 0 ? 0 : 1;
}

}  // namespace ntpd
