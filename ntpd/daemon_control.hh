#pragma once
// The daemon shell's mode 6 glue: the control server, its authenticator and
// nonce secret, and the ControlState it reads.
//
// What mode 6 reads is the ControlProvider (ntpd/control_provider.hh) over
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
#include "ntpd/control_auth.hh"
#include "ntpd/control_provider.hh"
#include "ntpd/control_server.hh"
#include "ntpd/core.hh"
#include "ntpd/server_view.hh"

namespace ntpd {

class ShellControlState final : public control::ControlState {
public:
    ShellControlState(Core& core, const ServerView& server) : core_(core), server_(server) {}

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
    std::string configure(std::string_view, const ntp::io::Endpoint&) override {
        return "runtime configuration is not supported";
    }
    std::string save_config(std::string_view, const ntp::io::Endpoint&) override {
        return "saveconfig is not supported";
    }

private:
    Core& core_;
    const ServerView& server_;
};

class DaemonControl {
public:
    // `now` reads the daemon's clock. All references must outlive this.
    DaemonControl(Core& core, const ServerView& server, const ntp::auth::KeyStore& keys,
                  const ntp::config::NtpConfig& config, std::function<timespec()> now);

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
