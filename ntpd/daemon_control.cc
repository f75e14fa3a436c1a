#include "config.h"

#include "ntpd/daemon_control.hh"

#include <array>

#include "libntp/auth/mac.hh"
#include "libntp/wire/ntp_time.hh"

namespace ntpd {

control::SystemExtras ShellControlState::system_extras() const {
    control::SystemExtras x;
    if (core_.system_state().sys_peer_assoc != 0) x.sys_peer_address = core_.sys_peer_address();
    return x;
}

control::TimerStats ShellControlState::timer_stats() const {
    control::TimerStats t;
    t.since_reset_s = server_.sys_stats().uptime_s;
    t.xmts = core_.packets_sent();
    return t;
}

void ShellControlState::clear_event_count(std::uint16_t assoc_id) {
    core_.clear_event_count(assoc_id);
}

std::string ShellControlState::configure(std::string_view line, const ntp::io::Endpoint& from) {
    if (runtime_ == nullptr) return "runtime configuration is not available";
    const auto outcome = runtime_->configure(line);
    if (log_ != nullptr)
        log_->notice(ntp::util::Subsystem::config, "ntpq config from " + from.addr.to_string() + ": " +
                                                       std::string(line) + ": " + outcome.reply);
    return outcome.reply;
}

std::string ShellControlState::save_config(std::string_view file_name, const ntp::io::Endpoint& from) {
    if (runtime_ == nullptr) return "saveconfig prohibited, no saveconfigdir configured";
    const timespec now = core_.clock().now();
    std::tm local{};
    localtime_r(&now.tv_sec, &local);
    const auto outcome = runtime_->save_config(file_name, local);
    if (log_ != nullptr)
        log_->notice(ntp::util::Subsystem::config, "saveconfig from " + from.addr.to_string() + ": " +
                                                       outcome.reply);
    return outcome.reply;
}

std::vector<control::UserVariable> ShellControlState::user_variables() const {
    std::vector<control::UserVariable> out;
    if (runtime_ != nullptr)
        for (const auto& v : runtime_->variables()) out.push_back({v.name, v.value, v.is_default});
    return out;
}

bool ShellControlState::write_user_variable(std::string_view name, std::string_view value) {
    return runtime_ != nullptr && runtime_->write_variable(name, value);
}

namespace {
std::array<std::uint8_t, 32> fresh_secret() {
    std::array<std::uint8_t, 32> s{};
    (void)ntp::auth::random_bytes(s);
    return s;
}
}  // namespace

DaemonControl::DaemonControl(Core& core, const ServerView& server, const ntp::auth::KeyStore& keys,
                             const ntp::config::NtpConfig& config, RuntimeConfig* runtime,
                             ntp::util::Log* log, std::function<timespec()> now)
    : shell_(core, server, runtime, log),
      state_(std::make_unique<ControlProvider>(core, shell_, std::move(now))),
      auth_(keys) {
    auto sc = control::host_server_config(std::string("ntpd ") + PACKAGE_VERSION + " (" +
                                          PACKAGE_NAME + ")");
    sc.control_key = config.control_key.value_or(0);
    auto secret = fresh_secret();
    std::uint64_t seed = 0;
    for (int i = 0; i < 8; ++i) seed = (seed << 8) | secret[static_cast<std::size_t>(i) + 24];
    server_ = std::make_unique<control::ControlServer>(sc, *state_, &auth_, secret, seed);
}

std::vector<std::vector<std::uint8_t>> DaemonControl::handle(const ntp::io::Datagram& d,
                                                             std::uint32_t restrict_flags) {
    control::Request r;
    r.datagram = d.data;
    r.source = d.source;
    r.restrict_flags = restrict_flags;
    r.now_ntp = ntp::wire::NtpTime::from_timespec(d.rx_time).timestamp().raw();
    return server_->handle(r);
}

void DaemonControl::rotate_secret() {
    auto secret = fresh_secret();
    server_->set_nonce_secret(secret);
}

}  // namespace ntpd
