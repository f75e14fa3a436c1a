#include "config.h"

#include "ntpdate/run.hh"

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
#include "libntp/oneshot/sample_filter.hh"
#include "libntp/wire/ntp_packet.hh"
#include "libntp/sys/privileges.hh"
#include "ntpdate/adjust.hh"
#include "ntpdate/format.hh"
#include "libntp/oneshot/network.hh"
#include "libntp/oneshot/exchange.hh"
#include "libntp/oneshot/poller.hh"

namespace ntpdate {

namespace wire = ntp::wire;
namespace io = ntp::io;
using ntp::oneshot::AuthVerifier;
using ntp::oneshot::is_reachable;
using ntp::oneshot::open_sockets;
using ntp::oneshot::Poller;
using ntp::oneshot::PollerConfig;
using ntp::oneshot::PollerOutput;
using ntp::oneshot::request_header;
using ntp::oneshot::resolve;
using ntp::oneshot::Resolution;
using ntp::oneshot::ServerState;
using ntp::oneshot::SocketSetup;

namespace {

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

using ntp::oneshot::Auth;

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

ServerReport report_for(const ServerState& s, const ntp::oneshot::FilterResult& f) {
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
    std::vector<ntp::oneshot::ServerSummary> summaries;
    std::vector<ServerReport> reports;
    for (const ServerState& s : states) {
        std::span<const ntp::oneshot::Sample> slots(s.slots.data(), static_cast<std::size_t>(o.samples));
        ntp::oneshot::FilterResult f = ntp::oneshot::filter(slots);
        summaries.push_back(ntp::oneshot::ServerSummary{f, s.stratum, s.precision_log2, s.leap,
                                              s.reference_ts, s.server_transmit_ts, s.trust});
        reports.push_back(report_for(s, f));
    }
    ntp::oneshot::Selection selection = ntp::oneshot::select(summaries);
    if (o.debug > 0) {
        for (const auto& [index, reason] : selection.dropped) {
            m.print(reports[index].address + ": Server dropped: " +
                    std::string(ntp::oneshot::drop_text(reason)) + "\n");
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
            return ntp::oneshot::verify_reply(*auth, bytes);
        };
    }
    Poller poller(config, *servers, output, verify);
    ntp::oneshot::ExchangeConfig exchange{
        [&o](wire::NtpTimestamp xmt) { return request_header(o.version, xmt); }, o.auth_delay,
        auth ? &*auth : nullptr, [&m](const std::string& line) { m.error(line); }, nullptr};
    ntp::oneshot::exchange(exchange, poller, setup.sockets, ctx.clock);
    return decide_and_adjust(o, poller, ctx);
}

}  // namespace ntpdate
