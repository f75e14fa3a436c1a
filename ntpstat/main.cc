// ntpstat: show the local ntpd's synchronisation state (classic ntpstat).
// One READVAR to 127.0.0.1:123, one second to answer; see report.hh.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "libntp/io/unique_fd.hh"
#include "ntpstat/report.hh"

namespace {

int finish(const ntpstat::Report& r) {
    std::fputs(r.out.c_str(), stdout);
    std::fflush(stdout);
    std::fputs(r.err.c_str(), stderr);
    return r.exit_code;
}

ntpstat::Report query() {
    ntp::io::UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd) return ntpstat::failure("unable to open socket");
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(123);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&sin), sizeof sin) != 0) {
        std::perror("On connect");
        return ntpstat::failure("unable to connect to socket");
    }
    const auto req = ntpstat::request();
    if (::send(fd.get(), req.data(), req.size(), 0) < 0) {
        std::perror("On send");
        return ntpstat::failure("unable to send command to NTP port");
    }
    pollfd p{fd.get(), POLLIN, 0};
    int n;
    do n = ::poll(&p, 1, 1000);
    while (n < 0 && errno == EINTR);
    if (n == 0) return ntpstat::timeout();
    if (n < 0) return ntpstat::failure("error on select");
    std::vector<std::uint8_t> buf(req.size());
    const ssize_t got = ::recv(fd.get(), buf.data(), buf.size(), 0);
    if (got < 0) return ntpstat::unreachable();
    buf.resize(static_cast<std::size_t>(got));
    return ntpstat::interpret(buf);
}

}  // namespace

int main() { return finish(query()); }
