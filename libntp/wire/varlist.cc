#include "libntp/wire/varlist.hh"

namespace ntp::wire::mode6 {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

std::string_view trim_right(std::string_view s) {
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

std::string_view trim_left(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    return s;
}

std::string_view up_to_nul(std::string_view s) {
    const auto nul = s.find('\0');
    return nul == std::string_view::npos ? s : s.substr(0, nul);
}

}  // namespace

std::vector<Variable> parse_variables(std::string_view text) {
    text = up_to_nul(text);
    std::vector<Variable> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ',' || is_space(text[i]))) ++i;
        if (i >= text.size()) break;
        const std::size_t name_begin = i;
        while (i < text.size() && text[i] != '=' && text[i] != ',') ++i;
        Variable v;
        v.name = std::string(trim_right(text.substr(name_begin, i - name_begin)));
        if (i < text.size() && text[i] == '=') {
            ++i;
            while (i < text.size() && is_space(text[i])) ++i;
            const std::size_t value_begin = i;
            bool in_quote = false;
            while (i < text.size() && (in_quote || text[i] != ',')) {
                if (text[i] == '"') in_quote = !in_quote;
                ++i;
            }
            v.value = std::string(trim_right(text.substr(value_begin, i - value_begin)));
            v.has_value = true;
        }
        if (!v.name.empty()) out.push_back(std::move(v));
    }
    return out;
}

std::string_view unquote(std::string_view value) {
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        return value.substr(1, value.size() - 2);
    return value;
}

std::optional<std::vector<RequestItem>> parse_request_items(std::string_view text,
                                                            std::size_t max_len) {
    text = up_to_nul(text);
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\r' && c != '\n' && c != '\t') || u == 0x7f) return std::nullopt;
    }
    std::vector<RequestItem> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ',' || is_space(text[i]))) ++i;
        if (i >= text.size()) break;
        const std::size_t name_begin = i;
        while (i < text.size() && text[i] != '=' && text[i] != ',' && !is_space(text[i])) ++i;
        RequestItem item;
        item.name = text.substr(name_begin, i - name_begin);
        if (item.name.size() > max_len) return std::nullopt;
        std::size_t j = i;
        while (j < text.size() && is_space(text[j])) ++j;
        if (j < text.size() && text[j] == '=') {
            i = j + 1;
            const std::size_t value_begin = i;
            while (i < text.size() && text[i] != ',') ++i;
            const auto value = trim_right(trim_left(text.substr(value_begin, i - value_begin)));
            if (value.size() > max_len) return std::nullopt;
            item.value = value;
        }
        if (!item.name.empty()) out.push_back(item);
    }
    return out;
}

std::string join_request_items(const std::vector<Variable>& items) {
    std::string out;
    for (const auto& v : items) {
        if (!out.empty()) out += ',';
        out += v.name;
        if (v.has_value) {
            out += '=';
            out += v.value;
        }
    }
    return out;
}

}  // namespace ntp::wire::mode6
