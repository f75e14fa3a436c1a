#include "libntp/client/channel.hh"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "libntp/wire/mode6.hh"

namespace ntp::client {
namespace {

using AddrInfoPtr = std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)>;

// Numeric first; a name lookup (with the canonical name) only when that fails.
int resolve(const std::string& name, const std::string& port, int family, addrinfo** ai) {
    addrinfo hints{};
    hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_protocol = IPPROTO_UDP;
    hints.ai_flags = AI_NUMERICHOST;
    int rc = ::getaddrinfo(name.c_str(), port.c_str(), &hints, ai);
    if (rc == EAI_NONAME
#ifdef EAI_NODATA
        || rc == EAI_NODATA
#endif
    ) {
        hints.ai_flags = AI_CANONNAME | AI_ADDRCONFIG;
        rc = ::getaddrinfo(name.c_str(), port.c_str(), &hints, ai);
        if (rc == EAI_BADFLAGS) {
            hints.ai_flags = AI_CANONNAME;
            rc = ::getaddrinfo(name.c_str(), port.c_str(), &hints, ai);
        }
    }
    return rc;
}

Channel::Received failed(int err) {
    Channel::Received r;
    r.what = err == EINTR ? Channel::Wait::interrupted : Channel::Wait::error;
    r.error = err;
    return r;
}

}  // namespace

std::unique_ptr<UdpChannel> UdpChannel::open(const void* sa, unsigned len, int family,
                                             std::string& error, int* err_no) {
    ntp::io::UniqueFd fd(::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd) {
        if (err_no) *err_no = errno;
        error = std::string("socket: ") + std::strerror(errno);
        return nullptr;
    }
    if (::connect(fd.get(), static_cast<const sockaddr*>(sa), len) != 0) {
        if (err_no) *err_no = errno;
        error = std::string("connect: ") + std::strerror(errno);
        return nullptr;
    }
    return std::unique_ptr<UdpChannel>(new UdpChannel(std::move(fd)));
}

int UdpChannel::send(std::span<const std::uint8_t> datagram) {
    if (::send(fd_.get(), datagram.data(), datagram.size(), 0) < 0) return errno;
    return 0;
}

Channel::Received UdpChannel::receive(std::chrono::milliseconds timeout) {
    pollfd p{fd_.get(), POLLIN, 0};
    const int ms = timeout.count() < 0 ? 0 : static_cast<int>(std::min<long long>(timeout.count(), 1 << 30));
    const int n = ::poll(&p, 1, ms);
    if (n < 0) return failed(errno);
    Received r;
    if (n == 0) return r;  // Wait::timeout
    r.bytes.resize(ntp::wire::mode6::max_datagram_len + 512);
    const ssize_t got = ::recv(fd_.get(), r.bytes.data(), r.bytes.size(), 0);
    if (got < 0) return failed(errno);
    r.bytes.resize(static_cast<std::size_t>(got));
    r.what = Wait::datagram;
    return r;
}

Result<Connection> connect_udp(const std::string& host, std::uint16_t port, int family) {
    std::string name = host;
    if (!name.empty() && name[0] == '[') {
        const auto close = name.find(']');
        if (close == std::string::npos) return Status(EINVAL, "bad hostname/address: Invalid argument");
        name = name.substr(1, close - 1);
    }
    addrinfo* ai = nullptr;
    // The port numerically: a minimal system may lack /etc/services.
    if (int rc = resolve(name, std::to_string(port), family, &ai); rc != 0)
        return Status(-1, gai_strerror(rc));
    AddrInfoPtr guard(ai, &::freeaddrinfo);
    Connection out;
    auto endpoint = ntp::io::Endpoint::from_sockaddr(ai->ai_addr, ai->ai_addrlen);
    if (endpoint) out.address = endpoint->addr;
    if (ai->ai_canonname) {
        out.display_name = ai->ai_canonname;
    } else {
        out.display_name = endpoint ? endpoint->addr.to_string() : name;
        out.numeric = true;
    }
    std::string why;
    int err = 0;
    auto channel = UdpChannel::open(ai->ai_addr, ai->ai_addrlen, ai->ai_family, why, &err);
    if (!channel) return Status(err, why);
    out.channel = std::move(channel);
    return out;
}

}  // namespace ntp::client
