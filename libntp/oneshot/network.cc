#include "libntp/oneshot/network.hh"

#include <netdb.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>

#include "libntp/io/unique_fd.hh"

namespace ntp::oneshot {

namespace io = ntp::io;

namespace {

struct AddrinfoFree {
    void operator()(addrinfo* p) const { freeaddrinfo(p); }
};

int lookup(const std::string& name, const char* service, int family,
           std::unique_ptr<addrinfo, AddrinfoFree>& out) {
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* result = nullptr;
    int rc = getaddrinfo(name.c_str(), service, &hints, &result);
    out.reset(result);
    return rc;
}

bool unsupported_family(int err) {
    return err == EAFNOSUPPORT || err == EPROTONOSUPPORT || err == EPFNOSUPPORT ||
           err == EADDRNOTAVAIL;
}

}  // namespace

bool Resolution::name_server_failed() const {
    return gai_error == EAI_AGAIN || gai_error == EAI_FAIL;
}

Resolution resolve(const std::string& name, AddressFamily family) {
    int af = family == AddressFamily::v4 ? AF_INET : family == AddressFamily::v6 ? AF_INET6
                                                                                  : AF_UNSPEC;
    std::unique_ptr<addrinfo, AddrinfoFree> list;
    Resolution r;
    r.gai_error = lookup(name, "ntp", af, list);
    if (r.gai_error == EAI_SERVICE) r.gai_error = lookup(name, "123", af, list);
    if (r.gai_error != 0) {
        r.error_text = gai_strerror(r.gai_error);
        return r;
    }
    for (addrinfo* p = list.get(); p != nullptr; p = p->ai_next) {
        auto e = io::Endpoint::from_sockaddr(p->ai_addr, p->ai_addrlen);
        if (!e) continue;
        e->port = 123;
        bool seen = false;
        for (const auto& have : r.addresses) seen = seen || have == *e;
        if (!seen) r.addresses.push_back(*e);
    }
    return r;
}

bool is_reachable(const io::Endpoint& address) {
    sockaddr_storage ss{};
    socklen_t len = address.to_sockaddr(ss);
    if (len == 0) return false;
    io::UniqueFd fd(::socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd) return false;
    return ::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) == 0;
}

io::UdpSocket* SocketSet::for_family(io::Family f) {
    auto& slot = f == io::Family::v6 ? v6 : v4;
    return slot ? &*slot : nullptr;
}

SocketSetup open_sockets(bool bind_ntp_port, AddressFamily family, bool need_v4, bool need_v6) {
    SocketSetup setup;
    io::UdpSocket::Options options;
    options.reuse_addr = true;
    options.kernel_timestamps = true;
    const std::uint16_t port = bind_ntp_port ? 123 : 0;
    for (io::Family f : {io::Family::v4, io::Family::v6}) {
        bool wanted = f == io::Family::v4 ? family != AddressFamily::v6 : family != AddressFamily::v4;
        // Classic opens every family in normal mode (so a daemon holding
        // port 123 on either is noticed); for a query only what is needed.
        if (!bind_ntp_port) wanted = wanted && (f == io::Family::v4 ? need_v4 : need_v6);
        if (!wanted) continue;
        io::Endpoint local{io::IpAddress::any(f), port, 0};
        try {
            auto& slot = f == io::Family::v4 ? setup.sockets.v4 : setup.sockets.v6;
            slot.emplace(io::UdpSocket::bind(local, options));
        } catch (const std::system_error& e) {
            int err = e.code().value();
            if (unsupported_family(err)) continue;  // e.g. no IPv6 in this kernel
            if (bind_ntp_port && err == EADDRINUSE) {
                setup.fatal_error = "the NTP socket is in use, exiting";
            } else {
                setup.fatal_error = std::string("bind() fails: ") + std::strerror(err);
            }
            return setup;
        }
    }
    return setup;
}

}  // namespace ntp::oneshot
