#pragma once
// The ntp.conf lexer: splits text into lines of tokens with file/line/column.
//
// Rules (classic ntpd, plus reports where classic silently accepts nonsense):
// * A line ends at '\n'; '\r' (CRLF files), '\t', '\f', '\v' and ' ' separate tokens.
// * '#' outside quotes starts a comment, also in the middle of a word.
// * '"' at the start of a token makes one string up to the next '"' (spaces and
//   '#' allowed inside). An unterminated quote ends at the end of the line, as
//   in classic ntpd, and gives a warning.
// * Other control bytes (NUL, ESC, DEL ...) outside comments reject the line
//   with an error; so does a token longer than max_token_length. Bytes >= 0x80
//   are ordinary word characters (UTF-8 host names, Latin-1 junk).
// * Lines with no tokens are not returned.
// Special characters such as '(' ')' '=' are left inside words: the parser
// splits them where a directive gives them meaning (trustedkey, setvar, logconfig).

#include <string>
#include <string_view>
#include <vector>

#include "libntp/config/diagnostic.hh"

namespace ntp::config {

constexpr std::size_t max_token_length = 1024;

struct Token {
    std::string text;
    int column = 0;       // 1-based byte column of the first character (the quote if quoted)
    bool quoted = false;  // written as "..."
};

struct LexedLine {
    int line = 0;  // 1-based
    std::vector<Token> tokens;
    int end_column = 0;     // column just after the last token (for "missing value" reports)
    bool rejected = false;  // the lexer reported an error: the parser skips the line
};

// Lexes a whole file. Diagnostics carry `file_name`.
std::vector<LexedLine> lex(std::string_view text, const std::string& file_name,
                           Diagnostics& diagnostics);

}  // namespace ntp::config
