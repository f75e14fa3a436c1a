// A small driver for the drift file code, so shell tests can exercise it on
// real filesystems (a full tmpfs, a read-only mount) without starting ntpd.
//
//   drift_write_tool write PATH PPM   exit 0 when the file holds the value
//   drift_write_tool read PATH        prints the value ("%.3f") or the message
//
// Messages are printed to stdout exactly as the daemon would log them, one
// per line, so the test can check there is exactly one.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "libntp/clock/drift_file.hh"

namespace {

int usage() {
    std::fprintf(stderr, "usage: drift_write_tool write PATH PPM | read PATH\n");
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
