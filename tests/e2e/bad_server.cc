// bad_server: a scripted NTP server for the ntpdate e2e tests. It answers
// every mode 3 request in one fixed way, good or deliberately broken, and
// logs each request it sees.
//
//   bad_server --listen ADDR [--port N] [--mode MODE] [--offset SECONDS]
//              [--log FILE] [--keys FILE --key ID] [--reuseaddr 1]
//
// MODE (default good):
//   good            stratum 2, LI 0, refid 127.127.1.1, a recent reference time
//   wrong-origin    origin is not our request's transmit timestamp
//   li3             leap indicator 3 (unsynchronised)
//   stratum16       stratum 16
//   zero-receive    receive timestamp zero
//   transmit-equals-receive   T3 == T2 (not strictly later)
//   kod-rate        kiss-o'-death RATE (LI 3, stratum 0, refid RATE)
//   windows         w32time with AnnounceFlags=5: stratum 1, refid LOCL,
//                   version 3, root dispersion 10 s
//   silent          never answers
//   bad-mac         like good, with a MAC whose digest is wrong (needs --key)
// --offset shifts the server's clock (positive: the server is ahead).
// With --keys/--key every reply carries a MAC under that key.
//
// The socket is bound without SO_REUSEADDR, like a classic ntpd after its
// interface setup, so ntpdate's bind to port 123 fails with EADDRINUSE;
// --reuseaddr 1 sets it, so ntpdate can bind the wildcard address, port 123,
// beside it (to test ntpdate's normal mode in one network namespace).
// Prints "ready" on stdout once bound. Each request is logged as
//   request t=<monotonic seconds> from=<addr> port=<source port> len=<octets>

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>

#include "libntp/auth/key_store.hh"
#include "libntp/auth/keys_file.hh"
#include "libntp/auth/mac.hh"
#include "libntp/clock/kernel_clock.hh"
#include "libntp/io/endpoint.hh"
#include "libntp/io/unique_fd.hh"
#include "libntp/wire/ntp_packet.hh"
#include "libntp/wire/ntp_time.hh"

namespace wire = ntp::wire;
namespace io = ntp::io;

namespace {

struct Config {
    std::string listen;
    std::uint16_t port = 123;
    std::string mode = "good";
    double offset_s = 0;
    std::string log_path;
    std::string keys_path;
    std::optional<std::uint32_t> key;
    bool reuse_addr = false;
};

int usage() {
    std::fprintf(stderr,
                 "usage: bad_server --listen ADDR [--port N] [--mode MODE] [--offset S] "
                 "[--log FILE] [--keys FILE --key ID] [--reuseaddr 1]\n");
    return 2;
}

bool known_mode(const std::string& m) {
    for (const char* k : {"good", "wrong-origin", "li3", "stratum16", "zero-receive",
                          "transmit-equals-receive", "kod-rate", "windows", "silent", "bad-mac"}) {
        if (m == k) return true;
    }
    return false;
}

double monotonic_s() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

wire::NtpTimestamp server_now(double offset_s) {
    return wire::NtpTime::from_timespec(ntp::clock::read_realtime()).add_seconds(offset_s).timestamp();
}

wire::NtpHeader reply_for(const wire::NtpHeader& request, const Config& c,
                          wire::NtpTimestamp received) {
    wire::NtpHeader h;
    h.leap = wire::LeapIndicator::none;
    h.version = request.version;
    h.mode = wire::Mode::server;
    h.stratum = 2;
    h.poll_log2 = request.poll_log2;
    h.precision_log2 = -20;
    h.root_delay = wire::NtpShort::from_seconds(0.001);
    h.root_dispersion = wire::NtpShort::from_seconds(0.01);
    h.refid = wire::RefId::from_ipv4({127, 127, 1, 1});
    h.reference_ts = wire::NtpTimestamp::from_raw(received.raw() - (std::uint64_t{30} << 32));
    h.origin_ts = request.transmit_ts;
    h.receive_ts = received;
    h.transmit_ts = server_now(c.offset_s);
    if (h.transmit_ts.raw() <= h.receive_ts.raw()) {
        h.transmit_ts = wire::NtpTimestamp::from_raw(h.receive_ts.raw() + 1);
    }
    const std::string& m = c.mode;
    if (m == "wrong-origin") {
        h.origin_ts = wire::NtpTimestamp::from_raw(request.transmit_ts.raw() ^ 0x100000000ull);
    } else if (m == "li3") {
        h.leap = wire::LeapIndicator::unsynchronised;
    } else if (m == "stratum16") {
        h.stratum = 16;
    } else if (m == "zero-receive") {
        h.receive_ts = wire::NtpTimestamp();
    } else if (m == "transmit-equals-receive") {
        h.transmit_ts = h.receive_ts;
    } else if (m == "kod-rate") {
        h.leap = wire::LeapIndicator::unsynchronised;
        h.stratum = 0;
        h.refid = wire::RefId::from_ascii("RATE");
        h.reference_ts = wire::NtpTimestamp();
        h.receive_ts = wire::NtpTimestamp();
        h.transmit_ts = wire::NtpTimestamp();
    } else if (m == "windows") {
        h.version = 3;
        h.stratum = 1;
        h.refid = wire::RefId::from_ascii("LOCL");
        h.precision_log2 = -23;
        h.root_delay = wire::NtpShort();
        h.root_dispersion = wire::NtpShort::from_seconds(10.0);
    }
    return h;
}

}  // namespace

