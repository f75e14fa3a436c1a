#pragma once
// A small deterministic world to run ntpd's Core in tests: a SimClock for our
// clock, simulated NTP servers answering over an in-memory network with a
// fixed one-way delay, a fake resolver and a seeded random source. Events
// (our once-a-second tick, packet deliveries) are processed in true-time
// order, so an hour of protocol runs in milliseconds.
//
// Used by ntpd/core/core_test.cc; tests/sim can reuse it to drive the real core.

#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tests/support/sim_clock.hh"
#include "libntp/config/parser.hh"
#include "libntp/wire/ntp_packet.hh"
#include "ntpd/core/core.hh"

namespace ntpd::testing {

struct SimServer {
    ntp::io::IpAddress address;
    double offset_s = 0;        // server clock minus true time
    double one_way_delay_s = 0.0005;
    double jitter_s = 0.00002;  // mean of an exponential extra delay per direction
    double return_extra_delay_s = 0;  // a busy uplink: only replies are late
    int stratum = 1;
    std::string refid = "GPS";
    bool answers = true;
    bool unsynchronised = false;
    double reference_ahead_s = -10;  // reference time relative to the transmit time
    std::string kiss;           // non-empty: answer with this KoD code
    int requests = 0;
    std::vector<double> request_times;  // true time of each request's arrival
};

class SeededRandom final : public RandomSource {
public:
    explicit SeededRandom(std::uint64_t seed) : rng_(seed) {}
    std::uint32_t next_u32() override { return static_cast<std::uint32_t>(rng_()); }

private:
    std::mt19937_64 rng_;
};

class FakeResolver final : public ntp::io::NameResolver {
public:
    std::map<std::string, std::vector<ntp::io::IpAddress>> answers;  // missing: EAI_NONAME
    int lookups = 0;

    std::uint64_t submit(const std::string& host, ntp::io::ResolveFamily) override {
        ++lookups;
        queued_.push_back({next_id_, host});
        return next_id_++;
    }
    std::vector<ntp::io::ResolveResult> poll() override {
        std::vector<ntp::io::ResolveResult> out;
        for (const auto& q : queued_) {
            ntp::io::ResolveResult r;
            r.id = q.first;
            r.host = q.second;
            const auto it = answers.find(q.second);
            if (it == answers.end()) {
                r.gai_error = -2;
                r.error_text = "Name or service not known";
            } else {
                r.addresses = it->second;
            }
            out.push_back(std::move(r));
        }
        queued_.clear();
        return out;
    }

private:
    std::vector<std::pair<std::uint64_t, std::string>> queued_;
    std::uint64_t next_id_ = 1;
};

class SimWorld final : public PacketSender {
public:
    explicit SimWorld(const ntp::clock::SimClock::Options& clock_options = {}, std::uint64_t seed = 1)
        : clock(clock_options), random(seed), net_rng_(seed * 7919 + 1) {}

    ntp::clock::SimClock clock;
    SeededRandom random;
    FakeResolver resolver;
    std::vector<SimServer> servers;
    std::unique_ptr<Core> core;
    std::vector<CoreEvent> events;
    std::vector<std::uint16_t> released;
    int sent = 0;

    SimServer& add_server(const std::string& address, double offset_s = 0) {
        SimServer s;
        s.address = *ntp::io::IpAddress::parse(address);
        s.offset_s = offset_s;
        servers.push_back(s);
        return servers.back();
    }

    // Parses `conf` (must be error-free) and starts the core.
    void start(const std::string& conf, CoreOptions options = {}) {
        auto loaded = ntp::config::parse_config_text(conf, "test.conf", {});
        config = std::move(loaded.config);
        errors = loaded.errors;
        options.precision_log2 = -24;
        CoreDeps deps{clock, *this, resolver, random};
        core = std::make_unique<Core>(config, options, deps);
        core->start(clock.now());
        collect();
    }

    // Run until `until_s` of true time (seconds since the start).
    void run_until(double until_s, const std::function<bool()>& stop = {}) {
        while (clock.true_elapsed_s() < until_s) {
            const double next_tick = std::floor(clock.true_elapsed_s()) + 1;
            double next = next_tick;
            std::size_t which = in_flight_.size();
            for (std::size_t i = 0; i < in_flight_.size(); ++i)
                if (in_flight_[i].arrival_s < next) {
                    next = in_flight_[i].arrival_s;
                    which = i;
                }
            if (next > until_s) {
                clock.advance(until_s - clock.true_elapsed_s());
                break;
            }
            clock.advance(next - clock.true_elapsed_s());
            if (which < in_flight_.size()) {
                Flight f = std::move(in_flight_[which]);
                in_flight_.erase(in_flight_.begin() + static_cast<long>(which));
                deliver(f);
            } else {
                core->tick(clock.now(), clock.true_elapsed_s());
            }
            collect();
            if (core->exit_request() || (stop && stop())) break;
        }
    }

