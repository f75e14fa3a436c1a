#include "ntpd/core/core.hh"


#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "libntp/auth/key_store.hh"
#include "libntp/clock/drift_file.hh"
#include "libntp/sync/fitness.hh"
#include "libntp/sync/sample.hh"
#include "libntp/wire/ntp_packet.hh"
#include "ntpd/refclock/local_clock.hh"

namespace ntpd {
namespace {

namespace k = ntp::sync::constants;
using ntp::util::Severity;
using ntp::util::Subsystem;
using ntp::wire::NtpHeader;
using ntp::wire::NtpTime;

// logconfig bits (class * 4 + type): sys info/events, peer events.
constexpr std::uint32_t log_sysinfo = 1u << 0;
constexpr std::uint32_t log_sysevents = 1u << 1;
constexpr std::uint32_t log_peerevents = 1u << 5;

const char* system_event_name(SystemEvent e) {
    switch (e) {
    case SystemEvent::unspecified: return "unspecified";
    case SystemEvent::freq_not_set: return "freq_not_set";
    case SystemEvent::freq_set: return "freq_set";
    case SystemEvent::spike_detect: return "spike_detect";
    case SystemEvent::freq_mode: return "freq_mode";
    case SystemEvent::clock_sync: return "clock_sync";
    case SystemEvent::restart: return "restart";
    case SystemEvent::panic_stop: return "panic_stop";
    case SystemEvent::no_sys_peer: return "no_sys_peer";
    case SystemEvent::leap_armed: return "leap_armed";
    case SystemEvent::leap_disarmed: return "leap_disarmed";
    case SystemEvent::leap_event: return "leap_event";
    case SystemEvent::clock_step: return "clock_step";
    case SystemEvent::kern: return "kern";
    case SystemEvent::tai: return "TAI";
    case SystemEvent::stale_leapsecond_values: return "stale_leapsecond_values";
    }
    return "unspecified";
}

std::string hex_word(unsigned status, unsigned code) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04x %02x", status & 0xffffu, code & 0xffu);
    return buf;
}

ntp::io::IpAddress to_io(const ntp::config::IpAddress& a) {
    ntp::io::IpAddress out;
    out.family = a.is_v4() ? ntp::io::Family::v4 : ntp::io::Family::v6;
    out.bytes = a.bytes;
    return out;
}

ntpd::FilegenType to_filegen_type(ntp::config::FilegenType t) {
    switch (t) {
    case ntp::config::FilegenType::none: return FilegenType::none;
    case ntp::config::FilegenType::pid: return FilegenType::pid;
    case ntp::config::FilegenType::day: return FilegenType::day;
    case ntp::config::FilegenType::week: return FilegenType::week;
    case ntp::config::FilegenType::month: return FilegenType::month;
    case ntp::config::FilegenType::year: return FilegenType::year;
    case ntp::config::FilegenType::age: return FilegenType::age;
    }
    return FilegenType::day;
}

FilegenSettings filegen_settings(const ntp::config::NtpConfig& c, const std::string& name, bool stats_enabled) {
    FilegenSettings s;
    s.file = name;
    s.enabled = std::find(c.statistics.begin(), c.statistics.end(), name) != c.statistics.end();
    for (const auto& f : c.filegens) {
        if (f.name != name) continue;
        if (f.file) s.file = *f.file;
        if (f.type) s.type = to_filegen_type(*f.type);
        if (f.link) s.link = *f.link;
        if (f.enabled) s.enabled = *f.enabled || s.enabled;
    }
    s.enabled = s.enabled && stats_enabled;
    return s;
}

std::string signed_seconds(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%+.*f", decimals, v);
    return buf;
}

std::uint32_t address_metric(const ntp::io::IpAddress& a) {
    if (a.is_v4()) return a.v4_host_order();
    return ntp::wire::RefId::from_ipv6(a.bytes).host_order();
}

}  // namespace

std::uint32_t SystemRandom::next_u32() {
    // The generator failing is not something a packet can cause; fall back
    // to a weak value rather than stopping the daemon.
    if (auto v = ntp::auth::random_u32()) return *v;
    return static_cast<std::uint32_t>(std::rand());
}

// Everything the core takes from the configuration, with classic defaults.
struct Core::Settings {
    std::vector<ntp::config::Association> associations;
    std::vector<ntp::config::Fudge> fudges;
    int min_clock = k::min_clock;
    int max_clock = k::max_clock;
    int min_sane = k::min_sane;
    double min_dist_s = k::min_dispersion_s;
    double max_dist_s = k::max_distance_s;
    int floor = 0;
    int ceiling = 16;  // exclusive: tos ceiling 15 accepts stratum 15
    int orphan = 16;
    double orphan_wait_s = k::orphan_wait_s;
    std::optional<std::string> driftfile;
    double wander_threshold_ppm = ntp::clock::DriftWritePolicy::kDefaultWanderThreshold_ppm;
    std::string statsdir = "/var/NTP/";
    FilegenSettings loopstats, peerstats, clockstats;
    std::uint32_t log_mask = 0;
    ntp::sync::LoopConfig loop;
    std::optional<int> hwclock_interval_s;
};

