#include "libntp/util/option_presets.hh"

#include <algorithm>
#include <cctype>

namespace ntp::util {

namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

const PresetOption* find(const std::vector<PresetOption>& options, std::string_view name) {
    for (const auto& o : options)
        if (o.long_name == name) return &o;
    return nullptr;
}

std::string argument(const PresetOption& o, std::string_view value) {
    return o.takes_value ? "--" + o.long_name + "=" + std::string(value) : "--" + o.long_name;
}

// One rc line: `name`, `name value` or `name = value`.
std::optional<std::string> rc_line(std::string_view line, const std::vector<PresetOption>& options) {
    std::size_t end = 0;
    while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end])) && line[end] != '=')
        ++end;
    const PresetOption* o = find(options, line.substr(0, end));
    if (o == nullptr) return std::nullopt;
    std::string_view value = trim(line.substr(end));
    if (!value.empty() && value.front() == '=') value = trim(value.substr(1));
    if (o->takes_value && value.empty()) return std::nullopt;
    return argument(*o, value);
}

}  // namespace

std::string preset_variable(std::string_view program, std::string_view long_name) {
    return upper(program) + "_" + upper(long_name);
}

std::vector<std::string> presets_from_environment(
    std::string_view program, const std::vector<PresetOption>& options,
    const std::function<std::optional<std::string>(const std::string&)>& getenv) {
    std::vector<std::string> out;
    for (const auto& o : options) {
        auto v = getenv(preset_variable(program, o.long_name));
        if (!v || v->empty()) continue;
        out.push_back(argument(o, *v));
    }
    return out;
}

std::vector<std::string> presets_from_rc(std::string_view program, std::string_view text,
                                         const std::vector<PresetOption>& options) {
    std::vector<std::string> out;
    bool in_scope = true;
    const std::string section = "[" + upper(program) + "]";
    while (!text.empty()) {
        std::size_t nl = text.find('\n');
        std::string_view line = trim(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        if (line.empty() || line.front() == '#') continue;
        if (line.front() == '[') {
            in_scope = upper(line) == section;
            continue;
        }
        if (!in_scope) continue;
        if (auto arg = rc_line(line, options)) out.push_back(std::move(*arg));
    }
    return out;
}

std::string rc_file_text(std::string_view title, std::string_view date,
                         const std::vector<std::pair<std::string, std::string>>& settings) {
    std::string out = "#  " + std::string(title) + "\n#  preset/initialization file\n#  " +
                      std::string(date) + "\n#\n";
    for (const auto& [name, value] : settings) {
        if (value.empty()) {
            out += name + "\n";
            continue;
        }
        std::string head = name + " =";
        head.resize(std::max<std::size_t>(head.size() + 1, 20), ' ');
        out += head + value + "\n";
    }
    return out;
}

}  // namespace ntp::util
