#include "libntp/io/rtnetlink.hh"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "libntp/io/udp_socket.hh"

namespace ntp::io {

namespace {

constexpr std::size_t align4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

template <typename T>
bool read_struct(std::span<const std::uint8_t> bytes, std::size_t at, T& out) {
    if (at > bytes.size() || bytes.size() - at < sizeof(T)) return false;
    std::memcpy(&out, bytes.data() + at, sizeof(T));
    return true;
}

// Calls visit(type, payload) for each well-formed rtattr in `attrs`.
template <typename Visit>
void for_each_attribute(std::span<const std::uint8_t> attrs, Visit visit) {
    std::size_t at = 0;
    rtattr a{};
    while (read_struct(attrs, at, a)) {
        if (a.rta_len < sizeof(rtattr) || a.rta_len > attrs.size() - at) return;
        visit(a.rta_type, attrs.subspan(at + sizeof(rtattr), a.rta_len - sizeof(rtattr)));
        at += align4(a.rta_len);
    }
}

std::string text_of(std::span<const std::uint8_t> payload) {
    std::string s(payload.begin(), payload.end());
    if (auto nul = s.find('\0'); nul != std::string::npos) s.resize(nul);
    return s;
}

std::optional<IpAddress> address_of(int family, std::span<const std::uint8_t> payload) {
    if (family == AF_INET && payload.size() == 4) {
        std::uint32_t v = (std::uint32_t{payload[0]} << 24) | (std::uint32_t{payload[1]} << 16) |
                          (std::uint32_t{payload[2]} << 8) | payload[3];
        return IpAddress::v4(v);
    }
    if (family == AF_INET6 && payload.size() == 16) {
        std::array<std::uint8_t, 16> o{};
        std::memcpy(o.data(), payload.data(), 16);
        return IpAddress::v6(o);
    }
    return std::nullopt;
}

std::optional<RtnlEvent> parse_address(std::uint16_t type, std::span<const std::uint8_t> body) {
    ifaddrmsg m{};
    if (!read_struct(body, 0, m)) return std::nullopt;
    if (m.ifa_family != AF_INET && m.ifa_family != AF_INET6) return std::nullopt;
    RtnlEvent e;
    e.kind = type == RTM_NEWADDR ? RtnlKind::new_address : RtnlKind::deleted_address;
    e.ifindex = static_cast<int>(m.ifa_index);
    e.prefix_len = m.ifa_prefixlen;
    e.flags = m.ifa_flags;
    std::optional<IpAddress> local, address;
    for_each_attribute(body.subspan(align4(sizeof m)), [&](std::uint16_t t, auto payload) {
        switch (t) {
        case IFA_LOCAL: local = address_of(m.ifa_family, payload); break;
        case IFA_ADDRESS: address = address_of(m.ifa_family, payload); break;
        case IFA_LABEL: e.ifname = text_of(payload); break;
        case IFA_FLAGS:
            if (payload.size() == 4) std::memcpy(&e.flags, payload.data(), 4);
            break;
        default: break;
        }
    });
    // On a point-to-point link IFA_ADDRESS is the far end; IFA_LOCAL is ours.
    e.address = local ? local : address;
    return e;
}

std::optional<RtnlEvent> parse_link(std::uint16_t type, std::span<const std::uint8_t> body) {
    ifinfomsg m{};
    if (!read_struct(body, 0, m)) return std::nullopt;
    RtnlEvent e;
    e.kind = type == RTM_NEWLINK ? RtnlKind::new_link : RtnlKind::deleted_link;
    e.ifindex = m.ifi_index;
    e.flags = m.ifi_flags;
    for_each_attribute(body.subspan(align4(sizeof m)), [&](std::uint16_t t, auto payload) {
        if (t == IFLA_IFNAME) e.ifname = text_of(payload);
    });
    return e;
}

}  // namespace

bool RtnlEvent::tentative() const {
    return (kind == RtnlKind::new_address || kind == RtnlKind::deleted_address) &&
           (flags & IFA_F_TENTATIVE) != 0;
}

std::vector<RtnlEvent> parse_rtnetlink(std::span<const std::uint8_t> bytes) {
    std::vector<RtnlEvent> out;
    std::size_t at = 0;
    nlmsghdr h{};
    while (read_struct(bytes, at, h)) {
        if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > bytes.size() - at) break;
        auto body = bytes.subspan(at + sizeof(nlmsghdr), h.nlmsg_len - sizeof(nlmsghdr));
        std::optional<RtnlEvent> e;
        switch (h.nlmsg_type) {
        case RTM_NEWADDR:
        case RTM_DELADDR: e = parse_address(h.nlmsg_type, body); break;
        case RTM_NEWLINK:
        case RTM_DELLINK: e = parse_link(h.nlmsg_type, body); break;
        case NLMSG_OVERRUN: e = RtnlEvent{}; break;
        default: break;
        }
        if (e) out.push_back(std::move(*e));
        if (h.nlmsg_type == NLMSG_DONE) break;
        at += align4(h.nlmsg_len);
    }
    return out;
}

std::optional<RtnetlinkWatch> RtnetlinkWatch::open(std::string& error) {
    UniqueFd fd = open_socket(AF_NETLINK, SOCK_RAW, true);
    if (!fd) {
        error = std::string("socket(AF_NETLINK): ") + std::strerror(errno);
        return std::nullopt;
    }
    sockaddr_nl sa{};
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
        error = std::string("bind(AF_NETLINK): ") + std::strerror(errno);
        return std::nullopt;
    }
    return RtnetlinkWatch(std::move(fd));
}

std::vector<RtnlEvent> RtnetlinkWatch::read_pending() {
    std::vector<RtnlEvent> out;
    // A notification is a few hundred octets; link messages up to ~1.5 kB.
    std::array<std::uint8_t, 16384> buf{};
    for (int reads = 0; reads < 256; ++reads) {
        sockaddr_nl from{};
        socklen_t from_len = sizeof from;
        ssize_t n = ::recvfrom(fd_.get(), buf.data(), buf.size(), MSG_DONTWAIT,
                               reinterpret_cast<sockaddr*>(&from), &from_len);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == ENOBUFS) {
                out.push_back(RtnlEvent{});  // dropped notifications: rescan
                continue;
            }
            break;  // EAGAIN: all read
        }
        if (n == 0) break;
        if (from.nl_pid != 0) continue;  // only the kernel speaks here
        auto events = parse_rtnetlink(std::span<const std::uint8_t>(buf.data(), static_cast<std::size_t>(n)));
        out.insert(out.end(), events.begin(), events.end());
    }
    return out;
}

}  // namespace ntp::io
