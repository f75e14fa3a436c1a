#pragma once
// The NMEA driver, 127.127.20.u: a GPS receiver on a serial line, /dev/gpsU
// (NTPsec `path` names another device), read as NMEA 0183 sentences
// (ntp.conf.md §5).
//
//   * mode bits 0-3 select the sentences used: 1 RMC, 2 GGA, 4 GLL, 8 ZDA or
//     ZDG (none set: all of them); bits 4-6 the speed: 0 4800 (default),
//     1 9600, 2 19200, 3 38400, 4 57600, 5 115200 (NTPsec `baud` instead);
//     0x10000: clockstats lines with the tallies; 0x2000000: trust the
//     receiver's date (no GPS week rollover correction);
//   * any talker ID ($GP, $GN, $GL, $GA, ...); a checksum, when present, must
//     match; RMC always needs one, and so does any sentence type once it came
//     with one;
//   * RMC 'A', GGA fix quality > 0, GLL 'A', ZDG status > 0: valid; else the
//     timecode is unsynchronised (no sample, bad_format);
//   * dates: GGA and GLL carry none (the day within 12 h of the receive time
//     is taken), RMC a two-digit year (within 20 years before to 80 after the
//     receive time); unless trusted, every date is moved by whole 1024-week
//     GPS eras into the 512 weeks around the receive time, so receivers that
//     roll over report the right day;
//   * fudge time2 is added to every offset (the sentence's delay after the
//     second it names; time1 is not used without PPS); ZDG names the next
//     second (GPS time as if UTC);
//   * each poll writes the last sentence to clockstats.

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ntpd/refclock/driver.hh"

namespace ntpd::refclock {

inline constexpr int nmea_driver_type = 20;

enum class NmeaSentence { rmc, gga, gll, zda, zdg, other };

// Checksum requirement learned per sentence type (classic behaviour).
struct NmeaChecksumState {
    bool required[5] = {true, false, false, false, false};  // RMC from the start
};

struct NmeaResult {
    enum class Verdict { ok, ignored, filtered, bad_checksum, bad_time, bad_date, unsynchronised } verdict =
        Verdict::ignored;
    NmeaSentence sentence = NmeaSentence::other;
    timespec reference{};  // UTC the sentence names
};

// Parses one line ("$GPRMC,...*CS", no CR/LF) received at `received`.
NmeaResult parse_nmea(std::string_view line, const timespec& received, std::uint32_t mode,
                      NmeaChecksumState& checksums);
// Serial speed from mode bits 4-6 (or the NTPsec baud value): bits/s.
int nmea_baud(std::uint32_t mode, std::optional<int> baud);

class NmeaDriver final : public Driver {
public:
    NmeaDriver(DriverConfig config, FdWatcher& watcher, std::function<timespec()> now);
    ~NmeaDriver() override;

    std::string description() const override { return "NMEA GPS Clock"; }
    std::uint32_t default_refid() const override { return refid_word("GPS"); }
    int default_precision_log2() const override { return -9; }

    void timer(const timespec& now) override;
    void poll(const timespec& now) override;

    std::string device() const;

private:
    bool open_device();
    void close_device();
    void readable();
    void line(std::string_view text, const timespec& received);

    FdWatcher& watcher_;
    std::function<timespec()> now_;
    int fd_ = -1;
    std::unique_ptr<FdWatcher::Handle> watch_;
    std::string partial_;
    NmeaChecksumState checksums_;
    timespec last_reference_{};
    bool open_failed_logged_ = false;
    bool gps_time_ = false;
    long next_open_s_ = 0;
    unsigned total_ = 0, accepted_ = 0, rejected_ = 0, malformed_ = 0, filtered_ = 0;
};

}  // namespace ntpd::refclock
