#pragma once
// Replace a small file so that a reader sees either the old contents or the
// new, never a mixture or an empty file: write a temporary file, fsync it,
// close it, rename it over the target, fsync the directory.
// Used for the drift file and /etc/adjtime.

#include <sys/types.h>

#include <string>
#include <string_view>

namespace ntp::clock {

struct AtomicWriteResult {
    enum class Stage { none, create, write, sync, close, rename, sync_directory };

    // The target holds the new contents. A failed directory fsync still
    // leaves `replaced` true (the rename happened; only durability is in
    // doubt) with `stage` and `error_number` set.
    bool replaced = false;
    Stage stage = Stage::none;  // where it failed; none on full success
    int error_number = 0;       // errno at that point

    bool ok() const { return stage == Stage::none; }
};

// Writes `contents` to `temp_path` (created or truncated with `mode`, not
// following a symlink there), then renames it onto `path`. On any failure
// before the rename the temporary file is removed and `path` is untouched.
AtomicWriteResult write_file_atomically(const std::string& path, const std::string& temp_path,
                                        std::string_view contents, mode_t mode = 0644);

// The directory part of `path` ("." when there is none, "/" for "/x").
std::string directory_of(const std::string& path);

}  // namespace ntp::clock
