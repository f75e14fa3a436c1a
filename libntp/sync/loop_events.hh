#pragma once
// What the discipline reports for the daemon to log (spec ntpd.md §4, §11,
// §12). Values, not log calls: the daemon formats the classic event line
// `0.0.0.0 XXXX XX name[ detail]` (with its status word) or message.

#include <cstdint>
#include <string>

namespace ntp::sync {

enum class LoopEventType : std::uint8_t {
    freq_not_set,     // 01 no drift file at start
    freq_set,         // 02 "kernel 12.345 PPM" / "ntpd 12.345 PPM"
    spike_detect,     // 03 "+0.521000 s"
    freq_mode,        // 04 entered FREQ (training the frequency)
    clock_sync,       // 05 entered SYNC
    panic_stop,       // 07 "+4321 s; set clock manually within 1000 s." -> exit 255
    clock_step,       // 0c "+0.412345 s"
    kern,             // 0d "kernel time sync enabled" (kernel loop chosen at start)
    freq_clamped,     // not an event: "frequency error 612 PPM exceeds tolerance 500 PPM"
    kernel_failed,    // not an event: the kernel refused; detail = its error text; daemon loop now
    one_shot_set,     // -q stepped: "ntpd: time set +0.123456 s"
    one_shot_slew,    // -q slewed:  "ntpd: time slew +0.012345 s"
};

struct LoopEvent {
    LoopEventType type;
    double value = 0;    // offset s or frequency ppm, as the detail shows
    std::string detail;  // classic detail text ("" when the event has none)
};

// Classic event name ("clock_step") or "" for the non-event messages.
const char* event_name(LoopEventType type);
// Classic system event code (0x0c for clock_step) or -1 for non-events.
int event_code(LoopEventType type);
// The full message for the non-event types (freq_clamped, kernel_failed,
// one_shot_*) in the classic wording; for events: "name detail".
std::string event_text(const LoopEvent& event);

}  // namespace ntp::sync
