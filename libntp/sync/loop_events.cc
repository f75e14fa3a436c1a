#include "libntp/sync/loop_events.hh"

namespace ntp::sync {

const char* event_name(LoopEventType type) {
    switch (type) {
    case LoopEventType::freq_not_set: return "freq_not_set";
    case LoopEventType::freq_set: return "freq_set";
    case LoopEventType::spike_detect: return "spike_detect";
    case LoopEventType::freq_mode: return "freq_mode";
    case LoopEventType::clock_sync: return "clock_sync";
    case LoopEventType::panic_stop: return "panic_stop";
    case LoopEventType::clock_step: return "clock_step";
    case LoopEventType::kern: return "kern";
    default: return "";
    }
}

int event_code(LoopEventType type) {
    switch (type) {
    case LoopEventType::freq_not_set: return 0x01;
    case LoopEventType::freq_set: return 0x02;
    case LoopEventType::spike_detect: return 0x03;
    case LoopEventType::freq_mode: return 0x04;
    case LoopEventType::clock_sync: return 0x05;
    case LoopEventType::panic_stop: return 0x07;
    case LoopEventType::clock_step: return 0x0c;
    case LoopEventType::kern: return 0x0d;
    default: return -1;
    }
}

std::string event_text(const LoopEvent& e) {
    switch (e.type) {
    case LoopEventType::freq_clamped:
    case LoopEventType::kernel_failed:
    case LoopEventType::one_shot_set:
    case LoopEventType::one_shot_slew: return e.detail;
    default: break;
    }
    std::string s = event_name(e.type);
    if (!e.detail.empty()) s += " " + e.detail;
    return s;
}

}  // namespace ntp::sync
