#pragma once
// The system variables of ntpd (RFC 5905 "system process" state): what the
// responder puts in every mode-4 reply, what mode 6 READVAR (assoc 0) and
// `ntpq -c rv` show, and what the event log lines carry in their status word.
//
// The client core (ntpd/core/core.hh) owns one SystemState and updates it at every
// clock update and once per second (root dispersion grows by PHI while no
// update arrives). Everybody else reads it through a const reference; it is a
// plain value so a shell that has no core yet can serve a default-constructed
// one (unsynchronised, stratum 16, refid INIT), which is exactly what classic
// ntpd answers before its first clock update.
//
// Units are in the names. Timestamps are 64-bit NTP timestamps (seconds since
// 1900 in the high 32 bits, binary fraction in the low 32 bits, era 0 bits as
// sent on the wire); 0 means "never".

#include <cstdint>
#include <string_view>

namespace ntpd {

// Leap indicator values as sent on the wire (LI field).
namespace leap {
inline constexpr std::uint8_t none = 0;
inline constexpr std::uint8_t add_second = 1;
inline constexpr std::uint8_t delete_second = 2;
inline constexpr std::uint8_t alarm = 3;  // unsynchronised
}  // namespace leap

inline constexpr int stratum_unsynchronised = 16;

// A refid from up to four ASCII characters ("INIT", "LOCL", "GPS"), NUL
// padded. The value is the big-endian reading of the four wire bytes, so
// `(refid >> 24) & 0xff` is the first byte on the wire.
constexpr std::uint32_t refid_from_text(std::string_view text) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const auto c = i < text.size() ? static_cast<unsigned char>(text[i]) : 0u;
        v = (v << 8) | c;
    }
    return v;
}

// Classic loop-filter states (ntp_loopfilter.c), shown by ntpq as `state`.
enum class ClockState : std::uint8_t {
    nset = 0,  // never set, no drift file
    fset = 1,  // frequency set from the drift file
    spik = 2,  // spike detected, waiting for stepout
    freq = 3,  // training the frequency
    sync = 4,  // clock synchronised
};

// Clock-source codes of the system status word (mode6.md §4.1).
namespace sync_source {
inline constexpr std::uint8_t unspec = 0;
inline constexpr std::uint8_t pps = 1;
inline constexpr std::uint8_t lf_radio = 2;
inline constexpr std::uint8_t hf_radio = 3;
inline constexpr std::uint8_t uhf_radio = 4;
inline constexpr std::uint8_t local = 5;
inline constexpr std::uint8_t ntp = 6;
inline constexpr std::uint8_t other = 7;
}  // namespace sync_source

// System event codes (ntpd.md §11).
enum class SystemEvent : std::uint8_t {
    unspecified = 0x0,
    freq_not_set = 0x1,
    freq_set = 0x2,
    spike_detect = 0x3,
    freq_mode = 0x4,
    clock_sync = 0x5,
    restart = 0x6,
    panic_stop = 0x7,
    no_sys_peer = 0x8,
    leap_armed = 0x9,
    leap_disarmed = 0xa,
    leap_event = 0xb,
    clock_step = 0xc,
    kern = 0xd,
    tai = 0xe,
    stale_leapsecond_values = 0xf,
};

struct SystemState {
    // --- what the responder sends (ntpd.md §7) ---
    std::uint8_t leap = leap::alarm;
    int stratum = stratum_unsynchronised;  // 16 = unsynchronised; sent as 0
    int precision_log2 = -20;              // measured at start-up
    double root_delay_s = 0;               // 0 until the first synchronisation
    double root_dispersion_s = 0;          // grows PHI per second between updates
    std::uint32_t refid = refid_from_text("INIT");  // INIT, STEP, LOCL, IPv4 addr, IPv6 hash
    std::uint64_t reftime_ntp = 0;         // time of the last clock update

    // --- what mode 6 / ntpq show besides (mode6.md §7) ---
    std::uint16_t sys_peer_assoc = 0;      // `peer`: association id, 0 if none
    std::uint8_t sys_peer_mode = 0;        // `peermode`: hmode of sys.peer
    double offset_s = 0;                   // last clock offset
    double frequency_ppm = 0;              // frequency correction
    double sys_jitter_s = 0;               // combined (selection) jitter
    double clock_jitter_s = 0;             // loop filter jitter
    double clock_wander_ppm = 0;           // frequency wander (stability)
    int poll_log2 = 6;                     // `tc`: system poll exponent
    int min_poll_log2 = 3;                 // `mintc`
    ClockState clock_state = ClockState::nset;

    // --- system status word (mode6.md §4.1) ---
    std::uint8_t sync_source = sync_source::unspec;  // 6-bit clock-source code
    std::uint8_t event_count = 0;          // saturates at 15
    SystemEvent last_event = SystemEvent::unspecified;

    bool synchronised() const { return leap != leap::alarm && stratum < stratum_unsynchronised; }

    // Stratum as it goes on the wire: 16 (unsynchronised) is sent as 0.
    std::uint8_t wire_stratum() const {
        return stratum >= stratum_unsynchronised || stratum < 0
                   ? 0
                   : static_cast<std::uint8_t>(stratum);
    }

    // LI(2) | source(6) | count(4) | event(4).
    std::uint16_t status_word() const {
        return static_cast<std::uint16_t>(((leap & 0x3u) << 14) | ((sync_source & 0x3fu) << 8) |
                                          ((event_count & 0xfu) << 4) |
                                          (static_cast<unsigned>(last_event) & 0xfu));
    }

    // Record an event in the status word (the counter saturates at 15).
    void note_event(SystemEvent e) {
        if (event_count < 15) ++event_count;
        last_event = e;
    }
};

}  // namespace ntpd
