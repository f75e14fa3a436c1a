#include "libntp/clock/hwclock.hh"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <vector>

#include "tests/support/test_dir.hh"

using namespace ntp::clock;
using ntp::clock::testing::read_text;
using ntp::clock::testing::TestDir;
using ntp::clock::testing::write_text;

namespace {

// 2016-01-24 12:00:00 UTC, a Sunday.
constexpr long long kNoon = 1453636800;

// System time that advances by a fixed amount at every reading, so the
// busy-wait in systohc() runs deterministically.
struct SpinClock {
    timespec t;
    double step_s;
    SpinClock(double start_offset_s, double step)
        : t(add_seconds({kNoon, 0}, start_offset_s)), step_s(step) {}
    timespec read() {
        timespec now = t;
        t = add_seconds(t, step_s);
        return now;
    }
    std::function<timespec()> fn() {
        return [this] { return read(); };
    }
};

// A simulated RTC: records what was written and when (in system time).
struct FakeRtc final : RtcDevice {
    std::string path_;
    std::string driver_;
    SpinClock* clock = nullptr;
    int set_errno = 0;
    struct Write {
        RtcTime value;
        timespec at;
    };
    std::vector<Write> writes;
    std::vector<Write>* also_log_to = nullptr;  // outlives the device

    FakeRtc(std::string path, std::string driver)
        : path_(std::move(path)), driver_(std::move(driver)) {}
    const std::string& path() const override { return path_; }
    std::string driver_name() override { return driver_; }
    RtcReadResult read() override {
        RtcReadResult r;
        if (!writes.empty()) r.time = writes.back().value;
        return r;
    }
    ClockResult set(const RtcTime& t) override {
        if (set_errno) {
            return ClockResult::failure("ioctl(RTC_SET_TIME) to " + path_ +
                                        " to set the time failed: " + std::strerror(set_errno));
        }
        writes.push_back({t, clock ? clock->t : timespec{}});
        if (also_log_to) also_log_to->push_back(writes.back());
        return ClockResult::success();
    }
};

// Sets TZ for one test and puts the old value back.
struct ScopedTz {
    std::optional<std::string> old;
    explicit ScopedTz(const char* tz) {
        if (const char* o = std::getenv("TZ")) old = o;
        ::setenv("TZ", tz, 1);
        ::tzset();
    }
    ~ScopedTz() {
        if (old) {
            ::setenv("TZ", old->c_str(), 1);
        } else {
            ::unsetenv("TZ");
        }
        ::tzset();
    }
};

double fraction_after(const timespec& t, long long second) {
    return diff_seconds(t, {static_cast<time_t>(second), 0});
}

}  // namespace

TEST_CASE("rtc_cmos and unknown drivers get the half-second delay, others none") {
    CHECK(rtc_write_delay_s("rtc_cmos") == 0.5);
    CHECK(rtc_write_delay_s("") == 0.5);
    CHECK(rtc_write_delay_s("rtc-efi") == 0.0);
    CHECK(rtc_write_delay_s("rtc_test") == 0.0);
}

TEST_CASE("the wait until the aligned moment is under a second") {
    CHECK(seconds_until_rtc_write({100, 200'000'000}, 0.5) == Approx(0.3));
    CHECK(seconds_until_rtc_write({100, 700'000'000}, 0.5) == Approx(0.8));
    CHECK(seconds_until_rtc_write({100, 0}, 0.0) == 0.0);
    CHECK(seconds_until_rtc_write({100, 300'000'000}, 0.0) == Approx(0.7));
}

TEST_CASE("RTC values are broken down in UTC or in local time") {
    auto utc = rtc_time_for(kNoon, RtcTimescale::utc);
    CHECK(utc == RtcTime{2016, 1, 24, 12, 0, 0, 0, 23});
    ScopedTz tz("CET-1CEST,M3.5.0,M10.5.0/3");
    CHECK(rtc_time_for(kNoon, RtcTimescale::local).hour == 13);
    // 2016-07-01 12:00:00 UTC is summer time in Europe: UTC+2.
    CHECK(rtc_time_for(1467374400, RtcTimescale::local).hour == 14);
}

TEST_CASE("half-second rule: second N is written at N + 0.5") {
    SpinClock clock(0.2, 50e-6);
    FakeRtc rtc("/dev/rtc0", "rtc_cmos");
    rtc.clock = &clock;
    auto r = systohc(rtc, clock.fn(), 0.5, RtcTimescale::utc);
    REQUIRE(r.ok);
    CHECK(r.message == "RTC /dev/rtc0 set to 2016-01-24 12:00:00 UTC");
    REQUIRE(rtc.writes.size() == 1);
    CHECK(r.reference_s == kNoon);
    CHECK(r.rtc_value_s == kNoon);
    double at = fraction_after(r.written_at, kNoon);
    CHECK(at >= 0.5);
    CHECK(at <= 0.501);
    CHECK(rtc.writes[0].value == rtc_time_for(kNoon, RtcTimescale::utc));
}

