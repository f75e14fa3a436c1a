#pragma once
// How the configuration loader reads files (the main file and includefiles).
// The parser itself does no I/O: it calls a FileReader, so unit tests can
// hand it an in-memory file system.

#include <cstddef>
#include <functional>
#include <string>

namespace ntp::config {

struct FileContent {
    bool ok = false;
    std::string text;   // the bytes of the file when ok
    std::string error;  // strerror-style reason when !ok ("No such file or directory")
};

using FileReader = std::function<FileContent(const std::string& path)>;

// Reads real files. Files larger than `max_bytes` are refused ("File too large")
// so a stray `includefile /dev/zero` cannot exhaust memory; non-regular files
// other than character devices are refused too ("Is a directory" ...).
FileReader disk_file_reader(std::size_t max_bytes = 16 * 1024 * 1024);

}  // namespace ntp::config