Core::Core(const ntp::config::NtpConfig& config, const CoreOptions& options, CoreDeps deps)
    : settings_(std::make_unique<Settings>()),
      options_(options),
      deps_(deps),
      peers_([r = &deps.random] { return r->next_u32(); }, std::ldexp(1.0, options.precision_log2)) {
    Settings& s = *settings_;
    s.associations = config.associations;
    s.fudges = config.fudges;
    const auto& tos = config.tos;
    if (tos.minclock) s.min_clock = *tos.minclock;
    if (tos.maxclock) s.max_clock = *tos.maxclock;
    if (tos.minsane) s.min_sane = *tos.minsane;
    if (tos.mindist_s) s.min_dist_s = *tos.mindist_s;
    if (tos.maxdist_s) s.max_dist_s = *tos.maxdist_s;
    if (tos.floor) s.floor = *tos.floor;
    if (tos.ceiling) s.ceiling = std::min(*tos.ceiling, 15) + 1;
    if (tos.orphan) s.orphan = std::clamp(*tos.orphan, 1, 16);
    if (tos.orphanwait_s) s.orphan_wait_s = *tos.orphanwait_s;

    const bool stats_enabled = config.flags.stats.value_or(true);
    if (config.statsdir) s.statsdir = *config.statsdir;
    s.loopstats = filegen_settings(config, "loopstats", stats_enabled);
    s.peerstats = filegen_settings(config, "peerstats", stats_enabled);
    s.clockstats = filegen_settings(config, "clockstats", stats_enabled);
    s.log_mask = ntp::config::logconfig_mask(config.logconfig);

    if (config.driftfile && !config.driftfile->empty()) s.driftfile = config.driftfile;
    bcast_.ttl = config.ttl;
    bcast_.client = config.broadcastclient || config.multicastclient_given || config.flags.bclient.value_or(false);
    if (config.broadcastdelay_s && *config.broadcastdelay_s > 0) bcast_.delay_s = *config.broadcastdelay_s;
    else if (config.broadcastclient_novolley) bcast_.delay_s = broadcast::default_delay_s;
    bcast_.auth_required = config.flags.auth.value_or(true);
    if (config.drift_wander_threshold) s.wander_threshold_ppm = *config.drift_wander_threshold * 1e6;

    // The discipline: tinker overrides, -g/-G/-q/-x, enable/disable.
    auto& lc = s.loop;
    const auto& t = config.tinker;
    if (t.step_s) lc.step_forward_s = lc.step_back_s = *t.step_s;
    if (t.stepfwd_s) lc.step_forward_s = *t.stepfwd_s;
    if (t.stepback_s) lc.step_back_s = *t.stepback_s;
    if (t.stepout_s) lc.stepout_s = std::max(*t.stepout_s, k::stepout_s);
    if (t.panic_s) lc.panic_s = *t.panic_s;
    lc.panic_gate = options.panic_gate;
    lc.force_first_step = options.force_step_once;
    lc.one_shot = options.quit_mode;
    lc.ntp_enabled = config.flags.ntp.value_or(true);
    lc.kernel_enabled = config.flags.kernel.value_or(true);
    if (options.slew_only) lc.slew_only();
    if (t.freq_ppm) lc.drift_ppm = std::clamp(*t.freq_ppm, -k::max_freq_ppm, k::max_freq_ppm);
    if (t.huffpuff_s && *t.huffpuff_s > 0) huff_puff_.emplace(*t.huffpuff_s);

    if (s.driftfile) {
        const auto drift = ntp::clock::read_drift_file(*s.driftfile);
        if (drift.ok()) lc.drift_ppm = drift.freq_ppm;
        if (!drift.message.empty()) message(drift.severity, drift.message);
    }

    if (config.hwclock && config.hwclock->enabled) s.hwclock_interval_s = config.hwclock->interval_s;
    if (options.hwclock_interval_s) s.hwclock_interval_s = options.hwclock_interval_s;

    loop_ = std::make_unique<ntp::sync::LoopFilter>(deps_.clock, lc);
    leap_ = std::make_unique<LeapState>(config.leapfile, lc.ntp_enabled && !options.quit_mode);
    sys_.precision_log2 = options.precision_log2;
    sys_.poll_log2 = loop_->poll_log2();
    sys_.min_poll_log2 = k::min_poll_log2;
}

Core::~Core() = default;

double Core::local_seconds(const timespec& now) const {
    return ntp::wire::timespec_diff_s(now, start_wall_);
}

double Core::steady_seconds(const timespec& now) const { return local_seconds(now) - steps_total_s_; }

void Core::start(const timespec& now) {
    start_wall_ = now;
    started_ = true;
    const double steady = 0;
    stats_ = std::make_unique<StatsFiles>(settings_->statsdir, settings_->loopstats, settings_->peerstats,
                                          settings_->clockstats,
                                          static_cast<std::time_t>(now.tv_sec), options_.pid);
    drift_policy_ = std::make_unique<ntp::clock::DriftWritePolicy>(steady, settings_->wander_threshold_ppm);
    system_event(SystemEvent::restart);
    apply_leap(leap_->load(now.tv_sec, true));
    loop_events(loop_->start(0));
    sys_.frequency_ppm = loop_->frequency_ppm();
    sys_.clock_state = static_cast<ClockState>(loop_->state());
    orphan_wait_start_s_ = steady;
    mobilize_from_config(steady);
}

void Core::mobilize_from_config(double steady_s) {
    for (const auto& a : settings_->associations) mobilize(a, steady_s);
}

void Core::add_association(const ntp::config::Association& a, const timespec& now) {
    mobilize(a, steady_seconds(now));
}

bool Core::unpeer(std::string_view target, const timespec& now) {
    // An association id or the address / host name it was configured with.
    std::vector<std::uint16_t> ids;
    for (const auto& e : peers_.entries()) {
        const auto& p = e->peer;
        if (std::to_string(p.assoc_id()) == target || p.config().hostname == target ||
            p.config().address.addr.to_string() == target)
            ids.push_back(p.assoc_id());
    }
    for (auto id : ids) demobilize(id, steady_seconds(now), true);
    return !ids.empty();
}

void Core::mobilize(const ntp::config::Association& a, double steady_s) {
    if (a.kind == ntp::config::AssociationKind::manycastclient) {
        message(Severity::warning, "manycast associations are not supported: " + a.address.text);
        return;
    }
    const bool bcast = a.kind == ntp::config::AssociationKind::broadcast;
    PeerConfig c;
    c.iburst = a.iburst || options_.quit_mode;
    c.volley_unanswered = options_.quit_mode;
    c.burst = a.burst;
    c.prefer = a.prefer;
    c.noselect = a.noselect;
    c.true_chimer = a.true_chimer;
    c.preempt = a.preempt;
    c.minpoll_log2 = a.effective_minpoll();
    c.maxpoll_log2 = a.effective_maxpoll();
    c.version = a.version;
    c.key_id = a.key_id;

    if (const auto rc = a.refclock()) {
        mobilize_refclock(a, *rc, std::move(c), steady_s);
        return;
    }

    ntp::io::ResolveFamily family = ntp::io::ResolveFamily::any;
    if (a.family == ntp::config::AddressFamily::ipv4 || options_.ipv4_only) family = ntp::io::ResolveFamily::v4;
    if (a.family == ntp::config::AddressFamily::ipv6 || options_.ipv6_only) family = ntp::io::ResolveFamily::v6;
    c.kind = a.kind == ntp::config::AssociationKind::peer ? PeerKind::symmetric
             : bcast                                       ? PeerKind::broadcast
                                                           : PeerKind::server;
    if (bcast) {
        // Sent at minpoll, always (classic); the TTL is an index into the ladder.
        c.iburst = c.burst = false;
        c.maxpoll_log2 = c.minpoll_log2;
        const auto index = static_cast<std::size_t>(std::clamp(a.ttl, 0, 7));
        c.ttl = index < bcast_.ttl.size() ? bcast_.ttl[index] : static_cast<int>(index * 32);
        if (!a.address.numeric) {
            message(Severity::error, "broadcast needs a numeric address: " + a.address.text);
            return;
        }
    }

    if (peers_.full()) {
        message(Severity::error, too_many_message(a.address.text));
        return;
    }
    if (a.kind == ntp::config::AssociationKind::pool) {
        peers_.add_pool(a.address.text, c, family, steady_s);
        return;
    }
    if (!a.address.numeric) {
        c.hostname = a.address.text;
        peers_.add_name(std::move(c), family, steady_s);
        return;
    }
    const ntp::io::IpAddress addr = to_io(*a.address.numeric);
    if ((addr.is_multicast() && !bcast) || addr.is_unspecified() ||
        (family == ntp::io::ResolveFamily::v4 && !addr.is_v4()) || (family == ntp::io::ResolveFamily::v6 && !addr.is_v6())) {
        message(Severity::error, "attempt to configure invalid address " + a.address.text);
        return;
    }
    c.address.addr = addr;
    c.address.port = 123;
    PeerEntry& e = peers_.add(std::move(c), steady_s, 1.0 + (deps_.random.next_u32() & 0xff) / 256.0);
    peer_event(e, PeerEvent::mobilize, "assoc " + std::to_string(e.peer.assoc_id()));
}

