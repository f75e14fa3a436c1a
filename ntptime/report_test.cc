#include "ntptime/report.hh"

#include <sys/timex.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <ctime>

namespace {

void utc() {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
}

}  // namespace

TEST_CASE("ntptime: state names as classic, unknown ones numbered") {
    CHECK(ntptime::state_name(0) == "OK");
    CHECK(ntptime::state_name(5) == "ERROR");
    CHECK(ntptime::state_name(6) == "TIME-#6");
    CHECK(ntptime::state_name(-1) == "TIME-#-1");
}

TEST_CASE("ntptime: status and mode bits decoded by name") {
    CHECK(ntptime::status_bits(0x40) == "0x40 (UNSYNC)");
    CHECK(ntptime::status_bits(0x2001) == "0x2001 (PLL,NANO)");
    CHECK(ntptime::status_bits(0) == "0x0 ()");
    CHECK(ntptime::status_bits(0xffff) ==
          "0xffff (PLL,PPSFREQ,PPSTIME,FLL,INS,DEL,UNSYNC,FREQHOLD,PPSSIGNAL,PPSJITTER,"
          "PPSWANDER,PPSERROR,CLOCKERR,NANO,MODE,CLK)");
    CHECK(ntptime::mode_bits(0) == "0x0 ()");
    CHECK(ntptime::mode_bits(MOD_FREQUENCY | MOD_STATUS) == "0x12 (FREQUENCY,STATUS)");
    CHECK(ntptime::mode_bits(MOD_TAI) == "0x80 ()");
    CHECK(ntptime::mode_bits(MOD_NANO) == "0x2000 (NANO)");
}

TEST_CASE("ntptime: the ntp_gettime block, microseconds, as classic prints it") {
    utc();
    ntp::clock::NtpGetTime t;
    t.state = 5;
    t.seconds = 1796650000;  // 2026-12-07 13:26:40 UTC
    t.fraction = 41309;
    t.maxerror = 16000000;
    t.esterror = 16000000;
    CHECK(ntptime::gettime_block(t, false, false) ==
          "ntp_gettime() returns code 5 (ERROR)\n"
          "  time eec13290.0a934000  Mon, Dec  7 2026 13:26:40.041, (.041309),\n"
          "  maximum error 16000000 us, estimated error 16000000 us, TAI offset 0\n");
    CHECK(ntptime::gettime_block(t, false, true) ==
          "ntp_gettime() returns code 5 (ERROR)\n"
          "  time eec13290.0a934000  Mon, Dec  7 2026 13:26:40.041, (.041309),\n"
          "  maximum error 16000000 us, estimated error 16000000 us"
          "  ntptime=eec13290.a934000 unixtime=6b16b410.041309 Mon Dec  7 13:26:40 2026\n"
          ", TAI offset 0\n");
}

TEST_CASE("ntptime: nanosecond kernels show nine digits and round at 2^-30") {
    utc();
    ntp::clock::NtpGetTime t;
    t.state = 0;
    t.seconds = 1796650000;
    t.fraction = 999999999;
    t.tai = 37;
    std::string block = ntptime::gettime_block(t, true, false);
    // 999999 us rounds to fraction 0xffffef38 (+2, masked): msec 999.
    CHECK(block.find("time eec13290.ffffef38  Mon, Dec  7 2026 13:26:40.999, (.999999999),") !=
          std::string::npos);
    CHECK(block.find(", TAI offset 37\n") != std::string::npos);
}

TEST_CASE("ntptime: the ntp_adjtime block, PPS lines only with a PPS interval") {
    ntp::clock::KernelTimex tx;
    tx.status = 0x40;
    tx.constant = 2;
    tx.precision = 1;
    tx.tolerance = 500 << 16;
    tx.maxerror = 16000000;
    tx.esterror = 16000000;
    CHECK(ntptime::adjtime_block(5, tx) ==
          "ntp_adjtime() returns code 5 (ERROR)\n"
          "  modes 0x0 (),\n"
          "  offset 0.000 us, frequency 0.000 ppm, interval 1 s,\n"
          "  maximum error 16000000 us, estimated error 16000000 us,\n"
          "  status 0x40 (UNSYNC),\n"
          "  time constant 2, precision 1.000 us, tolerance 500 ppm,\n");
    tx.status = STA_PLL | STA_NANO;
    tx.offset = -12345;
    tx.freq = -(12 << 16) - (1 << 15);
    tx.shift = 2;
    tx.jitter = 1500;
    tx.calcnt = 4;
    std::string block = ntptime::adjtime_block(0, tx);
    CHECK(block.find("  offset -12.345 us, frequency -12.500 ppm, interval 4 s,\n") != std::string::npos);
    CHECK(block.find("  status 0x2001 (PLL,NANO),\n") != std::string::npos);
    CHECK(block.find("  time constant 2, precision 0.001 us, tolerance 500 ppm,\n") != std::string::npos);
    CHECK(block.find("  pps frequency 0.000 ppm, stability 0.000 ppm, jitter 1.500 us,\n"
                     "  intervals 4, jitter exceeded 0, stability exceeded 0, errors 0.\n") !=
          std::string::npos);
}

TEST_CASE("ntptime: the -c line and the refusal text") {
    CHECK(ntptime::cost_line({708721, 708725, 708727, 708729}) == "[ us 708721: 4 2 2 ]\n");
    CHECK(ntptime::adjtime_failure(EPERM) ==
          "Must be root to set kernel values\nntp_adjtime() call fails: Operation not permitted\n");
    CHECK(ntptime::adjtime_failure(EINVAL) == "ntp_adjtime() call fails: Invalid argument\n");
}
