#include "libntp/clock/adjtime_file.hh"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

#include "libntp/clock/atomic_file.hh"
#include "libntp/io/unique_fd.hh"

namespace ntp::clock {

namespace {

constexpr size_t kMaxAdjtimeBytes = 4096;

bool is_c_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// A cursor over one line that takes numbers the way sscanf does: skip white
// space, optional '+' or '-', then the longest number; stops for good at the
// first field that does not parse, leaving the remaining fields at defaults.
class FieldReader {
  public:
    explicit FieldReader(std::string_view line) : rest_(line) {}

    template <typename T>
    bool next(T& out) {
        if (failed_) return false;
        while (!rest_.empty() && is_c_space(rest_.front())) rest_.remove_prefix(1);
        std::string_view digits = rest_;
        if (!digits.empty() && digits.front() == '+') {
            digits.remove_prefix(1);
            if (!digits.empty() && digits.front() == '-') return fail();
        }
        T value{};
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec != std::errc() || end == digits.data()) return fail();
        out = value;
        rest_.remove_prefix(static_cast<size_t>(end - rest_.data()));
        return true;
    }

  private:
    bool fail() {
        failed_ = true;
        return false;
    }
    std::string_view rest_;
    bool failed_ = false;
};

std::string_view take_line(std::string_view& text) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    return line;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_c_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_c_space(s.back())) s.remove_suffix(1);
    return s;
}

// "%f": six decimals, C locale whatever the process locale.
std::string fixed6(double v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 6);
    if (ec != std::errc()) return "0.000000";
    return std::string(buf, end);
}

}  // namespace

AdjtimeParse parse_adjtime(std::string_view text) {
    AdjtimeParse result;
    Adjtime& a = result.adjtime;

    FieldReader line1(take_line(text));
    (void)(line1.next(a.drift_factor_s_per_day) && line1.next(a.last_adjust_time_s) &&
           line1.next(a.not_adjusted_s));
    FieldReader line2(take_line(text));
    line2.next(a.last_calibration_time_s);

    std::string_view line3 = trim(take_line(text));
    if (line3 == "UTC") {
        a.timescale = RtcTimescale::utc;
        a.timescale_stated = true;
    } else if (line3 == "LOCAL") {
        a.timescale = RtcTimescale::local;
        a.timescale_stated = true;
    } else if (!line3.empty()) {
        result.warnings.push_back("Warning: unrecognized third line in adjtime file");
    }
    return result;
}

std::string format_adjtime(const Adjtime& a) {
    return fixed6(a.drift_factor_s_per_day) + " " + std::to_string(a.last_adjust_time_s) + " " +
           fixed6(a.not_adjusted_s) + "\n" + std::to_string(a.last_calibration_time_s) + "\n" +
           (a.timescale == RtcTimescale::local ? "LOCAL" : "UTC") + "\n";
}

AdjtimeRead read_adjtime(const std::string& path) {
    AdjtimeRead r;
    io::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno != ENOENT) {
            r.exists = true;
            r.error = path + ": " + std::strerror(errno);
        }
        return r;
    }
    r.exists = true;
    std::string text(kMaxAdjtimeBytes, '\0');
    size_t used = 0;
    while (used < text.size()) {
        ssize_t n = ::read(fd.get(), text.data() + used, text.size() - used);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            r.error = path + ": " + std::strerror(errno);
            return r;
        }
        if (n == 0) break;
        used += static_cast<size_t>(n);
    }
    text.resize(used);
    r.parsed = parse_adjtime(text);
    r.text = std::move(text);
    return r;
}

RtcTimescale resolve_timescale(std::optional<RtcTimescale> forced, const Adjtime& adjtime) {
    return forced ? *forced : adjtime.timescale;
}

AdjtimeUpdate update_adjtime_after_systohc(const std::string& path, long long reference_s,
                                           RtcTimescale timescale) {
    AdjtimeUpdate u;
    AdjtimeRead current = read_adjtime(path);
    if (!current.error.empty()) {
        u.error = current.error;
        return u;
    }
    Adjtime next = current.parsed.adjtime;
    next.last_adjust_time_s = reference_s;
    next.last_calibration_time_s = reference_s;
    next.not_adjusted_s = 0;
    next.timescale = timescale;
    next.timescale_stated = true;
    std::string text = format_adjtime(next);
    if (current.exists && text == current.text) return u;

    // Replace the file a symlink points to, not the symlink.
    std::string target = path;
    mode_t mode = 0644;
    if (current.exists) {
        std::unique_ptr<char, decltype(&::free)> real(::realpath(path.c_str(), nullptr), &::free);
        if (real) target = real.get();
        struct stat st {};
        if (::stat(target.c_str(), &st) == 0) mode = st.st_mode & 07777;
    }
    AtomicWriteResult w = write_file_atomically(target, target + ".TEMP", text, mode);
    if (!w.replaced) {
        u.error = target + ": " + std::strerror(w.error_number);
        return u;
    }
    u.written = true;
    return u;
}

}  // namespace ntp::clock