void Core::mobilize_refclock(const ntp::config::Association& a, ntp::config::RefclockId id, PeerConfig c,
                             double steady_s) {
    c.iburst = false;
    c.refclock_type = id.driver_type;
    c.refclock_unit = id.unit;
    c.refclock_mode = a.mode.value_or(0);
    c.address.addr = to_io(*a.address.numeric);
    c.address.port = 0;
    refclock::DriverConfig dc;
    dc.type = id.driver_type;
    dc.unit = id.unit;
    dc.mode = c.refclock_mode;
    dc.path = a.refclock_path;
    dc.ppspath = a.refclock_ppspath;
    dc.baud = a.refclock_baud;
    dc.sys_precision_log2 = sys_.precision_log2;
    std::optional<int> stratum;
    std::optional<std::uint32_t> refid;
    for (const auto& f : settings_->fudges) {
        if (f.clock != id) continue;
        if (f.stratum) stratum = *f.stratum;
        if (f.refid) refid = refid_from_text(*f.refid);
        if (f.time1_s) dc.time1_s = *f.time1_s;
        if (f.time2_s) dc.time2_s = *f.time2_s;
        for (std::size_t i = 0; i < 4; ++i)
            if (f.flags[i]) dc.flag[i] = *f.flags[i];
    }
    std::unique_ptr<refclock::Driver> driver;
    if (id.driver_type == refclock_local::driver_type) {
        c.kind = PeerKind::refclock_local;
        c.hostname = refclock_local::clock_name(id.unit);
        refclock_names_.push_back(c.hostname);
    } else {
        std::string error = "reference clock driver " + std::to_string(id.driver_type) + " is not supported";
        if (deps_.refclocks) driver = deps_.refclocks->create(dc, error);
        if (!driver) {
            message(Severity::error, "refclock " + a.address.text + ": " + error);
            return;
        }
        c.kind = PeerKind::refclock;
        c.fudge_stratum = driver->default_stratum();
        c.fudge_refid = driver->default_refid();
    }
    if (stratum) c.fudge_stratum = *stratum;
    if (refid) c.fudge_refid = *refid;
    // The LOCAL clock needs no filtering: its first sample is taken at the
    // first tick, so a LOCAL-only server is synchronised at once.
    const double first_poll_s = c.kind == PeerKind::refclock_local ? 0.0 : 1.0;
    if (peers_.full()) {
        message(Severity::error, too_many_message(a.address.text));
        return;
    }
    PeerEntry& e = peers_.add(std::move(c), steady_s, first_poll_s);
    e.driver = std::move(driver);
    peer_event(e, PeerEvent::mobilize, "assoc " + std::to_string(e.peer.assoc_id()));
}

void Core::refclock_timers(const timespec& now) {
    for (auto& e : peers_.entries()) {
        if (!e->driver) continue;
        e->driver->timer(now);
        drain_driver(*e, now);
    }
}

void Core::drain_driver(PeerEntry& e, const timespec& now) {
    const std::string who = e.peer.config().address.addr.to_string();
    for (const auto& m : e.driver->take_messages()) message(Severity::error, who + ": " + m);
    for (const auto& line : e.driver->take_clockstats()) write_clockstats(e, now, line);
}

void Core::tick(const timespec& now, std::optional<double> monotonic_s) {
    if (!started_ || exit_) return;
    if (monotonic_s) {
        // Someone else stepped the clock: keep the steady timescale steady and
        // drop what the filters and the discipline built on the old one.
        const double own_step_s = own_steps_unchecked_s_;
        own_steps_unchecked_s_ = 0;
        if (const auto jump = jump_detector_.check(ntp::clock::to_seconds(now), *monotonic_s, own_step_s)) {
            steps_total_s_ += *jump;
            if (!leap_->take_leap_jump(*jump, now)) {  // the clock's own leap second is not a step
                message(Severity::notice,
                        "system clock stepped by someone else by " + signed_seconds(*jump, 6) + " s");
                loop_->clock_jumped(local_seconds(now), *jump);
                restart_associations(steady_seconds(now));
            }
        }
    }
    const double local = local_seconds(now);
    const double steady = steady_seconds(now);
    loop_->tick(local);
    apply_leap(leap_->tick(now, steady, count_leap_votes(peers_), deps_.clock));
    if (sys_.leap != leap::alarm) sys_.leap = leap_->announcement();

    std::vector<std::string> log;
    std::vector<std::uint16_t> mobilized;
    peers_.service_names(steady, deps_.resolver, {settings_->max_clock, settings_->min_clock, survivors_}, log,
                         mobilized);
    for (const auto& line : log) {
        if (line.rfind("DNS ", 0) == 0) {
            // 4.2.8 shows these only with logconfig +sysinfo.
            record({CoreEvent::Kind::message, 0, line});
            if (deps_.log && (settings_->log_mask & log_sysinfo)) deps_.log->info(Subsystem::general, line);
        } else {
            message(Severity::notice, line);
        }
    }
    for (const auto id : mobilized)
        if (PeerEntry* e = peers_.find(id)) peer_event(*e, PeerEvent::mobilize, "assoc " + std::to_string(id));

    refclock_timers(now);
    std::vector<std::uint16_t> due;
    for (const auto& e : peers_.entries())
        if (e->peer.config().kind != PeerKind::pool_prototype && e->peer.poll_due(steady))
            due.push_back(e->peer.assoc_id());
    for (const auto id : due) {
        if (exit_) return;
        if (PeerEntry* e = peers_.find(id)) poll_peer(*e, now, steady);
    }

    // Root dispersion keeps growing between updates (ntpd.md §13 item 13).
    if (sys_.stratum < stratum_unsynchronised && !orphan_)
        sys_.root_dispersion_s = sys_rootdisp_base_s_ + k::phi * std::max(0.0, local - sys_update_local_s_);

    if (settings_->orphan < stratum_unsynchronised && sys_peer_id_ == 0 && !orphan_ &&
        steady - orphan_wait_start_s_ >= settings_->orphan_wait_s)
        become_orphan(now);

    sys_.offset_s = loop_->offset_s();
    sys_.frequency_ppm = loop_->frequency_ppm();
    sys_.clock_jitter_s = loop_->jitter_s();
    sys_.clock_wander_ppm = loop_->wander_ppm();
    sys_.poll_log2 = loop_->poll_log2();
    sys_.clock_state = static_cast<ClockState>(loop_->state());

    hourly_work(now, steady);
    check_quit(steady);
    last_tick_steady_s_ = steady;
}

