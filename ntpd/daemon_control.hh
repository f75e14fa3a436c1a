#pragma once
// The daemon shell's mode 6 glue: the control server, its authenticator and
// nonce secret, and the ControlState it reads.
//
// What mode 6 reads is the ControlProvider (ntpd/control/provider.hh) over
// the core, which delegates the server side's part (MRU list, interfaces,
// restrictions, counters) to ShellControlState over the shell's ServerView.
// ShellControlState alone would answer with the system variables and no
// associations.

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <vector>

#include "libntp/auth/key_store.hh"
#include "libntp/config/ntp_config.hh"
#include "libntp/io/udp_socket.hh"
#include "libntp/util/log.hh"
#include "ntpd/control/auth.hh"
#include "ntpd/control/provider.hh"
#include "ntpd/control/control_server.hh"
#include "ntpd/core/core.hh"
#include "ntpd/control/runtime_config.hh"
#include "ntpd/control/server_view.hh"

namespace ntpd {

class ShellControlState final : public control::ControlState {
public:
    // `runtime` may be null: then :config, saveconfig and writevar are
    // refused. Runtime changes are logged to `log` (may be null).
    ShellControlState(Core& core, const ServerView& server, RuntimeConfig* runtime, ntp::util::Log* log)
        : core_(core), server_(server), runtime_(runtime), log_(log) {}

    const SystemState& system() const override { return core_.system_state(); }
    control::SystemExtras system_extras() const override;
    std::vector<std::pair<std::uint16_t, std::uint16_t>> associations() const override { return {}; }
    std::optional<control::PeerVariables> peer(std::uint16_t) const override { return std::nullopt; }
    std::optional<control::ClockVariables> clock(std::uint16_t) const override { return std::nullopt; }
    control::SysStats sys_stats() const override { return server_.sys_stats(); }
    control::MruStats mru_stats() const override { return server_.mru_stats(); }
    control::AuthStats auth_stats() const override { return {}; }
    control::KernelInfo kernel_info() const override { return {}; }
    control::IoStats io_stats() const override { return server_.io_stats(); }
    control::TimerStats timer_stats() const override;
    void visit_mru(const std::function<bool(const control::MruRow&)>& visit) const override {
        server_.visit_mru(visit);
    }
    std::vector<control::InterfaceStats> interfaces() const override { return server_.interfaces(); }
    std::vector<control::RestrictionRow> restrictions() const override {
        return server_.restrictions();
    }
    void clear_event_count(std::uint16_t assoc_id) override;
    std::string configure(std::string_view line, const ntp::io::Endpoint& from) override;
    std::string save_config(std::string_view file_name, const ntp::io::Endpoint& from) override;
    std::vector<control::UserVariable> user_variables() const override;
    bool write_user_variable(std::string_view name, std::string_view value) override;

private:
    Core& core_;
    const ServerView& server_;
    RuntimeConfig* runtime_;
    ntp::util::Log* log_;
};

class DaemonControl {
public:
    // `now` reads the daemon's clock. All references must outlive this.
    DaemonControl(Core& core, const ServerView& server, const ntp::auth::KeyStore& keys,
                  const ntp::config::NtpConfig& config, RuntimeConfig* runtime,
                  ntp::util::Log* log, std::function<timespec()> now);

    // Reply datagrams for one mode 6 request (empty: send nothing).
    std::vector<std::vector<std::uint8_t>> handle(const ntp::io::Datagram& d,
                                                  std::uint32_t restrict_flags);
    // A fresh nonce secret (classic rotates the salt hourly).
    void rotate_secret();

private:
    ShellControlState shell_;
    std::unique_ptr<control::ControlState> state_;
    control::KeyStoreAuthenticator auth_;
    std::unique_ptr<control::ControlServer> server_;
};

}  // namespace ntpd
