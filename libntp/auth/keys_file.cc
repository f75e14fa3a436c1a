#include "libntp/auth/keys_file.hh"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace ntp::auth {

namespace {

struct Token {
    std::string_view text;
    unsigned column = 0;  // 1-based
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

// Splits one line like classic ntpd's `nexttok`: blank-separated words; a word
// that starts with '#' ends the line ('#' inside a word is part of it).
std::vector<Token> tokenize(std::string_view line) {
    std::vector<Token> tokens;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_blank(line[i])) ++i;
        if (i == line.size() || line[i] == '#') break;
        const std::size_t start = i;
        while (i < line.size() && !is_blank(line[i])) ++i;
        tokens.push_back({line.substr(start, i - start), static_cast<unsigned>(start + 1)});
    }
    return tokens;
}

bool equals_nocase(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Classic ntpd reads the key id with atoi(): leading digits count, the rest
// of the word is ignored. Large values only need to compare above 65535.
struct KeyIdParse {
    long long value = 0;
    bool trailing_junk = false;
};
KeyIdParse parse_key_id(std::string_view s) {
    KeyIdParse r;
    std::size_t i = 0;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    const std::size_t digits_start = i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i)
        r.value = std::min<long long>(r.value * 10 + (s[i] - '0'), 1LL << 40);
    if (negative) r.value = -r.value;
    r.trailing_junk = i == digits_start || i != s.size();
    return r;
}

class Parser {
public:
    Parser(std::string_view file_name, KeysFileResult& result) : file_(file_name), result_(result) {}

    void line(std::string_view text, unsigned line_no);
    bool emergency() const { return result_.error_count > keys_file_max_errors; }

private:
    void error(unsigned line, unsigned column, std::string message) {
        ++result_.error_count;
        add(KeysDiagnostic::Level::error, line, column, std::move(message));
    }
    void warning(unsigned line, unsigned column, std::string message) {
        add(KeysDiagnostic::Level::warning, line, column, std::move(message));
    }
    void add(KeysDiagnostic::Level level, unsigned line, unsigned column, std::string message) {
        result_.diagnostics.push_back({level, std::string(file_), line, column, std::move(message)});
    }
    bool parse_addresses(const Token& t, unsigned line_no, Key& key);

    std::string_view file_;
    KeysFileResult& result_;
};

bool Parser::parse_addresses(const Token& t, unsigned line_no, Key& key) {
    const std::string id = std::to_string(key.id);
    bool ok = true;
    std::size_t start = 0;
    while (start <= t.text.size()) {
        std::size_t comma = t.text.find(',', start);
        if (comma == std::string_view::npos) comma = t.text.size();
        const std::string_view item = t.text.substr(start, comma - start);
        const unsigned column = t.column + static_cast<unsigned>(start);
        start = comma + 1;

        std::string_view addr_text = item;
        std::optional<unsigned> bits;
        if (auto slash = item.find('/'); slash != std::string_view::npos) {
            addr_text = item.substr(0, slash);
            const std::string_view bits_text = item.substr(slash + 1);
            unsigned v = 0;
            bool digits_only = true;
            for (char c : bits_text) {
                if (c < '0' || c > '9') {
                    digits_only = false;
                    break;
                }
                v = std::min(v * 10 + static_cast<unsigned>(c - '0'), 1000u);
            }
            if (!digits_only) {
                error(line_no, column,
                      "Invalid character in subnet specification for <" + std::string(item) +
                          "> in key " + id);
                ok = false;
                continue;
            }
            bits = v;
        }
        AddressPrefix prefix;
        const std::string addr(addr_text);
        if (inet_pton(AF_INET, addr.c_str(), prefix.bytes.data()) == 1) {
            prefix.size = 4;
        } else if (inet_pton(AF_INET6, addr.c_str(), prefix.bytes.data()) == 1) {
            prefix.size = 16;
        } else {
            error(line_no, column, "invalid IP address <" + addr + "> for key " + id);
            ok = false;
            continue;
        }
        const unsigned width = static_cast<unsigned>(8 * prefix.size);
        prefix.prefix_len = bits.value_or(width);
        if (prefix.prefix_len > width) {
            // Classic ntpd only warns here and uses the full address.
            warning(line_no, column, "excessive subnet mask <" + std::string(item) + "> for key " + id);
            prefix.prefix_len = width;
        }
        key.allowed.push_back(prefix);
    }
    return ok;
}

