#include "ntpd/interfaces.hh"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <memory>

namespace ntpd {

using ntp::config::InterfaceAction;
using ntp::config::InterfaceMatch;
using ntp::config::InterfaceRule;
using ntp::io::Endpoint;
using ntp::io::Family;
using ntp::io::IpAddress;

namespace {

unsigned prefix_of(const sockaddr* netmask) {
    if (netmask == nullptr) return 0;
    auto m = Endpoint::from_sockaddr(netmask, netmask->sa_family == AF_INET6
                                                  ? sizeof(sockaddr_in6)
                                                  : sizeof(sockaddr_in));
    if (!m) return 0;
    return m->addr.prefix_length().value_or(0);
}

bool same_network(const IpAddress& a, const IpAddress& net, int prefix_len) {
    if (a.family != net.family) return false;
    if (prefix_len < 0) return a == net;
    IpAddress mask = IpAddress::mask_of(a.family, static_cast<unsigned>(prefix_len));
    return a.masked(mask) == net.masked(mask);
}

ntp::io::IpAddress from_config(const ntp::config::IpAddress& c) {
    IpAddress a;
    a.family = c.is_v6() ? Family::v6 : Family::v4;
    a.bytes = c.bytes;
    return a;
}

// Does `rule` apply to this socket? `ipv4`, `ipv6`, names and addresses
// cover real addresses, `all` those that are not loopback (as in classic);
// the wildcard sockets are addressed by the `wildcard` keyword alone.
bool rule_matches(const InterfaceRule& rule, const PlannedSocket& s) {
    switch (rule.match) {
    case InterfaceMatch::all: return !s.wildcard && !s.loopback;
    case InterfaceMatch::ipv4: return !s.wildcard && s.endpoint.addr.is_v4();
    case InterfaceMatch::ipv6: return !s.wildcard && s.endpoint.addr.is_v6();
    case InterfaceMatch::wildcard: return s.wildcard;
    case InterfaceMatch::name: return !s.wildcard && s.name == rule.name;
    case InterfaceMatch::address:
        return !s.wildcard && rule.address &&
               same_network(s.endpoint.addr, from_config(*rule.address), rule.prefix_len);
    }
    return false;
}

bool named_by_dash_i(const std::vector<std::string>& only, const PlannedSocket& s) {
    for (const auto& item : only) {
        if (item == s.name) return true;
        if (auto a = IpAddress::parse(item); a && *a == s.endpoint.addr) return true;
    }
    return false;
}

}  // namespace

std::vector<LocalAddress> local_addresses() {
    std::vector<LocalAddress> out;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return out;
    std::unique_ptr<ifaddrs, void (*)(ifaddrs*)> guard(list, freeifaddrs);
    for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
        if (i->ifa_addr == nullptr) continue;
        int fam = i->ifa_addr->sa_family;
        if (fam != AF_INET && fam != AF_INET6) continue;
        auto e = Endpoint::from_sockaddr(i->ifa_addr,
                                         fam == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in));
        if (!e) continue;
        LocalAddress a;
        a.interface = i->ifa_name != nullptr ? i->ifa_name : "";
        a.address = e->addr;
        a.scope_id = e->scope_id;
        a.prefix_len = prefix_of(i->ifa_netmask);
        a.up = (i->ifa_flags & IFF_UP) != 0;
        a.loopback = (i->ifa_flags & IFF_LOOPBACK) != 0;
        if (fam == AF_INET && (i->ifa_flags & IFF_BROADCAST) != 0 && i->ifa_broadaddr != nullptr) {
            if (auto b = Endpoint::from_sockaddr(i->ifa_broadaddr, sizeof(sockaddr_in)); b && !b->addr.is_unspecified())
                a.broadcast = b->addr;
        }
        out.push_back(a);
    }
    return out;
}

std::vector<PlannedSocket> plan_sockets(const std::vector<LocalAddress>& addresses,
                                        const std::vector<InterfaceRule>& rules,
                                        const InterfaceOptions& options) {
    std::vector<PlannedSocket> candidates;
    auto family_ok = [&](Family f) {
        if (options.ipv4_only) return f == Family::v4;
        if (options.ipv6_only) return f == Family::v6;
        return true;
    };
    if (family_ok(Family::v6)) {
        candidates.push_back({"v6wildcard", Endpoint{IpAddress::any(Family::v6), options.port},
                              SocketRole::drop, true, false, std::nullopt});
    }
    if (family_ok(Family::v4)) {
        candidates.push_back({"v4wildcard", Endpoint{IpAddress::any(Family::v4), options.port},
                              SocketRole::drop, true, false, std::nullopt});
    }
    for (const auto& a : addresses) {
        if (!a.up || !family_ok(a.address.family)) continue;
        if (options.novirtualips && a.interface.find(':') != std::string::npos) continue;
        PlannedSocket s;
        s.name = a.interface;
        s.endpoint = Endpoint{a.address, options.port, a.scope_id};
        s.role = SocketRole::listen;
        s.loopback = a.loopback;
        s.broadcast = a.broadcast;
        candidates.push_back(s);
    }

    std::vector<PlannedSocket> plan;
    for (auto& s : candidates) {
        std::optional<InterfaceAction> action;
        if (!options.only.empty() && !s.wildcard) {
            action = named_by_dash_i(options.only, s) ? InterfaceAction::listen
                                                      : InterfaceAction::ignore;
        }
        for (const auto& rule : rules) {
            if (rule_matches(rule, s)) action = rule.action;  // the last match wins
        }
        if (!action) {
            // No rule said anything: wildcards drop (their role already),
            // loopback listens; other addresses listen only when there are
            // no rules at all (classic's implicit ignore).
            if (s.wildcard || s.loopback || rules.empty()) plan.push_back(s);
            continue;
        }
        switch (*action) {
        case InterfaceAction::ignore: continue;
        case InterfaceAction::drop: s.role = SocketRole::drop; break;
        case InterfaceAction::listen: s.role = SocketRole::listen; break;
        }
        plan.push_back(s);
    }
    return plan;
}

std::string listen_message(std::size_t index, const PlannedSocket& socket) {
    std::string where;
    const auto& e = socket.endpoint;
    if (e.addr.is_v6()) {
        where = "[" + e.addr.to_string();
        if (e.scope_id != 0) where += "%" + std::to_string(e.scope_id);
        where += "]:" + std::to_string(e.port);
    } else {
        where = e.to_string();
    }
    return std::string(socket.role == SocketRole::listen ? "Listen normally on "
                                                         : "Listen and drop on ") +
           std::to_string(index) + " " + socket.name + " " + where;
}

}  // namespace ntpd
