#include "tests/sim/client.hh"

#include <cstdio>
#include <cstdlib>

#include <algorithm>

#include "libntp/sync/fitness.hh"
#include "libntp/sync/poll_policy.hh"
#include "libntp/sync/sample.hh"

namespace ntp::sim {

SimClient::SimClient(World& world, std::vector<int> servers, const ClientOptions& options)
    : world_(world), options_(options), loop_(world.clock(), options.loop) {
    for (int s : servers) {
        Association a;
        a.server = s;
        a.filter = sync::ClockFilter(world.clock().precision_s());
        a.host_poll_log2 = options.min_poll_log2;
        assocs_.push_back(a);
    }
}

void SimClient::log(const sync::LoopEvent& e) { events_.push_back(sync::event_text(e)); }

void SimClient::start() {
    start_true_s_ = world_.true_s();
    loop_.set_poll_limits(options_.min_poll_log2, options_.max_poll_log2);
    for (const auto& e : loop_.start(world_.local_s())) log(e);
    world_.at(world_.true_s() + 1, [this] { tick(); });
    // New associations send their first packet within 1-2 s (ntpd.md §5.2).
    for (std::size_t a = 0; a < assocs_.size(); ++a) schedule_poll(a, 1 + 0.1 * static_cast<double>(a));
}

void SimClient::tick() {
    if (panicked_) return;
    loop_.tick(world_.local_s());
    world_.at(world_.true_s() + 1, [this] { tick(); });
}

void SimClient::schedule_poll(std::size_t a, double in_s) {
    const auto token = ++assocs_[a].poll_token;
    world_.at(world_.true_s() + in_s, [this, a, token] { poll(a, token); });
}

void SimClient::poll(std::size_t a, std::uint64_t token) {
    auto& as = assocs_[a];
    if (panicked_ || token != as.poll_token) return;
    const bool was_reachable = as.reach != 0;
    as.reach = static_cast<std::uint8_t>(as.reach << 1);
    if (was_reachable && as.reach == 0) as.filter.add_dummy(world_.local_s());  // unreachable
    if (++as.unreach >= sync::constants::unreach_polls)
        as.host_poll_log2 = std::min(as.host_poll_log2 + 1, options_.max_poll_log2);

    const auto generation = as.generation;
    world_.send(as.server, [this, a, generation](const Exchange& x) { on_reply(a, generation, x); });
    if (as.burst_left > 0) {
        --as.burst_left;
        schedule_poll(a, sync::constants::min_packet_spacing_s);
    } else {
        schedule_poll(a, sync::poll_interval_s(as.host_poll_log2, world_.random_u32() & 0xff));
    }
}

void SimClient::on_reply(std::size_t a, std::uint64_t generation, const Exchange& x) {
    auto& as = assocs_[a];
    if (panicked_ || generation != as.generation) return;
    const auto& server = world_.server(as.server);
    const bool was_unreachable = as.reach == 0;
    as.reach |= 1;
    as.unreach = 0;
    as.stratum = server.stratum;
    as.root_delay_s = server.root_delay_s;
    as.root_dispersion_s = server.root_dispersion_s;
    as.host_poll_log2 = std::clamp(loop_.poll_log2(), options_.min_poll_log2, options_.max_poll_log2);
    if (was_unreachable && options_.iburst) {
        // iburst: 5 more packets at the minimum spacing (6 in all).
        as.burst_left = sync::constants::iburst_packets - 2;
        schedule_poll(a, sync::constants::min_packet_spacing_s);
    }

    const auto sample = sync::compute_sample({x.forward_s, x.backward_s, x.round_trip_s},
                                             server.precision_s, world_.clock().precision_s());
    // As ntpd's core: no delay sort and no popcorn suppression until the
    // discipline has settled.
    const bool settled = loop_.sort_filters();
    const auto outcome =
        as.filter.add(sample, x.receive_local_s, as.host_poll_log2, sync::FilterMode{settled, settled});
    if (outcome == sync::FilterOutcome::new_sample) system_process();
}

void SimClient::system_process() {
    const double now = world_.local_s();
    std::vector<sync::Candidate> candidates;
    for (std::size_t a = 0; a < assocs_.size(); ++a) {
        const auto& as = assocs_[a];
        if (!as.filter.has_sample()) continue;
        sync::DistanceInput d{as.filter.delay_s(), as.root_delay_s, as.filter.dispersion_s(),
                              as.root_dispersion_s, as.filter.jitter_s(),
                              now - as.filter.update_time_s()};
        sync::FitnessInput f;
        f.leap = 0;
        f.stratum = as.stratum;
        f.reachable = as.reach != 0;
        f.root_distance_s = sync::root_distance(d);
        f.host_poll_log2 = as.host_poll_log2;
        if (sync::check_fitness(f) != 0) continue;
        sync::Candidate c;
        c.id = static_cast<int>(a);
        // Refer the offset to now: the loop may have slewed since it was measured.
        c.offset_s = loop_.refer_offset(as.filter.offset_s(), as.filter.epoch_s(), now);
        c.root_distance_s = f.root_distance_s;
        c.jitter_s = as.filter.jitter_s();
        c.stratum = as.stratum;
        candidates.push_back(c);
    }
    const auto r = sync::select_clock(candidates, options_.selection, system_peer_, hop_);
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        auto& t = assocs_[static_cast<std::size_t>(candidates[i].id)].tallies;
        ++t.rounds;
        if (r.tally[i] == sync::Tally::falseticker) ++t.falseticker;
        if (r.tally[i] == sync::Tally::system_peer) ++t.system_peer;
        if (r.tally[i] == sync::Tally::system_peer || r.tally[i] == sync::Tally::survivor) {
            ++t.survivor;
            t.last_survivor_true_s = world_.true_s();
        }
    }
    system_peer_ = r.system_peer;
    if (!r.system_peer) return;