TEST_CASE("called after the half second, the write moves to the next second") {
    SpinClock clock(0.7, 50e-6);
    FakeRtc rtc("/dev/rtc", "rtc_cmos");
    auto r = systohc(rtc, clock.fn(), 0.5, RtcTimescale::utc);
    REQUIRE(r.ok);
    CHECK(r.rtc_value_s == kNoon + 1);
    double at = fraction_after(r.written_at, kNoon + 1);
    CHECK(at >= 0.5);
    CHECK(at <= 0.502);  // the miss widened the tolerance to 2 ms
    CHECK(r.message == "RTC /dev/rtc set to 2016-01-24 12:00:01 UTC");
}

TEST_CASE("with delay 0 the write happens on the second boundary") {
    SpinClock clock(0.3, 50e-6);
    FakeRtc rtc("/dev/rtc0", "rtc-efi");
    auto r = systohc(rtc, clock.fn(), 0.0, RtcTimescale::utc);
    REQUIRE(r.ok);
    CHECK(r.rtc_value_s == kNoon + 1);
    double at = fraction_after(r.written_at, kNoon + 1);
    CHECK(at >= 0.0);
    CHECK(at <= 0.002);
}

TEST_CASE("a coarse clock that overshoots retargets with a wider tolerance") {
    // Readings 3 ms apart straddle N + 0.5 (0.4985, 0.5015): 1.5 ms late is a
    // miss at 1 ms tolerance; a second later 2 ms is enough.
    SpinClock clock(0.2015, 0.003);
    FakeRtc rtc("/dev/rtc0", "rtc_cmos");
    auto r = systohc(rtc, clock.fn(), 0.5, RtcTimescale::utc);
    REQUIRE(r.ok);
    CHECK(r.rtc_value_s == kNoon + 1);
    double at = fraction_after(r.written_at, kNoon + 1);
    CHECK(at >= 0.5);
    CHECK(at <= 0.502);
}

TEST_CASE("LOCAL writes local time per TZ") {
    ScopedTz tz("CET-1CEST,M3.5.0,M10.5.0/3");
    SpinClock clock(0.1, 50e-6);
    FakeRtc rtc("/dev/rtc0", "rtc_cmos");
    auto r = systohc(rtc, clock.fn(), 0.5, RtcTimescale::local);
    REQUIRE(r.ok);
    CHECK(r.message == "RTC /dev/rtc0 set to 2016-01-24 13:00:00 LOCAL");
    CHECK(rtc.writes.at(0).value.hour == 13);
}

TEST_CASE("an RTC that refuses the write reports the ioctl error") {
    SpinClock clock(0.1, 50e-6);
    FakeRtc rtc("/dev/rtc0", "rtc_cmos");
    rtc.set_errno = EINVAL;
    auto r = systohc(rtc, clock.fn(), 0.5, RtcTimescale::utc);
    CHECK_FALSE(r.ok);
    CHECK(r.message == "ioctl(RTC_SET_TIME) to /dev/rtc0 to set the time failed: Invalid argument");
}

TEST_CASE("a clock that does not move makes systohc give up instead of hanging") {
    SpinClock frozen(0.1, 0);
    FakeRtc rtc("/dev/rtc0", "rtc_cmos");
    auto r = systohc(rtc, frozen.fn(), 0.5, RtcTimescale::utc);
    CHECK_FALSE(r.ok);
    CHECK(rtc.writes.empty());
}

namespace {
// A /dev with some RTC nodes in it; every open attempt is recorded.
struct FakeDev {
    std::map<std::string, int> errors;  // path -> errno (0 = opens)
    std::map<std::string, std::string> drivers;
    std::vector<std::string> tried;
    // The devices belong to whoever opened them; their writes are kept here.
    std::map<std::string, std::vector<FakeRtc::Write>> writes;
    SpinClock* clock = nullptr;

    RtcOpener opener() {
        return [this](const std::string& path, int& error_number) -> std::unique_ptr<RtcDevice> {
            tried.push_back(path);
            auto it = errors.find(path);
            error_number = it == errors.end() ? ENOENT : it->second;
            if (error_number) return nullptr;
            auto rtc = std::make_unique<FakeRtc>(path, drivers[path]);
            rtc->clock = clock;
            rtc->also_log_to = &writes[path];
            return rtc;
        };
    }
};
}  // namespace

