#include "ntpstat/report.hh"

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "libntp/wire/mode6.hh"

namespace ntpstat {
namespace {

constexpr std::uint8_t b1_value = 0x16;   // VN 2, mode 6
constexpr std::uint8_t b2_value = 0x02;   // READVAR
constexpr std::uint8_t response_bit = 0x80;
constexpr std::uint8_t more_bit = 0x20;
constexpr std::size_t header_len = 12;
constexpr std::size_t payload_len = 468;
constexpr std::size_t request_len = 576;  // header + payload + 96 octets of authenticator

constexpr const char* source_names[] = {"unspecified", "atomic clock", "VLF radio", "HF radio",
                                        "UHF radio",   "local net",    "NTP server", "UDP/TIME",
                                        "wristwatch",  "modem"};

// The original finds each value with strstr() on the payload (first match
// anywhere, so "tc=" could also match inside another name) and cuts it at
// the next comma with strtok() (which skips leading commas).
struct Field {
    bool found = false;
    std::string value;
};

Field find(std::string_view payload, std::string_view key) {
    Field f;
    const auto at = payload.find(key);
    if (at == std::string_view::npos) return f;
    f.found = true;
    auto rest = payload.substr(at + key.size());
    while (!rest.empty() && rest.front() == ',') rest.remove_prefix(1);
    f.value = std::string(rest.substr(0, rest.find(',')));
    return f;
}

}  // namespace

std::vector<std::uint8_t> request() {
    namespace m6 = ntp::wire::mode6;
    m6::Header h;
    h.version = 2;
    h.opcode = static_cast<std::uint8_t>(m6::Opcode::read_var);
    h.sequence = 1;
    auto r = m6::encode_message(h, std::string_view{});
    r.resize(request_len, 0);  // the original sends its whole zeroed buffer
    return r;
}

Report timeout() { return {"", "timeout\n", 2}; }
Report unreachable() { return {"", "Unable to talk to NTP daemon. Is it running?\n", 2}; }
Report failure(const std::string& message) { return {"", message + "\n", 2}; }

Report interpret(std::span<const std::uint8_t> reply) {
    Report r;
    std::uint8_t h[header_len] = {};
    for (std::size_t i = 0; i < header_len && i < reply.size(); ++i) h[i] = reply[i];
    const bool byte1_ok = (h[0] & 0x3f) == b1_value;
    const bool byte2_ok = (h[1] & ~more_bit & 0xff) == (b2_value | response_bit);
    if (!byte1_ok || !byte2_ok) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "status word is 0x%02x%02x\n", h[0], h[1]);
        r.err = std::string(buf) + "return data appears to be invalid based on status word\n";
        r.exit_code = 2;
        return r;
    }
    // The payload as the original sees it: at most 468 octets, up to a NUL.
    std::string_view payload;
    if (reply.size() > header_len) {
        payload = std::string_view(reinterpret_cast<const char*>(reply.data()) + header_len,
                                   std::min(reply.size() - header_len, payload_len));
        payload = payload.substr(0, payload.find('\0'));
    }
    const std::uint8_t status1 = h[4];
    const std::uint8_t status2 = h[5];
    int rc;
    if ((status1 >> 6) == 3) {
        r.out += "unsynchronised\n";
        // System event 1 (classic freq_not_set); the text is historical.
        if ((status2 & 0x0f) == 1) r.out += "  time server re-starting\n";
        rc = 1;
    } else {
        rc = 0;
        r.out += "synchronised to ";
        const unsigned source = status1 & 0x3f;
        r.out += source < 10 ? source_names[source] : "unknown source";
        if (source == 6) {
            const auto refid = find(payload, "refid=");
            if (!refid.found) {
                rc = 1;
                r.out += " <IP unknown>";
            } else if (refid.value.empty() || refid.value.size() > 16) {
                r.out += " <IP unreadable>";
            } else {
                r.out += " (" + refid.value + ")";
            }
        }
        const auto stratum = find(payload, "stratum=");
        if (!stratum.found) {
            rc = 1;
            r.out += ", stratum unknown\n";
        } else if (stratum.value.empty() || stratum.value.size() > 2) {
            r.out += ", stratum unreadable\n";
        } else {
            r.out += " at stratum " + stratum.value + " \n";
        }
        const auto disp = find(payload, "rootdisp=");
        const auto delay = find(payload, "rootdelay=");
        if (!disp.found || !delay.found) {
            rc = 1;
            r.out += "accuracy unknown\n";
        } else if (disp.value.empty() || disp.value.size() > 10 || delay.value.empty() ||
                   delay.value.size() > 10) {
            r.out += "accuracy unreadable\n";
        } else {
            char buf[64];
            std::snprintf(buf, sizeof buf, "   time correct to within %.0f ms\n",
                          std::atof(disp.value.c_str()) + std::atof(delay.value.c_str()) / 2.0);
            r.out += buf;
        }
    }
    const auto poll = find(payload, "tc=");
    if (!poll.found) {
        rc = 1;
        r.out += "poll interval unknown\n";
    } else if (poll.value.empty() || poll.value.size() > 2) {
        r.out += "poll interval unreadable\n";
    } else {
        // 1 << atoi(): at most two characters, so at most 99; keep it defined.
        const long long exponent = std::atoll(poll.value.c_str());
        const long long seconds = exponent >= 0 && exponent < 63 ? (1LL << exponent) : 0;
        r.out += "   polling server every " + std::to_string(seconds) + " s\n";
    }
    r.exit_code = rc;
    return r;
}

}  // namespace ntpstat
