#pragma once
// Helpers shared by the config unit tests: an in-memory file system and
// short ways to parse text and look at diagnostics.

#include <map>
#include <string>
#include <vector>

#include "libntp/config/parser.hh"

namespace ntp::config::test {

struct MemoryFs {
    std::map<std::string, std::string> files;
    std::vector<std::string> opened;  // every path asked for, in order

    FileReader reader() {
        return [this](const std::string& path) {
            opened.push_back(path);
            FileContent c;
            auto it = files.find(path);
            if (it == files.end()) {
                c.error = "No such file or directory";
            } else {
                c.ok = true;
                c.text = it->second;
            }
            return c;
        };
    }
};

inline LoadResult parse(const std::string& text) {
    return parse_config_text(text, "t.conf", FileReader{});
}

// All diagnostics formatted, one per entry.
inline std::vector<std::string> messages(const LoadResult& r) {
    std::vector<std::string> out;
    for (const auto& d : r.diagnostics) out.push_back(format_diagnostic(d));
    return out;
}

}  // namespace ntp::config::test
