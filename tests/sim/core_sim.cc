// Simulations that drive ntpd's real client core (ntpd/core.hh) over the
// shared simulation world (tests/sim/world.hh): real request packets out,
// real reply packets back, the core's own polling, filters, selection and
// discipline. Prints the figures the issue asks for; asserts behaviour only.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "libntp/config/parser.hh"
#include "libntp/wire/ntp_packet.hh"
#include "ntpd/core.hh"
#include "tests/sim/world.hh"

namespace {

using ntp::sim::ServerModel;
using ntp::sim::World;

class WorldRandom final : public ntpd::RandomSource {
public:
    explicit WorldRandom(World& w) : world_(w) {}
    std::uint32_t next_u32() override { return world_.random_u32(); }

private:
    World& world_;
};

class NoResolver final : public ntpd::NameResolver {
public:
    std::uint64_t submit(const std::string&, ntpd::ResolveFamily) override { return 0; }
    std::vector<ntpd::ResolveResult> poll() override { return {}; }
};

// Carries the core's packets through the world: servers 10.0.0.1, .2, ...
class CoreBridge final : public ntpd::PacketSender {
public:
    CoreBridge(World& world, std::uint64_t seed) : world_(world), rng_(seed) {}

    void attach(ntpd::Core& core) { core_ = &core; }

    void send(std::uint16_t, const ntp::io::Endpoint& to, std::span<const std::uint8_t> packet) override {
        ++sent_;
        const auto req = ntp::wire::decode_header(packet);
        if (!req || !to.addr.is_v4()) return;
        const int index = static_cast<int>(to.addr.v4_host_order() & 0xff) - 1;
        if (index < 0 || index >= servers_) return;
        const ServerModel& s = world_.server(index);
        const double out = s.delay_out_s + exponential(s.jitter_mean_s);
        const double back = s.delay_back_s + exponential(s.jitter_mean_s);
        const double arrive = world_.true_s() + out;
        if (!s.answers_at(arrive)) return;
        const ntp::wire::NtpHeader request = *req;
        const ntp::io::Endpoint from = to;
        world_.at(arrive + s.hold_s + back, [this, request, from, index, arrive] {
            const ServerModel& m = world_.server(index);
            const auto t2 = true_time(arrive).add_seconds(m.clock_offset_s);
            ntp::wire::NtpHeader h;
            h.version = request.version;
            h.mode = ntp::wire::Mode::server;
            h.stratum = static_cast<std::uint8_t>(m.stratum);
            h.poll_log2 = request.poll_log2;
            h.precision_log2 = static_cast<std::int8_t>(std::lround(std::log2(m.precision_s)));
            h.root_delay = ntp::wire::NtpShort::from_seconds(m.root_delay_s);
            h.root_dispersion = ntp::wire::NtpShort::from_seconds(m.root_dispersion_s);
            h.refid = ntp::wire::RefId::from_ascii("GPS");
            h.reference_ts = t2.add_seconds(-16).timestamp();
            h.origin_ts = request.transmit_ts;
            h.receive_ts = t2.timestamp();
            h.transmit_ts = t2.add_seconds(m.hold_s).timestamp();
            std::vector<std::uint8_t> bytes(ntp::wire::header_size);
            ntp::wire::encode_header(h, bytes);
            ntpd::ReceivedPacket rx;
            rx.from = from;
            rx.bytes = bytes;
            rx.received_at = world_.clock().now();
            core_->on_packet(rx);
        });
    }
    void release(std::uint16_t) override {}