void Core::poll_peer(PeerEntry& e, const timespec& now, double steady_s) {
    const bool fit = (e.peer.flash() & ntp::sync::flash::fitness_mask) == 0;
    const PollAction a = e.peer.poll(steady_s, loop_->poll_log2(), fit);
    const std::uint16_t id = e.peer.assoc_id();
    if (a.event != PeerEvent::none) peer_event(e, a.event);
    if (a.demobilize) {
        if (e.pool >= 0) peers_.note_pool_member_dropped(e.pool, e.peer.config().address.addr);
        demobilize(id, steady_s, true);
        return;
    }
    if (options_.quit_mode && (a.burst_finished || (e.peer.reach() == 0 && e.peer.unreach() > k::burst_retries)))
        if (std::none_of(quit_done_.begin(), quit_done_.end(), [&](const auto& d) { return d.first == id; }))
            quit_done_.emplace_back(id, steady_s);
    if (a.dummy_sample) {
        e.filter.add_dummy(local_seconds(now));
        clock_select(now);
        if (!peers_.find(id)) return;
    }
    if (e.driver) {
        poll_driver(e, now, steady_s);
    } else if (e.peer.config().is_refclock()) {
        poll_refclock(e, now, steady_s);
    } else if (a.send && e.peer.config().kind == PeerKind::broadcast) {
        send_broadcast(e, steady_s);
    } else if (a.send) {
        send_request(e, steady_s);
    } else {
        e.peer.schedule_next(steady_s, deps_.random.next_u32() & 0xff);
    }
}

void Core::send_request(PeerEntry& e, double steady_s) {
    const PeerConfig& c = e.peer.config();
    NtpHeader h;
    h.version = static_cast<std::uint8_t>(std::clamp(c.version, 1, 4));
    h.poll_log2 = static_cast<std::int8_t>(e.peer.hpoll_log2());
    h.precision_log2 = static_cast<std::int8_t>(sys_.precision_log2);
    if (c.kind == PeerKind::symmetric) {
        // Symmetric mode needs our system variables and the peer's last
        // transmit time echoed (RFC 5905 basic symmetric mode).
        h.mode = ntp::wire::Mode::symmetric_active;
        h.leap = static_cast<ntp::wire::LeapIndicator>(sys_.leap & 3);
        h.stratum = sys_.wire_stratum();
        h.root_delay = ntp::wire::NtpShort::from_seconds(sys_.root_delay_s);
        h.root_dispersion = ntp::wire::NtpShort::from_seconds(sys_.root_dispersion_s);
        h.refid.bytes = {static_cast<std::uint8_t>(sys_.refid >> 24), static_cast<std::uint8_t>(sys_.refid >> 16),
                         static_cast<std::uint8_t>(sys_.refid >> 8), static_cast<std::uint8_t>(sys_.refid)};
        h.reference_ts = ntp::wire::NtpTimestamp::from_raw(sys_.reftime_ntp);
        h.origin_ts = e.peer.last_peer_transmit();
        h.receive_ts = e.peer.header().received_at;
    } else {
        // Client requests carry nothing but what the server needs (data
        // minimisation): no reference time, no origin or receive timestamps
        // that would tell an observer about our previous exchanges.
        h.mode = ntp::wire::Mode::client;
        h.leap = ntp::wire::LeapIndicator::unsynchronised;
    }
    // Transmit timestamp last, with the bits below our precision random so
    // an off-path attacker cannot guess the origin a reply must carry.
    const NtpTime xmt = ntp::wire::with_random_low_bits(NtpTime::from_timespec(deps_.clock.now()),
                                                        sys_.precision_log2, deps_.random.next_u32());
    h.transmit_ts = xmt.timestamp();

    std::array<std::uint8_t, ntp::wire::header_size + ntp::wire::max_mac_size> buf{};
    const auto bytes = encode(h, c.key_id, buf);
    e.last_transmit = xmt;
    e.peer.transmitted(steady_s, h.transmit_ts, deps_.random.next_u32() & 0xff);
    if (!bytes) return;
    deps_.sender.send(e.peer.assoc_id(), c.address, *bytes);
    ++packets_sent_;
}

std::optional<std::span<const std::uint8_t>> Core::encode(const NtpHeader& h, std::uint32_t key_id,
                                                         std::span<std::uint8_t> buf) {
    ntp::wire::PacketWriter w(buf);
    w.header(h);
    if (key_id != 0 && deps_.keys && deps_.macs) {
        std::array<std::uint8_t, ntp::wire::max_digest_size> digest{};
        const std::size_t n = deps_.keys->sign(*deps_.macs, key_id, w.authenticated(), digest);
        if (n > 0) w.mac(key_id, std::span<const std::uint8_t>(digest.data(), n));
    }
    return w.finish();
}

void Core::poll_refclock(PeerEntry& e, const timespec& now, double steady_s) {
    const std::uint16_t id = e.peer.assoc_id();
    const PeerEvent ev = e.peer.refclock_sample(steady_s, NtpTime::from_timespec(now).timestamp(),
                                                sys_.precision_log2);
    e.peer.schedule_next(steady_s, deps_.random.next_u32() & 0xff);
    if (ev != PeerEvent::none) peer_event(e, ev);
    if (refclock_local::may_sample(sys_peer_id_ != 0, sys_peer_id_ == id))
        process_sample(e, refclock_local::sample(), now);
}

void Core::poll_driver(PeerEntry& e, const timespec& now, double steady_s) {
    refclock::Driver& d = *e.driver;
    d.poll(now);
    const auto s = d.take(now, std::ldexp(1.0, e.peer.hpoll_log2()));
    e.peer.schedule_next(steady_s, deps_.random.next_u32() & 0xff);
    if (const auto ev = d.take_event(); ev && *ev != refclock::ClockEvent::nominal)
        peer_event(e, PeerEvent::clock_event, refclock::clock_event_name(*ev));
    drain_driver(e, now);
    // A timecode flagged unsynchronised is no sample (classic refclock_receive).
    if (!s || s->leap == leap::alarm) return;
    const PeerEvent ev = e.peer.refclock_sample(steady_s, NtpTime::from_timespec(s->reference).timestamp(),
                                                s->precision_log2, s->leap);
    if (ev != PeerEvent::none) peer_event(e, ev);
    ntp::sync::Sample sample;
    sample.offset_s = s->offset_s;
    sample.delay_s = 0;
    sample.dispersion_s = s->dispersion_s;
    process_sample(e, sample, now);
}