TEST_CASE("devices are searched in hwclock's order") {
    FakeDev dev;
    dev.errors = {{"/dev/rtc", ENOENT}, {"/dev/rtc0", 0}, {"/dev/misc/rtc", 0}};
    auto r = open_rtc(std::nullopt, dev.opener());
    REQUIRE(r.device);
    CHECK(r.device->path() == "/dev/rtc0");
    CHECK(dev.tried == std::vector<std::string>{"/dev/rtc", "/dev/rtc0"});

    FakeDev nodev;
    nodev.errors = {{"/dev/rtc", ENODEV}, {"/dev/rtc0", ENOENT}, {"/dev/misc/rtc", 0}};
    CHECK(open_rtc(std::nullopt, nodev.opener()).device->path() == "/dev/misc/rtc");
}

TEST_CASE("a device that exists but cannot be opened stops the search") {
    FakeDev dev;
    dev.errors = {{"/dev/rtc", EBUSY}, {"/dev/rtc0", 0}};
    auto r = open_rtc(std::nullopt, dev.opener());
    CHECK_FALSE(r.device);
    CHECK(r.error == "cannot open /dev/rtc: Device or resource busy");
    CHECK(dev.tried.size() == 1);
}

TEST_CASE("no RTC at all, or a named one missing") {
    FakeDev dev;
    auto r = open_rtc(std::nullopt, dev.opener());
    CHECK_FALSE(r.device);
    CHECK(r.error ==
          "Cannot access the Hardware Clock via any known method "
          "(no /dev/rtc, /dev/rtc0, /dev/misc/rtc)");
    CHECK(dev.tried.size() == 3);

    r = open_rtc(std::string("/dev/rtc7"), dev.opener());
    CHECK(r.error == "cannot open /dev/rtc7: No such file or directory");

    // The real opener on a path that cannot exist.
    r = open_rtc(std::string("/nonexistent/rtc"));
    CHECK(r.error == "cannot open /nonexistent/rtc: No such file or directory");
}

TEST_CASE("write_system_time_to_rtc: UTC by default, adjtime created") {
    TestDir dir;
    SpinClock clock(0.25, 50e-6);
    FakeDev dev;
    dev.clock = &clock;
    dev.errors = {{"/dev/rtc0", 0}};
    dev.drivers = {{"/dev/rtc0", "rtc_cmos"}};
    HwclockOptions options;
    options.adjtime_path = dir.file("adjtime");
    auto report = write_system_time_to_rtc(options, clock.fn(), dev.opener());
    REQUIRE(report.ok);
    REQUIRE(report.messages.size() == 1);
    CHECK(report.messages[0].second == "RTC /dev/rtc0 set to 2016-01-24 12:00:00 UTC");
    REQUIRE(dev.writes.size() == 1);
    REQUIRE(dev.writes["/dev/rtc0"].size() == 1);
    double at = fraction_after(dev.writes["/dev/rtc0"][0].at, kNoon);
    CHECK(at >= 0.5);
    CHECK(at <= 0.501);
    CHECK(read_text(options.adjtime_path) == "0.000000 1453636800 0.000000\n1453636800\nUTC\n");
}

TEST_CASE("write_system_time_to_rtc: LOCAL from adjtime, drift factor kept, no delay for rtc-efi") {
    ScopedTz tz("CET-1CEST,M3.5.0,M10.5.0/3");
    TestDir dir;
    SpinClock clock(0.25, 50e-6);
    FakeDev dev;
    dev.clock = &clock;
    dev.errors = {{"/dev/rtc", 0}};
    dev.drivers = {{"/dev/rtc", "rtc-efi"}};
    HwclockOptions options;
    options.adjtime_path = dir.file("adjtime");
    write_text(options.adjtime_path, "2.5 1400000000 0.125\n1400000000\nLOCAL\n");
    auto report = write_system_time_to_rtc(options, clock.fn(), dev.opener());
    REQUIRE(report.ok);
    CHECK(report.messages.back().second == "RTC /dev/rtc set to 2016-01-24 13:00:01 LOCAL");
    double at = fraction_after(dev.writes["/dev/rtc"].at(0).at, kNoon + 1);
    CHECK(at >= 0.0);
    CHECK(at <= 0.002);
    CHECK(read_text(options.adjtime_path) == "2.500000 1453636800 0.000000\n1453636800\nLOCAL\n");
}

