#include "ntpd/control/runtime_config.hh"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "libntp/clock/atomic_file.hh"
#include "libntp/config/config_writer.hh"
#include "libntp/config/parser.hh"

namespace ntpd {

namespace {

using ntp::config::NtpConfig;

// What parsing an empty line gives: the baseline every refused directive
// differs from.
const NtpConfig& empty_config() {
    static const NtpConfig empty =
        ntp::config::parse_config_text("", "ntpq", ntp::config::FileReader{}).config;
    return empty;
}

ntp::config::FileContent no_files(const std::string&) {
    return {false, "", "files cannot be included at runtime"};
}

std::string first_word(std::string_view line) {
    const auto begin = line.find_first_not_of(" \t");
    if (begin == std::string_view::npos) return {};
    const auto end = line.find_first_of(" \t", begin);
    return std::string(line.substr(begin, end == std::string_view::npos ? end : end - begin));
}

bool matches(const ntp::config::Association& a, std::string_view target) {
    return a.address.text == target;
}

}  // namespace

RuntimeConfig::Outcome RuntimeConfig::configure(std::string_view line) {
    // A remote line may not make the daemon read its files.
    if (first_word(line) == "includefile") return {"includefile is not allowed at runtime", false};
    const auto parsed = ntp::config::parse_config_text(line, "ntpq", no_files);
    if (parsed.errors > 0) {
        // Classic words a parse error "column N syntax error" (ntpq draws a
        // caret under that column); ours adds what was wrong.
        std::string reply;
        for (const auto& d : parsed.diagnostics) {
            if (d.severity != ntp::config::DiagnosticSeverity::error) continue;
            if (!reply.empty()) reply += ", ";
            reply += "column " + std::to_string(d.where.column) + " syntax error: " + d.message;
        }
        return {reply, false};
    }
    NtpConfig fragment = parsed.config;

    // Only what a running daemon can change; refuse the whole line otherwise.
    NtpConfig rest = fragment;
    rest.associations.clear();
    rest.unpeer.clear();
    rest.restrictions.clear();
    rest.setvars.clear();
    if (!(rest == empty_config())) return {first_word(line) + " cannot be changed at runtime", false};
    for (const auto& r : fragment.restrictions)
        if (r.target == ntp::config::RestrictTarget::hostname)
            return {"restrict " + r.host + ": give an address, host names are not resolved at runtime",
                    false};

    for (const auto& a : fragment.associations) {
        target_.add_association(a);
        running_.associations.push_back(a);
    }
    std::string unmatched;
    for (const auto& t : fragment.unpeer) {
        if (!target_.unpeer(t)) unmatched += (unmatched.empty() ? "" : " ") + t;
        std::erase_if(running_.associations, [&](const auto& a) { return matches(a, t); });
    }
    for (const auto& r : fragment.restrictions) {
        target_.add_restriction(r);
        running_.restrictions.push_back(r);
    }
    for (const auto& v : fragment.setvars) {
        auto it = std::find_if(running_.setvars.begin(), running_.setvars.end(),
                               [&](const auto& s) { return s.name == v.name; });
        if (it != running_.setvars.end())
            *it = v;
        else
            running_.setvars.push_back(v);
    }
    if (!unmatched.empty()) return {"unpeer: no association matches " + unmatched, true};
    return {"Config Succeeded", true};
}

RuntimeConfig::Outcome RuntimeConfig::save_config(std::string_view name, const std::tm& local_time) {
    if (!running_.saveconfigdir || running_.saveconfigdir->empty())
        return {"saveconfig prohibited, no saveconfigdir configured", false};
    // strftime the name; an expansion longer than a file name is refused.
    const std::string pattern(name);
    char expanded[256] = {};
    const std::size_t n =
        pattern.empty() ? 0 : std::strftime(expanded, sizeof expanded, pattern.c_str(), &local_time);
    const std::string file(expanded, n);
    if (file.empty() || file.find('/') != std::string::npos || file == "." || file == "..")
        return {"saveconfig needs a file name without a directory", false};

    std::string dir = *running_.saveconfigdir;
    if (dir.back() != '/') dir += '/';
    const std::string path = dir + file;
    const auto w = ntp::clock::write_file_atomically(path, path + ".TEMP",
                                                     ntp::config::format_config(running_), 0644);
    if (!w.ok())
        return {"Unable to save configuration to file '" + file + "': " + std::strerror(w.error_number),
                false};
    return {"Configuration saved to '" + file + "'", true};
}

bool RuntimeConfig::write_variable(std::string_view name, std::string_view value) {
    for (auto& v : running_.setvars) {
        if (v.name != name) continue;
        v.value = std::string(value);
        return true;
    }
    return false;
}

}  // namespace ntpd
