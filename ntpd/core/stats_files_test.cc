#include "ntpd/core/stats_files.hh"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace fs = std::filesystem;
using namespace ntpd;

namespace {

// 2016-01-27 01:01:01.123 UTC = MJD 57414.
constexpr std::time_t t_2016_01_27 = 1453856461;

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "stats-test.XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("stats time prefix is MJD and seconds of day with milliseconds") {
    CHECK(stats_time_prefix({t_2016_01_27, 123'000'000}) == "57414 3661.123");
    CHECK(stats_time_prefix({0, 0}) == "40587 0.000");
    // Rounding to the millisecond carries into the next day.
    CHECK(stats_time_prefix({86399, 999'600'000}) == "40588 0.000");
    CHECK(stats_time_prefix({86399, 999'400'000}) == "40587 86399.999");
}

TEST_CASE("line bodies follow the classic printf formats") {
    CHECK(loopstats_body(-0.000012345, 12.345, 0.000023456, 0.001234, 6) ==
          "-0.000012345 12.345 0.000023456 0.001234 6");
    CHECK(peerstats_body("192.0.2.10", 0x9614, 0.000123456, 0.012345678, 0.001234567, 0.000234567) ==
          "192.0.2.10 9614 0.000123456 0.012345678 0.001234567 0.000234567");
    CHECK(peerstats_body("127.127.1.0", 0x90, 0, 0, 0.01, 0) ==
          "127.127.1.0 90 0.000000000 0.000000000 0.010000000 0.000000000");
}

TEST_CASE("filegen suffixes by type") {
    const timespec now{t_2016_01_27, 0};
    CHECK(filegen_suffix(FilegenType::none, now, 0, 1) == "");
    CHECK(filegen_suffix(FilegenType::pid, now, 0, 4242) == ".#4242");
    CHECK(filegen_suffix(FilegenType::day, now, 0, 1) == ".20160127");
    CHECK(filegen_suffix(FilegenType::week, now, 0, 1) == ".2016w04");
    CHECK(filegen_suffix(FilegenType::month, now, 0, 1) == ".201601");
    CHECK(filegen_suffix(FilegenType::year, now, 0, 1) == ".2016");
    CHECK(filegen_suffix(FilegenType::age, now, t_2016_01_27 - 90000, 1) == ".a00086400");
    // 2016-01-01 is a Friday: it belongs to ISO week 53 of 2015.
    CHECK(filegen_suffix(FilegenType::week, {1451606400, 0}, 0, 1) == ".2015w53");
}

TEST_CASE("FileGen appends lines, rolls over by day and keeps a hard link") {
    TempDir dir;
    StatsFiles stats(dir.path.string(), {"loopstats", FilegenType::day, true, true},
                     {"peerstats", FilegenType::day, true, false}, {"clockstats", FilegenType::none, false, true},
                     t_2016_01_27, 1);
    std::string error;
    REQUIRE(stats.loop({t_2016_01_27, 123'000'000}, -0.000012345, 12.345, 0.000023456, 0.001234, 6, error));
    REQUIRE(stats.loop({t_2016_01_27 + 1, 0}, 0.001, 1, 0.002, 0.003, 7, error));
    const fs::path day1 = dir.path / "loopstats.20160127";
    CHECK(slurp(day1) ==
          "57414 3661.123 -0.000012345 12.345 0.000023456 0.001234 6\n"
          "57414 3662.000 0.001000000 1.000 0.002000000 0.003000 7\n");
    CHECK(fs::equivalent(day1, dir.path / "loopstats"));

    REQUIRE(stats.loop({t_2016_01_27 + 86400, 0}, 0, 0, 0, 0, 6, error));
    const fs::path day2 = dir.path / "loopstats.20160128";
    CHECK(slurp(day2) == "57415 3661.000 0.000000000 0.000 0.000000000 0.000000 6\n");
    CHECK(fs::equivalent(day2, dir.path / "loopstats"));
    CHECK(slurp(day1).size() > 0);

    // peerstats is disabled: nothing is written, and that is not an error.
    CHECK(stats.peer({t_2016_01_27, 0}, "192.0.2.1", 0x9614, 0, 0, 0, 0, error));
    CHECK_FALSE(fs::exists(dir.path / "peerstats.20160127"));

    // clockstats: address and the driver's text (classic record_clock_stats).
    REQUIRE(stats.clock({t_2016_01_27, 500'000'000}, "127.127.20.0",
                        "$GPRMC,010101.00,A,5130.0000,N,00000.0000,W,0.0,0.0,270116,,,A*7C", error));
    CHECK(slurp(dir.path / "clockstats") ==
          "57414 3661.500 127.127.20.0 $GPRMC,010101.00,A,5130.0000,N,00000.0000,W,0.0,0.0,270116,,,A*7C\n");
}

TEST_CASE("FileGen reports an unwritable directory and recovers later") {
    TempDir dir;
    const fs::path missing = dir.path / "not-yet";
    FileGen gen(missing.string(), {"peerstats", FilegenType::none, false, true}, 0, 1);
    std::string error;
    CHECK_FALSE(gen.write({t_2016_01_27, 0}, "x", error));
    CHECK(error.find("peerstats") != std::string::npos);
    fs::create_directory(missing);
    error.clear();
    CHECK(gen.write({t_2016_01_27, 0}, "x", error));
    CHECK(slurp(missing / "peerstats") == "57414 3661.000 x\n");
}
