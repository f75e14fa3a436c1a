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

}  // namespace ntp::wire::mode6