    void set_servers(int n) { servers_ = n; }
    std::uint64_t sent() const { return sent_; }

private:
    ntp::wire::NtpTime true_time(double true_s) const {
        const timespec start{1'700'000'000, 0};
        return ntp::wire::NtpTime::from_timespec(start).add_seconds(true_s);
    }
    double exponential(double mean_s) {
        if (mean_s <= 0) return 0;
        return std::exponential_distribution<double>(1.0 / mean_s)(rng_);
    }

    World& world_;
    std::mt19937_64 rng_;
    ntpd::Core* core_ = nullptr;
    int servers_ = 0;
    std::uint64_t sent_ = 0;
};

struct Figures {
    double to_1ms_s = -1;
    double to_100us_s = -1;
    double rms_s = 0;
    std::uint64_t packets = 0;
    std::size_t steps = 0;
    double final_error_s = 0;
};

// Runs the core for `duration_s` with the servers given; measures the clock
// error every second; RMS over the last half of the run.
Figures run_core(const std::string& name, const ntp::clock::SimClock::Options& clock,
                 const std::vector<ServerModel>& servers, double duration_s,
                 const std::string& extra_conf = "") {
    World world(clock, 42);
    std::string conf;
    for (std::size_t i = 0; i < servers.size(); ++i) {
        world.add_server(servers[i]);
        conf += "server 10.0.0." + std::to_string(i + 1) + " iburst\n";
    }
    conf += extra_conf;
    const auto loaded = ntp::config::parse_config_text(conf, "sim.conf", {});
    REQUIRE(loaded.errors == 0);

    CoreBridge bridge(world, 7);
    bridge.set_servers(static_cast<int>(servers.size()));
    WorldRandom random(world);
    NoResolver resolver;
    ntpd::CoreOptions options;
    options.precision_log2 = -24;
    ntpd::CoreDeps deps{world.clock(), bridge, resolver, random};
    ntpd::Core core(loaded.config, options, deps);
    bridge.attach(core);
    core.start(world.clock().now());

    Figures f;
    double sum_sq = 0;
    int samples = 0;
    for (int t = 1; t <= static_cast<int>(duration_s); ++t) {
        world.at(t, [&] { core.tick(world.clock().now(), world.true_s()); });
        world.run_until(t + 0.5);
        const double err = std::fabs(world.clock().error_s());
        if (err >= 1e-3) f.to_1ms_s = -1;
        else if (f.to_1ms_s < 0) f.to_1ms_s = t;
        if (err >= 100e-6) f.to_100us_s = -1;
        else if (f.to_100us_s < 0) f.to_100us_s = t;
        if (t > duration_s / 2) {
            sum_sq += err * err;
            ++samples;
        }
    }
    f.rms_s = samples ? std::sqrt(sum_sq / samples) : 0;
    f.packets = bridge.sent();
    f.steps = world.clock().steps().size();
    f.final_error_s = world.clock().error_s();
    std::printf("core sim %-10s: within 1 ms after %6.0f s, within 100 us after %6.0f s, "
                "RMS %.1f us, %llu packets, %zu steps, stratum %d\n",
                name.c_str(), f.to_1ms_s, f.to_100us_s, f.rms_s * 1e6,
                static_cast<unsigned long long>(f.packets), f.steps, core.system_state().stratum);
    return f;
}

}  // namespace

TEST_CASE("core sim: LAN, one server, +30 ppm, 0.1 s initial offset") {
    ntp::clock::SimClock::Options c;
    c.initial_offset_s = 0.1;
    c.freq_error_ppm = 30;
    ServerModel s;  // 100 us each way, 20 us exponential jitter
    const Figures f = run_core("LAN", c, {s}, 4 * 3600);
    CHECK(f.steps == 0);               // 0.1 s is below the step threshold: slewed
    CHECK(f.to_1ms_s > 0);             // converges and stays
    CHECK(std::fabs(f.final_error_s) < 1e-3);
}

TEST_CASE("core sim: 50 s initial offset is stepped once") {
    ntp::clock::SimClock::Options c;
    c.initial_offset_s = -50;
    c.freq_error_ppm = -12;
    ServerModel s;
    const Figures f = run_core("step", c, {s}, 2 * 3600);
    CHECK(f.steps == 1);
    CHECK(std::fabs(f.final_error_s) < 1e-3);
}

TEST_CASE("core sim: four servers, one 0.3 s falseticker") {
    ntp::clock::SimClock::Options c;
    c.initial_offset_s = 0.05;
    c.freq_error_ppm = 10;
    std::vector<ServerModel> servers(4);
    servers[3].clock_offset_s = 0.3;
    for (auto& s : servers) {
        s.delay_out_s = s.delay_back_s = 2e-3;
        s.jitter_mean_s = 100e-6;
    }
    const Figures f = run_core("falseticker", c, servers, 2 * 3600);
    CHECK(f.steps == 0);
    CHECK(std::fabs(f.final_error_s) < 2e-3);  // the falseticker did not pull us 0.3 s
}
