#include "ntpd/refclock/shm.hh"

#include <sys/ipc.h>
#include <sys/shm.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace ntpd::refclock {

int shm_permissions(int unit, int mode) { return unit >= 2 && (mode & 1) == 0 ? 0666 : 0600; }

ShmLimits shm_limits(const DriverConfig& c) {
    ShmLimits l;
    if (c.flag[0]) l.max_delta_s = 0;
    else if (c.time2_s < 1 || c.time2_s > 86400) l.max_delta_s = 4 * 3600;
    else l.max_delta_s = static_cast<long>(std::floor(c.time2_s + 0.5));
    return l;
}

ShmReading read_segment(volatile ShmTime& shm) {
    ShmReading r;
    if (shm.valid == 0) return r;
    const int count = shm.count;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    ShmTime copy;
    std::memcpy(&copy, const_cast<const ShmTime*>(&shm), sizeof copy);
    shm.valid = 0;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (copy.mode > 0 && count != shm.count) {
        r.status = ShmStatus::clash;
        return r;
    }
    r.mode = copy.mode;
    r.leap = copy.leap;
    r.precision = copy.precision;
    if (copy.mode != 0 && copy.mode != 1) {
        r.status = ShmStatus::bad_mode;
        return r;
    }
    r.status = ShmStatus::ok;
    r.clock = {copy.clock_sec, static_cast<long>(copy.clock_usec) * 1000};
    r.receive = {copy.receive_sec, static_cast<long>(copy.receive_usec) * 1000};
    // The nanosecond fields count when the microsecond ones are their
    // truncation (unsigned arithmetic: an underflow is far above 1000).
    if (copy.clock_nsec - static_cast<unsigned>(r.clock.tv_nsec) < 1000 &&
        copy.receive_nsec - static_cast<unsigned>(r.receive.tv_nsec) < 1000) {
        r.clock.tv_nsec = copy.clock_nsec;
        r.receive.tv_nsec = copy.receive_nsec;
    }
    return r;
}

std::string check_reading(const ShmReading& r, const timespec& now, const ShmLimits& limits) {
    const long long delay = static_cast<long long>(now.tv_sec) - r.receive.tv_sec;
    if (delay < 0 || delay > limits.max_delay_s)
        return "SHM: stale/bad receive time, delay=" + std::to_string(delay) + "s";
    long long delta = static_cast<long long>(r.receive.tv_sec) - r.clock.tv_sec -
                      (r.receive.tv_nsec < r.clock.tv_nsec ? 1 : 0);
    if (delta < 0) delta = -delta;
    if (limits.max_delta_s > 0 && delta > limits.max_delta_s)
        return "SHM: difference limit exceeded, delta=" + std::to_string(delta) + "s";
    return {};
}

std::string iso_timecode(const timespec& t) {
    std::tm tm{};
    const time_t s = t.tv_sec;
    gmtime_r(&s, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long>(t.tv_nsec));
    return buf;
}

ShmDriver::ShmDriver(DriverConfig config) : Driver(std::move(config)), limits_(shm_limits(this->config())) {
    set_precision(-1);
    attach();
}

ShmDriver::~ShmDriver() {
    if (shm_) ::shmdt(shm_);
}

bool ShmDriver::attach() {
    const int unit = config().unit;
    const int id = ::shmget(static_cast<key_t>(shm_key_base + unit), sizeof(ShmTime),
                            IPC_CREAT | shm_permissions(unit, config().mode));
    void* p = id == -1 ? reinterpret_cast<void*>(-1) : ::shmat(id, nullptr, 0);
    if (p == reinterpret_cast<void*>(-1)) {
        if (!attach_failed_logged_)
            log("SHM " + std::string(id == -1 ? "shmget" : "shmat") + " (unit " + std::to_string(unit) +
                "): " + std::strerror(errno));
        attach_failed_logged_ = true;
        return false;
    }
    shm_ = static_cast<ShmTime*>(p);
    // As classic: announce what we expect of the writer.
    shm_->precision = -1;
    shm_->valid = 0;
    shm_->nsamples = 3;
    return true;
}

void ShmDriver::timer(const timespec& now) {
    ++ticks_;
    if (!shm_ && !attach()) return;
    const ShmReading r = read_segment(*shm_);
    switch (r.status) {
    case ShmStatus::not_ready: ++notready_; return;
    case ShmStatus::bad_mode:
        ++bad_;
        log("SHM: bad mode found in shared memory: " + std::to_string(r.mode));
        return;
    case ShmStatus::clash:
        ++clash_;
        log("SHM: access clash in shared memory");
        return;
    case ShmStatus::ok: break;
    }
    set_timecode(iso_timecode(r.clock));
    const std::string problem = check_reading(r, now, limits_);
    if (!problem.empty()) {
        ++bad_;
        log(problem);
        return;
    }
    set_precision(r.precision);
    add_timecode(r.clock, r.receive, r.leap);
    ++good_;
}

void ShmDriver::poll(const timespec& now) {
    (void)now;
    // The dominant reason when nothing came (classic shm_poll).
    const int major = std::max({notready_, bad_, clash_});
    if (!shm_) silence_ = ClockEvent::fault;
    else if (major == clash_ && clash_ > 0) silence_ = ClockEvent::propagation;
    else if (major == bad_ && bad_ > 0) silence_ = ClockEvent::bad_reply;
    else silence_ = ClockEvent::timeout;
    if (config().flag[3]) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%3d %3d %3d %3d %3d", ticks_, good_, notready_, bad_, clash_);
        clockstats(buf);
    }
    ticks_ = good_ = notready_ = bad_ = clash_ = 0;
}

}  // namespace ntpd::refclock
