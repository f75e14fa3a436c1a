// ntp_probe: a small NTP packet sender for the server e2e tests.
//
//   ntp_probe [options] SERVER         (a subnet broadcast address works too)
//     --bind ADDR        source address (e.g. 127.0.0.3 to test restrict rules)
//     --port N           server port (default 123)
//     --mode N           mode of the request (default 3; 1 = w32time symmetric active)
//     --version N        version field (default 4)
//     --poll N           poll field (default 6)
//     --count N          requests to send (default 1)
//     --interval-ms N    pause between requests (default 0)
//     --timeout-ms N     how long to wait for each reply (default 1000)
//     --raw HEX          send these octets instead of a built request
//     --size N           pad the request with zero octets to N octets
//                        (e.g. to carry extension-field-sized junk)
//
// For every reply one line:
//   reply len=48 li=0 vn=3 mode=2 stratum=11 poll=10 refid=LOCL origin=ok rec<xmt=yes
//         rootdelay=0.000000 rootdisp=0.010000   (on the same line)
// (refid printed as text when it is a kiss code or refclock id, else as a
// dotted quad; origin=ok when the reply's origin equals the request's
// transmit timestamp), "reply len=N (not a time packet)" for shorter replies
// (mode 6), or "timeout".
// The last line is "sent=N replies=M kod=K". Exit status 0 when all went
// out, 2 on usage or socket errors.

#include <sys/socket.h>

#include <poll.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
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
    std::string server;
    std::string bind = "";
    int port = 123;
    int mode = 3;
    int version = 4;
    int poll = 6;
    int count = 1;
    int interval_ms = 0;
    int timeout_ms = 1000;
    std::string raw_hex;
    std::size_t size = 0;  // 0: as built (48) or as given (--raw)
};

timespec now_realtime() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts;
}

bool parse(int argc, char** argv, Args& a) {
    for (int i = 1; i < argc; ++i) {
        std::string opt = argv[i];
        auto value = [&](int& out) {
            if (i + 1 >= argc) return false;
            out = std::atoi(argv[++i]);
            return true;
        };
        if (opt == "--bind" && i + 1 < argc) a.bind = argv[++i];
        else if (opt == "--port") { if (!value(a.port)) return false; }
        else if (opt == "--mode") { if (!value(a.mode)) return false; }
        else if (opt == "--version") { if (!value(a.version)) return false; }
        else if (opt == "--poll") { if (!value(a.poll)) return false; }
        else if (opt == "--count") { if (!value(a.count)) return false; }
        else if (opt == "--interval-ms") { if (!value(a.interval_ms)) return false; }
        else if (opt == "--timeout-ms") { if (!value(a.timeout_ms)) return false; }
        else if (opt == "--raw" && i + 1 < argc) a.raw_hex = argv[++i];
        else if (opt == "--size" && i + 1 < argc) a.size = static_cast<std::size_t>(std::atoi(argv[++i]));
        else if (!opt.empty() && opt[0] != '-' && a.server.empty()) a.server = opt;
        else return false;
    }
    return !a.server.empty();
}

std::vector<std::uint8_t> from_hex(const std::string& hex) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<std::uint8_t>(std::strtoul(hex.substr(i, 2).c_str(), nullptr, 16)));
    }
    return out;
}

