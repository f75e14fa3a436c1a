#pragma once
// The ControlState mode 6 reads (ntpd/control/state.hh), over the client
// core: system variables, the association list, peer and clock variables,
// kernel variables. What the core does not know (MRU list, interfaces,
// restrictions, server counters, runtime configuration) is delegated to
// another ControlState the shell provides (e.g. its ShellControlState), so
// the server and the core stay independent.

#include <ctime>
#include <functional>

#include "ntpd/control/state.hh"
#include "ntpd/core/core.hh"

namespace ntpd {

class ControlProvider final : public control::ControlState {
public:
    // `now` reads the daemon's clock (timer / timerec / timereach values).
    ControlProvider(Core& core, control::ControlState& server_side, std::function<timespec()> now);

    const SystemState& system() const override { return core_.system_state(); }
    control::SystemExtras system_extras() const override;
    std::vector<std::pair<std::uint16_t, std::uint16_t>> associations() const override;
    std::optional<control::PeerVariables> peer(std::uint16_t assoc_id) const override;
    std::optional<control::ClockVariables> clock(std::uint16_t assoc_id) const override;

    control::SysStats sys_stats() const override { return server_.sys_stats(); }
    control::MruStats mru_stats() const override { return server_.mru_stats(); }
    control::AuthStats auth_stats() const override { return server_.auth_stats(); }
    control::KernelInfo kernel_info() const override;
    control::IoStats io_stats() const override { return server_.io_stats(); }
    control::TimerStats timer_stats() const override;
    void visit_mru(const std::function<bool(const control::MruRow&)>& visit) const override {
        server_.visit_mru(visit);
    }
    std::vector<control::InterfaceStats> interfaces() const override { return server_.interfaces(); }
    std::vector<control::RestrictionRow> restrictions() const override { return server_.restrictions(); }
    void clear_event_count(std::uint16_t assoc_id) override { core_.clear_event_count(assoc_id); }
    std::string configure(std::string_view line, const ntp::io::Endpoint& from) override {
        return server_.configure(line, from);
    }
    std::string save_config(std::string_view file_name, const ntp::io::Endpoint& from) override {
        return server_.save_config(file_name, from);
    }
    std::vector<control::UserVariable> user_variables() const override { return server_.user_variables(); }
    bool write_user_variable(std::string_view name, std::string_view value) override {
        return server_.write_user_variable(name, value);
    }

private:
    Core& core_;
    control::ControlState& server_;
    std::function<timespec()> now_;
};

// One association as mode 6 shows it; `steady_now_s` is the core's steady time.
control::PeerVariables peer_variables(const PeerEntry& e, double steady_now_s);

}  // namespace ntpd
