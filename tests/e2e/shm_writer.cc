// tests/e2e/shm_writer: feeds an NTP SHM segment (driver 28) the way gpsd
// does, for the SHM e2e test and `make demo-gps`.
//
//   shm_writer [--unit N] [--offset S] [--mode 0|1] [--leap L]
//              [--precision P] [--seconds N] [--interval-ms M]
//
// Every interval (default 1000 ms) for N seconds (default 60, at most 3600)
// it writes one sample: the receive time is CLOCK_REALTIME now, the clock
// time is now + S (so ntpd should show offset +S). Mode 1 (default) brackets
// the write with count increments; mode 0 only sets `valid` last. The segment
// key is 0x4e545030 + unit; it is created (0666) when ntpd has not yet.
// Run it in the test's own IPC namespace (unshare --ipc): SysV segments are
// per namespace, so nothing is left on the host.
#include <sys/ipc.h>
#include <sys/shm.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

namespace {

// The segment layout every SHM writer and reader agrees on.
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

struct Options {
    int unit = 0;
    double offset_s = 0;
    int mode = 1;
    int leap = 0;
    int precision = -20;
    int seconds = 60;
    int interval_ms = 1000;
};

bool parse(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) return false;
        const char* v = argv[++i];
        if (a == "--unit") o.unit = std::atoi(v);
        else if (a == "--offset") o.offset_s = std::atof(v);
        else if (a == "--mode") o.mode = std::atoi(v);
        else if (a == "--leap") o.leap = std::atoi(v);
        else if (a == "--precision") o.precision = std::atoi(v);
        else if (a == "--seconds") o.seconds = std::atoi(v);
        else if (a == "--interval-ms") o.interval_ms = std::atoi(v);
        else return false;
    }
    return o.unit >= 0 && o.unit < 256 && o.seconds > 0 && o.seconds <= 3600 && o.interval_ms >= 10;
}

void write_sample(ShmTime& shm, const Options& o) {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    const double whole = std::floor(o.offset_s);
    long ns = now.tv_nsec + std::lround((o.offset_s - whole) * 1e9);
    time_t sec = now.tv_sec + static_cast<time_t>(whole);
    while (ns >= 1'000'000'000) {
        ns -= 1'000'000'000;
        ++sec;
    }
    // As gpsd: invalidate, count up, fields, count up, valid last.
    shm.valid = 0;
    shm.mode = o.mode;
    if (o.mode == 1) shm.count = shm.count + 1;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    shm.clock_sec = sec;
    shm.clock_usec = static_cast<int>(ns / 1000);
    shm.clock_nsec = static_cast<unsigned>(ns);
    shm.receive_sec = now.tv_sec;
    shm.receive_usec = static_cast<int>(now.tv_nsec / 1000);
    shm.receive_nsec = static_cast<unsigned>(now.tv_nsec);
    shm.leap = o.leap;
    shm.precision = o.precision;
    shm.nsamples = 3;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (o.mode == 1) shm.count = shm.count + 1;
    shm.valid = 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse(argc, argv, o)) {
        std::fprintf(stderr,
                     "usage: shm_writer [--unit N] [--offset S] [--mode 0|1] [--leap L] [--precision P] "
                     "[--seconds N] [--interval-ms M]\n");
        return 2;
    }
    const int id = shmget(static_cast<key_t>(0x4e545030 + o.unit), sizeof(ShmTime), IPC_CREAT | 0666);
    if (id == -1) {
        std::fprintf(stderr, "shm_writer: shmget: %s\n", std::strerror(errno));
        return 1;
    }
    void* p = shmat(id, nullptr, 0);
    if (p == reinterpret_cast<void*>(-1)) {
        std::fprintf(stderr, "shm_writer: shmat: %s\n", std::strerror(errno));
        return 1;
    }
    auto& shm = *static_cast<ShmTime*>(p);
    std::printf("shm_writer: unit %d key 0x%08x offset %+.6f s mode %d\n", o.unit, 0x4e545030 + o.unit,
                o.offset_s, o.mode);
    std::fflush(stdout);
    const long rounds = static_cast<long>(o.seconds) * 1000 / o.interval_ms;
    for (long i = 0; i < rounds; ++i) {
        write_sample(shm, o);
        const timespec pause{o.interval_ms / 1000, static_cast<long>(o.interval_ms % 1000) * 1'000'000};
        nanosleep(&pause, nullptr);
    }
    shmdt(p);
    return 0;
}
