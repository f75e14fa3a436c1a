#include "config.h"

#include "ntpdate/run.hh"

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>

#include "libntp/auth/key_store.hh"
#include "libntp/auth/keys_file.hh"
#include "libntp/auth/mac.hh"
#include "libntp/clock/precision.hh"
#include "libntp/io/udp_socket.hh"
#include "ntpdate/sample_filter.hh"
#include "libntp/wire/ntp_packet.hh"
#include "libntp/sys/privileges.hh"
#include "ntpdate/adjust.hh"
#include "ntpdate/format.hh"
#include "ntpdate/network.hh"
#include "ntpdate/poller.hh"

namespace ntpdate {

namespace wire = ntp::wire;
namespace io = ntp::io;

namespace {

double steady_now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Classic addserver(): every address of every name that has a route.
// nullopt when the name server is unusable (already reported; exit 1).
std::optional<std::vector<io::Endpoint>> find_servers(const Options& o, Messages& m) {
    std::vector<io::Endpoint> servers;
    for (const std::string& name : o.servers) {
        if (o.debug > 0) m.print("Looking for host " + name + " and service ntp\n");
        Resolution r = resolve(name, o.family);
        std::string code = " (" + std::to_string(r.gai_error) + ")";
        if (r.name_server_failed()) {
            m.print_err("Exiting, name server cannot be used: " + r.error_text + code + "\n");
            m.error("name server cannot be used: " + r.error_text + code);
            return std::nullopt;
        }
        if (r.gai_error != 0) {
            m.print_err("Error resolving " + name + ": " + r.error_text + code + "\n");
            m.error("Can't find host " + name + ": " + r.error_text + code);
            continue;
        }
        if (o.debug > 0 && !r.addresses.empty()) {
            m.print_err("host found : " + r.addresses.front().addr.to_string() + "\n");
        }
        for (const io::Endpoint& e : r.addresses) {
            bool known = false;
            for (const auto& s : servers) known = known || s == e;
            if (!known && is_reachable(e)) servers.push_back(e);
        }
    }
    return servers;
}

struct Auth {
    ntp::auth::KeyStore keys;
    ntp::auth::MacComputer macs;
    std::uint32_t key_id = 0;
};

// Classic: the key file must load and the key must exist; it is then trusted.
bool load_keys(const Options& o, Auth& auth, Messages& m) {
    ntp::auth::KeysFileResult file = ntp::auth::read_keys_file(o.key_file);
    if (file.rejected()) {
        if (!file.verdict.empty()) m.error(file.verdict);
        m.error("no key file <" + o.key_file + ">, exiting");
        return false;
    }
    auth.keys.replace_keys(std::move(file.keys));
    auth.key_id = *o.auth_key;
    auth.keys.set_trusted(auth.key_id);
    if (auth.keys.trusted(auth.key_id) == nullptr) {
        m.error("authentication key " + std::to_string(auth.key_id) + " unknown");
        return false;
    }
    return true;
}

// Builds and sends one request; returns the transmit timestamp used.
wire::NtpTimestamp send_request(const Options& o, const io::Endpoint& to, SocketSet& sockets,
                                ntp::clock::Clock& clock, int precision_log2, Auth* auth,
                                Messages& m) {
    wire::NtpTime now = wire::NtpTime::from_timespec(clock.now());
    // Random bits below our precision make the transmit timestamp (which
    // the reply must echo) unguessable for an off-path attacker.
    wire::NtpTimestamp xmt = wire::with_random_low_bits(
        now.timestamp(), precision_log2, ntp::auth::random_u32().value_or(0));
    if (auth != nullptr) {
        // -e: classic adds the expected MAC computation time.
        xmt = wire::NtpTimestamp::from_raw(xmt.raw() + static_cast<std::uint64_t>(o.auth_delay));
    }
    std::uint8_t buffer[wire::header_size + wire::max_mac_size];
    wire::PacketWriter w(buffer);
    w.header(request_header(o.version, xmt));
    if (auth != nullptr) {
        std::uint8_t digest[wire::max_digest_size];
        std::size_t n = auth->keys.sign(auth->macs, auth->key_id, w.authenticated(), digest);
        w.mac(auth->key_id, std::span<const std::uint8_t>(digest, n));
    }
    auto packet = w.finish();
    io::UdpSocket* socket = sockets.for_family(to.addr.family);
    if (!packet || socket == nullptr) {
        m.error("cannot find family compatible socket to send ntp packet");
        return xmt;
    }
    if (!socket->send_to(*packet, to)) {
        int err = errno;
        if (err != EWOULDBLOCK && err != ENOBUFS) {
            m.error("sendto(" + to.addr.to_string() + "): " + std::strerror(err));
        }
    }
    return xmt;
}

void poll_servers(const Options& o, Poller& poller, SocketSet& sockets, ntp::clock::Clock& clock,
                  Auth* auth, Messages& m) {
    const int precision_log2 = ntp::clock::precision_log2(clock.precision_s());
    io::RecvBatch batch(8);
    std::vector<io::UdpSocket*> open;
    for (io::UdpSocket* s : {sockets.for_family(io::Family::v4), sockets.for_family(io::Family::v6)}) {
        if (s != nullptr) open.push_back(s);
    }
    const auto& servers = poller.servers();
    for (;;) {
        double now_s = steady_now_s();
        for (std::size_t i : poller.due(now_s)) {
            wire::NtpTimestamp xmt =
                send_request(o, servers[i].address, sockets, clock, precision_log2, auth, m);
            poller.transmitted(i, xmt, now_s);
        }
        if (poller.finished()) return;
        double wait_s = poller.next_event_s().value_or(now_s) - steady_now_s();
        int timeout_ms = wait_s <= 0 ? 0 : static_cast<int>(std::ceil(wait_s * 1000));
        std::vector<pollfd> fds;
        for (io::UdpSocket* s : open) fds.push_back(pollfd{s->fd(), POLLIN, 0});
        int n = ::poll(fds.data(), fds.size(), timeout_ms);
        if (n < 0 && errno != EINTR) m.error(std::string("poll() error: ") + std::strerror(errno));
        if (n <= 0) continue;
        for (std::size_t k = 0; k < fds.size(); ++k) {
            if ((fds[k].revents & POLLIN) == 0) continue;
            while (open[k]->receive(batch, [&clock] { return clock.now(); }) > 0) {
                for (const io::Datagram& d : batch) {
                    if (d.truncated) continue;
                    wire::NtpTimestamp rx = wire::NtpTime::from_timespec(d.rx_time).timestamp();
                    poller.receive(d.source, d.data, rx, steady_now_s());
                }
            }
        }
    }
}

ServerReport report_for(const ServerState& s, const ntpdate::FilterResult& f) {
    ServerReport r;
    r.address = s.address.addr.to_string();
    r.port = s.address.port;
    r.stratum = s.stratum;
    r.precision_log2 = s.precision_log2;
    r.leap = s.leap;
    r.trust = s.trust;
    r.refid = s.refid;
    r.filter = f;
    r.transmitted = s.transmitted;
    r.in_filter = s.filled;
    r.reference_ts = s.reference_ts;
    r.originate_ts = s.server_transmit_ts;
    r.transmit_ts = s.last_transmit;
    r.slots = s.slots;
    return r;
}

// Classic clock_adjust(): filter, select, print, then step or slew.
int decide_and_adjust(const Options& o, const Poller& poller, RunContext& ctx) {
    Messages& m = ctx.messages;
    const auto& states = poller.servers();
    std::vector<ntpdate::ServerSummary> summaries;
    std::vector<ServerReport> reports;
    for (const ServerState& s : states) {
        std::span<const ntpdate::Sample> slots(s.slots.data(), static_cast<std::size_t>(o.samples));
        ntpdate::FilterResult f = ntpdate::filter(slots);
        summaries.push_back(ntpdate::ServerSummary{f, s.stratum, s.precision_log2, s.leap,
                                              s.reference_ts, s.server_transmit_ts, s.trust});
        reports.push_back(report_for(s, f));
    }
    ntpdate::Selection selection = ntpdate::select(summaries);
    if (o.debug > 0) {
        for (const auto& [index, reason] : selection.dropped) {
            m.print(reports[index].address + ": Server dropped: " +
                    std::string(ntpdate::drop_text(reason)) + "\n");
        }
    }
    if (o.debug > 0 || o.query_only) {
        wire::NtpTime now = wire::NtpTime::from_timespec(ctx.clock.now());
        for (const ServerReport& r : reports) {
            m.print(o.debug > 0 ? debug_block(r, now) : query_line(r));
        }
    }
    if (!selection.chosen) {
        m.error("no server suitable for synchronization found");
        return 1;
    }
    const ServerReport& chosen = reports[*selection.chosen];
    AdjustOutcome outcome = adjust_clock(
        ctx.clock, AdjustRequest{chosen.filter.offset, o.always_step, o.never_step, o.dry_run()});
    if (outcome.error) m.error(*outcome.error);
    if (outcome.report) m.notice(adjust_message(outcome.kind, chosen.address, chosen.filter.offset));
    if (o.hwclock && outcome.clock_set && ctx.write_rtc) {
        for (const auto& [severity, text] : ctx.write_rtc().messages) m.log(severity, text);
    }
    return outcome.exit_status;
}

}  // namespace

int run(const Options& o, RunContext& ctx) {
    Messages& m = ctx.messages;
    if (o.use_syslog) m.use_syslog();
    if (o.debug > 0 || o.verbose) m.notice("ntpdate " PACKAGE_VERSION " (ntp-suite)");

    auto servers = find_servers(o, m);
    if (!servers) return 1;
    if (servers->empty()) {
        m.error("no servers can be used, exiting");
        return 1;
    }

    std::optional<Auth> auth;
    if (o.auth_key) {
        auth.emplace();
        if (!load_keys(o, *auth, m)) return 1;
    }

    bool need_v4 = false, need_v6 = false;
    for (const auto& s : *servers) (s.addr.is_v6() ? need_v6 : need_v4) = true;
    SocketSetup setup = open_sockets(!o.dry_run() && !o.unprivileged_port, o.family, need_v4, need_v6);
    if (!setup.fatal_error.empty()) {
        m.error(setup.fatal_error);
        return 1;
    }
    if (o.run_as) {
        // -U (Red Hat): become USER once port 123 is bound, keeping only
        // CAP_SYS_TIME, and not even that when the clock is not to be set.
        std::string error;
        auto user = ntp::sys::parse_run_as(*o.run_as, error);
        if (user) {
            error = ntp::sys::drop_privileges(ntp::sys::DropOptions{
                user, std::nullopt, !o.dry_run() && o.clock == ClockBackend::kernel});
        }
        if (!error.empty()) {
            m.error(error);
            return 1;
        }
    }

    PollerConfig config{o.samples, o.timeout_s(), o.debug, auth.has_value(),
                        auth ? auth->key_id : 0};
    PollerOutput output{[&m](const std::string& line) { m.print(line + "\n"); },
                        [&m](const std::string& line) { m.error(line); }};
    AuthVerifier verify;
    if (auth) {
        verify = [&auth](std::span<const std::uint8_t> bytes) {
            wire::DecodeResult d = wire::decode_packet(bytes);
            if (!d.packet || !d.packet->mac || d.packet->mac->is_crypto_nak()) return false;
            if (d.packet->mac->key_id != auth->key_id) return false;
            return auth->keys.check(auth->macs, auth->key_id, d.packet->authenticated,
                                    d.packet->mac->digest) == ntp::auth::AuthStatus::ok;
        };
    }
    Poller poller(config, *servers, output, verify);
    poll_servers(o, poller, setup.sockets, ctx.clock, auth ? &*auth : nullptr, m);
    return decide_and_adjust(o, poller, ctx);
}

}  // namespace ntpdate