    // Hand a packet to the core as if it came from `from` right now.
    PacketResult inject(const ntp::io::Endpoint& from, std::span<const std::uint8_t> bytes) {
        ReceivedPacket rx;
        rx.from = from;
        rx.bytes = bytes;
        rx.received_at = clock.now();
        const PacketResult r = core->on_packet(rx);
        collect();
        return r;
    }

    bool saw_event(const std::string& fragment) const {
        for (const auto& e : events)
            if (e.text.find(fragment) != std::string::npos) return true;
        return false;
    }

    const PeerEntry* peer_at(const std::string& address) const {
        for (const auto& e : core->peers().entries())
            if (e->peer.config().address.addr.to_string() == address) return e.get();
        return nullptr;
    }

    // The last request sent to `address` (bytes), for forging replies.
    std::vector<std::uint8_t> last_request_to(const std::string& address) const {
        const auto it = last_request_.find(address);
        return it == last_request_.end() ? std::vector<std::uint8_t>{} : it->second;
    }

    ntp::config::NtpConfig config;
    int errors = 0;

    // PacketSender
    void send(std::uint16_t, const ntp::io::Endpoint& to, std::span<const std::uint8_t> packet) override {
        ++sent;
        last_request_[to.addr.to_string()] = {packet.begin(), packet.end()};
        for (auto& s : servers) {
            if (!(s.address == to.addr)) continue;
            Flight f;
            f.server = &s - servers.data();
            f.to_server = true;
            f.bytes.assign(packet.begin(), packet.end());
            f.arrival_s = clock.true_elapsed_s() + s.one_way_delay_s + extra_delay(s);
            in_flight_.push_back(std::move(f));
        }
    }
    void release(std::uint16_t assoc_id) override { released.push_back(assoc_id); }

private:
    struct Flight {
        std::size_t server = 0;
        bool to_server = true;
        std::vector<std::uint8_t> bytes;
        double arrival_s = 0;
    };

    double extra_delay(const SimServer& s) {
        if (s.jitter_s <= 0) return 0;
        return std::exponential_distribution<double>(1.0 / s.jitter_s)(net_rng_);
    }

    void collect() {
        for (auto& e : core->take_events()) events.push_back(std::move(e));
    }

    ntp::wire::NtpTime server_time(const SimServer& s) const {
        return ntp::wire::NtpTime::from_timespec(clock.true_now()).add_seconds(s.offset_s);
    }

    void deliver(Flight& f) {
        SimServer& s = servers[f.server];
        if (!f.to_server) {
            ReceivedPacket rx;
            rx.from.addr = s.address;
            rx.from.port = 123;
            rx.bytes = f.bytes;
            rx.received_at = clock.now();
            core->on_packet(rx);
            return;
        }
        ++s.requests;
        s.request_times.push_back(clock.true_elapsed_s());
        if (!s.answers) return;
        const auto req = ntp::wire::decode_header(f.bytes);
        if (!req) return;
        ntp::wire::NtpHeader h;
        h.version = req->version;
        h.mode = req->mode == ntp::wire::Mode::symmetric_active ? ntp::wire::Mode::symmetric_passive
                                                                 : ntp::wire::Mode::server;
        h.poll_log2 = std::max<std::int8_t>(req->poll_log2, 3);
        h.precision_log2 = -20;
        if (!s.kiss.empty()) {
            h.leap = ntp::wire::LeapIndicator::unsynchronised;
            h.stratum = 0;
            h.refid = ntp::wire::RefId::from_ascii(s.kiss);
            h.origin_ts = h.receive_ts = h.transmit_ts = req->transmit_ts;
        } else {
            h.leap = s.unsynchronised ? ntp::wire::LeapIndicator::unsynchronised : ntp::wire::LeapIndicator::none;
            h.stratum = s.unsynchronised ? 0 : static_cast<std::uint8_t>(s.stratum);
            h.refid = ntp::wire::RefId::from_ascii(s.unsynchronised ? "INIT" : s.refid);
            h.root_delay = ntp::wire::NtpShort::from_seconds(0.0001);
            h.root_dispersion = ntp::wire::NtpShort::from_seconds(0.0002);
            const auto t = server_time(s);
            h.reference_ts = t.add_seconds(s.reference_ahead_s).timestamp();
            h.origin_ts = req->transmit_ts;
            h.receive_ts = t.timestamp();
            h.transmit_ts = t.add_seconds(0.00001).timestamp();
        }
        Flight back;
        back.server = f.server;
        back.to_server = false;
        back.bytes.resize(48);
        ntp::wire::encode_header(h, back.bytes);
        back.arrival_s = clock.true_elapsed_s() + s.one_way_delay_s + s.return_extra_delay_s + extra_delay(s);
        in_flight_.push_back(std::move(back));
    }

    std::mt19937_64 net_rng_;
    std::vector<Flight> in_flight_;
    std::map<std::string, std::vector<std::uint8_t>> last_request_;
};

}  // namespace ntpd::testing
