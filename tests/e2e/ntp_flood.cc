// ntp_flood: a paced flood of client requests from one or many source
// addresses, for the fault tests (tests/e2e/fault_flood.sh).
//
//   ntp_flood [--rate PPS] [--seconds S] [--from ADDR] [--sources N] [--port P] [--mode6] SERVER
//
// Binds N sockets to consecutive IPv4 addresses starting at ADDR (all of
// 127/8 is local, so 127.0.1.1 .. 127.0.2.44 works without any set-up) and
// sends PPS mode 3 requests per second in total, round robin over them, for
// S seconds; then waits half a second for late replies. Unlike
// tests/bench/ntp_load (which keeps a window of requests outstanding to
// measure throughput) this sends at a fixed rate whatever comes back, as an
// abuser would. Bounded: at most 10 s and 100000 packets per second.
// --mode6 sends 12-octet mode 6 READVAR requests (ntpq -c rv) instead, as a
// reflection attack would, to measure how many octets come back.
//
// Prints one line:
//   sent=N replies=M kod=K answered_sources=A send_errors=E request_bytes=Q reply_bytes=R
// (kod counts RATE kiss-o'-death replies, which are included in replies;
// answered_sources is how many sources got at least one non-KoD reply).
// Exit status 0 when it ran, 2 on usage or socket errors.

#include <poll.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <system_error>
#include <vector>

#include "libntp/io/udp_socket.hh"
#include "libntp/wire/ntp_packet.hh"
#include "libntp/wire/ntp_time.hh"

namespace wire = ntp::wire;
using ntp::io::Endpoint;
using ntp::io::IpAddress;

namespace {

struct Args {
    double rate_pps = 2000;
    double seconds = 5;
    std::string from = "127.0.1.1";
    int sources = 1;
    int port = 123;
    bool mode6 = false;
    std::string server;
};

double monotonic_s() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

timespec realtime() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts;
}

bool parse(int argc, char** argv, Args& a) {
    for (int i = 1; i < argc; ++i) {
        std::string opt = argv[i];
        bool has_value = i + 1 < argc;
        if (opt == "--rate" && has_value) a.rate_pps = std::atof(argv[++i]);
        else if (opt == "--seconds" && has_value) a.seconds = std::atof(argv[++i]);
        else if (opt == "--from" && has_value) a.from = argv[++i];
        else if (opt == "--sources" && has_value) a.sources = std::atoi(argv[++i]);
        else if (opt == "--port" && has_value) a.port = std::atoi(argv[++i]);
        else if (opt == "--mode6") a.mode6 = true;
        else if (!opt.empty() && opt[0] != '-' && a.server.empty()) a.server = opt;
        else return false;
    }
    return !a.server.empty() && a.rate_pps > 0 && a.rate_pps <= 100000 && a.seconds > 0 &&
           a.seconds <= 10 && a.sources >= 1 && a.sources <= 4096;
}

// The n-th address after `first` (IPv4 only: the test floods from 127/8).
IpAddress nth_address(const IpAddress& first, int n) {
    return IpAddress::v4(first.v4_host_order() + static_cast<std::uint32_t>(n));
}

struct Source {
    ntp::io::UdpSocket socket;
    bool answered = false;
};

struct Tally {
    long sent = 0, replies = 0, kods = 0, send_errors = 0;
    long request_bytes = 0, reply_bytes = 0;
};