TEST_CASE("write_system_time_to_rtc: forced timescale, explicit device, no adjtime update") {
    TestDir dir;
    SpinClock clock(0.25, 50e-6);
    FakeDev dev;
    dev.clock = &clock;
    dev.errors = {{"/dev/rtc0", 0}, {"/dev/rtc1", 0}};
    HwclockOptions options;
    options.adjtime_path = dir.file("adjtime");
    options.device = "/dev/rtc1";
    options.timescale = RtcTimescale::utc;
    options.delay_s = 0.5;
    options.update_adjtime = false;
    auto report = write_system_time_to_rtc(options, clock.fn(), dev.opener());
    REQUIRE(report.ok);
    CHECK(dev.tried == std::vector<std::string>{"/dev/rtc1"});
    CHECK_FALSE(std::filesystem::exists(options.adjtime_path));
}

TEST_CASE("write_system_time_to_rtc: a missing device changes nothing") {
    TestDir dir;
    SpinClock clock(0.25, 50e-6);
    FakeDev dev;
    HwclockOptions options;
    options.adjtime_path = dir.file("adjtime");
    write_text(options.adjtime_path, "0.0 0 0\n0\nbogus\n");
    auto report = write_system_time_to_rtc(options, clock.fn(), dev.opener());
    CHECK_FALSE(report.ok);
    REQUIRE(report.messages.size() == 2);
    CHECK(report.messages[0].first == ntp::util::Severity::warning);
    CHECK(report.messages[0].second ==
          options.adjtime_path + ": Warning: unrecognized third line in adjtime file");
    CHECK(report.messages[1].first == ntp::util::Severity::error);
    CHECK(report.messages[1].second.rfind("Cannot access the Hardware Clock", 0) == 0);
    CHECK(read_text(options.adjtime_path) == "0.0 0 0\n0\nbogus\n");
}

TEST_CASE("the RTC is copied only when synchronised: leap not 3 and |offset| < 0.1 s") {
    CHECK(HwclockSync::clock_is_synchronised(0, 0.05));
    CHECK(HwclockSync::clock_is_synchronised(1, -0.099));
    CHECK_FALSE(HwclockSync::clock_is_synchronised(3, 0.0));
    CHECK_FALSE(HwclockSync::clock_is_synchronised(0, 0.1));
    CHECK_FALSE(HwclockSync::clock_is_synchronised(0, std::nan("")));
}

TEST_CASE("HwclockSync writes at first sync, then every interval") {
    HwclockSync sync;
    CHECK(sync.interval_s() == 660);
    CHECK_FALSE(sync.due(0, false));
    CHECK_FALSE(sync.due(5000, false));
    CHECK(sync.due(5000, true));
    CHECK_FALSE(sync.record_attempt(5000, true));
    CHECK_FALSE(sync.due(5001, true));
    CHECK_FALSE(sync.due(5659, true));
    CHECK(sync.due(5660, true));
    CHECK_FALSE(sync.due(5660, false));
    CHECK(sync.due_at_exit(true));
    CHECK_FALSE(sync.due_at_exit(false));

    HwclockSync custom(60);
    custom.record_attempt(0, true);
    CHECK(custom.due(60, true));
}

TEST_CASE("HwclockSync retries failures an interval later and logs only new ones") {
    HwclockSync sync(100);
    CHECK(sync.record_attempt(0, false, "no rtc"));  // first failure: log
    CHECK_FALSE(sync.due(50, true));
    CHECK(sync.due(100, true));
    CHECK_FALSE(sync.record_attempt(100, false, "no rtc"));  // same again: quiet
    CHECK(sync.record_attempt(200, false, "EBUSY"));         // a different one: log
    CHECK_FALSE(sync.record_attempt(300, true));
    CHECK(sync.record_attempt(400, false, "EBUSY"));  // after a success: log again
}

TEST_CASE("write_system_time_to_rtc with a device opened beforehand") {
    TestDir dir;
    SpinClock clock(0.6, 50e-6);
    FakeRtc rtc("/dev/rtc0", "rtc_cmos");
    rtc.clock = &clock;
    HwclockOptions options;
    options.adjtime_path = dir.file("adjtime");
    options.device = "/dev/ignored";
    auto report = write_system_time_to_rtc(options, clock.fn(), rtc);
    REQUIRE(report.ok);
    CHECK(report.messages.at(0).second == "RTC /dev/rtc0 set to 2016-01-24 12:00:01 UTC");
    REQUIRE(rtc.writes.size() == 1);
    CHECK(read_text(options.adjtime_path) == "0.000000 1453636800 0.000000\n1453636800\nUTC\n");
}
