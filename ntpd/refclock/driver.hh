#pragma once
// The reference clock framework (ntp.conf.md §5): what every driver other
// than LOCAL shares, and the interface the core polls them through.
//
// A driver turns what its device says into timecodes: a reference time and
// the local time it was received at. Each timecode becomes one raw offset
// (reference - local + fudge time1) in a buffer of at most 60. At the
// association's poll the core calls take(): the offsets received within the
// last poll interval (older ones are discarded) go through the classic
// median filter (the ~40 % furthest from the median dropped, the rest
// averaged) and come out as one sample for the association's clock filter:
// its offset, its jitter as the sample dispersion, the leap bits of the last
// timecode. No timecode in the interval: no sample and a clock event
// (no_reply), so a silent source loses a reach bit a poll and becomes
// unreachable as a network server does.
//
// Drivers are created through a DriverFactory (the shell's reads devices;
// tests may give their own). Device I/O stays inside the drivers: timer() is
// called once a second, and a driver with something to read registers its
// descriptor with the FdWatcher it was given.

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ntpd::refclock {

// Clock status / event codes (ntpq `cv` status, CEVNT_*).
enum class ClockEvent : std::uint8_t {
    nominal = 0,
    timeout = 1,     // no_reply
    bad_reply = 2,   // bad_format
    fault = 3,
    propagation = 4,
    bad_date = 5,
    bad_time = 6,
};
const char* clock_event_name(ClockEvent e);

// A driver's settings: the association line and its fudge lines.
struct DriverConfig {
    int type = 0;
    int unit = 0;
    int mode = 0;                   // `mode` / `subtype`
    std::string path;               // NTPsec `path`: overrides the device
    std::string ppspath;            // NTPsec `ppspath`
    std::optional<int> baud;        // NTPsec `baud`
    double time1_s = 0;             // fudge time1: added to every offset
    double time2_s = 0;             // fudge time2: driver-specific
    bool flag[4] = {false, false, false, false};
    int sys_precision_log2 = -20;
};

// Watches a descriptor for the driver: `ready` runs whenever `fd` is
// readable, until the returned handle is destroyed.
class FdWatcher {
public:
    struct Handle {
        virtual ~Handle() = default;
    };
    virtual ~FdWatcher() = default;
    virtual std::unique_ptr<Handle> watch(int fd, std::function<void()> ready) = 0;
};

// One sample for the association, from take().
struct PollSample {
    double offset_s = 0;
    double dispersion_s = 0;   // the median filter's jitter
    int leap = 0;              // 0..3 as on the wire
    timespec reference{};      // reference time of the last timecode used
    timespec received{};       // local time it was received at
    int precision_log2 = -20;
    int count = 0;             // timecodes the filter used
};

struct ClockCounters {
    std::uint64_t polls = 0;
    std::uint64_t no_reply = 0;
    std::uint64_t bad_format = 0;
    std::uint64_t bad_data = 0;
};

// The median filter over raw offsets (exposed for tests): sorts, drops the
// sample furthest from the median until about 60 % remain, averages the
// rest. Jitter: RMS of the differences between neighbours, at least
// 2^precision_log2. Empty input: nullopt.
struct FilterResult {
    double offset_s = 0;
    double jitter_s = 0;
};
std::optional<FilterResult> median_filter(std::vector<double> offsets, int precision_log2);

class Driver {
public:
    static constexpr std::size_t max_stages = 60;

    explicit Driver(DriverConfig config) : config_(std::move(config)) {}
    virtual ~Driver() = default;
    Driver(const Driver&) = delete;
    Driver& operator=(const Driver&) = delete;

    // ---- what the driver says about itself ----------------------------
    virtual std::string description() const = 0;     // ntpq cv `device`
    virtual std::uint32_t default_refid() const = 0; // e.g. "SHM"
    virtual int default_stratum() const { return 0; }
    virtual int default_precision_log2() const { return -1; }
    // The system status word's clock source while it is the system peer
    // (classic clocktypes[]): 4 UHF radio (satellite), 1 atomic (PPS).
    virtual std::uint8_t sync_source() const { return 4; }

    // ---- called by the core -------------------------------------------
    // Once a second (classic refclock_timer).
    virtual void timer(const timespec& now) { (void)now; }
    // At the association's poll, before take().
    virtual void poll(const timespec& now) { (void)now; }
    // The sample of one poll: timecodes received in (now - max_age_s, now].
    std::optional<PollSample> take(const timespec& now, double max_age_s);
    // Lines for clockstats, and messages to log, since the last call.
    std::vector<std::string> take_clockstats();
    std::vector<std::string> take_messages();

    const DriverConfig& config() const { return config_; }
    const std::string& timecode() const { return timecode_; }
    const ClockCounters& counters() const { return counters_; }
    ClockEvent status() const { return status_; }
    ClockEvent last_event() const { return last_event_; }
    // A status change not yet logged as a peer clock event.
    std::optional<ClockEvent> take_event();
    int precision_log2() const { return precision_log2_; }

protected:
    // A timecode: `reference` is what the clock said, `received` when.
    // The offset gets fudge time1 added, or `fudge_s` when given.
    void add_timecode(const timespec& reference, const timespec& received, int leap,
                      std::optional<double> fudge_s = std::nullopt);
    void set_timecode(std::string text) { timecode_ = std::move(text); }
    void set_precision(int log2) {
        precision_log2_ = log2;
        precision_set_ = true;
    }
    void report(ClockEvent e);
    void clockstats(std::string line) { clockstats_.push_back(std::move(line)); }
    void log(std::string text) { messages_.push_back(std::move(text)); }
    // The event a poll without timecodes reports (classic: no_reply).
    virtual ClockEvent silence_event() const { return ClockEvent::timeout; }

private:
    struct Stage {
        double offset_s;
        timespec reference;
        timespec received;
    };
    DriverConfig config_;
    std::vector<Stage> stages_;
    std::string timecode_;
    std::vector<std::string> clockstats_;
    std::vector<std::string> messages_;
    ClockCounters counters_;
    ClockEvent status_ = ClockEvent::nominal;
    ClockEvent last_event_ = ClockEvent::nominal;
    std::optional<ClockEvent> pending_event_;
    int leap_ = 0;
    int precision_log2_ = -1;
    bool precision_set_ = false;
};

// Creates the driver for one association; nullptr with `error` set when the
// type is not run here or its device cannot be set up.
class DriverFactory {
public:
    virtual ~DriverFactory() = default;
    virtual std::unique_ptr<Driver> create(const DriverConfig& config, std::string& error) = 0;
};

// "SHM" as a refid word (host order, as RefId::host_order()).
std::uint32_t refid_word(const char* text);

}  // namespace ntpd::refclock
