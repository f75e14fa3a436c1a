#include "sntp/run.hh"

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "libntp/auth/keys_file.hh"
#include "libntp/oneshot/exchange.hh"
#include "libntp/oneshot/network.hh"
#include "libntp/oneshot/poller.hh"
#include "sntp/report.hh"

namespace sntp {

namespace wire = ntp::wire;
namespace io = ntp::io;
namespace oneshot = ntp::oneshot;

namespace {

void line(std::FILE* f, const std::string& text) {
    std::fprintf(f, "%s\n", text.c_str());
    std::fflush(f);
}

// Every address of every name, in order; the name kept for the output.
struct Target {
    io::Endpoint address;
    std::string name;
};

std::vector<Target> find_targets(const Options& o, RunContext& ctx) {
    std::vector<std::string> names = o.concurrent;
    names.insert(names.end(), o.servers.begin(), o.servers.end());
    std::vector<Target> targets;
    for (const std::string& name : names) {
        oneshot::Resolution r = oneshot::resolve(name, o.family);
        if (r.gai_error != 0) {
            line(ctx.err, name + " lookup error " + r.error_text);
            continue;
        }
        for (const io::Endpoint& e : r.addresses) {
            // Classic's sptoa(): the address with its port.
            std::string at =
                e.addr.is_v6() ? "[" + e.addr.to_string() + "]:123" : e.addr.to_string() + ":123";
            const Target* seen = nullptr;
            for (const Target& t : targets) seen = t.address == e ? &t : seen;
            if (seen == nullptr) {
                targets.push_back(Target{e, name});
            } else if (seen->name != name) {
                line(ctx.out,
                     at + " " + seen->name + " duplicate address from " + name + " ignored.");
            } else {
                line(ctx.out, at + " " + name + ", duplicate address ignored.");
            }
        }
    }
    return targets;
}

// Classic keeps a KoD history in this file; it complains when it cannot
// open it and goes on.
void open_kod_file(const std::string& path, RunContext& ctx) {
    std::FILE* f = std::fopen(path.c_str(), "r");
    if (f == nullptr) {
        line(ctx.out,
             "kod_init_kod_db(): Cannot open KoD db file " + path + ": " + std::strerror(errno));
        return;
    }
    std::fclose(f);
}

// -a with -k: requests signed with the key, replies must verify. Classic
// sends unsigned requests when the key is not found.
void load_auth(const Options& o, std::optional<oneshot::Auth>& auth) {
    if (!o.auth_key || o.key_file.empty()) return;
    ntp::auth::KeysFileResult file = ntp::auth::read_keys_file(o.key_file);
    if (file.rejected()) return;
    auth.emplace();
    auth->keys.replace_keys(std::move(file.keys));
    auth->key_id = static_cast<std::uint32_t>(*o.auth_key);
    auth->keys.set_trusted(auth->key_id);
    if (auth->keys.trusted(auth->key_id) == nullptr) auth.reset();
}

// classic generate_pkt(): LI 3, the -o version, mode 3, stratum 0, poll 8,
// everything else zero but the transmit timestamp.
wire::NtpHeader request_header(int version, wire::NtpTimestamp xmt) {
    wire::NtpHeader h;
    h.leap = wire::LeapIndicator::unsynchronised;
    h.version = static_cast<std::uint8_t>(version);
    h.mode = wire::Mode::client;
    h.stratum = 0;
    h.poll_log2 = 8;
    h.transmit_ts = xmt;
    return h;
}

class Session {
  public:
    Session(const Options& o, RunContext& ctx, std::vector<Target> targets)
        : o_(o), ctx_(ctx), targets_(std::move(targets)), reported_(targets_.size(), false) {}

    // A datagram went to the Poller: report any new answer. True to stop.
    bool after_receive(const oneshot::Poller& poller, wire::NtpTimestamp arrival);
    void report_silent(const oneshot::Poller& poller);
    bool clock_set() const { return time_adjusted_; }

  private:
    void report(const oneshot::ServerState& s, const Target& t, wire::NtpTimestamp arrival);
    void set_clock(double offset_s);

