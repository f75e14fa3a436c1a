#pragma once
// ntpstat: what the classic C program (G. Richard Keech, 2001) prints for
// one mode 6 READVAR reply, as pure functions so every line and exit code is
// unit tested.
//
//   exit 0  synchronised        "synchronised to NTP server (ADDR) at stratum N "
//   exit 1  not synchronised, or a value is missing
//   exit 2  no usable reply     (stderr only)

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ntpstat {

// The 576-octet request of the original: VN 2 mode 6 (0x16), READVAR (0x02),
// sequence 1, association 0, count 0, the rest zero.
std::vector<std::uint8_t> request();

struct Report {
    std::string out;   // stdout
    std::string err;   // stderr
    int exit_code = 2;
};

// Interprets the first reply datagram (header and payload as received).
Report interpret(std::span<const std::uint8_t> reply);

// Reports for transport failures, with the original's messages.
Report timeout();          // no reply within 1 s: "timeout"
Report unreachable();      // recv error (ECONNREFUSED...): "Unable to talk to NTP daemon. Is it running?"
Report failure(const std::string& message);  // socket/connect/send failures

}  // namespace ntpstat
