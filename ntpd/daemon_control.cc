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

namespace {
std::array<std::uint8_t, 32> fresh_secret() {
    std::array<std::uint8_t, 32> s{};
    (void)ntp::auth::random_bytes(s);
    return s;
}
}  // namespace

DaemonControl::DaemonControl(Core& core, const ServerView& server, const ntp::auth::KeyStore& keys,
                             const ntp::config::NtpConfig& config, std::function<timespec()> now)
    : shell_(core, server),
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
