#include "libntp/clock/drift_file.hh"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/test_dir.hh"

using ntp::clock::DriftReadResult;
using ntp::clock::DriftWritePolicy;
using ntp::clock::format_drift;
using ntp::clock::read_drift_file;
using ntp::clock::write_drift_file;
using ntp::clock::testing::read_text;
using ntp::clock::testing::TestDir;
using ntp::clock::testing::write_text;
using Status = DriftReadResult::Status;
using ntp::util::Severity;

TEST_CASE("the drift file holds %.3f and a newline") {
    CHECK(format_drift(-12.345) == "-12.345\n");
    CHECK(format_drift(0) == "0.000\n");
    CHECK(format_drift(1.23456) == "1.235\n");
    CHECK(format_drift(500) == "500.000\n");
    CHECK(format_drift(-0.0001) == "-0.000\n");  // what printf("%.3f") prints too
}

TEST_CASE("reading takes the first number and ignores the rest") {
    TestDir dir;
    auto path = dir.file("drift");
    auto read = [&](const std::string& text) {
        write_text(path, text);
        return read_drift_file(path);
    };
    auto r = read("-12.345\n");
    REQUIRE(r.ok());
    CHECK(r.freq_ppm == -12.345);
    CHECK(r.message.empty());
    CHECK(read("  \t 7.5 trailing words\nsecond line\n").freq_ppm == 7.5);
    CHECK(read("+3.25").freq_ppm == 3.25);
    CHECK(read("1e2\n").freq_ppm == 100);
    CHECK(read("-500.000\n").ok());
    CHECK(read("42").ok());  // no newline
    CHECK(read("0x10\n").freq_ppm == 16);  // %lf reads hex, as classic does
}

TEST_CASE("an unparsable drift file gives the classic format error") {
    TestDir dir;
    auto path = dir.file("drift");
    for (const char* text : {"", "\n", "abc", "drift 1.0", "+-1", "nan", "inf", "1e999"}) {
        INFO("contents: " << text);
        write_text(path, text);
        auto r = read_drift_file(path);
        CHECK(r.status == Status::format_error);
        CHECK(r.message == "format error frequency file " + path);
        CHECK(r.severity == Severity::error);
    }
}

TEST_CASE("values beyond +-500 ppm are rejected with a warning") {
    TestDir dir;
    auto path = dir.file("drift");
    write_text(path, "612.5\n");
    auto r = read_drift_file(path);
    CHECK(r.status == Status::out_of_range);
    CHECK_FALSE(r.ok());
    CHECK(r.message ==
          "frequency file " + path + ": 612.500 PPM exceeds tolerance 500 PPM, ignored");
    CHECK(r.severity == Severity::warning);
    write_text(path, "-500.001\n");
    CHECK(read_drift_file(path).status == Status::out_of_range);
}

TEST_CASE("a missing drift file is silent; an unreadable one warns") {
    TestDir dir;
    auto r = read_drift_file(dir.file("none"));
    CHECK(r.status == Status::missing);
    CHECK(r.message.empty());

    r = read_drift_file(dir.path());  // a directory
    CHECK(r.status == Status::unreadable);
    CHECK(r.message == "frequency file " + dir.path() + ": Is a directory");
}

TEST_CASE("writing replaces the file through .TEMP and leaves nothing behind") {
    TestDir dir;
    auto path = dir.file("drift");
    auto w = write_drift_file(path, -12.3456);
    CHECK(w.ok);
    CHECK(w.message.empty());
    CHECK(read_text(path) == "-12.346\n");
    CHECK_FALSE(std::filesystem::exists(path + ".TEMP"));
    CHECK(write_drift_file(path, 3).ok);
    CHECK(read_text(path) == "3.000\n");
    CHECK(read_drift_file(path).freq_ppm == 3.0);
    CHECK(std::filesystem::directory_iterator(dir.path()) != std::filesystem::directory_iterator());
    int entries = 0;
    for (auto& e : std::filesystem::directory_iterator(dir.path())) {
        (void)e;
        ++entries;
    }
    CHECK(entries == 1);
}

