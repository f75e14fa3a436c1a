#include "libntp/sync/leap_file.hh"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <limits>
#include <sstream>

namespace ntp::sync {
namespace {

constexpr std::int64_t seconds_per_day = 86400;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view skip_space(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    return s;
}

// A number ends at the end of the line, white space or a comment (classic's
// rule): "123abc" is not a number.
bool number_ends_well(std::string_view rest) { return rest.empty() || rest.front() == '#' || is_space(rest.front()); }

std::optional<std::int64_t> take_unsigned(std::string_view& s) {
    s = skip_space(s);
    std::int64_t v = 0;
    std::size_t n = 0;
    while (n < s.size() && is_digit(s[n])) {
        if (v > (std::numeric_limits<std::int64_t>::max() - 9) / 10) return std::nullopt;
        v = v * 10 + (s[n] - '0');
        ++n;
    }
    if (n == 0 || !number_ends_well(s.substr(n))) return std::nullopt;
    s.remove_prefix(n);
    return v;
}

std::optional<int> take_signed_small(std::string_view& s) {
    s = skip_space(s);
    bool negative = false;
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s.empty() || !is_digit(s.front())) return std::nullopt;
    const auto v = take_unsigned(s);
    if (!v || *v > 32767) return std::nullopt;  // classic keeps the offset in a short
    return static_cast<int>(negative ? -*v : *v);
}

// The five words of a #h line (hex, leading zeros usually left out).
std::optional<std::array<std::uint8_t, 20>> parse_hash(std::string_view s) {
    std::array<std::uint8_t, 20> out{};
    for (int w = 0; w < 5; ++w) {
        s = skip_space(s);
        if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
        std::uint64_t v = 0;
        std::size_t n = 0;
        for (; n < s.size(); ++n) {
            const char c = s[n];
            int d = -1;
            if (is_digit(c)) d = c - '0';
            else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
            if (d < 0) break;
            v = v * 16 + static_cast<std::uint64_t>(d);
            if (v > 0xffffffffu) return std::nullopt;
        }
        if (n == 0) return std::nullopt;
        s.remove_prefix(n);
        for (int b = 0; b < 4; ++b) out[static_cast<std::size_t>(w * 4 + b)] = static_cast<std::uint8_t>(v >> (24 - 8 * b));
    }
    if (!skip_space(s).empty()) return std::nullopt;
    return out;
}

// The digits a data, #$ or #@ line contributes to the hash.
void append_digits(std::string& to, std::string_view line) {
    for (char c : line) {
        if (c == '#') break;
        if (is_digit(c)) to.push_back(c);
    }
}

bool sha1(const std::string& data, std::array<std::uint8_t, 20>& out) {
    unsigned int len = 0;
    return EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha1(), nullptr) == 1 && len == out.size();
}

bool is_month_start(std::int64_t unix_s) {
    const std::time_t t = static_cast<std::time_t>(unix_s);
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr) return false;
    return tm.tm_mday == 1 && tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0;
}

std::string prefix(std::string_view name) { return "leapsecond file ('" + std::string(name) + "'): "; }

std::string where(std::string_view name, std::size_t line_no) {
    return std::string(name) + ":" + std::to_string(line_no);
}

}  // namespace

int LeapTable::tai_offset_at(std::int64_t unix_s) const {
    int tai = 0;
    for (const auto& e : entries) {
        if (e.unix_s > unix_s) break;
        tai = e.tai_offset_s;
    }
    return tai;
}

std::optional<LeapTransition> LeapTable::next_after(std::int64_t unix_s) const {
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].unix_s <= unix_s) continue;
        LeapTransition t;
        t.unix_s = entries[i].unix_s;
        t.tai_offset_s = entries[i].tai_offset_s;
        // The first entry has no predecessor: assume an insertion, as classic does.
        t.change_s = i == 0 ? 1 : entries[i].tai_offset_s - entries[i - 1].tai_offset_s;
        return t;
    }
    return std::nullopt;
}

std::optional<std::int64_t> LeapTable::last_transition_unix_s() const {
    if (entries.empty()) return std::nullopt;
    return entries.back().unix_s;
}

std::int64_t LeapTable::days_to_live(std::int64_t unix_s) const {
    const std::int64_t left = expires_unix_s - unix_s;
    return left >= 0 ? left / seconds_per_day : -((-left + seconds_per_day - 1) / seconds_per_day);
}