    const Options& o_;
    RunContext& ctx_;
    std::vector<Target> targets_;
    std::vector<bool> reported_;
    bool time_derived_ = false;
    bool time_adjusted_ = false;
};

bool Session::after_receive(const oneshot::Poller& poller, wire::NtpTimestamp arrival) {
    const auto& states = poller.servers();
    bool pending = false;
    for (std::size_t i = 0; i < states.size(); ++i) {
        const oneshot::ServerState& s = states[i];
        if (!reported_[i] && s.filled > 0 && !s.slots[0].empty()) {
            reported_[i] = true;
            report(s, targets_[i], arrival);
        }
        pending = pending || !reported_[i];
    }
    return !pending || (time_derived_ && !o_.wait);
}

void Session::report(const oneshot::ServerState& s, const Target& t, wire::NtpTimestamp arrival) {
    std::string address = t.address.addr.to_string();
    // With -a a reply whose MAC fails is dropped without a word, as classic
    // (the server counts as answered).
    if ((s.trust & 1) != 0) return;
    if (s.leap == 3) {
        line(ctx_.err, "sock_cb: " + address + " not in sync, skipping this server");
        return;
    }
    OffsetResult r = offset_calculation(s.slots[0].offset, s.precision_log2,
                                        s.root_delay.to_seconds(), s.root_dispersion.to_seconds());
    time_derived_ = true;
    wire::NtpTime now = wire::NtpTime::from_timespec(ctx_.clock.now());
    timespec at = wire::closest_era(arrival, now).to_timespec();
    ResultLine l{time_text(at.tv_sec, at.tv_nsec / 1000),
                 r.offset_s,
                 offset_digits(r.precision_s),
                 r.synch_distance_s,
                 host_text(t.name, address),
                 s.stratum,
                 s.leap,
                 time_adjusted_};
    line(ctx_.out, result_line(l));
    if (!time_adjusted_) set_clock(r.offset_s);
}

void Session::set_clock(double offset_s) {
    ClockAction action = choose_action(o_.step, o_.slew, o_.steplimit_ms / 1e3, offset_s);
    if (action == ClockAction::none) return;
    ntp::clock::ClockResult result =
        action == ClockAction::step ? ctx_.clock.step(offset_s) : ctx_.clock.slew(offset_s);
    if (result.ok) {
        time_adjusted_ = true;
        return;
    }
    line(ctx_.err, std::string(action == ClockAction::step ? "step-systime: " : "adj_systime: ") +
                       result.error);
}

// Classic keeps one list per family, newest first, and walks the IPv4 list
// before the IPv6 one when the waits run out: that is the order of the lines.
void Session::report_silent(const oneshot::Poller& poller) {
    const auto& states = poller.servers();
    for (bool v6 : {false, true}) {
        for (std::size_t i = states.size(); i-- > 0;) {
            const io::IpAddress& a = targets_[i].address.addr;
            if (a.is_v6() != v6 || reported_[i] || !states[i].complete) continue;
            line(ctx_.out,
                 no_response_line(host_text(targets_[i].name, a.to_string()), o_.timeout_s));
        }
    }
}

}  // namespace

int run(const Options& o, RunContext& ctx) {
    line(ctx.out, "sntp " PACKAGE_VERSION " (ntp-suite)");
    if (o.servers.empty() && o.concurrent.empty()) {
        line(ctx.out, "sntp: Must supply at least one of -b hostname, -c hostname, or hostname.");
        return 64;
    }
    open_kod_file(o.kod_file, ctx);
    std::optional<oneshot::Auth> auth;
    load_auth(o, auth);
    std::vector<Target> targets = find_targets(o, ctx);
    const bool setting = o.step || o.slew;
    if (targets.empty()) return setting ? 1 : 0;

    bool need_v4 = false, need_v6 = false;
    std::vector<io::Endpoint> addresses;
    for (const Target& t : targets) {
        (t.address.addr.is_v6() ? need_v6 : need_v4) = true;
        addresses.push_back(t.address);
    }
    oneshot::SocketSetup setup = oneshot::open_sockets(o.reserved_port, o.family, need_v4, need_v6);
    if (!setup.fatal_error.empty()) {
        line(ctx.err, setup.fatal_error);
        return 1;
    }
    oneshot::PollerConfig config{1, static_cast<double>(o.timeout_s), 0, auth.has_value(),
                                 auth ? auth->key_id : 0};
    oneshot::PollerOutput output{[](const std::string&) {},
                                 [&ctx](const std::string& text) { line(ctx.err, text); }};
    oneshot::AuthVerifier verify;
    if (auth) {
        verify = [&auth](std::span<const std::uint8_t> bytes) {
            return oneshot::verify_reply(*auth, bytes);
        };
    }
    oneshot::Poller poller(config, addresses, output, verify);
    Session session(o, ctx, targets);
    oneshot::ExchangeConfig exchange{
        [&o](wire::NtpTimestamp xmt) { return request_header(o.version, xmt); }, 0,
        auth ? &*auth : nullptr, [&ctx](const std::string& text) { line(ctx.err, text); },
        [&](wire::NtpTimestamp arrival) { return session.after_receive(poller, arrival); }};
    oneshot::exchange(exchange, poller, setup.sockets, ctx.clock);
    session.report_silent(poller);
    return setting && !session.clock_set() ? 1 : 0;
}

}  // namespace sntp
