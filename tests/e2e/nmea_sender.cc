// tests/e2e/nmea_sender: an NMEA GPS receiver on a pseudo-terminal, for the
// NMEA refclock e2e test.
//
//   nmea_sender --link PATH [--offset S] [--delay S] [--seconds N] [--talker GN]
//
// Opens a pty, makes PATH a symlink to its slave side and, once a second for
// N seconds (default 60, at most 3600), writes "$<talker>RMC" and "$GPGGA"
// sentences with checksums naming UTC second T, at local time T + delay -
// offset. An ntpd reading PATH with fudge time2 = delay shows offset S.
// It keeps the slave open itself so the line stays up between readers.
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

namespace {

std::string with_checksum(const std::string& body) {
    unsigned sum = 0;
    for (std::size_t i = 1; i < body.size(); ++i) sum ^= static_cast<unsigned char>(body[i]);
    char buf[8];
    std::snprintf(buf, sizeof buf, "*%02X\r\n", sum);
    return body + buf;
}

std::string sentences(time_t t, const std::string& talker) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char tod[32], date[32];
    std::snprintf(tod, sizeof tod, "%02d%02d%02d.00", tm.tm_hour, tm.tm_min, tm.tm_sec);
    std::snprintf(date, sizeof date, "%02d%02d%02d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year % 100);
    return with_checksum("$" + talker + "RMC," + tod + ",A,5130.0000,N,00007.5000,W,0.0,0.0," + date + ",,,A") +
           with_checksum(std::string("$GPGGA,") + tod + ",5130.0000,N,00007.5000,W,1,08,0.9,10.0,M,47.0,M,,");
}

void sleep_until(double when) {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    double left = when - (static_cast<double>(now.tv_sec) + now.tv_nsec * 1e-9);
    if (left <= 0) return;
    timespec d{static_cast<time_t>(left), static_cast<long>((left - std::floor(left)) * 1e9)};
    nanosleep(&d, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
    std::string link, talker = "GN";
    double offset = 0, delay = 0.1;
    int seconds = 60;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--link") link = argv[i + 1];
        else if (a == "--offset") offset = std::atof(argv[i + 1]);
        else if (a == "--delay") delay = std::atof(argv[i + 1]);
        else if (a == "--seconds") seconds = std::atoi(argv[i + 1]);
        else if (a == "--talker") talker = argv[i + 1];
    }
    if (link.empty() || seconds <= 0 || seconds > 3600 || talker.size() != 2) {
        std::fprintf(stderr, "usage: nmea_sender --link PATH [--offset S] [--delay S] [--seconds N] [--talker GN]\n");
        return 2;
    }
    const int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
        std::fprintf(stderr, "nmea_sender: pty: %s\n", std::strerror(errno));
        return 1;
    }
    const char* slave_name = ptsname(master);
    const int slave = open(slave_name, O_RDWR | O_NOCTTY);
    termios t{};
    if (slave < 0 || tcgetattr(slave, &t) != 0) {
        std::fprintf(stderr, "nmea_sender: %s: %s\n", slave_name, std::strerror(errno));
        return 1;
    }
    cfmakeraw(&t);
    tcsetattr(slave, TCSANOW, &t);
    unlink(link.c_str());
    if (symlink(slave_name, link.c_str()) != 0) {
        std::fprintf(stderr, "nmea_sender: symlink %s: %s\n", link.c_str(), std::strerror(errno));
        return 1;
    }
    std::printf("nmea_sender: %s -> %s offset %+.3f s delay %.3f s\n", link.c_str(), slave_name, offset, delay);
    std::fflush(stdout);
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    for (int i = 0; i < seconds; ++i) {
        // The next second T whose sending time is still ahead.
        const double base = std::floor(static_cast<double>(now.tv_sec) + now.tv_nsec * 1e-9 - delay + offset) + 1;
        const auto second = static_cast<time_t>(base) + i;
        sleep_until(static_cast<double>(second) + delay - offset);
        const std::string s = sentences(second, talker);
        if (write(master, s.data(), s.size()) < 0) break;
    }
    unlink(link.c_str());
    close(slave);
    close(master);
    return 0;
}
