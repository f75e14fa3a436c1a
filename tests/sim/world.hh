#pragma once
// A deterministic clock-and-network world for simulation tests: a SimClock
// (the machine being disciplined), servers with their own clock error,
// one-way delays with exponential jitter, asymmetry and outages, and an event
// queue in true time. Header-only so other simulations (e.g. one that drives
// ntpd's real core) can reuse it; nothing here knows about the algorithms.
//
// Times: "true" seconds since the start of the run; the client's local time
// is true + the SimClock's error, in seconds since the same start.

#include <cmath>
#include <cstdint>
#include <functional>
#include <queue>
#include <random>
#include <utility>
#include <vector>

#include "tests/support/sim_clock.hh"

namespace ntp::sim {

struct ServerModel {
    double clock_offset_s = 0;        // server clock minus true time (a falseticker is far off)
    double delay_out_s = 100e-6;      // base one-way delay, request leg
    double delay_back_s = 100e-6;     // base one-way delay, reply leg (asymmetry!)
    double jitter_mean_s = 20e-6;     // mean of the exponential extra delay, each leg
    double hold_s = 10e-6;            // server processing time between T2 and T3
    int stratum = 1;
    double root_delay_s = 0;
    double root_dispersion_s = 0.0001;
    double precision_s = 1e-6;
    std::vector<std::pair<double, double>> outages;  // [from, to) true s: no replies

    bool answers_at(double true_s) const {
        for (const auto& [from, to] : outages)
            if (true_s >= from && true_s < to) return false;
        return true;
    }
};

// The four timestamps of one exchange as the client ends up seeing them,
// already as the differences libntp/sync wants.
struct Exchange {
    double forward_s;     // T2 - T1
    double backward_s;    // T3 - T4
    double round_trip_s;  // T4 - T1
    double receive_local_s;  // T4 on the client's local timescale
};

class World {
public:
    World(const clock::SimClock::Options& clock_options, std::uint64_t seed)
        : clock_(clock_options), rng_(seed) {}

    clock::SimClock& clock() { return clock_; }
    double true_s() const { return clock_.true_elapsed_s(); }
    double local_s() const { return clock_.true_elapsed_s() + clock_.error_s(); }

    int add_server(const ServerModel& s) {
        servers_.push_back(s);
        return static_cast<int>(servers_.size()) - 1;
    }
    const ServerModel& server(int i) const { return servers_[static_cast<std::size_t>(i)]; }
    std::uint64_t packets_sent() const { return packets_sent_; }

    // Run `fn` at true time `when_true_s` (not before now).
    void at(double when_true_s, std::function<void()> fn) {
        events_.push(Event{std::max(when_true_s, true_s()), seq_++, std::move(fn)});
    }

    // Process events in order up to `until_true_s`, advancing the clock.
    void run_until(double until_true_s) {
        while (!events_.empty() && events_.top().time_s <= until_true_s) {
            Event e = events_.top();
            events_.pop();
            clock_.advance(e.time_s - true_s());
            e.fn();
        }
        clock_.advance(until_true_s - true_s());
    }

    // Send a request to server `i` now; `on_reply` runs when (if) the reply
    // arrives.
    void send(int i, std::function<void(const Exchange&)> on_reply) {
        ++packets_sent_;
        const auto& s = servers_[static_cast<std::size_t>(i)];
        const double t1_local = local_s();
        const double out = s.delay_out_s + exponential(s.jitter_mean_s);
        const double back = s.delay_back_s + exponential(s.jitter_mean_s);
        const double arrive_true = true_s() + out;
        if (!s.answers_at(arrive_true)) return;
        const double t2 = arrive_true + s.clock_offset_s;
        const double t3 = t2 + s.hold_s;
        at(arrive_true + s.hold_s + back, [this, t1_local, t2, t3, on_reply = std::move(on_reply)] {
            const double t4_local = local_s();
            on_reply(Exchange{t2 - t1_local, t3 - t4_local, t4_local - t1_local, t4_local});
        });
    }

    std::uint32_t random_u32() { return static_cast<std::uint32_t>(rng_()); }

private:
    double exponential(double mean_s) {
        if (mean_s <= 0) return 0;
        return std::exponential_distribution<double>(1.0 / mean_s)(rng_);
    }

    struct Event {
        double time_s;
        std::uint64_t seq;  // ties run in scheduling order: deterministic
        std::function<void()> fn;
        bool operator>(const Event& o) const {
            return time_s != o.time_s ? time_s > o.time_s : seq > o.seq;
        }
    };

    clock::SimClock clock_;
    std::mt19937_64 rng_;
    std::vector<ServerModel> servers_;
    std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
    std::uint64_t seq_ = 0;
    std::uint64_t packets_sent_ = 0;
};

}  // namespace ntp::sim
