#pragma once
// A minimal NTP client for the simulations: per-server associations (reach
// register, iburst, poll 2^poll with the classic random stretch, unreachable
// back-off) feeding the libntp/sync algorithms exactly as ntpd's system
// process does: clock filter -> fitness -> selection/cluster/combine ->
// loop filter. It stands in until the daemon's core can be driven here; the
// world (world.hh) does not depend on it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "libntp/sync/candidate.hh"
#include "libntp/sync/clock_filter.hh"
#include "libntp/sync/loop_filter.hh"
#include "libntp/sync/selection.hh"
#include "tests/sim/world.hh"

namespace ntp::sim {

struct ClientOptions {
    sync::LoopConfig loop;
    sync::SelectionOptions selection;
    int min_poll_log2 = 6;
    int max_poll_log2 = 10;
    bool iburst = true;
};

class SimClient {
public:
    SimClient(World& world, std::vector<int> servers, const ClientOptions& options);

    // Schedule the loop start, the one-second timer and the first polls.
    void start();

    sync::LoopFilter& loop() { return loop_; }
    const std::vector<std::string>& events() const { return events_; }
    bool panicked() const { return panicked_; }
    std::optional<int> system_peer() const { return system_peer_; }

    // Per server: how often it was the system peer / a falseticker.
    struct Tallies {
        int system_peer = 0;
        int falseticker = 0;
        int survivor = 0;  // combined into the system offset (incl. as system peer)
        double last_survivor_true_s = -1;
        int rounds = 0;
    };
    const Tallies& tallies(int association) const { return assocs_[static_cast<std::size_t>(association)].tallies; }
    std::size_t associations() const { return assocs_.size(); }

private:
    struct Association {
        int server = 0;
        sync::ClockFilter filter;
        std::uint8_t reach = 0;
        int unreach = 0;
        int host_poll_log2 = 6;
        int burst_left = 0;
        std::uint64_t generation = 0;  // bumps on clear: drops replies of the old life
        std::uint64_t poll_token = 0;  // bumps on reschedule: drops the superseded poll
        double root_delay_s = 0, root_dispersion_s = 0;
        int stratum = 16;
        Tallies tallies;
    };

    void tick();
    void poll(std::size_t a, std::uint64_t token);
    void schedule_poll(std::size_t a, double in_s);
    void on_reply(std::size_t a, std::uint64_t generation, const Exchange& x);
    void system_process();
    void clear_all();
    void log(const sync::LoopEvent& e);

    World& world_;
    ClientOptions options_;
    sync::LoopFilter loop_;
    std::vector<Association> assocs_;
    std::optional<int> system_peer_;
    sync::ClockHop hop_;
    double last_update_epoch_s_ = -1e300;
    double start_true_s_ = 0;
    bool panicked_ = false;
    std::vector<std::string> events_;
};

}  // namespace ntp::sim
