#include "libntp/client/var_parser.hh"

namespace ntp::client {
namespace {

// Character classes of classic ntpq's nextvar() (ntpq.c).
bool quoted_char(int c) { return c != 0 && c != '"' && c != '\r' && c != '\n'; }
bool unquoted_char(int c) { return c != 0 && c != ',' && c != '"' && c != '\r' && c != '\n'; }
bool name_char(int c) { return c != 0 && c != ',' && c != '=' && c != '\r' && c != '\n'; }
bool between_items(int c) { return c == ',' || (c > 0 && c <= ' '); }

std::string_view strip(std::string_view s) {
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
    return s;
}

class Cursor {
public:
    explicit Cursor(std::string_view d) : d_(d) {}
    int ch() const { return pos_ < d_.size() ? static_cast<unsigned char>(d_[pos_]) : 0; }
    int next() {
        if (pos_ < d_.size()) ++pos_;
        return ch();
    }
    std::size_t pos() const { return pos_; }
    void to_end() { pos_ = d_.size(); }
    std::string_view slice(std::size_t from, std::size_t to) const {
        return d_.substr(from, to - from);
    }
    std::string_view rest_from(std::size_t from) const { return d_.substr(from); }

private:
    std::string_view d_;
    std::size_t pos_ = 0;
};

void report(std::vector<std::string>* problems, std::string_view what, std::string_view where) {
    if (!problems) return;
    if (where.size() > 50) where = where.substr(0, 50);
    problems->push_back("nextvar: " + std::string(what) + ": '" + std::string(where) + "'");
}

}  // namespace

std::vector<Var> parse_vars(std::string_view data, std::vector<std::string>* problems) {
    std::vector<Var> out;
    Cursor c(data);
    for (;;) {
        int ch = c.ch();
        while (between_items(ch)) ch = c.next();
        if (!name_char(ch)) break;

        const std::size_t name_begin = c.pos();
        while (name_char(ch)) ch = c.next();
        const std::size_t name_end = c.pos();
        std::size_t value_begin = name_end;
        std::size_t value_end = name_end;
        bool stop_after = false;

        if (ch == '=') {
            ch = c.next();
            value_begin = c.pos();
            bool broken = false;
            for (;;) {
                while (unquoted_char(ch)) ch = c.next();
                if (ch != '"') break;
                const std::size_t quote_at = c.pos();
                ch = c.next();
                while (quoted_char(ch)) ch = c.next();
                if (ch != '"') {
                    report(problems, "no closing quote, stop", c.rest_from(quote_at));
                    broken = true;
                    break;
                }
                ch = c.next();
            }
            if (broken) break;
            value_end = c.pos();
            if (ch != ',') stop_after = true;
        } else if (ch != ',') {
            stop_after = true;
        }

        const auto name = strip(c.slice(name_begin, name_end));
        const auto value = strip(c.slice(value_begin, value_end));
        if (!name.empty()) {
            if (name.size() >= max_var_name_len) {
                report(problems, "runaway name", name);
            } else if (value.size() >= max_var_value_len) {
                report(problems, "runaway value", value);
            } else {
                out.push_back(Var{std::string(name), std::string(value)});
            }
        }
        if (stop_after) break;
    }
    return out;
}

const std::string* find_var(const std::vector<Var>& vars, std::string_view name) {
    for (const auto& v : vars)
        if (v.name == name) return &v.value;
    return nullptr;
}

std::string_view unquoted(std::string_view value) {
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        return value.substr(1, value.size() - 2);
    return value;
}

}  // namespace ntp::client
