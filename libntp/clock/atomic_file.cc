#include "libntp/clock/atomic_file.hh"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "libntp/io/unique_fd.hh"

namespace ntp::clock {

namespace {

using Stage = AtomicWriteResult::Stage;

AtomicWriteResult failed(Stage stage, int error_number, bool replaced = false) {
    AtomicWriteResult r;
    r.replaced = replaced;
    r.stage = stage;
    r.error_number = error_number;
    return r;
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

}  // namespace

std::string directory_of(const std::string& path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

AtomicWriteResult write_file_atomically(const std::string& path, const std::string& temp_path,
                                        std::string_view contents, mode_t mode) {
    io::UniqueFd fd(
        ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, mode));
    if (!fd) return failed(Stage::create, errno);
    // O_NONBLOCK: a FIFO left at the temporary path must not stall the
    // caller (the daemon's loop) waiting for a reader; nor is it written.
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return failed(Stage::create, errno);
    if (!S_ISREG(st.st_mode)) return failed(Stage::create, S_ISDIR(st.st_mode) ? EISDIR : EINVAL);

    // Anything that fails before the rename leaves the target as it was and
    // takes the half-written temporary file away again.
    auto abandon = [&](Stage stage) {
        int saved = errno;
        fd.reset();
        ::unlink(temp_path.c_str());
        return failed(stage, saved);
    };
    if (!write_all(fd.get(), contents)) return abandon(Stage::write);
    if (::fsync(fd.get()) != 0) return abandon(Stage::sync);
    // close() can report a deferred write error (NFS, quota): check it.
    if (::close(fd.release()) != 0) {
        int saved = errno;
        ::unlink(temp_path.c_str());
        return failed(Stage::close, saved);
    }
    if (::rename(temp_path.c_str(), path.c_str()) != 0) {
        int saved = errno;
        ::unlink(temp_path.c_str());
        return failed(Stage::rename, saved);
    }

    io::UniqueFd dir(::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return failed(Stage::sync_directory, errno, true);
    if (::fsync(dir.get()) != 0) return failed(Stage::sync_directory, errno, true);

    AtomicWriteResult r;
    r.replaced = true;
    return r;
}

}  // namespace ntp::clock
