// A small driver for the drift file code, so shell tests can exercise it on
// real filesystems (a full tmpfs, a read-only mount) without starting ntpd.
//
//   drift_write_tool write PATH PPM   exit 0 when the file holds the value
//   drift_write_tool read PATH        prints the value ("%.3f") or the message
//   drift_write_tool write-loop PATH PPM1 PPM2
//                                     writes PPM1, PPM2, PPM1, ... until killed
//                                     (fault_drift_kill.sh SIGKILLs it mid-write);
//                                     prints "ready" once the first write is done
//                                     and exits 1 if a write fails
//
// Messages are printed to stdout exactly as the daemon would log them, one
// per line, so the test can check there is exactly one.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "libntp/clock/drift_file.hh"

namespace {

int usage() {
    std::fprintf(stderr, "usage: drift_write_tool write PATH PPM | read PATH | write-loop PATH PPM1 PPM2\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) return usage();
    const std::string command = argv[1];
    const std::string path = argv[2];
    if (command == "write" && argc == 4) {
        char* end = nullptr;
        double ppm = std::strtod(argv[3], &end);
        if (end == argv[3] || *end != '\0') return usage();
        auto result = ntp::clock::write_drift_file(path, ppm);
        if (!result.message.empty()) std::printf("%s\n", result.message.c_str());
        return result.ok ? 0 : 1;
    }
    if (command == "write-loop" && argc == 5) {
        double ppm[2];
        for (int i = 0; i < 2; ++i) {
            char* end = nullptr;
            ppm[i] = std::strtod(argv[3 + i], &end);
            if (end == argv[3 + i] || *end != '\0') return usage();
        }
        for (unsigned long n = 0;; ++n) {
            auto result = ntp::clock::write_drift_file(path, ppm[n % 2]);
            if (!result.ok) {
                std::printf("%s\n", result.message.c_str());
                return 1;
            }
            if (n == 0) {
                std::printf("ready\n");
                std::fflush(stdout);
            }
        }
    }
    if (command == "read" && argc == 3) {
        auto result = ntp::clock::read_drift_file(path);
        if (!result.ok()) {
            if (!result.message.empty()) std::printf("%s\n", result.message.c_str());
            return 1;
        }
        std::printf("%.3f\n", result.freq_ppm);
        return 0;
    }
    return usage();
}
