#pragma once
// A ControlState that answers from plain fields and records what was asked
// of it: the base of the control server's unit-test state
// (control_capture_state.hh) and of the mode 6 fuzz target. Test support only;
// no test framework, so the fuzz target can use it too.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ntpd/control/state.hh"

namespace ntpd::control::testing {

class TableState : public ControlState {
public:
    const SystemState& system() const override { return sys; }
    SystemExtras system_extras() const override { return extras; }
    std::vector<std::pair<std::uint16_t, std::uint16_t>> associations() const override {
        std::vector<std::pair<std::uint16_t, std::uint16_t>> out;
        for (const auto& p : peers) out.emplace_back(p.assoc_id, p.status);
        return out;
    }
    std::optional<PeerVariables> peer(std::uint16_t id) const override {
        for (const auto& p : peers)
            if (p.assoc_id == id) return p;
        return std::nullopt;
    }
    std::optional<ClockVariables> clock(std::uint16_t id) const override {
        for (const auto& c : clocks)
            if (c.assoc_id == id) return c;
        return std::nullopt;
    }
    SysStats sys_stats() const override { return sysstats; }
    MruStats mru_stats() const override { return mrustats; }
    AuthStats auth_stats() const override { return authstats; }
    KernelInfo kernel_info() const override {
        ++kernel_calls;
        return kernel;
    }
    IoStats io_stats() const override { return iostats; }
    TimerStats timer_stats() const override { return timerstats; }
    void visit_mru(const std::function<bool(const MruRow&)>& visit) const override {
        for (const auto& r : mru)
            if (!visit(r)) return;
    }
    std::vector<InterfaceStats> interfaces() const override { return ifs; }
    std::vector<RestrictionRow> restrictions() const override { return res; }
    void clear_event_count(std::uint16_t id) override { cleared.push_back(id); }
    std::string configure(std::string_view line, const ntp::io::Endpoint&) override {
        config_lines.emplace_back(line);
        return "Config Succeeded";
    }
    std::string save_config(std::string_view name, const ntp::io::Endpoint&) override {
        saved_as.emplace_back(name);
        return "Configuration saved to " + std::string(name);
    }
    std::vector<UserVariable> user_variables() const override { return user_vars; }
    bool write_user_variable(std::string_view name, std::string_view value) override {
        ++user_var_writes;
        for (auto& v : user_vars)
            if (v.name == name) {
                v.value = std::string(value);
                return true;
            }
        return false;
    }
    // Whether anything was changed through the state (configure, saveconfig,
    // writevar): what `nomodify` must prevent.
    bool modified() const { return !config_lines.empty() || !saved_as.empty() || user_var_writes != 0; }

    SystemState sys;
    SystemExtras extras;
    std::vector<PeerVariables> peers;
    std::vector<ClockVariables> clocks;
    SysStats sysstats;
    MruStats mrustats;
    AuthStats authstats;
    KernelInfo kernel;
    IoStats iostats;
    TimerStats timerstats;
    std::vector<MruRow> mru;  // oldest first
    std::vector<InterfaceStats> ifs;
    std::vector<RestrictionRow> res;
    std::vector<UserVariable> user_vars;

    mutable int kernel_calls = 0;
    std::vector<std::uint16_t> cleared;
    std::vector<std::string> config_lines;
    std::vector<std::string> saved_as;
    int user_var_writes = 0;
};

}  // namespace ntpd::control::testing
