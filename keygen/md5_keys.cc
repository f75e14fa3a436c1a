#include "keygen/md5_keys.hh"

#include <cstdio>

namespace keygen {

namespace {

constexpr int kKeysPerType = 10;
constexpr int kKeyLength = 20;
constexpr std::uint32_t kUnixToNtp = 2208988800U;

bool printable_key(const RandomOctet& random, std::string& key) {
    key.clear();
    while (key.size() < kKeyLength) {
        std::uint8_t c = 0;
        if (!random(c)) return false;
        if (c > 0x20 && c < 0x7f && c != '#') key += static_cast<char>(c);
    }
    return true;
}

bool hex_key(const RandomOctet& random, std::string& key) {
    static constexpr char digits[] = "0123456789abcdef";
    key.clear();
    for (int i = 0; i < kKeyLength; ++i) {
        std::uint8_t c = 0;
        if (!random(c)) return false;
        key += digits[c >> 4];
        key += digits[c & 0xf];
    }
    return true;
}

std::string key_line(int id, const char* type, const std::string& key) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%2d %s %s  # %s key\n", id, type, key.c_str(), type);
    return buf;
}

}  // namespace

std::string md5_file_name(const std::string& host, std::time_t created) {
    return "ntpkey_MD5key_" + host + "." + std::to_string(static_cast<std::uint32_t>(created) + kUnixToNtp);
}

std::string md5_keys_text(const std::string& file_name, std::time_t created, const RandomOctet& random) {
    char date[64] = "";
    tm local{};
    if (::localtime_r(&created, &local) != nullptr) ::asctime_r(&local, date);
    std::string text = "# " + file_name + "\n# " + date + "\n";
    std::string key;
    for (int i = 1; i <= kKeysPerType; ++i) {
        if (!printable_key(random, key)) return "";
        text += key_line(i, "MD5", key);
    }
    for (int i = 1; i <= kKeysPerType; ++i) {
        if (!hex_key(random, key)) return "";
        text += key_line(i + kKeysPerType, "SHA1", key);
    }
    return text;
}

}  // namespace keygen