// Kiss codes and refclock ids as text, addresses as a dotted quad.
std::string refid_text(const wire::NtpHeader& h) {
    if (h.stratum <= 1 || h.stratum >= 16) {
        if (auto a = h.refid.ascii()) return *a;
    }
    bool printable = true;
    for (auto b : h.refid.bytes) printable &= (b >= 'A' && b <= 'Z') || b == 0;
    if (printable && h.refid.bytes[0] != 0) {
        if (auto a = h.refid.ascii()) return *a;
    }
    return h.refid.dotted_quad();
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    if (!parse(argc, argv, a)) {
        std::fprintf(stderr, "usage: ntp_probe [--bind A] [--port N] [--mode N] [--version N] "
                             "[--poll N] [--count N] [--interval-ms N] [--timeout-ms N] "
                             "[--raw HEX] [--size N] SERVER\n");
        return 2;
    }
    auto server_addr = IpAddress::parse(a.server);
    if (!server_addr) {
        std::fprintf(stderr, "ntp_probe: %s is not a numeric address\n", a.server.c_str());
        return 2;
    }
    Endpoint server{*server_addr, static_cast<std::uint16_t>(a.port)};
    Endpoint local{IpAddress::any(server_addr->family), 0};
    if (!a.bind.empty()) {
        auto b = IpAddress::parse(a.bind);
        if (!b) return 2;
        local.addr = *b;
    }
    ntp::io::UdpSocket sock;
    try {
        ntp::io::UdpSocket::Options o;
        o.reuse_addr = false;
        sock = ntp::io::UdpSocket::bind(local, o);
        int on = 1;  // SERVER may be a broadcast address
        (void)setsockopt(sock.fd(), SOL_SOCKET, SO_BROADCAST, &on, sizeof on);
    } catch (const std::system_error& e) {
        std::fprintf(stderr, "ntp_probe: %s\n", e.what());
        return 2;
    }

    int replies = 0, kods = 0, sent = 0;
    ntp::io::RecvBatch batch(4, 2048);
    for (int n = 0; n < a.count; ++n) {
        std::vector<std::uint8_t> pkt;
        wire::NtpTimestamp xmt = wire::NtpTime::from_timespec(now_realtime()).timestamp();
        if (!a.raw_hex.empty()) {
            pkt = from_hex(a.raw_hex);
        } else {
            wire::NtpHeader h;
            h.leap = wire::LeapIndicator::unsynchronised;
            h.version = static_cast<std::uint8_t>(a.version);
            h.mode = static_cast<wire::Mode>(a.mode);
            h.poll_log2 = static_cast<std::int8_t>(a.poll);
            h.precision_log2 = -20;
            h.transmit_ts = xmt;
            pkt.resize(48);
            wire::encode_header(h, pkt);
        }
        if (pkt.size() < a.size) pkt.resize(a.size, 0);
        if (sock.send_to(pkt, server)) ++sent;

        bool got = false;
        timespec start = now_realtime();
        while (!got) {
            double waited_ms = wire::timespec_diff_s(now_realtime(), start) * 1000;
            int left = a.timeout_ms - static_cast<int>(waited_ms);
            if (left <= 0) break;
            pollfd p{sock.fd(), POLLIN, 0};
            if (poll(&p, 1, left) <= 0) break;
            sock.receive(batch, now_realtime);
            for (const auto& d : batch) {
                if (!(d.source == server)) continue;
                got = true;
                ++replies;
                auto h = wire::decode_header(d.data);
                if (!h) {
                    std::printf("reply len=%zu (not a time packet)\n", d.data.size());
                    continue;
                }
                bool kod = h->stratum == 0 && h->leap == wire::LeapIndicator::unsynchronised &&
                           h->refid.is("RATE");
                kods += kod ? 1 : 0;
                std::printf("reply len=%zu li=%d vn=%d mode=%d stratum=%d poll=%d refid=%s origin=%s "
                            "rec<xmt=%s rootdelay=%.6f rootdisp=%.6f\n",
                            d.data.size(), static_cast<int>(h->leap), h->version,
                            static_cast<int>(h->mode), h->stratum, h->poll_log2,
                            refid_text(*h).c_str(), h->origin_ts == xmt ? "ok" : "bad",
                            wire::diff_s(h->transmit_ts, h->receive_ts) > 0 ? "yes" : "no",
                            h->root_delay.to_seconds(), h->root_dispersion.to_seconds());
            }
        }
        if (!got) std::printf("timeout\n");
        if (a.interval_ms > 0 && n + 1 < a.count) {
            timespec ts{a.interval_ms / 1000, (a.interval_ms % 1000) * 1000000L};
            nanosleep(&ts, nullptr);
        }
    }
    std::printf("sent=%d replies=%d kod=%d\n", sent, replies, kods);
    return 0;
}