TEST_CASE("when the temporary file cannot be created the old file stays") {
    TestDir dir;
    auto path = dir.file("drift");
    write_text(path, "1.500\n");
    // A directory squatting on the temporary name makes the create fail.
    std::filesystem::create_directory(path + ".TEMP");
    auto w = write_drift_file(path, 9);
    CHECK_FALSE(w.ok);
    CHECK(w.message == "frequency file " + path + ".TEMP: Is a directory");
    CHECK(w.severity == Severity::error);
    CHECK(read_text(path) == "1.500\n");

    auto missing_dir = dir.file("nope/drift");
    w = write_drift_file(missing_dir, 9);
    CHECK(w.message == "frequency file " + missing_dir + ".TEMP: No such file or directory");
}

TEST_CASE("a failed rename gives the classic warning and removes the temporary file") {
    TestDir dir;
    auto path = dir.file("drift");
    std::filesystem::create_directory(path);
    write_text(path + "/keep", "x");  // a non-empty directory cannot be renamed over
    auto w = write_drift_file(path, 9);
    CHECK_FALSE(w.ok);
    CHECK(w.message ==
          "Unable to rename temp drift file " + path + ".TEMP to " + path + ", Is a directory");
    CHECK(w.severity == Severity::warning);
    CHECK_FALSE(std::filesystem::exists(path + ".TEMP"));
    CHECK(read_text(path + "/keep") == "x");
}

TEST_CASE("the first hourly check always writes, even the initial value") {
    DriftWritePolicy policy(1000);
    CHECK(policy.next_check_s() == 4600);
    CHECK_FALSE(policy.should_write(1000, 0));
    CHECK_FALSE(policy.should_write(4599, 0));
    CHECK(policy.should_write(4600, 0));
    CHECK(policy.next_check_s() == 8200);
    CHECK(policy.wander_residual_ppm() == Approx(0.1));
    CHECK_FALSE(policy.should_write(4601, 50));  // not yet time, whatever the change
}

TEST_CASE("a steady frequency halves the residual each hour until a change exceeds it") {
    DriftWritePolicy policy(0);
    REQUIRE(policy.should_write(3600, 10.0));
    CHECK_FALSE(policy.should_write(7200, 10.05));  // 0.05 < 0.1
    CHECK(policy.wander_residual_ppm() == Approx(0.05));
    CHECK_FALSE(policy.should_write(10800, 10.04));  // 0.04 < 0.05
    CHECK(policy.wander_residual_ppm() == Approx(0.025));
    CHECK(policy.should_write(14400, 10.03));            // 0.03 >= 0.025
    CHECK(policy.wander_residual_ppm() == Approx(0.1));  // back to the threshold
    CHECK_FALSE(policy.should_write(18000, 10.03));
}

TEST_CASE("a custom wander threshold and missed checks collapse into one") {
    DriftWritePolicy policy(0, 1.0);
    REQUIRE(policy.should_write(3600, 0));
    CHECK_FALSE(policy.should_write(7200, 0.9));
    // The machine slept for ten hours: one check now, the next an hour on.
    CHECK(policy.should_write(7200 + 36000 + 5, 5));
    CHECK(policy.next_check_s() == 7200 + 36000 + 3600);
}

TEST_CASE("a FIFO at the drift file path is refused without blocking") {
    TestDir dir;
    const auto path = dir.file("drift");
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    // Nobody writes to the FIFO: a blocking open would never return.
    const auto r = read_drift_file(path);
    CHECK(r.status == Status::unreadable);
    CHECK(r.message == "frequency file " + path + ": not a regular file, ignored");

    const auto w = write_drift_file(path, 1.5);
    CHECK_FALSE(w.ok);
    CHECK(w.message == "frequency file " + path + ": not a regular file, not written");
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));  // not replaced
}

TEST_CASE("a FIFO at the temporary path is refused without blocking") {
    TestDir dir;
    const auto path = dir.file("drift");
    REQUIRE(::mkfifo((path + ".TEMP").c_str(), 0600) == 0);
    const auto w = write_drift_file(path, 1.5);
    CHECK_FALSE(w.ok);
    CHECK(w.message == "frequency file " + path + ".TEMP: not a regular file, not written");
    CHECK_FALSE(std::filesystem::exists(path));
}
