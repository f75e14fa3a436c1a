#include "libntp/clock/drift_file.hh"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "libntp/clock/atomic_file.hh"
#include "libntp/io/unique_fd.hh"

namespace ntp::clock {

namespace {

constexpr size_t kMaxReadBytes = 4096;  // one number; the rest is ignored anyway

bool is_c_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// The first number of `text` as fscanf("%lf") would take it.
std::optional<double> parse_first_number(std::string_view text) {
    size_t i = 0;
    while (i < text.size() && is_c_space(text[i])) ++i;
    if (i < text.size() && text[i] == '+') {
        ++i;
        if (i < text.size() && text[i] == '-') return std::nullopt;
    }
    // strtod, like %lf, also takes hex ("0x10" is 16) and C-locale decimals
    // (the daemon never calls setlocale).
    const std::string copy(text.substr(i));
    char* end = nullptr;
    const double value = std::strtod(copy.c_str(), &end);
    if (end == copy.c_str()) return std::nullopt;
    return value;
}

DriftReadResult read_failure(DriftReadResult::Status status, std::string message,
                             util::Severity severity) {
    DriftReadResult r;
    r.status = status;
    r.message = std::move(message);
    r.severity = severity;
    return r;
}

}  // namespace

DriftReadResult read_drift_file(const std::string& path) {
    using Status = DriftReadResult::Status;
    // O_NONBLOCK: a FIFO (or a device) at the path must not block the
    // daemon's start until someone writes to it; it is refused below.
    io::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd) {
        // A missing file is the normal first start: silent, like classic.
        if (errno == ENOENT) return read_failure(Status::missing, "", util::Severity::info);
        return read_failure(Status::unreadable,
                            "frequency file " + path + ": " + std::strerror(errno),
                            util::Severity::warning);
    }
    struct stat st {};
    // A directory keeps the classic wording (read() says EISDIR below).
    if (::fstat(fd.get(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        return read_failure(Status::unreadable, "frequency file " + path + ": not a regular file, ignored",
                            util::Severity::warning);
    }
    std::string text(kMaxReadBytes, '\0');
    size_t used = 0;
    while (used < text.size()) {
        ssize_t n = ::read(fd.get(), text.data() + used, text.size() - used);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            return read_failure(Status::unreadable,
                                "frequency file " + path + ": " + std::strerror(errno),
                                util::Severity::warning);
        }
        if (n == 0) break;
        used += static_cast<size_t>(n);
    }
    text.resize(used);

    auto value = parse_first_number(text);
    if (!value || !std::isfinite(*value)) {
        return read_failure(Status::format_error, "format error frequency file " + path,
                            util::Severity::error);
    }
    if (std::fabs(*value) > kMaxDrift_ppm) {
        // Classic ntpd would load it and clamp at loop start; a value this far
        // out means a damaged file or a broken clock, so start from scratch.
        char shown[64];
        std::snprintf(shown, sizeof shown, "%.3f", *value);
        return read_failure(
            Status::out_of_range,
            "frequency file " + path + ": " + shown + " PPM exceeds tolerance 500 PPM, ignored",
            util::Severity::warning);
    }
    DriftReadResult r;
    r.status = Status::ok;
    r.freq_ppm = *value;
    return r;
}

std::string format_drift(double freq_ppm) {
    char buf[64];
    auto [end, ec] =
        std::to_chars(buf, buf + sizeof buf - 1, freq_ppm, std::chars_format::fixed, 3);
    if (ec != std::errc()) return "0.000\n";  // only for absurd values; never for |x| <= 500
    *end++ = '\n';
    return std::string(buf, end);
}

DriftWriteResult write_drift_file(const std::string& path, double freq_ppm) {
    using Stage = AtomicWriteResult::Stage;
    const std::string temp_path = path + ".TEMP";
    for (const std::string& p : {path, temp_path}) {
        // Never replace (nor write into) a FIFO or device the administrator
        // put there (a directory fails below, in classic's words).
        struct stat st {};
        if (::stat(p.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
            DriftWriteResult r;
            r.ok = false;
            r.message = "frequency file " + p + ": not a regular file, not written";
            r.severity = util::Severity::error;
            return r;
        }
    }
    AtomicWriteResult w = write_file_atomically(path, temp_path, format_drift(freq_ppm));
    DriftWriteResult r;
    r.ok = w.replaced;
    switch (w.stage) {
        case Stage::none:
            break;
        case Stage::create:
        case Stage::write:
        case Stage::sync:
        case Stage::close:
            r.message = "frequency file " + temp_path + ": " + std::strerror(w.error_number);
            r.severity = util::Severity::error;
            break;
        case Stage::rename:
            r.message = "Unable to rename temp drift file " + temp_path + " to " + path + ", " +
                        std::strerror(w.error_number);
            r.severity = util::Severity::warning;
            break;
        case Stage::sync_directory:
            r.message = "frequency file " + path + ": cannot sync directory " + directory_of(path) +
                        ": " + std::strerror(w.error_number);
            r.severity = util::Severity::warning;
            break;
    }
    return r;
}

DriftWritePolicy::DriftWritePolicy(double start_s, double wander_threshold_ppm)
    : threshold_ppm_(wander_threshold_ppm), next_check_s_(start_s + kCheckInterval_s) {}

bool DriftWritePolicy::should_write(double now_s, double freq_ppm) {
    if (now_s < next_check_s_) return false;
    next_check_s_ +=
        kCheckInterval_s * (std::floor((now_s - next_check_s_) / kCheckInterval_s) + 1);

    if (std::fabs(last_written_ppm_ - freq_ppm) < residual_ppm_) {
        residual_ppm_ *= 0.5;
        return false;
    }
    // Like classic, the value counts as written even if the write then fails;
    // the next attempt follows the normal cadence instead of hammering a full disk.
    last_written_ppm_ = freq_ppm;
    residual_ppm_ = threshold_ppm_;
    return true;
}

}  // namespace ntp::clock
