#include "config.h"

#include "ntpd/daemon.hh"

#include <sys/resource.h>
#include <syslog.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <system_error>

#include "libntp/auth/key_store.hh"
#include "libntp/auth/keys_file.hh"
#include "libntp/auth/mac.hh"
#include "libntp/clock/hwclock.hh"
#include "libntp/clock/kernel_clock.hh"
#include "libntp/clock/null_clock.hh"
#include "libntp/clock/precision.hh"
#include "libntp/clock/rtc_device.hh"
#include "libntp/clock/sysconfig.hh"
#include "libntp/config/file_reader.hh"
#include "libntp/config/parser.hh"
#include "libntp/io/event_loop.hh"
#include "libntp/io/udp_socket.hh"
#include "libntp/util/log.hh"
#include "libntp/wire/ntp_time.hh"
#include "ntpd/association_sockets.hh"
#include "ntpd/broadcast_sockets.hh"
#include "ntpd/configtest.hh"
#include "ntpd/core/core.hh"
#include "ntpd/daemon_process.hh"
#include "ntpd/daemon_control.hh"
#include "ntpd/interface_tracker.hh"
#include "ntpd/interfaces.hh"
#include "ntpd/server/mru.hh"
#include "ntpd/server/packet_auth.hh"
#include "libntp/sys/privileges.hh"
#include "ntpd/server/rate_limit.hh"
#include "libntp/io/resolver.hh"
#include "ntpd/server/restrict_list.hh"
#include "ntpd/seccomp.hh"
#include "ntpd/server/responder.hh"
#include "ntpd/control/server_view.hh"
#include "ntpd/refclock/factory.hh"

namespace ntpd {

namespace {

using ntp::io::Endpoint;
using ntp::io::IpAddress;
using ntp::util::Log;
using ntp::util::Subsystem;

constexpr auto tick_interval = std::chrono::seconds(1);
// Datagram batches read per wake-up and socket before timers get a turn.
constexpr int max_batches_per_wakeup = 8;

std::uint64_t random_u64() {
    std::uint64_t v = 0;
    std::uint8_t b[8];
    if (ntp::auth::random_bytes(b)) {
        for (auto x : b) v = (v << 8) | x;
    }
    if (v == 0) {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        v = static_cast<std::uint64_t>(ts.tv_nsec) * 0x9e3779b97f4a7c15ULL ^
            static_cast<std::uint64_t>(getpid());
    }
    return v;
}

double monotonic_s() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

std::string command_line(const std::vector<std::string>& argv) {
    std::string s = "Command line:";
    for (const auto& a : argv) s += " " + a;
    return s;
}

std::vector<IpAddress> resolve_for_restrict(const std::string& host,
                                            ntp::config::AddressFamily family) {
    ntp::io::ResolveFamily f = family == ntp::config::AddressFamily::ipv4   ? ntp::io::ResolveFamily::v4
                      : family == ntp::config::AddressFamily::ipv6 ? ntp::io::ResolveFamily::v6
                                                                   : ntp::io::ResolveFamily::any;
    return ntp::io::resolve_now(host, f).addresses;
}

// Copies the system time to the RTC for the core. The device is opened at
// start-up, before root is dropped (/dev/rtc* is root-only); the write itself
// needs only the CAP_SYS_TIME the daemon keeps.
class RtcWriter final : public HwclockWriter {
public:
    RtcWriter(ntp::clock::Clock& clock, const std::optional<ntp::config::HwclockConfig>& cfg,
              bool will_drop_root)
        : clock_(clock) {
        std::optional<std::string> device;
        if (cfg) {
            if (!cfg->device.empty()) device = cfg->device;
            if (cfg->timescale == ntp::config::RtcTimescale::utc)
                options_.timescale = ntp::clock::RtcTimescale::utc;
            if (cfg->timescale == ntp::config::RtcTimescale::local)
                options_.timescale = ntp::clock::RtcTimescale::local;
        }
        // /etc/adjtime is root's: an unprivileged daemon leaves it alone.
        options_.update_adjtime = !will_drop_root;
        auto opened = ntp::clock::open_rtc(device);
        device_ = std::move(opened.device);
        open_error_ = opened.error;
    }
    const std::string& open_error() const { return open_error_; }
    std::string write_rtc() override {
        if (!device_) return open_error_;
        auto report =
            ntp::clock::write_system_time_to_rtc(options_, [this] { return clock_.now(); }, *device_);
        if (report.ok) return {};
        std::string text;
        for (const auto& [sev, msg] : report.messages) text += (text.empty() ? "" : "; ") + msg;
        return text.empty() ? "cannot set the hardware clock" : text;
    }

private:
    ntp::clock::Clock& clock_;
    ntp::clock::HwclockOptions options_;
    std::unique_ptr<ntp::clock::RtcDevice> device_;
    std::string open_error_;
};

// The event loop as the reference clock drivers see it.
class LoopFdWatcher final : public refclock::FdWatcher {
public:
    explicit LoopFdWatcher(ntp::io::EventLoop& loop) : loop_(loop) {}
    std::unique_ptr<Handle> watch(int fd, std::function<void()> ready) override {
        auto h = std::make_unique<LoopHandle>();
        h->event = loop_.on_readable(fd, std::move(ready));
        return h;
    }

private:
    struct LoopHandle final : Handle {
        ntp::io::EventHandle event;
    };
    ntp::io::EventLoop& loop_;
};

// What ntpq's :config changes in the running daemon.
class DaemonRuntimeTarget final : public RuntimeTarget {
public:
    DaemonRuntimeTarget(Core& core, RestrictList& restrictions, std::function<timespec()> now)
        : core_(core), restrictions_(restrictions), now_(std::move(now)) {}
    void add_association(const ntp::config::Association& a) override { core_.add_association(a, now_()); }
    bool unpeer(std::string_view target) override { return core_.unpeer(target, now_()); }
    void add_restriction(const ntp::config::RestrictEntry& entry) override {
        add_config_entry(entry, {}, restrictions_);
    }

private:
    Core& core_;
    RestrictList& restrictions_;
    std::function<timespec()> now_;
};

class Daemon final : public ServerView {
public:
    Daemon(const Options& options, Log& log)
        : options_(options), log_(log), debug_level_(options.debug_level) {}