PacketResult Core::on_packet(const ReceivedPacket& rx) {
    if (!started_ || exit_) return PacketResult::not_ours;
    if (!rx.bytes.empty() && (rx.bytes[0] & 7) == static_cast<std::uint8_t>(ntp::wire::Mode::broadcast))
        return on_broadcast(rx);
    PeerEntry* e = peers_.find_by_source(rx.from);
    if (!e) return PacketResult::not_ours;
    if (rx.via_assoc != 0 && rx.via_assoc != e->peer.assoc_id()) return PacketResult::dropped;
    const auto decoded = ntp::wire::decode_packet(rx.bytes);
    if (!decoded.packet) return PacketResult::dropped;
    const ntp::wire::PacketView& pkt = *decoded.packet;
    const NtpHeader& h = pkt.header;
    const PeerConfig& c = e->peer.config();

    const bool has_mac = pkt.mac && !pkt.mac->is_crypto_nak();
    bool authenticated = false;
    if (c.key_id != 0 && has_mac && pkt.mac->key_id == c.key_id && deps_.keys && deps_.macs) {
        const auto src = std::span<const std::uint8_t>(rx.from.addr.bytes.data(), rx.from.addr.size());
        authenticated = deps_.keys->check(*deps_.macs, c.key_id, pkt.authenticated, pkt.mac->digest, src) ==
                        ntp::auth::AuthStatus::ok;
    }
    const double steady = steady_seconds(rx.received_at);
    const ReplyVerdict verdict = e->peer.check_reply(h, has_mac, authenticated);
    if (verdict != ReplyVerdict::accepted) {
        if (verdict == ReplyVerdict::bad_auth) peer_event(*e, PeerEvent::bad_auth);
        return verdict == ReplyVerdict::not_for_us ? PacketResult::not_ours : PacketResult::dropped;
    }

    if (const KissAction kiss = Peer::classify_kiss(h); kiss != KissAction::none) {
        const PeerEvent ev = e->peer.obey_kiss(kiss, h, steady);
        peer_event(*e, ev, h.refid.ascii().value_or(""));
        if (kiss == KissAction::deny) {
            if (c.ephemeral()) demobilize(e->peer.assoc_id(), steady, true);
            else clock_select(rx.received_at);
        }
        return PacketResult::accepted;
    }

    const NtpTime t4 = NtpTime::from_timespec(rx.received_at);
    const std::uint16_t header_bits = Peer::header_tests(h, settings_->floor, settings_->ceiling);
    const PeerEvent ev = e->peer.accept_reply(h, t4.timestamp(), steady, authenticated, header_bits);
    if (ev != PeerEvent::none) peer_event(*e, ev);
    if (header_bits != 0) {
        // No time from it, and the server is unfit now: select again at
        // once, so a system peer that lost its own sync (leap 3, stratum
        // 16) is dropped at this reply, not when its filter runs dry.
        clock_select(rx.received_at);
        return PacketResult::accepted;
    }
    // Timestamps within seconds of a leap may come from both sides of it.
    if (leap_->near_leap(ntp::clock::to_seconds(rx.received_at))) return PacketResult::accepted;

    const NtpTime t1 = e->last_transmit;
    const NtpTime t2 = ntp::wire::resolve_era(h.receive_ts, t4);
    const NtpTime t3 = ntp::wire::resolve_era(h.transmit_ts, t4);
    ntp::sync::ExchangeTimes times;
    times.forward_s = ntp::wire::diff_s(t2, t1);
    times.backward_s = ntp::wire::diff_s(t3, t4);
    times.round_trip_s = ntp::wire::diff_s(t4, t1);
    const auto sample = ntp::sync::compute_sample(times, std::ldexp(1.0, h.precision_log2),
                                                  std::ldexp(1.0, sys_.precision_log2));
    process_sample(*e, sample, rx.received_at);
    return PacketResult::accepted;
}

std::uint16_t Core::header_bits(const NtpHeader& h) const {
    return Peer::header_tests(h, settings_->floor, settings_->ceiling);
}

bool Core::is_configured_peer(const ntp::io::Endpoint& from) const {
    const PeerEntry* e = peers_.find_by_source(from);
    return e && e->peer.config().kind == PeerKind::symmetric;
}

void Core::process_sample(PeerEntry& e, const ntp::sync::Sample& s, const timespec& now) {
    const double local = local_seconds(now);
    // The discipline decides when filters may delay-sort: not during the
    // start-up clamp, nor before its frequency has been trained.
    const bool settled = loop_->sort_filters();
    // Nor may it suppress popcorn spikes before then (clock_filter.hh).
    ntp::sync::FilterMode mode;
    mode.sort_by_distance = settled;
    mode.suppress_spikes = settled;
    const auto outcome = e.filter.add(s, local, e.peer.hpoll_log2(), mode);
    if (outcome == ntp::sync::FilterOutcome::popcorn) {
        peer_event(e, PeerEvent::popcorn, signed_seconds(s.offset_s, 6) + " s");
        return;
    }
    if (outcome == ntp::sync::FilterOutcome::rejected) return;
    write_peerstats(e, now);
    if (outcome != ntp::sync::FilterOutcome::new_sample) return;
    // Within a burst, select once at its end unless we are not synchronised,
    // or this is the system peer while the discipline is still training its
    // frequency: then each of its samples counts (a burst is the only time
    // samples come seconds apart). Other peers' burst samples still wait, so
    // a source that only the wide early intervals let in cannot pull the
    // untrained loop from one sample.
    const bool training_sys_peer = !settled && e.peer.assoc_id() == sys_peer_id_;
    if (e.peer.burst_remaining() > 0 && sys_.leap != leap::alarm && !training_sys_peer) return;
    clock_select(now);
}

