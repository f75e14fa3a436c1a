#include "ntpd/refclock/factory.hh"

#include "libntp/config/address.hh"
#include "ntpd/refclock/nmea.hh"
#include "ntpd/refclock/shm.hh"

namespace ntpd::refclock {

std::unique_ptr<Driver> DeviceDrivers::create(const DriverConfig& config, std::string& error) {
    if (!ntp::config::refclock_runs(config.type)) {
        error = "reference clock driver " + std::to_string(config.type) + " is not supported";
        return nullptr;
    }
    switch (config.type) {
    case shm_driver_type: return std::make_unique<ShmDriver>(config);
    case nmea_driver_type: return std::make_unique<NmeaDriver>(config, watcher_, now_);
    default: break;
    }
    error = "reference clock driver " + std::to_string(config.type) + " is not supported";
    return nullptr;
}

}  // namespace ntpd::refclock
