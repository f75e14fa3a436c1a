#include "libntp/clock/rtc_device.hh"

#include <fcntl.h>
#include <linux/rtc.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "libntp/io/unique_fd.hh"

namespace ntp::clock {

namespace {

class LinuxRtcDevice final : public RtcDevice {
  public:
    LinuxRtcDevice(std::string path, io::UniqueFd fd)
        : path_(std::move(path)), fd_(std::move(fd)) {}

    const std::string& path() const override { return path_; }

    std::string driver_name() override {
        // /dev/rtc is often a symlink; the character device numbers lead to
        // the class device whatever name it was opened by.
        struct stat st {};
        if (::fstat(fd_.get(), &st) != 0 || !S_ISCHR(st.st_mode)) return "";
        std::ifstream in("/sys/dev/char/" + std::to_string(major(st.st_rdev)) + ":" +
                         std::to_string(minor(st.st_rdev)) + "/name");
        std::string name;
        std::getline(in, name);
        return name;
    }

    RtcReadResult read() override {
        rtc_time rt{};
        RtcReadResult r;
        if (::ioctl(fd_.get(), RTC_RD_TIME, &rt) != 0) {
            r.error = "ioctl(RTC_RD_TIME) to " + path_ +
                      " to read the time failed: " + std::strerror(errno);
            return r;
        }
        RtcTime t;
        t.year = rt.tm_year + 1900;
        t.month = rt.tm_mon + 1;
        t.day = rt.tm_mday;
        t.hour = rt.tm_hour;
        t.minute = rt.tm_min;
        t.second = rt.tm_sec;
        t.weekday = rt.tm_wday;
        t.yearday = rt.tm_yday;
        r.time = t;
        return r;
    }

    ClockResult set(const RtcTime& t) override {
        rtc_time rt{};
        rt.tm_year = t.year - 1900;
        rt.tm_mon = t.month - 1;
        rt.tm_mday = t.day;
        rt.tm_hour = t.hour;
        rt.tm_min = t.minute;
        rt.tm_sec = t.second;
        rt.tm_wday = t.weekday;
        rt.tm_yday = t.yearday;
        rt.tm_isdst = 0;
        if (::ioctl(fd_.get(), RTC_SET_TIME, &rt) != 0) {
            return ClockResult::failure("ioctl(RTC_SET_TIME) to " + path_ +
                                        " to set the time failed: " + std::strerror(errno));
        }
        return ClockResult::success();
    }

  private:
    std::string path_;
    io::UniqueFd fd_;
};

}  // namespace

std::unique_ptr<RtcDevice> open_linux_rtc(const std::string& path, int& error_number) {
    io::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        error_number = errno;
        return nullptr;
    }
    return std::make_unique<LinuxRtcDevice>(path, std::move(fd));
}

RtcOpenResult open_rtc(const std::optional<std::string>& path, const RtcOpener& opener) {
    RtcOpenResult r;
    int error_number = 0;
    if (path) {
        r.device = opener(*path, error_number);
        if (!r.device) r.error = "cannot open " + *path + ": " + std::strerror(error_number);
        return r;
    }
    for (const char* candidate : kRtcSearchOrder) {
        error_number = 0;
        r.device = opener(candidate, error_number);
        if (r.device) return r;
        if (error_number != ENOENT && error_number != ENODEV) {
            r.error = std::string("cannot open ") + candidate + ": " + std::strerror(error_number);
            return r;
        }
    }
    std::string tried;
    for (const char* candidate : kRtcSearchOrder) {
        tried += tried.empty() ? "" : ", ";
        tried += candidate;
    }
    r.error = "Cannot access the Hardware Clock via any known method (no " + tried + ")";
    return r;
}

}  // namespace ntp::clock