void Core::clock_select(const timespec& now) {
    const double local = local_seconds(now);
    const double steady = steady_seconds(now);
    const Settings& s = *settings_;
    std::vector<ntp::sync::Candidate> candidates;

    for (auto& ep : peers_.entries()) {
        PeerEntry& e = *ep;
        Peer& p = e.peer;
        const PeerConfig& c = p.config();
        if (c.kind == PeerKind::pool_prototype || c.kind == PeerKind::broadcast) continue;
        const PeerHeader& h = p.header();
        const bool refclock = c.is_refclock();
        const int stratum = refclock ? c.fudge_stratum : (h.stratum == 0 ? 16 : h.stratum);

        ntp::sync::DistanceInput d;
        d.delay_s = e.filter.delay_s();
        d.root_delay_s = h.root_delay_s;
        d.dispersion_s = e.filter.dispersion_s();
        d.root_dispersion_s = h.root_dispersion_s;
        d.jitter_s = e.filter.jitter_s();
        d.age_s = std::max(0.0, local - e.filter.update_time_s());
        const double lambda = ntp::sync::root_distance(d, s.min_dist_s);
        e.root_distance_s = lambda;

        ntp::sync::FitnessInput fi;
        fi.leap = h.leap;
        fi.stratum = stratum;
        fi.reachable = p.reach() != 0;
        fi.noselect = c.noselect || p.stopped();
        fi.refclock = refclock;
        fi.root_distance_s = lambda;
        fi.host_poll_log2 = p.hpoll_log2();
        fi.peer_refid = h.refid.host_order();
        fi.system_refid = sys_.refid;
        std::uint16_t bits = ntp::sync::check_fitness(fi, {s.floor, s.ceiling, s.max_dist_s});
        if (!e.filter.has_sample()) bits |= ntp::sync::flash::test11_distance;
        // The latest reply failed the header tests (TEST6/7) in a way the
        // captured leap and stratum may not show (a reference time later
        // than its transmit time): unfit, as if its synchronisation were bad.
        if (p.header_failed()) bits |= ntp::sync::flash::test10_bad_sync;
        p.set_flash(static_cast<std::uint16_t>((p.flash() & ~ntp::sync::flash::fitness_mask) | bits));
        if (bits != 0) {
            p.set_select(PeerSelect::reject);
            continue;
        }
        ntp::sync::Candidate cand;
        cand.id = p.assoc_id();
        // Peers measured at different times (up to eight polls ago for a
        // delay-sorted filter): refer each offset to now, so slews made since
        // are not counted twice. From when that sample arrived, which is
        // older than the filter's epoch when the filter fell back on an
        // older, shorter-delay sample (`stale`): referring it from the epoch
        // brought back the start-up offset an early iburst sample measured
        // (LAN x3 sim: -49 ms counted as current, the clock pulled 5 ms off).
        cand.offset_s = loop_->refer_offset(e.filter.offset_s(), e.filter.sample_time_s(), local);
        cand.root_distance_s = lambda;
        cand.jitter_s = e.filter.jitter_s();
        cand.stratum = stratum;
        cand.prefer = c.prefer;
        cand.truechimer = c.true_chimer;
        cand.kind = c.kind == PeerKind::refclock_local ? ntp::sync::SourceKind::local_clock
                    : refclock                          ? ntp::sync::SourceKind::refclock
                                                        : ntp::sync::SourceKind::network;
        cand.address_metric = address_metric(c.address.addr);
        candidates.push_back(cand);
    }

    ntp::sync::SelectionOptions opts;
    opts.min_clock = s.min_clock;
    opts.max_clock = s.max_clock;
    opts.min_sane = s.min_sane;
    opts.min_dist_s = s.min_dist_s;
    opts.orphan_stratum = s.orphan;
    // Issue 4: with LOCAL as the only source there is nothing to wait for,
    // so it is usable at once; with real servers configured classic caution
    // (orphanwait) holds.
    opts.orphan_wait_elapsed =
        steady - orphan_wait_start_s_ >= s.orphan_wait_s || peers_.network_sources() == 0;

    std::optional<int> previous;
    if (sys_peer_id_ != 0) previous = sys_peer_id_;
    const ntp::sync::SelectionResult r = ntp::sync::select_clock(candidates, opts, previous, clock_hop_);

    survivors_ = 0;
    for (std::size_t i = 0; i < candidates.size() && i < r.tally.size(); ++i) {
        PeerEntry* e = peers_.find(static_cast<std::uint16_t>(candidates[i].id));
        if (!e) continue;
        PeerSelect sel = PeerSelect::reject;
        switch (r.tally[i]) {
        case ntp::sync::Tally::falseticker: sel = PeerSelect::falsetick; break;
        case ntp::sync::Tally::excess: sel = PeerSelect::excess; break;
        case ntp::sync::Tally::outlier: sel = PeerSelect::outlier; break;
        case ntp::sync::Tally::held_aside: sel = PeerSelect::reject; break;
        case ntp::sync::Tally::survivor: sel = PeerSelect::candidate; break;
        case ntp::sync::Tally::system_peer: sel = PeerSelect::sys_peer; break;
        }
        e->peer.set_select(sel);
        if (sel == PeerSelect::candidate || sel == PeerSelect::sys_peer) {
            ++survivors_;
            e->peer.mark_useful();
        }
    }

    if (!r.system_peer) {
        if (sys_peer_id_ != 0) lose_sys_peer(steady);
        return;
    }
    PeerEntry* sp = peers_.find(static_cast<std::uint16_t>(*r.system_peer));
    if (!sp) return;
    if (sp->peer.assoc_id() != sys_peer_id_) {
        sys_peer_id_ = sp->peer.assoc_id();
        peer_event(*sp, PeerEvent::sys_peer);
    }
    orphan_ = false;
    clock_update(*sp, r, now);
}

