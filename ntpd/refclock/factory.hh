#pragma once
// The drivers the daemon runs, behind refclock::DriverFactory: SHM (28),
// NMEA (20), GPSD JSON (46) and PPS (22) where built. The types it creates
// are those ntp::config::refclock_runs() names, so `ntpd --configtest`
// warns exactly about the associations that will not run.

#include <ctime>
#include <functional>
#include <memory>
#include <string>

#include "ntpd/refclock/driver.hh"

namespace ntpd::refclock {

class DeviceDrivers final : public DriverFactory {
public:
    // `watcher` watches the drivers' descriptors (serial lines, sockets);
    // `now` reads the daemon's clock when one is readable.
    DeviceDrivers(FdWatcher& watcher, std::function<timespec()> now)
        : watcher_(watcher), now_(std::move(now)) {}
    std::unique_ptr<Driver> create(const DriverConfig& config, std::string& error) override;

private:
    FdWatcher& watcher_;
    std::function<timespec()> now_;
};

}  // namespace ntpd::refclock
