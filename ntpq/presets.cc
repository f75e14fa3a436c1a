#include "ntpq/presets.hh"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "libntp/util/option_presets.hh"

namespace ntpq {

namespace {

bool is_preset_control(const std::string& name) {
    return name == "save-opts" || name == "load-opts" || name == "no-load-opts" || name == "help" ||
           name == "more-help" || name == "version";
}

std::vector<ntp::util::PresetOption> preset_options(const option* options) {
    std::vector<ntp::util::PresetOption> out;
    for (const option* o = options; o->name != nullptr; ++o) {
        if (is_preset_control(o->name)) continue;
        out.push_back({o->name, o->has_arg == required_argument});
    }
    return out;
}

bool read_file(const std::string& path, std::string& text) {
    std::ifstream in(path);
    if (!in) return false;
    std::ostringstream s;
    s << in.rdbuf();
    text = s.str();
    return true;
}

// --load-opts FILE, --load-opts=FILE, -<FILE, -< FILE; --no-load-opts.
void scan_load_options(int argc, char** argv, bool& no_rc, std::vector<std::string>& files) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--") break;
        if (a == "--no-load-opts") no_rc = true;
        else if (a.rfind("--load-opts=", 0) == 0) files.push_back(a.substr(12));
        else if ((a == "--load-opts" || a == "-<") && i + 1 < argc) files.push_back(argv[++i]);
        else if (a.size() > 2 && a.rfind("-<", 0) == 0) files.push_back(a.substr(2));
    }
}

}  // namespace

PresetArgs with_presets(int argc, char** argv, const option* options) {
    PresetArgs out;
    out.args.emplace_back(argv[0]);
    const auto presets = preset_options(options);
    bool no_rc = false;
    std::vector<std::string> files;
    scan_load_options(argc, argv, no_rc, files);
    std::vector<std::string> rc_files;
    if (!no_rc) {
        if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
            rc_files.push_back(std::string(home) + "/.ntprc");
        rc_files.push_back("./.ntprc");
    }
    std::vector<std::string> seen;  // $HOME may be the current directory
    for (const auto& f : rc_files) {
        char* real = realpath(f.c_str(), nullptr);
        if (real == nullptr) continue;  // a missing rc file is normal
        std::string canonical = real;
        std::free(real);
        if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
        seen.push_back(canonical);
        std::string text;
        if (!read_file(f, text)) continue;  // a missing rc file is normal
        for (auto& a : ntp::util::presets_from_rc("ntpq", text, presets)) out.args.push_back(std::move(a));
    }
    for (const auto& f : files) {
        std::string text;
        if (!read_file(f, text)) {
            out.error = "ntpq: cannot load options from " + f + ": " + std::strerror(errno);
            return out;
        }
        for (auto& a : ntp::util::presets_from_rc("ntpq", text, presets)) out.args.push_back(std::move(a));
    }
    auto env = [](const std::string& n) -> std::optional<std::string> {
        const char* v = std::getenv(n.c_str());
        if (v == nullptr) return std::nullopt;
        return std::string(v);
    };
    for (auto& a : ntp::util::presets_from_environment("ntpq", presets, env)) out.args.push_back(std::move(a));
    for (int i = 1; i < argc; ++i) out.args.emplace_back(argv[i]);
    return out;
}

std::string save_options(const std::string& path, const std::vector<std::pair<std::string, std::string>>& used,
                         const option* options, const std::string& title) {
    std::vector<std::pair<std::string, std::string>> settings;
    for (const option* o = options; o->name != nullptr; ++o) {
        if (is_preset_control(o->name)) continue;
        bool flag_done = false;
        for (const auto& [name, value] : used) {
            if (name != o->name) continue;
            if (o->has_arg != required_argument) {
                if (!flag_done) settings.emplace_back(name, "");
                flag_done = true;
            } else {
                settings.emplace_back(name, value);
            }
        }
    }
    char date[64] = "";
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    if (localtime_r(&now, &local) != nullptr) std::strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", &local);
    std::ofstream out(path, std::ios::trunc);
    if (!out) return "ntpq: cannot save options to " + path + ": " + std::strerror(errno);
    out << ntp::util::rc_file_text(title, date, settings);
    out.close();
    if (!out) return "ntpq: cannot save options to " + path + ": " + std::strerror(errno);
    return {};
}

}  // namespace ntpq