void Core::clock_update(PeerEntry& sp, const ntp::sync::SelectionResult& r, const timespec& now) {
    // Classic sys_epoch: only a system peer sample newer than the one the
    // last update used (from whichever peer) updates the clock, so the
    // discipline sees its measurements in time order even when the system
    // peer changes.
    if (sp.filter.epoch_s() <= sys_epoch_s_) return;
    sys_epoch_s_ = sp.filter.epoch_s();
    const double local = local_seconds(now);
    const Peer& p = sp.peer;
    const PeerConfig& c = p.config();
    const PeerHeader& h = p.header();
    const bool refclock = c.is_refclock();
    const int pstratum = refclock ? c.fudge_stratum : (h.stratum == 0 ? 16 : h.stratum);

    const double root_delay = h.root_delay_s + sp.filter.delay_s();
    const double root_disp =
        std::max(h.root_dispersion_s + sp.filter.dispersion_s() + r.jitter_s +
                     k::phi * std::max(0.0, local - sp.filter.update_time_s()) + std::fabs(r.offset_s),
                 settings_->min_dist_s);

    ntp::sync::LoopUpdate u;
    // The combined offset is referred to now; the discipline wants it as the
    // system peer's sample measured it (its raw measurement feeds the
    // frequency estimate at sample_time_s).
    u.offset_s = loop_->refer_offset(r.offset_s, local, sp.filter.epoch_s());
    // While the discipline is still training its frequency, updates take the
    // system peer's own sample, not the combination: the other sources were
    // last heard up to a poll or a burst ago, and referring their offsets to
    // now with a frequency still tens of ppm off puts milliseconds of error
    // into the combination (WAN sim: -2.6 ms at 77 s, which the frequency
    // estimate then followed). Early on, while every distance is still wide,
    // the combination can also include a source the intersection will reject
    // a few seconds later. And a step is one measurement, not an average:
    // when the servers' time jumps (an unannounced leap second) their
    // filters change over at different polls, and a combination of before
    // and after values would step the clock by a fraction of the jump and
    // then again by the rest.
    if (!loop_->sort_filters() || loop_->beyond_step_threshold(u.offset_s))
        u.offset_s = loop_->refer_offset(sp.filter.offset_s(), sp.filter.sample_time_s(), sp.filter.epoch_s());
    // Huff-n'-puff works on what the discipline is given, with the system
    // peer's delay (classic local_clock).
    if (huff_puff_) u.offset_s = huff_puff_->correct(u.offset_s, sp.filter.delay_s(), local);
    u.sample_time_s = sp.filter.epoch_s();
    u.now_s = local;
    u.root_delay_s = root_delay;
    u.root_dispersion_s = root_disp;
    u.leap_insert = leap_->announcement() == leap::add_second;
    u.leap_delete = leap_->announcement() == leap::delete_second;
    loop_->set_poll_limits(c.minpoll_log2, c.maxpoll_log2);
    const ntp::sync::UpdateResult ur = loop_->update(u);
    loop_events(ur.events);
    if (!ur.clock_error.empty()) message(Severity::error, ur.clock_error);

    if (ur.outcome == ntp::sync::UpdateOutcome::panic) {
        if (!exit_) exit_ = ExitRequest{255, ""};
        return;
    }
    if (ur.outcome == ntp::sync::UpdateOutcome::stepped) {
        write_loopstats(now);
        handle_step(now);
    } else {
        // Classic clock_update: the system variables follow the system peer
        // whatever the discipline did; only leap waits for a real adjustment.
        sys_.stratum = std::min(pstratum + 1, stratum_unsynchronised);
        // Classic names the system peer by its address unless the peer is at
        // stratum 0 or 16 - refclocks included: LOCAL fudged to stratum 10
        // makes the refid 127.127.1.0 (ntpq shows LOCAL(0)), not LOCL. That
        // is also what keeps LOCAL selectable: with our refid equal to the
        // peer's LOCL the loop test (TEST12) would reject it from the second
        // round on, and the system variables would never follow its samples.
        if (pstratum == 0 || pstratum >= stratum_unsynchronised) {
            sys_.refid = h.refid.host_order();
        } else if (c.address.addr.is_v4()) {
            sys_.refid = c.address.addr.v4_host_order();
        } else {
            sys_.refid = ntp::wire::RefId::from_ipv6(c.address.addr.bytes).host_order();
        }
        sys_.root_delay_s = root_delay;
        sys_.root_dispersion_s = root_disp;
        sys_rootdisp_base_s_ = root_disp;
        sys_update_local_s_ = local;
        sys_.reftime_ntp = h.received_at.raw();
        sys_.sys_peer_assoc = p.assoc_id();
        sys_.sys_peer_mode = p.hmode();
        sys_.sync_source = c.kind == PeerKind::refclock_local ? sync_source::local
                           : sp.driver                        ? sp.driver->sync_source()
                                                              : sync_source::ntp;
        sys_.sys_jitter_s = r.jitter_s;
        if (ur.outcome == ntp::sync::UpdateOutcome::adjusted) {
            sys_.leap = leap_->announcement();
            if (!ever_synchronised_ && settings_->hwclock_interval_s)
                next_hwclock_s_ = steady_seconds(now);  // first RTC write right away
            ever_synchronised_ = true;
        }
        sys_.offset_s = loop_->offset_s();
        sys_.frequency_ppm = loop_->frequency_ppm();
        sys_.clock_jitter_s = loop_->jitter_s();
        sys_.clock_wander_ppm = loop_->wander_ppm();
        sys_.poll_log2 = loop_->poll_log2();
        sys_.clock_state = static_cast<ClockState>(loop_->state());
        write_loopstats(now);
    }

    if (options_.quit_mode && loop_->done() && !exit_) {
        ExitRequest x;
        x.status = 0;
        for (const auto& ev : ur.events) {
            if (ev.type == ntp::sync::LoopEventType::one_shot_set)
                x.stdout_text = "ntpd: time set " + signed_seconds(ev.value, 6) + "s";
            else if (ev.type == ntp::sync::LoopEventType::one_shot_slew)
                x.stdout_text = "ntpd: time slew " + signed_seconds(ev.value, 6) + "s";
        }
        exit_ = x;
    }
}

void Core::handle_step(const timespec& now) {
    // `now` was read before the step. The clock moved by the step (the
    // clock_step event carried it): keep the steady timescale continuous.
    const double steady = steady_seconds(now);
    steps_total_s_ += last_step_s_;
    last_step_s_ = 0;
    restart_associations(steady);
}

// Classic clear_all after a step: every measurement was made on the old
// timescale, so start over (iburst again) and stop claiming to be in sync.
void Core::restart_associations(double steady) {
    for (auto& e : peers_.entries()) {
        const PeerKind kind = e->peer.config().kind;
        if (kind == PeerKind::pool_prototype || kind == PeerKind::broadcast) continue;
        e->peer.restart(steady, 1.0 + (deps_.random.next_u32() & 0xff) / 256.0);
        e->filter.clear();
    }
    sys_.leap = leap::alarm;
    sys_.stratum = stratum_unsynchronised;
    sys_.refid = refid_from_text("STEP");
    sys_.root_delay_s = 0;
    sys_.root_dispersion_s = 0;
    sys_.reftime_ntp = 0;
    sys_.sys_peer_assoc = 0;
    sys_.sync_source = sync_source::unspec;
    sys_peer_id_ = 0;
    sys_epoch_s_ = -1e300;
    orphan_ = false;
    clock_hop_ = {};
    orphan_wait_start_s_ = steady;
}

void Core::become_orphan(const timespec& now) {
    // tos orphan S: nobody better is reachable; serve stratum S ourselves so
    // an isolated group of servers keeps one timescale (ntpd.md §8).
    orphan_ = true;
    sys_.leap = leap::none;
    sys_.stratum = settings_->orphan;
    sys_.refid = settings_->orphan <= 1 ? refid_from_text("LOOP") : 0x7f000001u;
    sys_.root_delay_s = 0;
    sys_.root_dispersion_s = 0;
    sys_.reftime_ntp = NtpTime::from_timespec(now).timestamp().raw();
    sys_.offset_s = 0;
    sys_.sync_source = sync_source::unspec;
}

void Core::lose_sys_peer(double steady_s) {
    if (PeerEntry* e = peers_.find(sys_peer_id_)) {
        if (e->peer.select() == PeerSelect::sys_peer) e->peer.set_select(PeerSelect::reject);
    }
    sys_peer_id_ = 0;
    sys_.sys_peer_assoc = 0;
    orphan_wait_start_s_ = steady_s;
    // Classic keeps leap/stratum/refid: clients judge us by the growing
    // root dispersion (ntpd.md §6).
    system_event(SystemEvent::no_sys_peer);
}

void Core::demobilize(std::uint16_t assoc_id, double steady_s, bool log_event) {
    PeerEntry* e = peers_.find(assoc_id);
    if (!e) return;
    if (log_event) peer_event(*e, PeerEvent::demobilize);
    deps_.sender.release(assoc_id);
    const bool was_sys_peer = assoc_id == sys_peer_id_;
    peers_.remove(assoc_id);
    if (was_sys_peer) lose_sys_peer(steady_s);
}

