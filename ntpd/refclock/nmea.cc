#include "ntpd/refclock/nmea.hh"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace ntpd::refclock {
namespace {

constexpr std::uint32_t message_mask = 0x0000000fu;
constexpr std::uint32_t extlog_mask = 0x00010000u;
constexpr std::uint32_t datetrust_mask = 0x02000000u;
constexpr long day_s = 86400;
constexpr long era_days = 1024 * 7;

// Days since 1970-01-01 of a proleptic Gregorian date.
long days_from_civil(long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long>(doe) - 719468;
}

long floor_div(long a, long b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

std::vector<std::string_view> split(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == ',') {
            out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
    if (at + n > s.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

// "hhmmss[.fff]": seconds of the day and nanoseconds.
bool parse_tod(std::string_view f, long& sec, long& ns) {
    int h = 0, m = 0, s = 0;
    if (!digits(f, 0, 2, h) || !digits(f, 2, 2, m) || !digits(f, 4, 2, s)) return false;
    if (h > 23 || m > 59 || s > 60) return false;
    ns = 0;
    if (f.size() > 6) {
        if (f[6] != '.') return false;
        long scale = 100'000'000;
        for (std::size_t i = 7; i < f.size(); ++i) {
            if (f[i] < '0' || f[i] > '9') return false;
            ns += (f[i] - '0') * scale;
            scale /= 10;
        }
    }
    sec = h * 3600L + m * 60L + s;
    return true;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

NmeaSentence sentence_of(std::string_view name) {
    // "$GPRMC": the talker ID (two characters) is not looked at.
    if (name.size() < 6) return NmeaSentence::other;
    const std::string_view t = name.substr(3, 3);
    if (t == "RMC") return NmeaSentence::rmc;
    if (t == "GGA") return NmeaSentence::gga;
    if (t == "GLL") return NmeaSentence::gll;
    if (t == "ZDA") return NmeaSentence::zda;
    if (t == "ZDG") return NmeaSentence::zdg;
    return NmeaSentence::other;
}

std::uint32_t mode_bit(NmeaSentence s) {
    switch (s) {
    case NmeaSentence::rmc: return 1;
    case NmeaSentence::gga: return 2;
    case NmeaSentence::gll: return 4;
    case NmeaSentence::zda:
    case NmeaSentence::zdg: return 8;
    case NmeaSentence::other: return 0;
    }
    return 0;
}

int year_of(const timespec& t) {
    std::tm tm{};
    const time_t s = t.tv_sec;
    gmtime_r(&s, &tm);
    return tm.tm_year + 1900;
}

}  // namespace

int nmea_baud(std::uint32_t mode, std::optional<int> baud) {
    if (baud) return *baud;
    static constexpr int speeds[] = {4800, 9600, 19200, 38400, 57600, 115200};
    const unsigned i = (mode >> 4) & 7u;
    return i < 6 ? speeds[i] : 4800;
}

NmeaResult parse_nmea(std::string_view line, const timespec& received, std::uint32_t mode,
                      NmeaChecksumState& checksums) {
    NmeaResult r;
    if (line.size() < 6 || line[0] != '$') return r;
    // Checksum: XOR of everything between '$' and '*'.
    bool has_checksum = false;
    const std::size_t star = line.find('*');
    std::string_view body = line.substr(0, star);
    if (star != std::string_view::npos) {
        if (star + 3 > line.size()) {
            r.verdict = NmeaResult::Verdict::bad_checksum;
            return r;
        }
        const int hi = hex_value(line[star + 1]), lo = hex_value(line[star + 2]);
        unsigned sum = 0;
        for (std::size_t i = 1; i < star; ++i) sum ^= static_cast<unsigned char>(line[i]);
        if (hi < 0 || lo < 0 || static_cast<unsigned>(hi * 16 + lo) != sum) {
            r.verdict = NmeaResult::Verdict::bad_checksum;
            return r;
        }
        has_checksum = true;
    }
    const auto f = split(body);
    r.sentence = sentence_of(f[0]);
    if (r.sentence == NmeaSentence::other) return r;
    if ((mode & message_mask) != 0 && (mode & mode_bit(r.sentence)) == 0) {
        r.verdict = NmeaResult::Verdict::filtered;
        return r;
    }
    bool& required = checksums.required[static_cast<int>(r.sentence)];
    if (has_checksum) required = true;
    else if (required) {
        r.verdict = NmeaResult::Verdict::bad_checksum;
        return r;
    }
    auto field = [&](std::size_t i) { return i < f.size() ? f[i] : std::string_view{}; };

    long tod = 0, ns = 0;
    std::size_t time_field = r.sentence == NmeaSentence::gll ? 5 : 1;
    if (!parse_tod(field(time_field), tod, ns)) {
        r.verdict = NmeaResult::Verdict::bad_time;
        return r;
    }
    bool valid = false;
    std::optional<long> day;  // days since 1970
    int d = 0, m = 0, y = 0;
    switch (r.sentence) {
    case NmeaSentence::rmc:
        valid = field(2) == "A";
        if (!digits(field(9), 0, 2, d) || !digits(field(9), 2, 2, m) || !digits(field(9), 4, 2, y) ||
            field(9).size() != 6 || d < 1 || d > 31 || m < 1 || m > 12) {
            r.verdict = NmeaResult::Verdict::bad_date;
            return r;
        } else {
            // Two-digit year: within 20 years before to 80 after the receive time.
            const int base = year_of(received) - 20;
            int full = base - base % 100 + y;
            if (full < base) full += 100;
            day = days_from_civil(full, static_cast<unsigned>(m), static_cast<unsigned>(d));
        }
        break;
    case NmeaSentence::gga: valid = !field(6).empty() && field(6) != "0"; break;
    case NmeaSentence::gll: valid = field(6) == "A"; break;
    case NmeaSentence::zda:
    case NmeaSentence::zdg:
        valid = r.sentence == NmeaSentence::zda || (!field(6).empty() && field(6) != "0");
        if (!digits(field(2), 0, 2, d) || !digits(field(3), 0, 2, m) || !digits(field(4), 0, 4, y) || d < 1 ||
            d > 31 || m < 1 || m > 12) {
            r.verdict = NmeaResult::Verdict::bad_date;
            return r;
        }
        day = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
        break;
    case NmeaSentence::other: break;
    }
    long seconds = 0;
    if (!day) {
        // Time of day only: the day that puts it within 12 h of the receive time.
        const long base = received.tv_sec - day_s / 2;
        const long base_tod = ((base % day_s) + day_s) % day_s;
        seconds = base - base_tod + tod + (tod < base_tod ? day_s : 0);
    } else {
        long dd = *day;
        if ((mode & datetrust_mask) == 0) {
            // GPS week rollover: into the 1024 weeks around the receive day.
            const long low = floor_div(received.tv_sec, day_s) - era_days / 2;
            dd = low + (((dd - low) % era_days) + era_days) % era_days;
        }
        seconds = dd * day_s + tod;
    }
    if (r.sentence == NmeaSentence::zdg) seconds -= 1;  // names the next second
    r.reference = {static_cast<time_t>(seconds), ns};
    r.verdict = valid ? NmeaResult::Verdict::ok : NmeaResult::Verdict::unsynchronised;
    return r;
}

NmeaDriver::NmeaDriver(DriverConfig config, FdWatcher& watcher, std::function<timespec()> now)
    : Driver(std::move(config)), watcher_(watcher), now_(std::move(now)) {
    set_precision(-9);
    open_device();
}

NmeaDriver::~NmeaDriver() { close_device(); }

std::string NmeaDriver::device() const {
    if (!config().path.empty()) return config().path;
    return "/dev/gps" + std::to_string(config().unit);
}

namespace {

speed_t speed_constant(int baud) {
    switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    default: return B4800;
    }
}

}  // namespace

bool NmeaDriver::open_device() {
    const std::string dev = device();
    fd_ = ::open(dev.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) {
        if (!open_failed_logged_) log("NMEA: cannot open " + dev + ": " + std::strerror(errno));
        open_failed_logged_ = true;
        return false;
    }
    open_failed_logged_ = false;
    termios t{};
    if (::tcgetattr(fd_, &t) == 0) {
        ::cfmakeraw(&t);
        t.c_cflag |= CLOCAL | CREAD;
        const speed_t sp = speed_constant(nmea_baud(static_cast<std::uint32_t>(config().mode), config().baud));
        ::cfsetispeed(&t, sp);
        ::cfsetospeed(&t, sp);
        ::tcsetattr(fd_, TCSANOW, &t);
        ::tcflush(fd_, TCIFLUSH);  // what queued up before we listened is stale
    }
    watch_ = watcher_.watch(fd_, [this] { readable(); });
    return true;
}

void NmeaDriver::close_device() {
    watch_.reset();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    partial_.clear();
}

void NmeaDriver::readable() {
    const timespec received = now_();
    char buf[512];
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        // The line went away (a pty whose other side closed): reopen later.
        log("NMEA: " + device() + (n == 0 ? ": end of file" : std::string(": ") + std::strerror(errno)));
        close_device();
        next_open_s_ = received.tv_sec + 5;
        report(ClockEvent::fault);
        return;
    }
    if (n < 0) return;
    for (ssize_t i = 0; i < n; ++i) {
        const char c = static_cast<char>(buf[i] & 0x7f);
        if (c == '\n' || c == '\r') {
            if (!partial_.empty()) line(partial_, received);
            partial_.clear();
        } else if (c == '$') {
            partial_.assign(1, c);  // a sentence start resynchronises
        } else if (partial_.size() < 128) {
            partial_ += c;
        }
    }
}

void NmeaDriver::line(std::string_view text, const timespec& received) {
    ++total_;
    const NmeaResult r = parse_nmea(text, received, static_cast<std::uint32_t>(config().mode), checksums_);
    using V = NmeaResult::Verdict;
    switch (r.verdict) {
    case V::ignored: return;
    case V::filtered: ++filtered_; return;
    case V::bad_checksum:
        ++malformed_;
        report(ClockEvent::bad_reply);
        return;
    case V::bad_time:
    case V::bad_date:
        ++malformed_;
        set_timecode(std::string(text));
        report(r.verdict == V::bad_time ? ClockEvent::bad_time : ClockEvent::bad_date);
        return;
    case V::unsynchronised:
        ++rejected_;
        set_timecode(std::string(text));
        report(ClockEvent::bad_reply);
        return;
    case V::ok: break;
    }
    if (gps_time_ && r.sentence != NmeaSentence::zdg) {
        ++filtered_;
        return;
    }
    if (r.sentence == NmeaSentence::zdg && !gps_time_) {
        gps_time_ = true;
        log("NMEA: using GPS time as if it were UTC");
    }
    // Several sentences name the same second: the first one counts.
    if (r.reference.tv_sec == last_reference_.tv_sec && r.reference.tv_nsec == last_reference_.tv_nsec) {
        ++filtered_;
        return;
    }
    last_reference_ = r.reference;
    ++accepted_;
    set_timecode(std::string(text));
    add_timecode(r.reference, received, 0, config().time2_s);
}

void NmeaDriver::timer(const timespec& now) {
    if (fd_ < 0 && now.tv_sec >= next_open_s_) {
        next_open_s_ = now.tv_sec + 5;
        open_device();
    }
}

void NmeaDriver::poll(const timespec& now) {
    (void)now;
    if (static_cast<std::uint32_t>(config().mode) & extlog_mask) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "  %u %u %u %u %u 0", total_, accepted_, rejected_, malformed_, filtered_);
        clockstats((timecode().empty() ? std::string("(none)") : timecode()) + buf);
    } else if (!timecode().empty()) {
        clockstats(timecode());
    }
    total_ = accepted_ = rejected_ = malformed_ = filtered_ = 0;
}

}  // namespace ntpd::refclock
