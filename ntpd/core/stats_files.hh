#pragma once
// Statistics files (`statsdir`, `statistics`, `filegen`): loopstats,
// peerstats and clockstats in the classic formats (ntp.conf.md §6.4).
//
// A FileGen is one statistic's file generation set: it appends lines to
// statsdir + file + suffix, where the suffix follows the generation type
// (day `.YYYYMMDD`, week `.YYYYwWW` (ISO week), month `.YYYYMM`, year `.YYYY`,
// age `.aNNNNNNNN` (daemon age in seconds, one file per day of age),
// pid `.#PID`, none: no suffix). With `link`, a hard link statsdir + file
// names the current generation. A new generation is opened when the suffix
// changes. Every line starts with "MJD SSSSS.sss" of `now` (UTC).
//
// `now` is always a parameter: nothing here reads a clock. Errors (a
// directory that does not exist, a full disk) are returned as text for the
// caller to log; the writer stays usable and retries at the next line.

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>

namespace ntpd {

enum class FilegenType { none, pid, day, week, month, year, age };

struct FilegenSettings {
    std::string file;              // base name, relative to statsdir
    FilegenType type = FilegenType::day;
    bool link = true;
    bool enabled = false;
};

// "MJD SSSSS.sss": Modified Julian Day and seconds past UTC midnight, rounded
// to milliseconds (classic ulfptoa(…, 3)).
std::string stats_time_prefix(const timespec& now);

// Suffix for a generation, e.g. ".20240131". `start_unix` is when the daemon
// started (for type age), `pid` for type pid.
std::string filegen_suffix(FilegenType type, const timespec& now, std::time_t start_unix, long pid);

class FileGen {
public:
    // `statsdir` gets a trailing '/' when missing (classic).
    FileGen(std::string statsdir, FilegenSettings settings, std::time_t start_unix, long pid);
    ~FileGen();
    FileGen(const FileGen&) = delete;
    FileGen& operator=(const FileGen&) = delete;

    bool enabled() const { return settings_.enabled; }

    // Append "<prefix> <body>\n". Returns false and sets `error` when the file
    // cannot be opened or written; nothing is thrown.
    bool write(const timespec& now, std::string_view body, std::string& error);

    // Path of the generation that `now` falls in.
    std::string path_for(const timespec& now) const;
    const std::string& base_path() const { return base_path_; }

private:
    struct Closer {
        void operator()(std::FILE* f) const;
    };
    bool open_generation(const std::string& path, std::string& error);

    std::string base_path_;  // statsdir + file
    FilegenSettings settings_;
    std::time_t start_unix_;
    long pid_;
    std::string open_path_;
    std::unique_ptr<std::FILE, Closer> file_;
};

// The statistics ntpd's client core writes.
class StatsFiles {
public:
    StatsFiles(const std::string& statsdir, const FilegenSettings& loopstats,
               const FilegenSettings& peerstats, const FilegenSettings& clockstats,
               std::time_t start_unix, long pid);

    // loopstats: offset s, frequency ppm, jitter s, wander ppm, poll log2.
    bool loop(const timespec& now, double offset_s, double freq_ppm, double jitter_s,
              double wander_ppm, int poll_log2, std::string& error);

    // peerstats: address text, peer status word, offset/delay/dispersion/jitter s.
    bool peer(const timespec& now, std::string_view address, std::uint16_t status_word,
              double offset_s, double delay_s, double dispersion_s, double jitter_s,
              std::string& error);

    // clockstats: refclock address text and what the driver reports (a
    // timecode, or its tallies).
    bool clock(const timespec& now, std::string_view address, std::string_view text, std::string& error);

    bool loop_enabled() const { return loop_.enabled(); }
    bool peer_enabled() const { return peer_.enabled(); }
    bool clock_enabled() const { return clock_.enabled(); }

private:
    FileGen loop_;
    FileGen peer_;
    FileGen clock_;
};

// Line bodies (after the time prefix), exposed for tests.
std::string loopstats_body(double offset_s, double freq_ppm, double jitter_s, double wander_ppm,
                           int poll_log2);
std::string peerstats_body(std::string_view address, std::uint16_t status_word, double offset_s,
                           double delay_s, double dispersion_s, double jitter_s);

}  // namespace ntpd
