#pragma once
// ntp-keygen -M: the symmetric keys file as classic ntp-keygen writes it.
//
//   # ntpkey_MD5key_HOST.STAMP
//   # Mon Dec  7 13:49:25 2026
//   (blank line)
//    1 MD5 rb:+/6vH4WzQqYi%_Mc2  # MD5 key        keys 1..10: 20 printable
//   ...                                            ASCII characters, no '#'
//   11 SHA1 a4974f6e...b6967667  # SHA1 key       keys 11..20: 20 octets in hex
//
// STAMP is the NTP seconds of the creation time. Random octets come from the
// caller (OpenSSL RAND_bytes in the program, fixed ones in tests).

#include <cstdint>
#include <ctime>
#include <functional>
#include <string>

namespace keygen {

// Fills `out` with one random octet; false when the source failed.
using RandomOctet = std::function<bool(std::uint8_t& out)>;

// "ntpkey_MD5key_HOST.STAMP" for a creation time in Unix seconds.
std::string md5_file_name(const std::string& host, std::time_t created);

// The whole file; empty when the random source failed.
std::string md5_keys_text(const std::string& file_name, std::time_t created, const RandomOctet& random);

}  // namespace keygen
