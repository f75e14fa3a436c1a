#pragma once
// The SHM driver, 127.127.28.u: time from a SysV shared-memory segment that
// gpsd, chrony's tools or a custom receiver write (ntp.conf.md §5).
//
//   * key 0x4e545030 + unit ("NTP0"), created if missing; permissions 0600
//     for units 0 and 1, 0666 from unit 2, and 0600 whatever the unit when
//     mode bit 0 (private) is set;
//   * the segment is struct shmTime below, the layout every writer uses;
//   * mode 0: the writer sets `valid` last; mode 1: it also bumps `count`
//     before and after, and a read whose count changed is a clash;
//   * each second a valid segment is copied and `valid` cleared; the
//     receive time must be at most 5 s old, and |receive - clock| at most
//     4 h (fudge time2 seconds in [1, 86400] instead; flag1: no limit);
//   * the nanosecond fields are used when the microsecond fields are their
//     truncation; leap and precision come from the segment;
//   * fudge flag4: one clockstats line a poll with the tallies (reads,
//     good, not ready, bad, clash).

#include <cstdint>
#include <ctime>
#include <string>

#include "ntpd/refclock/driver.hh"

namespace ntpd::refclock {

inline constexpr int shm_driver_type = 28;
inline constexpr long shm_key_base = 0x4e545030;

// The segment as writers lay it out.
struct ShmTime {
    int mode;
    volatile int count;
    time_t clock_sec;
    int clock_usec;
    time_t receive_sec;
    int receive_usec;
    int leap;
    int precision;
    int nsamples;
    volatile int valid;
    unsigned clock_nsec;
    unsigned receive_nsec;
    int dummy[8];
};

enum class ShmStatus { ok, not_ready, bad_mode, clash };

struct ShmReading {
    ShmStatus status = ShmStatus::not_ready;
    int mode = 0;
    timespec clock{};    // what the reference said
    timespec receive{};  // local time it was written at
    int leap = 0;
    int precision = 0;
};

// One read of the segment (clears `valid` when it was set).
ShmReading read_segment(volatile ShmTime& shm);

// The limits a reading must pass.
struct ShmLimits {
    long max_delay_s = 5;        // now - receive
    long max_delta_s = 4 * 3600; // |receive - clock|; 0 = none
};
ShmLimits shm_limits(const DriverConfig& c);
// "" when the reading may be used, else the classic complaint.
std::string check_reading(const ShmReading& r, const timespec& now, const ShmLimits& limits);
// ntpq cv timecode: "2026-12-07T13:45:01.123456789Z".
std::string iso_timecode(const timespec& t);
// Permission bits of the segment for this unit and mode.
int shm_permissions(int unit, int mode);

class ShmDriver final : public Driver {
public:
    explicit ShmDriver(DriverConfig config);
    ~ShmDriver() override;

    std::string description() const override { return "SHM/Shared memory interface"; }
    std::uint32_t default_refid() const override { return refid_word("SHM"); }
    int default_precision_log2() const override { return -1; }

    void timer(const timespec& now) override;
    void poll(const timespec& now) override;

private:
    ClockEvent silence_event() const override { return silence_; }
    bool attach();

    ShmTime* shm_ = nullptr;
    ShmLimits limits_;
    bool attach_failed_logged_ = false;
    int ticks_ = 0, good_ = 0, notready_ = 0, bad_ = 0, clash_ = 0;
    ClockEvent silence_ = ClockEvent::timeout;
};

}  // namespace ntpd::refclock