void Parser::line(std::string_view text, unsigned line_no) {
    const std::vector<Token> tokens = tokenize(text);
    if (tokens.empty()) return;

    const KeyIdParse id = parse_key_id(tokens[0].text);
    if (id.value < 1) {
        error(line_no, tokens[0].column, "cannot change key " + std::string(tokens[0].text));
        return;
    }
    if (id.value > max_key_id) {
        error(line_no, tokens[0].column,
              "key " + std::string(tokens[0].text) + " > 65535 reserved for Autokey");
        return;
    }
    if (id.trailing_junk)
        warning(line_no, tokens[0].column,
                "key id '" + std::string(tokens[0].text) + "' read as " + std::to_string(id.value));
    Key key;
    key.id = static_cast<std::uint32_t>(id.value);
    const std::string id_text = std::to_string(key.id);

    if (tokens.size() < 2) {
        error(line_no, static_cast<unsigned>(text.size() + 1), "no key type for key " + id_text);
        return;
    }
    const Token& type = tokens[1];
    // An unknown type only drops this key, as in classic ntpd: the rest of the
    // line is still checked so real errors are reported.
    std::optional<MacAlgorithm> algorithm = MacAlgorithm::from_name(type.text);
    if (!algorithm) {
        warning(line_no, type.column, "invalid type for key " + id_text);
    } else if (algorithm->name() == "MD5" && !equals_nocase(type.text, "M") &&
               !equals_nocase(type.text, "MD5")) {
        warning(line_no, type.column,
                "key type " + std::string(type.text) + " unknown, using MD5 for key " + id_text);
    }

    if (tokens.size() < 3) {
        error(line_no, static_cast<unsigned>(text.size() + 1), "no key for key " + id_text);
        return;
    }
    const Token& secret = tokens[2];
    if (secret.text.size() <= 20) {
        key.secret.assign(secret.text.begin(), secret.text.end());
    } else {
        // Longer keys are hex; classic ntpd reads at most 64 digits (32 octets)
        // and drops an odd last digit.
        const std::size_t digits = std::min<std::size_t>(secret.text.size(), 64);
        for (std::size_t j = 0; j < digits; ++j) {
            if (hex_value(secret.text[j]) < 0) {
                error(line_no, secret.column + static_cast<unsigned>(j),
                      "invalid hex digit for key " + id_text);
                return;
            }
        }
        for (std::size_t j = 0; j + 1 < digits; j += 2)
            key.secret.push_back(static_cast<std::uint8_t>(hex_value(secret.text[j]) << 4 |
                                                           hex_value(secret.text[j + 1])));
        if (secret.text.size() > 64)
            warning(line_no, secret.column + 64,
                    "key " + id_text + ": hex digits after the 64th are ignored");
        else if (digits % 2 != 0)
            warning(line_no, secret.column + static_cast<unsigned>(digits - 1),
                    "key " + id_text + ": odd number of hex digits, the last one is ignored");
    }

    if (tokens.size() >= 4 && !parse_addresses(tokens[3], line_no, key)) return;
    if (!algorithm) return;
    key.algorithm = *algorithm;

    for (const Key& earlier : result_.keys) {
        if (earlier.id == key.id) {
            // Classic ntpd ends up with the first definition; say so.
            warning(line_no, tokens[0].column, "key " + id_text + " defined again, first definition kept");
            return;
        }
    }
    result_.keys.push_back(std::move(key));
}

}  // namespace

std::string KeysDiagnostic::to_string() const {
    std::string out = file;
    if (line > 0) {
        out += ':' + std::to_string(line);
        if (column > 0) out += ':' + std::to_string(column);
    }
    out += level == Level::error ? ": error: " : ": warning: ";
    out += message;
    return out;
}

KeysFileResult parse_keys(std::string_view text, std::string_view file_name) {
    KeysFileResult result;
    Parser parser(file_name, result);
    unsigned line_no = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        // Classic ntpd stops reading after too many errors.
        if (parser.emergency()) break;
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        parser.line(text.substr(start, end - start), ++line_no);
        start = end + 1;
    }
    if (result.error_count > 0) {
        result.keys.clear();
        result.verdict = "authreadkeys: rejecting file '" + std::string(file_name) + "' after " +
                         std::to_string(result.error_count) + " error(s)" +
                         (result.error_count > keys_file_max_errors ? " (emergency break)" : "");
    }
    return result;
}

KeysFileResult read_keys_file(const std::string& path) {
    struct FileCloser {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    std::string contents;
    int err = 0;
    {
        errno = 0;
        std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
        if (!f) {
            err = errno != 0 ? errno : EIO;
        } else {
            char buf[4096];
            std::size_t n = 0;
            while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) contents.append(buf, n);
            if (std::ferror(f.get())) err = errno != 0 ? errno : EIO;
        }
    }
    if (err != 0) {
        KeysFileResult result;
        result.readable = false;
        const std::string why = std::strerror(err);
        result.verdict = "authreadkeys: file '" + path + "': " + why;
        result.diagnostics.push_back({KeysDiagnostic::Level::error, path, 0, 0, why});
        return result;
    }
    return parse_keys(contents, path);
}

}  // namespace ntp::auth
