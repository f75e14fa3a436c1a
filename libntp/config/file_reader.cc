#include "libntp/config/file_reader.hh"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "libntp/io/unique_fd.hh"

namespace ntp::config {

namespace {

FileContent failure(int err) {
    FileContent c;
    c.error = std::strerror(err);
    return c;
}

}  // namespace

FileReader disk_file_reader(std::size_t max_bytes) {
    return [max_bytes](const std::string& path) -> FileContent {
        io::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
        if (!fd) return failure(errno);
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0) return failure(errno);
        if (S_ISDIR(st.st_mode)) return failure(EISDIR);
        // Regular files and character devices (/dev/null as an empty include)
        // only: a FIFO could block start-up forever.
        if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) return failure(EINVAL);
        FileContent c;
        char buf[65536];
        for (;;) {
            const ssize_t n = ::read(fd.get(), buf, sizeof buf);
            if (n < 0) {
                if (errno == EINTR) continue;
                return failure(errno);
            }
            if (n == 0) break;
            if (c.text.size() + static_cast<std::size_t>(n) > max_bytes) return failure(EFBIG);
            c.text.append(buf, static_cast<std::size_t>(n));
        }
        c.ok = true;
        return c;
    };
}

}  // namespace ntp::config