    int run(const std::vector<std::string>& argv);

    // ServerView
    control::SysStats sys_stats() const override;
    control::MruStats mru_stats() const override;
    void visit_mru(const std::function<bool(const control::MruRow&)>& visit) const override;
    std::vector<control::InterfaceStats> interfaces() const override;
    std::vector<control::RestrictionRow> restrictions() const override;
    control::IoStats io_stats() const override;

private:
    bool load_configuration();
    void setup_logging();
    bool setup_clock();
    void load_keys();
    void setup_server_side();
    bool open_sockets();
    void share_port123_sources();
    // -U: seconds between interface rescans, 0 for none (classic's 300 by default).
    int update_interval_s() const { return options_.update_interval_s.value_or(300); }
    void prepare_hwclock();
    bool drop_privileges_if_asked();
    void setup_core();
    void loop_forever();

    void drain(ServerSocket& s);
    void handle(ServerSocket& s, const ntp::io::Datagram& d);
    void deliver_to_core(const ntp::io::Datagram& d, std::uint16_t via_assoc, std::uint32_t restrict_flags = 0);
    bool from_ourselves(const Endpoint& source) const;
    void choose_broadcast_client();
    void on_tick();
    void on_signal(int signo);
    bool check_core_exit();
    void finish(int status);

    const Options& options_;
    Log& log_;
    ntp::config::NtpConfig config_;
    std::optional<Background> background_;
    int exit_status_ = 0;
    double start_monotonic_s_ = monotonic_s();

    std::unique_ptr<ntp::clock::Clock> clock_;
    std::function<timespec()> clock_now_;
    int precision_log2_ = -20;

    ntp::auth::KeyStore keys_;
    ntp::auth::MacComputer macs_;
    std::unique_ptr<KeyStorePacketAuth> packet_auth_;

    RestrictList restrictions_;
    std::unique_ptr<MruList> mru_;
    std::unique_ptr<RateLimiter> limiter_;
    std::unique_ptr<ServerResponder> responder_;
    bool monitor_enabled_ = true;
    bool any_limited_ = false;

