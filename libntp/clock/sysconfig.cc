#include "libntp/clock/sysconfig.hh"

#include <fstream>
#include <sstream>

namespace ntp::clock {

namespace {

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }
bool is_blank(char c) { return c == ' ' || c == '\t'; }

class ShellReader {
  public:
    explicit ShellReader(std::string_view text) : text_(text) {}

    std::map<std::string, std::string> run() {
        std::map<std::string, std::string> vars;
        while (!done()) {
            skip_blanks();
            if (peek() == 'e' && text_.substr(pos_, 7) == "export ") {
                pos_ += 7;
                skip_blanks();
            }
            std::string name = read_name();
            if (!name.empty() && peek() == '=') {
                ++pos_;
                vars[name] = read_value();
            }
            skip_rest_of_line();
        }
        return vars;
    }

  private:
    bool done() const { return pos_ >= text_.size(); }
    char peek() const { return done() ? '\0' : text_[pos_]; }
    void skip_blanks() {
        while (!done() && is_blank(text_[pos_])) ++pos_;
    }
    void skip_rest_of_line() {
        // A quote opened after the value (a command's argument) may span
        // lines in a real shell; ignoring that is harmless for assignments.
        while (!done() && text_[pos_] != '\n') ++pos_;
        if (!done()) ++pos_;
    }

    std::string read_name() {
        size_t start = pos_;
        if (!is_name_start(peek())) return "";
        while (!done() && is_name_char(text_[pos_])) ++pos_;
        return std::string(text_.substr(start, pos_ - start));
    }

    std::string read_value() {
        std::string value;
        while (!done()) {
            char c = text_[pos_];
            if (is_blank(c) || c == '\n' || c == ';') break;
            ++pos_;
            if (c == '\'') {
                while (!done() && text_[pos_] != '\'') value += text_[pos_++];
                if (!done()) ++pos_;
            } else if (c == '"') {
                read_double_quoted(value);
            } else if (c == '\\') {
                if (done()) break;
                char next = text_[pos_++];
                if (next != '\n') value += next;  // backslash-newline joins lines
            } else {
                value += c;
            }
        }
        return value;
    }

    void read_double_quoted(std::string& value) {
        while (!done() && text_[pos_] != '"') {
            char c = text_[pos_++];
            if (c == '\\' && !done()) {
                char next = text_[pos_];
                if (next == '"' || next == '\\' || next == '$' || next == '`') {
                    value += next;
                    ++pos_;
                    continue;
                }
                if (next == '\n') {
                    ++pos_;
                    continue;
                }
            }
            value += c;
        }
        if (!done()) ++pos_;  // closing quote
    }

    std::string_view text_;
    size_t pos_ = 0;
};

}  // namespace

std::map<std::string, std::string> parse_shell_assignments(std::string_view text) {
    return ShellReader(text).run();
}

std::optional<std::map<std::string, std::string>> read_shell_assignments(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return parse_shell_assignments(text.str());
}

bool sync_hwclock_requested(const std::map<std::string, std::string>& settings) {
    auto it = settings.find("SYNC_HWCLOCK");
    return it != settings.end() && it->second == "yes";
}

}  // namespace ntp::clock