    const auto& sp = assocs_[static_cast<std::size_t>(*r.system_peer)];
    // Only a sample newer than the last one used updates the clock (classic).
    if (sp.filter.epoch_s() <= last_update_epoch_s_) return;
    last_update_epoch_s_ = sp.filter.epoch_s();

    sync::LoopUpdate u;
    // Combined offset back at the time of the system peer's sample.
    u.offset_s = loop_.refer_offset(r.offset_s, now, sp.filter.epoch_s());
    u.sample_time_s = sp.filter.epoch_s();
    u.now_s = now;
    u.root_delay_s = sp.filter.delay_s() + sp.root_delay_s;
    u.root_dispersion_s = sp.root_dispersion_s + sp.filter.dispersion_s();
    const auto res = loop_.update(u);
    if (std::getenv("SIM_TRACE"))
        std::printf("update %7.1f offset %+10.1f us state %s clamp %d freq %+.3f\n", world_.true_s(),
                    u.offset_s * 1e6, sync::to_string(loop_.state()), loop_.startup_clamp(),
                    loop_.frequency_ppm());
    for (const auto& e : res.events) log(e);
    if (res.outcome == sync::UpdateOutcome::stepped) clear_all();
    if (res.outcome == sync::UpdateOutcome::panic) panicked_ = true;
}

void SimClient::clear_all() {
    // After a step every association starts over (classic peer_clear "STEP").
    system_peer_.reset();
    hop_ = {};
    last_update_epoch_s_ = -1e300;
    for (std::size_t a = 0; a < assocs_.size(); ++a) {
        auto& as = assocs_[a];
        as.filter.clear();
        as.reach = 0;
        as.unreach = 0;
        as.burst_left = 0;
        as.host_poll_log2 = options_.min_poll_log2;
        ++as.generation;
        schedule_poll(a, 1 + 0.1 * static_cast<double>(a));
    }
}

}  // namespace ntp::sim