    std::unique_ptr<ntp::io::EventLoop> loop_;
    std::unique_ptr<InterfaceTracker> interfaces_;
    ntp::io::RecvBatch rx_batch_{32, 2048};
    ntp::io::SendBatch tx_batch_{32, 128};

    std::unique_ptr<ntp::io::ThreadedResolver> resolver_;
    SystemRandom random_;
    std::unique_ptr<RtcWriter> rtc_writer_;
    std::optional<int> hwclock_interval_s_;
    std::unique_ptr<AssociationSockets> assoc_sockets_;
    std::unique_ptr<BroadcastSender> bcast_sender_;
    bool bclient_ = false;                       // broadcastclient / multicastclient / enable bclient
    std::vector<IpAddress> multicast_groups_;    // multicastclient
    std::unique_ptr<LoopFdWatcher> fd_watcher_;
    std::unique_ptr<refclock::DeviceDrivers> refclocks_;
    std::unique_ptr<Core> core_;
    std::unique_ptr<DaemonRuntimeTarget> runtime_target_;
    std::unique_ptr<RuntimeConfig> runtime_config_;
    std::unique_ptr<DaemonControl> control_;

    ntp::io::EventHandle tick_timer_;
    bool stopping_ = false;
    int debug_level_;
    std::string opened_logfile_;
    double next_secret_rotation_s_ = 0;
};

int Daemon::run(const std::vector<std::string>& argv) {
    // -l is opened at once so the log file shows the start-up lines too; a
    // `logfile` line in ntp.conf takes over once the file is read.
    if (options_.logfile && !options_.logfile->empty()) {
        std::string err;
        if (log_.use_file(*options_.logfile, err)) opened_logfile_ = *options_.logfile;
        else log_.error(Subsystem::general, "Cannot open log file " + *options_.logfile + ", " + err);
    }
    log_.notice(Subsystem::general,
                std::string("ntpd ") + PACKAGE_VERSION + " (" + PACKAGE_NAME + "): Starting");
    log_.info(Subsystem::general, command_line(argv));

    if (getuid() != 0 && !options_.no_adjust) {
        log_.error(Subsystem::general, "must be run as root, not uid " + std::to_string(getuid()));
        return 1;
    }
    if (!load_configuration()) return 1;
    if (options_.seccomp && !seccomp_available()) {
        log_.error(Subsystem::general, install_seccomp_filter());
        return 1;
    }

    if (!options_.stays_in_foreground()) {
        background_.emplace(Background::detach(options_.wait_sync_s.value_or(0)));
        if (background_->failed()) {
            log_.error(Subsystem::general, std::string("fork: ") + std::strerror(errno));
            return 1;
        }
    }
    auto fail = [this](int status) {
        if (background_) background_->report(status);
        return status;
    };

    setup_logging();
    if (config_.pidfile && !config_.pidfile->empty()) {
        std::string err = write_pid_file(*config_.pidfile, static_cast<long>(getpid()));
        if (!err.empty()) log_.error(Subsystem::general, err);
    }
    if (options_.nice) (void)setpriority(PRIO_PROCESS, 0, -20);
    else if (options_.priority) (void)setpriority(PRIO_PROCESS, 0, *options_.priority);

    if (!setup_clock()) return fail(1);
    load_keys();
    try {
        loop_ = std::make_unique<ntp::io::EventLoop>();
    } catch (const std::exception& e) {
        log_.error(Subsystem::io, e.what());
        return fail(1);
    }
    setup_server_side();
    choose_broadcast_client();
    if (!open_sockets()) return fail(1);
    prepare_hwclock();
    if (!drop_privileges_if_asked()) return fail(1);
    setup_core();
    interfaces_->start_tracking(update_interval_s());
    if (options_.seccomp) {
        // Steady state from here on: sockets bound, root dropped (ntpd/seccomp.hh).
        std::string err = install_seccomp_filter();
        if (!err.empty()) {
            log_.error(Subsystem::general, err);
            return fail(1);
        }
        log_.info(Subsystem::general, "seccomp: system-call allow-list installed");
    }
    loop_->on_signals([this](int signo) { on_signal(signo); });
    core_->start(clock_->now());
    if (check_core_exit()) return fail(exit_status_);

    tick_timer_ = loop_->every(tick_interval, [this] { on_tick(); });
    if (background_) background_->report(0);
    on_tick();  // what is due at once (the LOCAL clock's first sample)
    loop_->run();
    return exit_status_;
}

bool Daemon::load_configuration() {
    ntp::config::LoadResult loaded =
        ntp::config::load_config(options_.config_file, ntp::config::disk_file_reader());
    if (!loaded.main_file_opened) {
        log_.info(Subsystem::config, "getconfig: Couldn't open <" + options_.config_file +
                                         ">: No such file or directory");
    } else {
        for (const auto& d : loaded.diagnostics) {
            auto text = ntp::config::format_diagnostic(d);
            if (d.severity == ntp::config::DiagnosticSeverity::error) {
                log_.error(Subsystem::config, text);
                // Classic's wording too, which log watchers look for.
                log_.error(Subsystem::config, "syntax error in " + d.where.file + " line " +
                                                  std::to_string(d.where.line) + ", column " +
                                                  std::to_string(d.where.column));
            } else {
                log_.warning(Subsystem::config, text);
            }
        }
    }
    config_ = std::move(loaded.config);
    bool ok = true;
    for (const auto& msg : startup_conflicts(options_, config_)) {
        log_.error(Subsystem::config, msg);
        ok = false;
    }
    apply_to_config(options_, config_);
    return ok;
}

void Daemon::setup_logging() {
    if (config_.logfile && !config_.logfile->empty()) {
        std::string err;
        if (!log_.use_file(*config_.logfile, err)) {
            log_.error(Subsystem::general, "Cannot open logfile " + *config_.logfile + ": " + err);
            return;
        }
        if (opened_logfile_ != *config_.logfile) {
            // The classic start-up lines went to syslog; repeat the first
            // one so the file shows where this run begins.
            log_.notice(Subsystem::general, std::string("ntpd ") + PACKAGE_VERSION + " (" +
                                                PACKAGE_NAME + "): Starting");
        }
        opened_logfile_ = *config_.logfile;
    }
}

bool Daemon::setup_clock() {
    if (options_.no_adjust) {
        clock_ = std::make_unique<ntp::clock::NullClock>();
    } else {
        clock_ = std::make_unique<ntp::clock::KernelClock>();
    }
    clock_now_ = [c = clock_.get()] { return c->now(); };
    double precision_s = clock_->precision_s();
    precision_log2_ = ntp::clock::precision_log2(precision_s);
    char buf[96];
    std::snprintf(buf, sizeof buf, "proto: precision = %.3f usec (%d)", precision_s * 1e6,
                  precision_log2_);
    log_.info(Subsystem::proto, buf);
    return true;
}

void Daemon::load_keys() {
    if (config_.keys_file && !config_.keys_file->empty()) {
        auto result = ntp::auth::read_keys_file(*config_.keys_file);
        for (const auto& d : result.diagnostics) log_.error(Subsystem::auth, d.to_string());
        if (result.rejected()) {
            log_.error(Subsystem::auth, result.verdict);
        } else {
            keys_.replace_keys(std::move(result.keys));
        }
    }
    for (auto id : config_.trusted_keys) keys_.set_trusted(id);
    if (!packet_auth_) packet_auth_ = std::make_unique<KeyStorePacketAuth>(keys_, macs_);
}

void Daemon::setup_server_side() {
    std::vector<std::string> problems;
    load_restrictions(config_, restrictions_, problems, resolve_for_restrict);
    for (const auto& p : problems) log_.error(Subsystem::config, p);
    int kod_warned_line = -1;  // `restrict default` is two entries from one line
    for (const auto& e : config_.restrictions) {
        any_limited_ |= (e.flags & rflag::limited) != 0;
        if ((e.flags & rflag::kod) && !(e.flags & rflag::limited) && e.where.line != kod_warned_line) {
            kod_warned_line = e.where.line;
            std::string what = e.target == ntp::config::RestrictTarget::default_entry ? "default"
                               : e.target == ntp::config::RestrictTarget::source  ? "source"
                               : e.target == ntp::config::RestrictTarget::hostname ? e.host
                               : e.address ? to_io_address(*e.address).to_string()
                                           : std::string("?");
            log_.warning(Subsystem::config, "restrict " + what + ": KOD does nothing without LIMITED.");
        }
    }

    MruSettings mru;
    if (config_.mru.mindepth) mru.min_depth = static_cast<std::size_t>(std::max(0, *config_.mru.mindepth));
    if (config_.mru.maxdepth) mru.max_depth = static_cast<std::size_t>(std::max(0, *config_.mru.maxdepth));
    if (config_.mru.maxmem_kb) mru.max_mem_kb = static_cast<std::size_t>(std::max(1, *config_.mru.maxmem_kb));
    if (config_.mru.maxage_s) mru.max_age_s = *config_.mru.maxage_s;
    if (config_.discard.monitor) mru.monitor_s = *config_.discard.monitor;
    mru_ = std::make_unique<MruList>(mru, random_u64(), random_u64());

    RateLimitSettings rl;
    if (config_.discard.average_log2) rl.average_log2 = *config_.discard.average_log2;
    if (config_.discard.minimum_s) rl.minimum_s = *config_.discard.minimum_s;
    limiter_ = std::make_unique<RateLimiter>(rl, random_u64());

    // `limited` anywhere keeps the monitor on even after `disable monitor`.
    monitor_enabled_ = config_.flags.monitor.value_or(true);
    ResponderSettings rs;
    rs.monitor = monitor_enabled_;
    rs.discard_average_log2 = rl.average_log2;
    responder_ = std::make_unique<ServerResponder>(restrictions_, *mru_, *limiter_, packet_auth_.get(),
                                                   rs, clock_now_, random_u64());
    if (config_.flags.mode7.value_or(false)) {
        log_.warning(Subsystem::config, "enable mode7: mode 7 (ntpdc) is not supported and never answered");
    }
}

bool Daemon::open_sockets() {
    InterfaceOptions io;
    io.only = options_.interfaces;
    io.novirtualips = options_.novirtualips;
    io.ipv4_only = options_.ipv4_only;
    io.ipv6_only = options_.ipv6_only;
    ntp::io::UdpSocket::Options opt;
    opt.dscp = config_.dscp.value_or(46);
    InterfaceTracker::Hooks h;
    h.readable = [this](ServerSocket& s) { drain(s); };
    h.opened = [this](const ServerSocket& s) {
        if (!s.plan.wildcard) restrictions_.add_local_address(s.plan.endpoint.addr);
        for (const auto& problem : join_groups(*interfaces_, s, multicast_groups_))
            log_.error(Subsystem::io, problem);
    };
    h.closing = [this](const ServerSocket& s) {
        if (!s.plan.wildcard) restrictions_.remove_local_address(s.plan.endpoint.addr);
    };
    h.changed = [this] { share_port123_sources(); };
    h.log = [this](ntp::util::Severity sev, const std::string& m) { log_.write(sev, Subsystem::io, m); };
    h.monotonic_s = monotonic_s;
    interfaces_ = std::make_unique<InterfaceTracker>(*loop_, config_.interface_rules, io, opt, std::move(h));
    return interfaces_->open_initial();
}

// --source-port=123: the associations poll from the port-123 sockets that
// serve. Called again after every interface change, so an association whose
// local address vanished picks another (or a random port) on its next poll.
void Daemon::share_port123_sources() {
    if (!options_.source_port_123 || !assoc_sockets_) return;
    std::vector<SharedSource> port123;
    for (auto& s : interfaces_->sockets()) {
        if (s->plan.role == SocketRole::listen && !s->plan.wildcard)
            port123.push_back({&s->socket, s->socket.local()});
    }
    assoc_sockets_->use_shared_sources(std::move(port123));
}

void Daemon::prepare_hwclock() {
    // The RTC is real hardware: --no-adjust never touches it.
    if (options_.no_adjust) return;
    if (options_.hwclock_interval_s) {
        hwclock_interval_s_ = *options_.hwclock_interval_s;
    } else if (config_.hwclock && config_.hwclock->enabled) {
        hwclock_interval_s_ = config_.hwclock->interval_s;
    } else if (const char* env = std::getenv("SYNC_HWCLOCK")) {
        // The systemd unit passes /etc/sysconfig/ntpd (or /etc/default/ntp)
        // as the environment: SYNC_HWCLOCK=yes asks for RTC updates.
        if (ntp::clock::sync_hwclock_requested({{"SYNC_HWCLOCK", env}}))
            hwclock_interval_s_ = static_cast<int>(ntp::clock::HwclockSync::kDefaultInterval_s);
    }
    if (!hwclock_interval_s_) return;
    rtc_writer_ = std::make_unique<RtcWriter>(*clock_, config_.hwclock,
                                              options_.user.has_value() || options_.jaildir.has_value());
    if (!rtc_writer_->open_error().empty()) log_.error(Subsystem::clock, rtc_writer_->open_error());
}

bool Daemon::drop_privileges_if_asked() {
    ntp::sys::DropOptions d;
    d.jaildir = options_.jaildir;
    d.keep_sys_time = !options_.no_adjust;
    // New addresses are bound to port 123 as they appear.
    d.keep_net_bind_service = update_interval_s() > 0;
    if (options_.user) {
        std::string err;
        d.user = ntp::sys::parse_run_as(*options_.user, err);
        if (!d.user) {
            log_.error(Subsystem::general, err);
            return false;
        }
    }
    if (!d.user && !d.jaildir) return true;
    std::string err = ntp::sys::drop_privileges(d);
    if (!err.empty()) {
        log_.error(Subsystem::general, err);
        return false;
    }
    return true;
}

void Daemon::setup_core() {
    CoreOptions co;
    co.quit_mode = options_.quit;
    co.panic_gate = options_.panicgate;
    co.force_step_once = options_.force_step_once;
    co.slew_only = options_.slew;
    co.ipv4_only = options_.ipv4_only;
    co.ipv6_only = options_.ipv6_only;
    co.precision_log2 = precision_log2_;
    co.pid = static_cast<long>(getpid());
    co.hwclock_interval_s = hwclock_interval_s_;

    resolver_ = std::make_unique<ntp::io::ThreadedResolver>();
    assoc_sockets_ = std::make_unique<AssociationSockets>(
        *loop_, clock_now_,
        [this](std::uint16_t assoc, const ntp::io::Datagram& d) { deliver_to_core(d, assoc); },
        [this](const std::string& msg) { log_.error(Subsystem::io, msg); },
        config_.dscp.value_or(46));
    share_port123_sources();

    fd_watcher_ = std::make_unique<LoopFdWatcher>(*loop_);
    refclocks_ = std::make_unique<refclock::DeviceDrivers>(*fd_watcher_, [this] { return clock_->now(); });
    bcast_sender_ = std::make_unique<BroadcastSender>(
        *assoc_sockets_, *interfaces_, [this](const std::string& msg) { log_.error(Subsystem::io, msg); });
    CoreDeps deps{*clock_, *bcast_sender_, *resolver_, random_, &log_, &keys_, &macs_,
                  rtc_writer_.get(), refclocks_.get()};
    core_ = std::make_unique<Core>(config_, co, deps);
    responder_->set_peer_lookup([this](const Endpoint& e) { return core_->is_configured_peer(e); });

    runtime_target_ = std::make_unique<DaemonRuntimeTarget>(*core_, restrictions_,
                                                            [this] { return clock_->now(); });
    runtime_config_ = std::make_unique<RuntimeConfig>(config_, *runtime_target_);
    control_ = std::make_unique<DaemonControl>(*core_, *this, keys_, config_, runtime_config_.get(), &log_,
                                               [this] { return clock_->now(); });
}

void Daemon::drain(ServerSocket& s) {
    for (int round = 0; round < max_batches_per_wakeup && !stopping_; ++round) {
        std::size_t n = s.socket.receive(rx_batch_, clock_now_);
        for (std::size_t i = 0; i < n && !stopping_; ++i) handle(s, rx_batch_[i]);
        if (tx_batch_.size() > 0) s.socket.send(tx_batch_);
        if (n < rx_batch_.capacity()) break;
    }
}

void Daemon::handle(ServerSocket& s, const ntp::io::Datagram& d) {
    if (s.plan.role == SocketRole::drop) {
        // Broadcasts and multicasts arrive on the wildcard sockets only: a
        // broadcast client takes mode 5 from them (through the responder's
        // checks like everything else), and nothing is ever answered there.
        const bool broadcast = bclient_ && s.plan.wildcard && !d.data.empty() && (d.data[0] & 7) == 5;
        if (!broadcast || from_ourselves(d.source)) {
            ++s.ignored;
            return;
        }
    }
    if (tx_batch_.full()) s.socket.send(tx_batch_);
    Request r;
    r.data = d.data;
    r.source = d.source;
    r.local = s.plan.endpoint.addr;
    r.rx_time = d.rx_time;
    r.truncated = d.truncated;
    Outcome o = responder_->handle(r, core_->system_state(), tx_batch_.next_buffer());
    switch (o.action) {
    case Action::drop:
        break;
    case Action::reply:
        tx_batch_.commit(o.reply_length, d.source);
        break;
    case Action::control: {
        auto replies = control_->handle(d, o.restrict_flags);
        for (const auto& reply : replies) s.socket.send_to(reply, d.source);
        break;
    }
    case Action::core:
        deliver_to_core(d, 0, o.restrict_flags);
        break;
    }
}

bool Daemon::from_ourselves(const Endpoint& source) const {
    for (const auto& s : interfaces_->sockets())
        if (!s->plan.wildcard && s->plan.endpoint.addr == source.addr) return true;
    return false;
}

void Daemon::choose_broadcast_client() {
    bclient_ = config_.broadcastclient || config_.multicastclient_given || config_.flags.bclient.value_or(false);
    if (!config_.multicastclient_given) return;
    for (const auto& h : config_.multicastclient) {
        if (!h.numeric) {
            log_.error(Subsystem::config, "multicastclient " + h.text + ": a group must be a numeric address");
            continue;
        }
        IpAddress g = to_io_address(*h.numeric);
        if (!g.is_multicast()) {
            log_.error(Subsystem::config, "multicastclient " + h.text + ": not a multicast address");
            continue;
        }
        multicast_groups_.push_back(g);
    }
    if (config_.multicastclient.empty()) multicast_groups_.push_back(broadcast::default_group_v4());
}

void Daemon::deliver_to_core(const ntp::io::Datagram& d, std::uint16_t via_assoc, std::uint32_t restrict_flags) {
    if (stopping_ || d.truncated) return;
    if (via_assoc != 0) {
        // Replies to our own polls still obey `restrict ... ignore/noserve`.
        std::uint32_t flags = restrictions_.lookup(d.source);
        if (flags & (rflag::ignore | rflag::noserve)) return;
    }
    ReceivedPacket rx;
    rx.from = d.source;
    rx.bytes = d.data;
    rx.received_at = d.rx_time;
    rx.via_assoc = via_assoc;
    rx.restrict_flags = restrict_flags;
    core_->on_packet(rx);
    check_core_exit();
}

void Daemon::on_tick() {
    if (stopping_) return;
    double mono = monotonic_s();
    core_->tick(clock_->now(), mono);
    if (mono >= next_secret_rotation_s_) {
        // The mrulist nonce salt changes hourly, as in classic ntpd.
        if (next_secret_rotation_s_ != 0) control_->rotate_secret();
        next_secret_rotation_s_ = mono + 3600;
    }
    check_core_exit();
}

void Daemon::on_signal(int signo) {
    if (stopping_) return;
    switch (signo) {
    case SIGHUP:
        log_.notice(Subsystem::general,
                    "Received SIGHUP: reopening the log file and re-reading the keys file");
        setup_logging();
        load_keys();
        core_->reload_leap_file(clock_->now());
        break;
    case SIGUSR1:
    case SIGUSR2: {
        int level = std::max(0, debug_level_ + (signo == SIGUSR1 ? 1 : -1));
        debug_level_ = level;
        log_.set_threshold(level > 0 ? ntp::util::Severity::debug : ntp::util::Severity::info);
        log_.notice(Subsystem::general, std::string("debug ") +
                                            (signo == SIGUSR1 ? "raised" : "lowered") + " to " +
                                            std::to_string(level));
        break;
    }
    default:
        log_.notice(Subsystem::general, "ntpd exiting on signal " + signal_description(signo));
        core_->shutdown(clock_->now());
        finish(0);
        break;
    }
}

bool Daemon::check_core_exit() {
    if (background_ && background_->awaiting_sync() && core_->system_state().synchronised())
        background_->report_synchronised();
    const auto& req = core_->exit_request();
    if (!req || stopping_) return stopping_;
    if (!req->stdout_text.empty()) {
        std::fputs((req->stdout_text + "\n").c_str(), stdout);
        std::fflush(stdout);
    }
    finish(req->status);
    return true;
}

void Daemon::finish(int status) {
    exit_status_ = status;
    stopping_ = true;
    if (core_) core_->release_clock();
    if (loop_) loop_->stop();
}

control::SysStats Daemon::sys_stats() const {
    control::SysStats s;
    fill_sys_stats(responder_->counters(), s);
    // Broadcasts the core refused count as classic's sys_restricted /
    // sys_badauth / sys_declined do.
    const auto& b = core_->broadcast_counters();
    s.restricted += b.not_enabled;
    s.bad_auth += b.bad_auth;
    s.declined += b.declined;
    auto up = static_cast<std::uint64_t>(monotonic_s() - start_monotonic_s_);
    s.uptime_s = up;
    s.since_reset_s = up;
    return s;
}

control::MruStats Daemon::mru_stats() const {
    std::uint32_t enabled = (monitor_enabled_ ? 1u : 0u) | (any_limited_ ? 2u : 0u);
    return ntpd::mru_stats(*mru_, enabled);
}

void Daemon::visit_mru(const std::function<bool(const control::MruRow&)>& visit) const {
    visit_mru_rows(*mru_, visit);
}

std::vector<control::InterfaceStats> Daemon::interfaces() const {
    std::vector<control::InterfaceStats> out;
    const double now = monotonic_s();
    for (const auto& s : interfaces_->sockets()) {
        control::InterfaceStats i;
        i.name = s->plan.name;
        i.address = s->socket.local();
        i.enabled = s->plan.role == SocketRole::listen;
        i.received = s->socket.counters().received;
        i.sent = s->socket.counters().sent;
        i.send_failed = s->socket.counters().send_failed;
        i.uptime_s = static_cast<std::uint64_t>(std::max(0.0, now - s->opened_at_s));
        out.push_back(i);
    }
    return out;
}

std::vector<control::RestrictionRow> Daemon::restrictions() const {
    return restriction_rows(restrictions_);
}

control::IoStats Daemon::io_stats() const {
    control::IoStats io;
    io.since_reset_s = static_cast<std::uint64_t>(monotonic_s() - start_monotonic_s_);
    const auto& gone = interfaces_->closed_totals();
    io.received += gone.received;
    io.sent += gone.sent;
    io.send_failed += gone.send_failed;
    io.ignored += interfaces_->closed_ignored();
    for (const auto& s : interfaces_->sockets()) {
        io.received += s->socket.counters().received;
        io.sent += s->socket.counters().sent;
        io.send_failed += s->socket.counters().send_failed;
        io.ignored += s->ignored;
    }
    if (assoc_sockets_) {
        auto t = assoc_sockets_->totals();
        io.received += t.received;
        io.sent += t.sent;
        io.send_failed += t.send_failed;
        io.ignored += assoc_sockets_->foreign_dropped();
    }
    io.total_rbuf = rx_batch_.capacity();
    io.free_rbuf = rx_batch_.capacity();
    return io;
}

}  // namespace

int run_daemon(const Options& options, const std::vector<std::string>& argv) {
    Log log("ntpd");
    log.use_syslog(LOG_DAEMON);
    if (options.stays_in_foreground()) log.set_echo_stderr(true);
    if (options.debug_level > 0) log.set_threshold(ntp::util::Severity::debug);
    Daemon daemon(options, log);
    return daemon.run(argv);
}

}  // namespace ntpd