int main(int argc, char** argv) {
    Config c;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (i + 1 >= argc) return usage();
        std::string v = argv[++i];
        if (a == "--listen") c.listen = v;
        else if (a == "--port") c.port = static_cast<std::uint16_t>(std::atoi(v.c_str()));
        else if (a == "--mode") c.mode = v;
        else if (a == "--offset") c.offset_s = std::atof(v.c_str());
        else if (a == "--log") c.log_path = v;
        else if (a == "--keys") c.keys_path = v;
        else if (a == "--key") c.key = static_cast<std::uint32_t>(std::atol(v.c_str()));
        else if (a == "--reuseaddr") c.reuse_addr = v == "1";
        else return usage();
    }
    auto addr = io::IpAddress::parse(c.listen);
    if (!addr || !known_mode(c.mode) || (c.mode == "bad-mac" && !c.key)) return usage();

    ntp::auth::KeyStore keys;
    ntp::auth::MacComputer macs;
    if (c.key) {
        auto file = ntp::auth::read_keys_file(c.keys_path);
        if (file.rejected()) {
            std::fprintf(stderr, "bad_server: %s\n", file.verdict.c_str());
            return 2;
        }
        keys.replace_keys(std::move(file.keys));
        keys.set_trusted(*c.key);
    }

    io::Endpoint local{*addr, c.port, 0};
    sockaddr_storage ss{};
    socklen_t len = local.to_sockaddr(ss);
    io::UniqueFd fd(::socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    int on = 1;
    if (fd && c.reuse_addr) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (!fd || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
        std::fprintf(stderr, "bad_server: bind %s: %s\n", local.to_string().c_str(),
                     std::strerror(errno));
        return 2;
    }
    std::FILE* log = nullptr;
    if (!c.log_path.empty()) log = std::fopen(c.log_path.c_str(), "a");
    std::printf("ready\n");
    std::fflush(stdout);

    for (;;) {
        std::uint8_t buf[1024];
        sockaddr_storage from{};
        socklen_t from_len = sizeof from;
        ssize_t n = ::recvfrom(fd.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from),
                               &from_len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        wire::NtpTimestamp received = server_now(c.offset_s);
        auto src = io::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&from), from_len);
        if (log != nullptr && src) {
            std::fprintf(log, "request t=%.6f from=%s port=%u len=%zd\n", monotonic_s(),
                         src->addr.to_string().c_str(), src->port, n);
            std::fflush(log);
        }
        auto request = wire::decode_header(std::span<const std::uint8_t>(buf, static_cast<std::size_t>(n)));
        if (!request || request->mode != wire::Mode::client || c.mode == "silent") continue;

        std::uint8_t out[wire::header_size + wire::max_mac_size];
        wire::PacketWriter w(out);
        w.header(reply_for(*request, c, received));
        if (c.key) {
            std::uint8_t digest[wire::max_digest_size];
            std::size_t d = keys.sign(macs, *c.key, w.authenticated(), digest);
            if (c.mode == "bad-mac" && d > 0) digest[0] ^= 0xff;
            w.mac(*c.key, std::span<const std::uint8_t>(digest, d));
        }
        auto packet = w.finish();
        if (!packet) continue;
        ::sendto(fd.get(), packet->data(), packet->size(), 0, reinterpret_cast<sockaddr*>(&from),
                 from_len);
    }
}