void Core::hourly_work(const timespec& now, double steady_s) {
    if (settings_->driftfile && drift_policy_ && drift_policy_->should_write(steady_s, loop_->frequency_ppm())) {
        const auto w = ntp::clock::write_drift_file(*settings_->driftfile, loop_->frequency_ppm());
        if (!w.message.empty()) message(w.severity, w.message);
    }
    if (next_hwclock_s_ && deps_.hwclock && sys_.synchronised() && steady_s >= *next_hwclock_s_) {
        const std::string err = deps_.hwclock->write_rtc();
        if (!err.empty()) message(Severity::warning, err);
        next_hwclock_s_ = steady_s + *settings_->hwclock_interval_s;
    }
    (void)now;
}

void Core::check_quit(double steady_s) {
    // A finished burst's last reply gets a few seconds to arrive.
    constexpr double reply_grace_s = 4;
    if (!options_.quit_mode || exit_ || loop_->done()) return;
    if (!peers_.pending_names().empty()) return;
    for (const auto& e : peers_.entries()) {
        if (e->peer.config().kind == PeerKind::broadcast) continue;  // sends, never answers
        if (e->peer.config().kind == PeerKind::pool_prototype) {
            if (!peers_.pools().empty() && peers_.entries().size() == 1) return;  // members still coming
            continue;
        }
        const auto d = std::find_if(quit_done_.begin(), quit_done_.end(),
                                    [&](const auto& q) { return q.first == e->peer.assoc_id(); });
        if (d == quit_done_.end() || steady_s < d->second + reply_grace_s) return;
    }
    message(Severity::notice, "ntpd: no servers found");
    exit_ = ExitRequest{0, "ntpd: no servers found"};
}

void Core::release_clock() {
    if (loop_) loop_->end_fast_slew();
}

void Core::shutdown(const timespec& now) {
    (void)now;
    release_clock();
    if (deps_.hwclock && settings_->hwclock_interval_s && sys_.synchronised()) {
        const std::string err = deps_.hwclock->write_rtc();
        if (!err.empty()) message(Severity::warning, err);
    }
}

ntp::io::Endpoint Core::sys_peer_address() const {
    if (const PeerEntry* e = peers_.find(sys_peer_id_)) return e->peer.config().address;
    return {};
}

void Core::clear_event_count(std::uint16_t assoc_id) {
    if (assoc_id == 0) {
        sys_.event_count = 0;
    } else if (PeerEntry* e = peers_.find(assoc_id)) {
        e->peer.clear_event_count();
    }
}

std::vector<CoreEvent> Core::take_events() {
    std::vector<CoreEvent> out;
    out.swap(events_);
    return out;
}

void Core::record(CoreEvent event) {
    // Some events can be provoked from the network (bad_auth from a forged
    // packet): when nobody takes them, keep only the most recent ones.
    constexpr std::size_t max_kept = 512;
    if (events_.size() >= max_kept) events_.erase(events_.begin(), events_.begin() + max_kept / 2);
    events_.push_back(std::move(event));
}

bool Core::event_logged(bool system) const {
    return (settings_->log_mask & (system ? log_sysevents : log_peerevents)) != 0;
}

void Core::reload_leap_file(const timespec& now) { apply_leap(leap_->load(now.tv_sec, true)); }

void Core::apply_leap(const LeapActions& actions) {
    for (const auto& m : actions.messages) message(m.severity, m.text);
    for (const auto& [code, detail] : actions.events) system_event(code, detail);
}

void Core::system_event(SystemEvent code, const std::string& detail) {
    sys_.note_event(code);
    std::string line = "0.0.0.0 " + hex_word(sys_.status_word(), static_cast<unsigned>(code)) + " " +
                       system_event_name(code);
    if (!detail.empty()) line += " " + detail;
    record({CoreEvent::Kind::system, static_cast<std::uint8_t>(code), line});
    if (deps_.log && event_logged(true)) deps_.log->notice(Subsystem::clock, line);
}

void Core::peer_event(PeerEntry& e, PeerEvent code, const std::string& detail) {
    if (code == PeerEvent::none) return;
    e.peer.note_event(code);
    const auto& a = e.peer.config().address.addr;
    std::string line = a.to_string() + " " +
                       hex_word(e.peer.status_word(), 0x80u | static_cast<unsigned>(code)) + " " +
                       peer_event_name(code);
    if (!detail.empty()) line += " " + detail;
    record({CoreEvent::Kind::peer, static_cast<std::uint8_t>(code), line});
    if (deps_.log && event_logged(false)) deps_.log->notice(Subsystem::proto, line);
}

void Core::message(Severity severity, const std::string& text) {
    record({CoreEvent::Kind::message, 0, text});
    if (deps_.log) deps_.log->write(severity, Subsystem::general, text);
}

void Core::loop_events(const std::vector<ntp::sync::LoopEvent>& events) {
    for (const auto& ev : events) {
        const int code = ntp::sync::event_code(ev.type);
        if (ev.type == ntp::sync::LoopEventType::clock_step) {
            last_step_s_ += ev.value;
            own_steps_unchecked_s_ += ev.value;
        }
        if (code < 0) {
            const bool fatal = ev.type == ntp::sync::LoopEventType::kernel_failed;
            message(fatal ? Severity::warning : Severity::notice, ntp::sync::event_text(ev));
            continue;
        }
        system_event(static_cast<SystemEvent>(code), ev.detail);
        if (ev.type == ntp::sync::LoopEventType::panic_stop && deps_.log && !event_logged(true)) {
            // Fatal: always visible, even when event lines are not logged.
            deps_.log->error(Subsystem::clock, "0.0.0.0 " + hex_word(sys_.status_word(), 7) + " panic_stop " +
                                                   ev.detail);
        }
    }
}

void Core::write_peerstats(const PeerEntry& e, const timespec& now) {
    if (!stats_ || !stats_->peer_enabled()) return;
    std::string error;
    if (!stats_->peer(now, e.peer.config().address.addr.to_string(), e.peer.status_word(), e.filter.offset_s(),
                      e.filter.delay_s(), e.filter.dispersion_s(), e.filter.jitter_s(), error))
        message(Severity::warning, error);
}

void Core::write_clockstats(const PeerEntry& e, const timespec& now, const std::string& text) {
    if (!stats_ || !stats_->clock_enabled()) return;
    std::string error;
    if (!stats_->clock(now, e.peer.config().address.addr.to_string(), text, error))
        message(Severity::warning, error);
}

void Core::write_loopstats(const timespec& now) {
    if (!stats_ || !stats_->loop_enabled()) return;
    std::string error;
    if (!stats_->loop(now, loop_->offset_s(), loop_->frequency_ppm(), loop_->jitter_s(), loop_->wander_ppm(),
                      loop_->poll_log2(), error))
        message(Severity::warning, error);
}

}  // namespace ntpd