void drain(std::vector<Source>& sources, std::vector<pollfd>& fds, int timeout_ms,
           ntp::io::RecvBatch& batch, Tally& t) {
    if (poll(fds.data(), fds.size(), timeout_ms) <= 0) return;
    for (std::size_t i = 0; i < fds.size(); ++i) {
        if (!(fds[i].revents & POLLIN)) continue;
        while (sources[i].socket.receive(batch, realtime) > 0) {
            for (const auto& d : batch) {
                t.reply_bytes += static_cast<long>(d.data.size());
                if (d.data.size() >= 2 && (d.data[0] & 7) == 6) {  // a mode 6 response
                    ++t.replies;
                    sources[i].answered = true;
                    continue;
                }
                auto h = wire::decode_header(d.data);
                if (!h) continue;
                ++t.replies;
                if (h->stratum == 0 && h->refid.is("RATE")) ++t.kods;
                else sources[i].answered = true;
            }
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    if (!parse(argc, argv, a)) {
        std::fprintf(stderr, "usage: ntp_flood [--rate PPS] [--seconds S] [--from ADDR] [--sources N] "
                             "[--port P] [--mode6] SERVER\n");
        return 2;
    }
    auto server = IpAddress::parse(a.server);
    auto first = IpAddress::parse(a.from);
    if (!server || !first || !first->is_v4()) {
        std::fprintf(stderr, "ntp_flood: SERVER and --from must be numeric IPv4 addresses\n");
        return 2;
    }
    Endpoint dest{*server, static_cast<std::uint16_t>(a.port)};

    std::vector<Source> sources(static_cast<std::size_t>(a.sources));
    std::vector<pollfd> fds;
    try {
        ntp::io::UdpSocket::Options o;
        o.reuse_addr = false;
        o.kernel_timestamps = false;
        for (int i = 0; i < a.sources; ++i) {
            sources[static_cast<std::size_t>(i)].socket =
                ntp::io::UdpSocket::bind(Endpoint{nth_address(*first, i), 0}, o);
            fds.push_back(pollfd{sources[static_cast<std::size_t>(i)].socket.fd(), POLLIN, 0});
        }
    } catch (const std::system_error& e) {
        std::fprintf(stderr, "ntp_flood: %s\n", e.what());
        return 2;
    }

    Tally t;
    ntp::io::RecvBatch batch(32, 2048);
    std::vector<std::uint8_t> pkt(48);
    wire::NtpHeader h;
    h.leap = wire::LeapIndicator::unsynchronised;
    h.version = 4;
    h.mode = wire::Mode::client;
    h.poll_log2 = 6;
    h.precision_log2 = -20;

    // Pace in 5 ms steps: send what is due, then read until the next step.
    constexpr double step_s = 0.005;
    const double start = monotonic_s();
    std::size_t next_source = 0;
    for (double now = start; now - start < a.seconds; now = monotonic_s()) {
        long due = static_cast<long>((now - start) * a.rate_pps) + 1;
        while (t.sent + t.send_errors < due) {
            if (a.mode6) {
                // VN 2, mode 6, READVAR, sequence, status 0, association 0, count 0.
                const auto seq = static_cast<std::uint16_t>(t.sent + 1);
                pkt = {0x16, 0x02, static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq),
                       0, 0, 0, 0, 0, 0, 0, 0};
            } else {
                h.transmit_ts = wire::NtpTime::from_timespec(realtime()).timestamp();
                pkt.resize(48);
                wire::encode_header(h, pkt);
            }
            if (sources[next_source].socket.send_to(pkt, dest)) {
                ++t.sent;
                t.request_bytes += static_cast<long>(pkt.size());
            } else {
                ++t.send_errors;
            }
            next_source = (next_source + 1) % sources.size();
        }
        double next_step = now + step_s;
        int wait_ms = static_cast<int>((next_step - monotonic_s()) * 1000);
        drain(sources, fds, wait_ms > 0 ? wait_ms : 0, batch, t);
    }
    // Late replies.
    const double end = monotonic_s() + 0.5;
    for (double now = monotonic_s(); now < end; now = monotonic_s()) {
        drain(sources, fds, static_cast<int>((end - now) * 1000) + 1, batch, t);
    }

    long answered = 0;
    for (const auto& s : sources) answered += s.answered ? 1 : 0;
    std::printf("sent=%ld replies=%ld kod=%ld answered_sources=%ld send_errors=%ld request_bytes=%ld "
                "reply_bytes=%ld\n",
                t.sent, t.replies, t.kods, answered, t.send_errors, t.request_bytes, t.reply_bytes);
    return 0;
}