LeapFileResult parse_leap_file(std::string_view text, std::string_view name) {
    LeapFileResult r;
    LeapTable table;
    std::string hashed;
    std::optional<std::array<std::uint8_t, 20>> stated_hash;
    std::size_t hash_line = 0;
    bool hash_malformed = false;

    auto fail = [&](const std::string& why, std::size_t line_no) {
        r.messages.push_back({util::Severity::error, prefix(name) + why + " (" + where(name, line_no) + ")"});
        return r;
    };

    std::size_t line_no = 0;
    while (!text.empty()) {
        const std::size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
        ++line_no;
        if (line.size() >= 2 && line[0] == '#') {
            std::string_view rest = line.substr(2);
            if (line[1] == '$' || line[1] == '@') {
                append_digits(hashed, rest);
                const auto v = take_unsigned(rest);
                if (!v) return fail("parsing error", line_no);
                (line[1] == '$' ? table.updated_unix_s : table.expires_unix_s) = *v - ntp_to_unix_offset_s;
            } else if (line[1] == 'h') {
                hash_line = line_no;
                stated_hash = parse_hash(rest);
                hash_malformed = !stated_hash;
            }
            continue;
        }
        if (line.empty() || !is_digit(line.front())) continue;
        append_digits(hashed, line);
        std::string_view rest = line;
        const auto ntp_s = take_unsigned(rest);
        const auto tai = ntp_s ? take_signed_small(rest) : std::nullopt;
        if (!ntp_s || !tai || !number_ends_well(rest)) return fail("parsing error", line_no);
        const LeapEntry e{*ntp_s - ntp_to_unix_offset_s, *tai};
        if (!table.entries.empty()) {
            const LeapEntry& last = table.entries.back();
            if (e.unix_s == last.unix_s && e.tai_offset_s == last.tai_offset_s) continue;  // a harmless repeat
            if (e.unix_s <= last.unix_s) return fail("times not ascending", line_no);
        }
        if (!is_month_start(e.unix_s)) return fail("bad transition time", line_no);
        table.entries.push_back(e);
    }

    if (hash_line == 0) {
        r.messages.push_back({util::Severity::error, prefix(name) + "no hash signature"});
    } else if (hash_malformed) {
        return fail("malformed hash signature", hash_line);
    } else {
        std::array<std::uint8_t, 20> computed{};
        if (!sha1(hashed, computed)) return fail("SHA-1 is not available", hash_line);
        if (computed != *stated_hash) return fail("signature mismatch", hash_line);
        r.messages.push_back({util::Severity::notice, prefix(name) + "good hash signature"});
        table.hash_checked = true;
    }

    std::string loaded = prefix(name) + "loaded, expire=" + leap_iso_time(table.expires_unix_s);
    if (const auto last = table.last_transition_unix_s())
        loaded += " last=" + leap_iso_time(*last) + " ofs=" + std::to_string(table.entries.back().tai_offset_s);
    else
        loaded += " ofs=0";
    r.messages.push_back({util::Severity::notice, loaded});
    r.table = std::move(table);
    return r;
}

LeapFileResult load_leap_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int err = errno;
        LeapFileResult r;
        r.messages.push_back({util::Severity::error, prefix(path) + "open failed: " + std::strerror(err)});
        return r;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_leap_file(text.str(), path);
}

std::optional<LeapMessage> leap_expiry_warning(const LeapTable& table, std::string_view name,
                                               std::int64_t now_unix_s, bool daily_check) {
    const std::int64_t days = table.days_to_live(now_unix_s);
    if (days == 0) return LeapMessage{util::Severity::warning, prefix(name) + "will expire in less than one day"};
    if (!daily_check || days >= 28) return std::nullopt;
    if (days < 0)
        return LeapMessage{util::Severity::error, prefix(name) + "expired less than " + std::to_string(-days) +
                                                      (days == -1 ? " day ago" : " days ago")};
    return LeapMessage{util::Severity::warning,
                       prefix(name) + "will expire in less than " + std::to_string(days + 1) + " days"};
}

std::string leap_iso_time(std::int64_t unix_s) {
    const std::time_t t = static_cast<std::time_t>(unix_s);
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr) return "9999-12-31T23:59:59Z";
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string leap_filestamp(std::int64_t unix_s) {
    const std::time_t t = static_cast<std::time_t>(unix_s);
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr) return "000000000000";
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min);
    return buf;
}

}  // namespace ntp::sync
