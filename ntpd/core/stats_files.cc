#include "ntpd/core/stats_files.hh"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace ntpd {
namespace {

constexpr long seconds_per_day = 86400;
// MJD of 1970-01-01.
constexpr long mjd_unix_epoch = 40587;

std::string format(const char* fmt, auto... args) {
    char buf[256];
    const int n = std::snprintf(buf, sizeof buf, fmt, args...);
    if (n < 0) return {};
    return std::string(buf, static_cast<std::size_t>(n) < sizeof buf ? static_cast<std::size_t>(n)
                                                                     : sizeof buf - 1);
}

std::tm utc(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm;
}

}  // namespace

std::string stats_time_prefix(const timespec& now) {
    // Round to milliseconds first, then split, so 86399.9996 carries into the next day.
    const long long total_ms = static_cast<long long>(now.tv_sec) * 1000 +
                               static_cast<long long>(std::llround(now.tv_nsec / 1e6));
    long long days = total_ms / (seconds_per_day * 1000);
    long long ms_of_day = total_ms % (seconds_per_day * 1000);
    if (ms_of_day < 0) {
        ms_of_day += seconds_per_day * 1000;
        --days;
    }
    return format("%lld %lld.%03lld", days + mjd_unix_epoch, ms_of_day / 1000, ms_of_day % 1000);
}

std::string filegen_suffix(FilegenType type, const timespec& now, std::time_t start_unix, long pid) {
    const std::tm tm = utc(now.tv_sec);
    switch (type) {
    case FilegenType::none:
        return {};
    case FilegenType::pid:
        return format(".#%ld", pid);
    case FilegenType::day:
        return format(".%04d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    case FilegenType::week: {
        // ISO 8601 week-numbering year and week, as classic 4.2.8 (isocal).
        char buf[32];
        std::strftime(buf, sizeof buf, ".%Gw%V", &tm);
        return buf;
    }
    case FilegenType::month:
        return format(".%04d%02d", tm.tm_year + 1900, tm.tm_mon + 1);
    case FilegenType::year:
        return format(".%04d", tm.tm_year + 1900);
    case FilegenType::age: {
        long age = static_cast<long>(now.tv_sec - start_unix);
        if (age < 0) age = 0;
        return format(".a%08ld", age - age % seconds_per_day);
    }
    }
    return {};
}

void FileGen::Closer::operator()(std::FILE* f) const {
    if (f) std::fclose(f);
}

FileGen::FileGen(std::string statsdir, FilegenSettings settings, std::time_t start_unix, long pid)
    : settings_(std::move(settings)), start_unix_(start_unix), pid_(pid) {
    if (!statsdir.empty() && statsdir.back() != '/') statsdir += '/';
    base_path_ = statsdir + settings_.file;
}

FileGen::~FileGen() = default;

std::string FileGen::path_for(const timespec& now) const {
    return base_path_ + filegen_suffix(settings_.type, now, start_unix_, pid_);
}

bool FileGen::open_generation(const std::string& path, std::string& error) {
    file_.reset(std::fopen(path.c_str(), "a"));
    if (!file_) {
        error = "can't open " + path + ": " + std::strerror(errno);
        open_path_.clear();
        return false;
    }
    open_path_ = path;
    if (settings_.link && path != base_path_) {
        // The base name always points at the current generation. A plain
        // file left there (e.g. from type none) is moved aside, not lost.
        struct stat st{};
        if (::lstat(base_path_.c_str(), &st) == 0 && st.st_nlink == 1) {
            const std::string aside = base_path_ + format(".C%lld", static_cast<long long>(start_unix_));
            ::rename(base_path_.c_str(), aside.c_str());
        }
        ::unlink(base_path_.c_str());
        if (::link(path.c_str(), base_path_.c_str()) != 0) {
            error = "can't link " + path + " to " + base_path_ + ": " + std::strerror(errno);
            // The statistics themselves are fine; report but keep writing.
        }
    }
    return true;
}

bool FileGen::write(const timespec& now, std::string_view body, std::string& error) {
    if (!settings_.enabled) return true;
    const std::string path = path_for(now);
    if (!file_ || path != open_path_) {
        if (!open_generation(path, error)) return false;
    }
    const std::string prefix = stats_time_prefix(now);
    const bool ok = std::fprintf(file_.get(), "%s %.*s\n", prefix.c_str(),
                                 static_cast<int>(body.size()), body.data()) >= 0 &&
                    std::fflush(file_.get()) == 0;
    if (!ok) {
        error = "can't write " + path + ": " + std::strerror(errno);
        file_.reset();  // reopen next time
        open_path_.clear();
    }
    return ok;
}

std::string loopstats_body(double offset_s, double freq_ppm, double jitter_s, double wander_ppm,
                           int poll_log2) {
    return format("%.9f %.3f %.9f %.6f %d", offset_s, freq_ppm, jitter_s, wander_ppm, poll_log2);
}

std::string peerstats_body(std::string_view address, std::uint16_t status_word, double offset_s,
                           double delay_s, double dispersion_s, double jitter_s) {
    return std::string(address) + format(" %x %.9f %.9f %.9f %.9f", static_cast<unsigned>(status_word),
                                         offset_s, delay_s, dispersion_s, jitter_s);
}

StatsFiles::StatsFiles(const std::string& statsdir, const FilegenSettings& loopstats,
                       const FilegenSettings& peerstats, const FilegenSettings& clockstats,
                       std::time_t start_unix, long pid)
    : loop_(statsdir, loopstats, start_unix, pid),
      peer_(statsdir, peerstats, start_unix, pid),
      clock_(statsdir, clockstats, start_unix, pid) {}

bool StatsFiles::loop(const timespec& now, double offset_s, double freq_ppm, double jitter_s,
                      double wander_ppm, int poll_log2, std::string& error) {
    if (!loop_.enabled()) return true;
    return loop_.write(now, loopstats_body(offset_s, freq_ppm, jitter_s, wander_ppm, poll_log2), error);
}

bool StatsFiles::peer(const timespec& now, std::string_view address, std::uint16_t status_word,
                      double offset_s, double delay_s, double dispersion_s, double jitter_s,
                      std::string& error) {
    if (!peer_.enabled()) return true;
    return peer_.write(now, peerstats_body(address, status_word, offset_s, delay_s, dispersion_s, jitter_s),
                       error);
}

bool StatsFiles::clock(const timespec& now, std::string_view address, std::string_view text,
                       std::string& error) {
    if (!clock_.enabled()) return true;
    std::string body(address);
    body += ' ';
    body += text;
    return clock_.write(now, body, error);
}

}  // namespace ntpd
