#pragma once
// The classic ntpd keys file (ntp.conf.md section 6.3):
//
//   # comment
//   keyid  type  key  [ip[/bits][,ip[/bits]...]]
//
// keyid 1..65535; type an OpenSSL digest name, AES128CMAC, or 'M' (MD5); key
// of <= 20 characters used literally as ASCII, longer ones read as hex (at most
// 64 digits = 32 octets; an odd last digit is dropped as classic ntpd does).
//
// Like classic ntpd 4.2.8 (`authreadkeys`): any error rejects the whole file
// (the caller keeps the keys it had); reading stops after more than 15 errors
// ("emergency break"). A type OpenSSL does not know is only a warning: that
// key is skipped. Message texts follow classic ntpd's.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "libntp/auth/key_store.hh"

namespace ntp::auth {

struct KeysDiagnostic {
    enum class Level { warning, error };
    Level level = Level::error;
    std::string file;
    unsigned line = 0;    // 1-based
    unsigned column = 0;  // 1-based, of the offending token
    std::string message;  // e.g. "invalid hex digit for key 5"

    // "FILE:LINE:COL: error: MESSAGE"
    std::string to_string() const;
};

struct KeysFileResult {
    std::vector<Key> keys;  // in file order; empty when rejected
    std::vector<KeysDiagnostic> diagnostics;
    unsigned error_count = 0;
    bool readable = true;   // false: the file could not be read (see verdict)

    bool rejected() const { return !readable || error_count > 0; }
    // Classic syslog text for a rejected file, empty when accepted:
    //   "authreadkeys: file 'F': No such file or directory"
    //   "authreadkeys: rejecting file 'F' after 2 error(s)"
    //   "authreadkeys: rejecting file 'F' after 16 error(s) (emergency break)"
    std::string verdict;
};

inline constexpr unsigned keys_file_max_errors = 15;  // classic nerr_maxlimit

// Parses file contents; `file_name` is used in diagnostics only.
KeysFileResult parse_keys(std::string_view text, std::string_view file_name);

// Reads and parses `path`. Start-up code; never throws.
KeysFileResult read_keys_file(const std::string& path);

}  // namespace ntp::auth
