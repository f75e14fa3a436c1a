#include "ntpq/namer.hh"

#include <netdb.h>
#include <sys/socket.h>

#include "ntpq/format.hh"

namespace ntpq {

std::string Namer::name_or_number(const ntp::io::IpAddress& a) const {
    if (reverse_) {
        if (auto name = reverse_(a)) return *name;
    }
    return address_text(a);
}

std::string Namer::host(const ntp::io::IpAddress& a) const {
    if (!show_names_ || a.family == ntp::io::Family::none || a.is_unspecified())
        return address_text(a);
    if (is_refclock_address(a)) return refclock_name(a);
    return name_or_number(a);
}

std::string Namer::host_port(const ntp::io::Endpoint& e) const {
    if (!show_names_ || e.addr.family == ntp::io::Family::none || e.addr.is_unspecified())
        return address_port_text(e);
    if (is_refclock_address(e.addr)) return refclock_name(e.addr);
    return name_or_number(e.addr) + ":" + std::to_string(e.port);
}

std::optional<std::string> Namer::system_reverse(const ntp::io::IpAddress& a) {
    ntp::io::Endpoint e;
    e.addr = a;
    sockaddr_storage ss{};
    const socklen_t len = e.to_sockaddr(ss);
    if (len == 0) return std::nullopt;
    char host[NI_MAXHOST];
    if (getnameinfo(reinterpret_cast<const sockaddr*>(&ss), len, host, sizeof host, nullptr, 0,
                    NI_NAMEREQD) != 0)
        return std::nullopt;
    return std::string(host);
}

}  // namespace ntpq
