#include "libntp/config/lexer.hh"

#include <cstdio>

namespace ntp::config {

namespace {

bool is_blank(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

bool is_bad_control(unsigned char c) { return (c < 0x20 && !is_blank(c)) || c == 0x7f; }

// Lexes one line (without its '\n').
LexedLine lex_line(std::string_view line, int line_no, const std::string& file,
                   Diagnostics& diags) {
    LexedLine out;
    out.line = line_no;
    const auto at = [&](std::size_t i) {
        return SourceLocation{file, line_no, static_cast<int>(i) + 1};
    };
    const auto reject = [&](std::size_t i, std::string message) {
        diags.error(at(i), std::move(message));
        out.rejected = true;
    };

    std::size_t i = 0;
    const std::size_t n = line.size();
    while (i < n && !out.rejected) {
        const auto c = static_cast<unsigned char>(line[i]);
        if (is_blank(c)) {
            ++i;
            continue;
        }
        if (c == '#') break;
        if (is_bad_control(c)) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", c);
            reject(i, std::string("invalid character ") + hex + " in configuration text");
            break;
        }
        Token tok;
        tok.column = static_cast<int>(i) + 1;
        if (c == '"') {
            tok.quoted = true;
            const std::size_t start = i + 1;
            const std::size_t close = line.find('"', start);
            std::size_t stop = close == std::string_view::npos ? n : close;
            if (close == std::string_view::npos) {
                // Classic ntpd takes the rest of the line; we do too, minus
                // trailing blanks, but say so.
                while (stop > start && is_blank(static_cast<unsigned char>(line[stop - 1]))) --stop;
                diags.warning(at(i), "unterminated quoted string (it ends at the end of the line)");
            }
            for (std::size_t k = start; k < stop; ++k) {
                if (is_bad_control(static_cast<unsigned char>(line[k]))) {
                    reject(k, "invalid control character in quoted string");
                    break;
                }
            }
            tok.text = std::string(line.substr(start, stop - start));
            i = close == std::string_view::npos ? n : close + 1;
        } else {
            const std::size_t start = i;
            while (i < n) {
                const auto d = static_cast<unsigned char>(line[i]);
                if (is_blank(d) || d == '#' || is_bad_control(d)) break;
                ++i;
            }
            tok.text = std::string(line.substr(start, i - start));
        }
        if (out.rejected) break;
        if (tok.text.size() > max_token_length) {
            reject(static_cast<std::size_t>(tok.column - 1),
                   "item longer than " + std::to_string(max_token_length) + " characters");
            break;
        }
        out.end_column = static_cast<int>(i) + 1;
        out.tokens.push_back(std::move(tok));
    }
    return out;
}

}  // namespace

std::vector<LexedLine> lex(std::string_view text, const std::string& file_name,
                           Diagnostics& diagnostics) {
    std::vector<LexedLine> lines;
    std::size_t pos = 0;
    int line_no = 0;
    while (pos < text.size()) {
        ++line_no;
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        LexedLine l = lex_line(text.substr(pos, eol - pos), line_no, file_name, diagnostics);
        if (!l.tokens.empty() || l.rejected) lines.push_back(std::move(l));
        pos = eol + 1;
    }
    return lines;
}

}  // namespace ntp::config
